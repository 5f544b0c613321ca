"""ALLOW FILTERING with the Python driver against a 3-node cluster: restrictions the keys cannot
serve (regular and static columns, collections, a partial partition key, clustering columns
without the partition key or after a gap) are evaluated on every row read, with Cassandra's
error when ALLOW FILTERING is missing. Each answer is checked against the same predicate
applied in Python to the whole table; filtered scans page without repeating or skipping rows.

The module's keyspace is dropped when it ends.
"""
import pytest

from conftest import quorum_session

cassandra = pytest.importorskip("cassandra")
from cassandra import InvalidRequest  # noqa: E402
from cassandra.concurrent import execute_concurrent_with_args  # noqa: E402
from cassandra.query import SimpleStatement  # noqa: E402

KEYSPACE = "filtering"
REFUSED = "Cannot execute this query as it might involve data filtering"


@pytest.fixture(scope="module")
def session(cluster):
    with quorum_session(KEYSPACE) as session:
        session.execute("CREATE TABLE events (p text, q int, a int, b int, v int, s int static, "
                        "tags set<text>, attrs map<text, int>, PRIMARY KEY ((p, q), a, b))")
        insert = session.prepare("INSERT INTO events (p, q, a, b, v, tags, attrs) VALUES (?, ?, ?, ?, ?, ?, ?)")
        rows = []
        for p in ("x", "y"):
            for q in range(5):
                for a in range(6):
                    for b in range(5):
                        v = None if (a + b) % 7 == 0 else (a * 5 + b + q) % 9
                        tags = {f"t{b}", f"t{(a + b) % 3}"}
                        attrs = {"a": a, "b": b} if b != 4 else None
                        rows.append((p, q, a, b, v, tags, attrs))
        execute_concurrent_with_args(session, insert, rows, raise_on_first_error=True)
        for p in ("x", "y"):
            for q in range(5):
                session.execute("UPDATE events SET s = %s WHERE p = %s AND q = %s", [q % 2, p, q])
        yield session


@pytest.fixture(scope="module")
def everything(session):
    return list(session.execute("SELECT * FROM events"))


def keys(result):
    return sorted((r.p, r.q, r.a, r.b) for r in result)


def expect(session, everything, where, predicate, parameters=None, page_size=None):
    statement = SimpleStatement(f"SELECT * FROM events WHERE {where} ALLOW FILTERING", fetch_size=page_size)
    got = keys(session.execute(statement, parameters))
    wanted = keys(r for r in everything if predicate(r))
    assert got == wanted, where
    return got


def test_regular_column_filters(session, everything):
    assert expect(session, everything, "v = 3", lambda r: r.v == 3)
    expect(session, everything, "v > 6", lambda r: r.v is not None and r.v > 6)
    expect(session, everything, "v != 3", lambda r: r.v is not None and r.v != 3)
    expect(session, everything, "v >= 2 AND v <= 4", lambda r: r.v is not None and 2 <= r.v <= 4)
    expect(session, everything, "v IN (1, 8)", lambda r: r.v in (1, 8))
    expect(session, everything, "p = 'x' AND q = 2 AND v < 3", lambda r: (r.p, r.q) == ("x", 2) and r.v is not None and r.v < 3)


def test_key_columns_the_keys_cannot_serve(session, everything):
    expect(session, everything, "p = 'y'", lambda r: r.p == "y")
    expect(session, everything, "q > 2", lambda r: r.q > 2)
    expect(session, everything, "a = 3", lambda r: r.a == 3)
    expect(session, everything, "b >= 3 AND a < 2", lambda r: r.b >= 3 and r.a < 2)
    expect(session, everything, "p = 'x' AND q = 1 AND b = 2", lambda r: (r.p, r.q, r.b) == ("x", 1, 2))
    expect(session, everything, "p = 'x' AND q = 1 AND a = 1 AND b > 1 AND v > 2",
           lambda r: (r.p, r.q, r.a) == ("x", 1, 1) and r.b > 1 and r.v is not None and r.v > 2)


def test_static_and_collection_filters(session, everything):
    expect(session, everything, "s = 1", lambda r: r.s == 1)
    expect(session, everything, "tags CONTAINS 't2'", lambda r: "t2" in (r.tags or ()))
    expect(session, everything, "attrs CONTAINS KEY 'a'", lambda r: r.attrs is not None and "a" in r.attrs)
    expect(session, everything, "attrs CONTAINS 3", lambda r: r.attrs is not None and 3 in r.attrs.values())
    expect(session, everything, "attrs['a'] = 2 AND attrs['b'] > 1",
           lambda r: r.attrs is not None and r.attrs["a"] == 2 and r.attrs["b"] > 1)


def test_or_not_and_nulls_follow_sql(session, everything):
    expect(session, everything, "v = 1 OR v = 2", lambda r: r.v in (1, 2))
    expect(session, everything, "NOT (v = 1)", lambda r: r.v is not None and r.v != 1)
    expect(session, everything, "v IS NULL", lambda r: r.v is None)
    expect(session, everything, "v IS NOT NULL AND (a = 1 OR NOT b < 3)",
           lambda r: r.v is not None and (r.a == 1 or not r.b < 3))


def test_filtered_scans_page_exactly(session, everything):
    wanted = expect(session, everything, "v > 4", lambda r: r.v is not None and r.v > 4)
    for page_size in (1, 7, 50, 1000):
        statement = SimpleStatement("SELECT p, q, a, b FROM events WHERE v > 4 ALLOW FILTERING", fetch_size=page_size)
        assert keys(session.execute(statement)) == wanted, page_size
    statement = SimpleStatement("SELECT p, q, a, b FROM events WHERE p = 'x' AND q = 3 AND v > 4 ALLOW FILTERING",
                                fetch_size=2)
    assert keys(session.execute(statement)) == [k for k in wanted if k[:2] == ("x", 3)]
    limited = list(session.execute("SELECT p, q, a, b FROM events WHERE v > 4 LIMIT 10 ALLOW FILTERING"))
    assert len(limited) == 10 and set(keys(limited)) <= set(wanted)


def test_aggregates_and_prepared_markers_in_text_order(session, everything):
    count = session.execute("SELECT count(*) FROM events WHERE v = 5 ALLOW FILTERING").one()[0]
    assert count == sum(1 for r in everything if r.v == 5)
    prepared = session.prepare("SELECT p, q, a, b FROM events WHERE v > ? AND p = ? AND q = ? ALLOW FILTERING")
    assert [c.name for c in prepared.column_metadata] == ["v", "p", "q"]
    got = keys(session.execute(prepared, [3, "y", 4]))
    assert got == keys(r for r in everything if (r.p, r.q) == ("y", 4) and r.v is not None and r.v > 3)


def test_without_allow_filtering_cassandras_error(session):
    for where in ("v = 1", "p = 'x'", "a = 1", "s = 1", "tags CONTAINS 'a'", "v = 1 OR v = 2",
                  "p = 'x' AND q = 1 AND b = 1"):
        with pytest.raises(InvalidRequest, match=REFUSED if "b = 1" not in where else "cannot be restricted"):
            session.execute(f"SELECT * FROM events WHERE {where}")
    with pytest.raises(InvalidRequest, match="Collection column 'tags'"):
        session.execute("SELECT * FROM events WHERE tags = {'a'} ALLOW FILTERING")
    with pytest.raises(InvalidRequest, match="Cannot use CONTAINS on non-collection column v"):
        session.execute("SELECT * FROM events WHERE v CONTAINS 1 ALLOW FILTERING")
