"""The admin port's maintenance endpoints (`POST /flush`, `POST /compact`) and `kvcli cluster
flush`/`compact`: memtables go to SSTables, a major compaction leaves one SSTable per table
with newer versions still shadowing older ones, and wrong methods or paths get clear errors.
"""
import threading

import pytest

from conftest import admin_request, quorum_session, sstables, table_id, wait_until

cassandra = pytest.importorskip("cassandra")
from cassandra.concurrent import execute_concurrent_with_args  # noqa: E402

KEYSPACE = "maintenance"
NODES = (1, 2, 3)


def test_unknown_paths_and_wrong_methods_get_clear_errors(cluster):
    assert admin_request("127.0.0.1", "GET", "/health") == (200, {"status": "ok"})
    status, body = admin_request("127.0.0.1", "GET", "/nope")
    assert status == 404 and "POST /flush" in body["error"]
    for method, path in [("GET", "/flush"), ("GET", "/compact"), ("DELETE", "/flush"), ("POST", "/status")]:
        status, body = admin_request("127.0.0.1", method, path)
        assert status == 405 and path in body["error"], (method, path, body)


def test_flush_then_compact_keeps_the_newest_versions(cluster):
    with quorum_session(KEYSPACE) as session:
        session.execute("CREATE TABLE t (p int, c int, v text, PRIMARY KEY (p, c))")
        table = table_id(session, KEYSPACE, "t")
        insert = session.prepare("INSERT INTO t (p, c, v) VALUES (?, ?, ?)")
        expected = {}
        for round_number in range(3):
            # Each round overwrites half the rows of the round before and deletes a few.
            rows = [(p, c, f"r{round_number}-{p}-{c}") for p in range(20) for c in range(10)
                    if round_number == 0 or (p + c + round_number) % 2 == 0]
            execute_concurrent_with_args(session, insert, rows, raise_on_first_error=True)
            expected.update({(p, c): v for p, c, v in rows})
            for p in range(round_number, 20, 7):
                session.execute("DELETE FROM t WHERE p = %s AND c = %s", [p, round_number])
                expected.pop((p, round_number), None)
            output = cluster.kvcli("flush").stdout
            assert sorted(line.split(":")[0] for line in output.splitlines()) == ["node 1", "node 2", "node 3"], output
            for index in NODES:
                assert len(sstables(cluster, index, table)) == round_number + 1, (index, sstables(cluster, index, table))
        assert read_all(session) == expected

        output = cluster.kvcli("compact").stdout
        assert all("compacted" in line for line in output.splitlines()) and len(output.splitlines()) == 3, output
        for index in NODES:
            wait_until(lambda: len(sstables(cluster, index, table)) == 1, 10)
        assert read_all(session) == expected


def test_the_node_serves_while_it_compacts(cluster):
    with quorum_session(KEYSPACE) as session:
        session.execute("CREATE TABLE u (p int, c int, v int, PRIMARY KEY (p, c))")
        insert = session.prepare("INSERT INTO u (p, c, v) VALUES (?, ?, ?)")
        for _ in range(2):
            execute_concurrent_with_args(session, insert, [(p, c, p * c) for p in range(50) for c in range(100)],
                                         raise_on_first_error=True)
            admin_request("127.0.0.1", "POST", "/flush")
        answers = []
        compaction = threading.Thread(target=lambda: answers.append(admin_request("127.0.0.1", "POST", "/compact")))
        compaction.start()
        # Requests sent while the compaction runs are answered (the admin port and CQL).
        assert admin_request("127.0.0.1", "GET", "/health")[0] == 200
        assert session.execute("SELECT v FROM u WHERE p = 7 AND c = 3").one().v == 21
        compaction.join(120)
        status, body = answers[0]
        assert status == 200 and body["compacted"] >= 1, body


def read_all(session):
    return {(row.p, row.c): row.v for row in session.execute("SELECT p, c, v FROM t")}
