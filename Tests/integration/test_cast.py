"""CAST in SELECT with the Python driver against a 3-node cluster, as Cassandra defines it:
numeric conversions (integer targets truncate), anything to text, timestamp/date/timeuuid,
null stays null, and Cassandra's error for casts it does not define.

The module's keyspace is dropped when it ends.
"""
import datetime
import decimal
import uuid

import pytest

from conftest import quorum_session

cassandra = pytest.importorskip("cassandra")
from cassandra import InvalidRequest  # noqa: E402

KEYSPACE = "casts"


@pytest.fixture(scope="module")
def session(cluster):
    with quorum_session(KEYSPACE) as session:
        session.execute("CREATE TABLE t (k int PRIMARY KEY, i int, d double, m decimal, v varint, ts timestamp, "
                        "day date, tu timeuuid, u uuid, b boolean, tags list<int>, n int)")
        session.execute("INSERT INTO t (k, i, d, m, v, ts, day, tu, u, b, tags) VALUES (1, -7, 2.75, -12.50, "
                        "123456789012345678901234567890, '2026-07-01 12:34:56.789+0000', '2026-07-01', "
                        "50554d6e-29bb-11e5-b345-feff819cdc9f, 5ad2a1e4-6a39-4ef2-9e5a-1e0bd2f0a1c3, true, [1, 2])")
        yield session


def one(session, selectors):
    return session.execute(f"SELECT {selectors} FROM t WHERE k = 1").one()


def test_numeric_casts(session):
    row = one(session, "CAST(i AS double), CAST(d AS int), CAST(m AS bigint), CAST(m AS double), "
                       "CAST(i AS decimal), CAST(d AS decimal), CAST(v AS double), CAST(i AS varint)")
    assert list(row) == [-7.0, 2, -12, -12.5, decimal.Decimal("-7"), decimal.Decimal("2.75"),
                         1.2345678901234568e29, -7]


def test_casts_to_text(session):
    row = one(session, "CAST(i AS text), CAST(d AS text), CAST(m AS text), CAST(ts AS text), CAST(day AS text), "
                       "CAST(u AS text), CAST(b AS text), CAST(tags AS text), CAST(n AS text)")
    assert list(row) == ["-7", "2.75", "-12.50", "2026-07-01T12:34:56.789Z", "2026-07-01",
                         "5ad2a1e4-6a39-4ef2-9e5a-1e0bd2f0a1c3", "true", "[1, 2]", None]
    assert session.execute("SELECT CAST(i AS text) AS label FROM t WHERE k = 1").column_names == ["label"]
    assert session.execute("SELECT CAST(i AS text) FROM t WHERE k = 1").column_names == ["cast(i as text)"]


def test_calendar_casts(session):
    row = one(session, "CAST(ts AS date), CAST(day AS timestamp), CAST(tu AS timestamp), CAST(tu AS date)")
    assert str(row[0]) == "2026-07-01"
    assert row[1] == datetime.datetime(2026, 7, 1)
    assert row[2] == datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=(uuid.UUID("50554d6e-29bb-11e5-b345-feff819cdc9f").time - 0x01B21DD213814000) // 10000)
    assert str(row[3]) == "2015-07-14"


def test_undefined_casts_are_refused(session):
    with pytest.raises(InvalidRequest, match="cannot be cast to"):
        session.execute("SELECT CAST(b AS int) FROM t WHERE k = 1")
    with pytest.raises(InvalidRequest, match="cannot be cast to"):
        session.execute("SELECT CAST(u AS timestamp) FROM t WHERE k = 1")
