"""Prepared point reads and writes that a node serves alone are answered at once, without a
task (`respondAtOnce`). These tests run them through the Python driver and check that every
answer equals the one the general path gives the same statement sent unprepared (a QUERY,
which always takes the general path), including errors, TTLs, write times, JSON, nulls and
unset values, and statements that must fall back (a read before a list write, IN lists)."""
import pytest
from cassandra import ConsistencyLevel, InvalidRequest
from cassandra.query import UNSET_VALUE, SimpleStatement

from conftest import pinned_session, quorum_session

KEYSPACE = "point_requests"


@pytest.fixture(scope="module")
def session(cluster):
    """An RF 1 keyspace whose requests all go to node 1 at ONE: writes of the partitions node 1
    owns take the at-once path, the others the replica round."""
    with quorum_session(KEYSPACE, replication_factor=1) as setup:
        setup.execute("CREATE TABLE kv (k blob PRIMARY KEY, v blob)")
        setup.execute("CREATE TABLE wide (k int, c int, v text, n bigint, m map<text, int>, l list<int>, "
                      "PRIMARY KEY (k, c))")
        with pinned_session("127.0.0.1", KEYSPACE, consistency="ONE") as pinned:
            yield pinned


def unprepared(session, text, parameters=()):
    """The rows of `text` sent as a QUERY (the general path), as a list."""
    statement = SimpleStatement(text, consistency_level=ConsistencyLevel.ONE)
    return list(session.execute(statement, parameters))


def test_point_writes_and_reads_agree_with_the_general_path(session):
    insert = session.prepare("INSERT INTO kv (k, v) VALUES (?, ?)")
    select = session.prepare("SELECT k, v FROM kv WHERE k = ?")
    keys = [b"key-%d" % index for index in range(300)]
    for index, key in enumerate(keys):
        session.execute(insert, [key, b"value-%d" % index])
    for index, key in enumerate(keys):
        prepared_rows = list(session.execute(select, [key]))
        assert prepared_rows == unprepared(session, "SELECT k, v FROM kv WHERE k = %s", [key])
        assert [tuple(row) for row in prepared_rows] == [(key, b"value-%d" % index)]
    # Absent keys: no row either way.
    for index in range(50):
        absent = b"absent-%d" % index
        assert list(session.execute(select, [absent])) == []
        assert unprepared(session, "SELECT k, v FROM kv WHERE k = %s", [absent]) == []


def test_point_writes_with_ttl_timestamp_null_and_unset(session):
    update = session.prepare("UPDATE wide USING TTL ? AND TIMESTAMP ? SET v = ?, n = ? WHERE k = ? AND c = ?")
    select = session.prepare("SELECT v, n, ttl(v), writetime(n) FROM wide WHERE k = ? AND c = ?")
    session.execute(update, [3600, 1_000_000, "first", 7, 1, 1])
    row = session.execute(select, [1, 1]).one()
    assert (row.v, row.n, row.writetime_n) == ("first", 7, 1_000_000)
    assert 3500 < row.ttl_v <= 3600
    assert list(session.execute(select, [1, 1])) == unprepared(
        session, "SELECT v, n, ttl(v), writetime(n) FROM wide WHERE k = 1 AND c = 1")
    # Unset leaves a column as it was; null deletes it.
    session.execute(update, [0, 2_000_000, UNSET_VALUE, None, 1, 1])
    row = session.execute(select, [1, 1]).one()
    assert (row.v, row.n) == ("first", None)
    # An older timestamp loses to the newer write.
    session.execute(update, [0, 500_000, "older", 9, 1, 1])
    assert session.execute(select, [1, 1]).one().v == "first"


def test_point_reads_of_json_collections_and_missing_rows(session):
    insert = session.prepare("INSERT INTO wide (k, c, v, m, l) VALUES (?, ?, ?, ?, ?)")
    session.execute(insert, [2, 5, "text", {"a": 1, "b": 2}, [3, 1, 2]])
    as_json = session.prepare("SELECT JSON k, c, v, m, l FROM wide WHERE k = ? AND c = ?")
    expected = unprepared(session, "SELECT JSON k, c, v, m, l FROM wide WHERE k = 2 AND c = 5")
    assert list(session.execute(as_json, [2, 5])) == expected
    assert '"m": {"a": 1, "b": 2}' in expected[0][0]
    whole = session.prepare("SELECT * FROM wide WHERE k = ? AND c = ?")
    assert list(session.execute(whole, [2, 5])) == unprepared(session, "SELECT * FROM wide WHERE k = 2 AND c = 5")
    assert list(session.execute(whole, [2, 6])) == []


def test_statements_that_fall_back_still_answer_correctly(session):
    session.execute("INSERT INTO wide (k, c, l) VALUES (4, 1, [10, 20, 30])")
    # Setting a list element by index reads the list first: the general path.
    by_index = session.prepare("UPDATE wide SET l[1] = ? WHERE k = ? AND c = ?")
    session.execute(by_index, [99, 4, 1])
    # Appending does not read.
    append = session.prepare("UPDATE wide SET l = l + ? WHERE k = ? AND c = ?")
    session.execute(append, [[40], 4, 1])
    read = session.prepare("SELECT l FROM wide WHERE k = ? AND c = ?")
    assert session.execute(read, [4, 1]).one().l == [10, 99, 30, 40]
    # IN lists name several rows: the general path, same rows.
    session.execute("INSERT INTO wide (k, c, v) VALUES (4, 2, 'two')")
    several = session.prepare("SELECT c, v FROM wide WHERE k = ? AND c IN ?")
    assert [tuple(row) for row in session.execute(several, [4, (1, 2)])] == [(1, None), (2, "two")]
    # A whole partition: the general path.
    partition = session.prepare("SELECT c FROM wide WHERE k = ?")
    assert [row.c for row in session.execute(partition, [4])] == [1, 2]


def test_point_request_errors_match_the_general_path(session):
    limited = session.prepare("SELECT v FROM wide WHERE k = ? AND c = ? LIMIT ?")
    with pytest.raises(InvalidRequest) as prepared_error:
        session.execute(limited, [1, 1, 0])
    with pytest.raises(InvalidRequest) as general_error:
        unprepared(session, "SELECT v FROM wide WHERE k = 1 AND c = 1 LIMIT 0")
    assert "LIMIT must be strictly positive" in str(prepared_error.value)
    assert "LIMIT must be strictly positive" in str(general_error.value)
    assert [tuple(row) for row in session.execute(limited, [1, 1, 1])] == [("first",)]
    insert = session.prepare("INSERT INTO wide (k, c, v) VALUES (?, ?, ?) USING TTL ?")
    with pytest.raises(InvalidRequest, match="ttl is out of range"):
        session.execute(insert, [1, 2, "x", -5])
    with pytest.raises(InvalidRequest):
        session.execute(insert, [None, 2, "x", 10])


def test_reads_at_one_on_every_replica_agree(cluster):
    """RF 3: a read at ONE is served at once by whichever node coordinates it."""
    with quorum_session("point_requests_rf3") as setup:
        setup.execute("CREATE TABLE t (k int PRIMARY KEY, v text)")
        for key in range(50):
            setup.execute("INSERT INTO t (k, v) VALUES (%s, %s)", [key, f"v{key}"])
        for address in ("127.0.0.1", "127.0.0.2", "127.0.0.3"):
            with pinned_session(address, "point_requests_rf3", consistency="ONE") as pinned:
                select = pinned.prepare("SELECT v FROM t WHERE k = ?")
                assert [pinned.execute(select, [key]).one().v for key in range(50)] == [f"v{key}" for key in range(50)]
