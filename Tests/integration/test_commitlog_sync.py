"""The commit log's `group` and `batch` sync modes through real nodes and the Python driver.

In these modes a write is acknowledged only after an fsync. Requests wait for it suspended,
not holding their event loop, so concurrent writes share fsyncs (before, each write held its
loop for a whole sync window and a node managed about 500 writes a second). Whatever the
mode, every acknowledged write must survive `kill -9` of every node: here through the local
path (RF 1, the driver routes each write to its replica) and the replica path (RF 3, QUORUM).
"""
import pytest
from cassandra import ConsistencyLevel
from cassandra.cluster import Cluster
from cassandra.concurrent import execute_concurrent_with_args

from conftest import all_up, wait_until

ROWS = 1500


def write_all(session, table, consistency):
    insert = session.prepare(f"INSERT INTO {table} (id, value) VALUES (?, ?)")
    insert.consistency_level = consistency
    results = execute_concurrent_with_args(session, insert, [(i, f"v{i}") for i in range(ROWS)],
                                           concurrency=64, raise_on_first_error=False)
    failures = [result for success, result in results if not success]
    assert not failures, f"{len(failures)} writes failed, first: {failures[0]!r}"


def count_present(session, table):
    select = session.prepare(f"SELECT value FROM {table} WHERE id = ?")
    select.consistency_level = ConsistencyLevel.QUORUM
    results = execute_concurrent_with_args(session, select, [(i,) for i in range(ROWS)], concurrency=64)
    return sum(1 for i, (success, rows) in enumerate(results) if success and [r.value for r in rows] == [f"v{i}"])


@pytest.mark.parametrize("mode", ["group", "batch"])
def test_acknowledged_writes_survive_kill_9_of_every_node(cluster, mode):
    for index in (1, 2, 3):
        cluster.set_node_config(index, commitlog_sync=mode, commitlog_sync_group_window_ms=5)
        cluster.kvcli("restart", str(index), timeout=120)
    wait_until(all_up, 60)
    keyspaces = {1: f"sync_{mode}_rf1", 3: f"sync_{mode}_rf3"}
    connection = Cluster(["127.0.0.1", "127.0.0.2", "127.0.0.3"])
    try:
        session = connection.connect()
        for factor, keyspace in keyspaces.items():
            session.execute(f"DROP KEYSPACE IF EXISTS {keyspace}")
            session.execute(f"CREATE KEYSPACE {keyspace} WITH replication = "
                            f"{{'class': 'SimpleStrategy', 'replication_factor': {factor}}}")
            session.execute(f"CREATE TABLE {keyspace}.t (id int PRIMARY KEY, value text)")
        write_all(session, f"{keyspaces[1]}.t", ConsistencyLevel.ONE)
        write_all(session, f"{keyspaces[3]}.t", ConsistencyLevel.QUORUM)
    finally:
        connection.shutdown()

    for index in (1, 2, 3):
        cluster.kvcli("kill", str(index))
    cluster.kvcli("start", timeout=180)
    wait_until(all_up, 60)

    connection = Cluster(["127.0.0.1", "127.0.0.2", "127.0.0.3"])
    try:
        session = connection.connect()
        for keyspace in keyspaces.values():
            assert count_present(session, f"{keyspace}.t") == ROWS, f"acknowledged writes lost in {keyspace}"
            session.execute(f"DROP KEYSPACE {keyspace}")
    finally:
        connection.shutdown()
