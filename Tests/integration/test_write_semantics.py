"""Write semantics with the Python driver against a 3-node cluster: a table's
`default_time_to_live` (cells expire, `ttl()` reports it, `USING TTL 0` opts out, ALTER TABLE
changes it for later writes only), and conditional updates (`IF NOT EXISTS`, `IF EXISTS`,
`IF <condition>`), which are refused with InvalidRequest until lightweight transactions exist —
never a syntax error and never an unconditional write.

The module's keyspace is dropped when it ends.
"""
import time

import pytest

from conftest import quorum_session

cassandra = pytest.importorskip("cassandra")
from cassandra import InvalidRequest  # noqa: E402
from cassandra.query import UNSET_VALUE, BatchStatement, SimpleStatement  # noqa: E402

KEYSPACE = "w_semantics"
DEFAULT_TTL_SECONDS = 3
LWT_MESSAGE = "lightweight transactions, which are not supported yet"


@pytest.fixture(scope="module")
def session(cluster):
    with quorum_session(KEYSPACE) as session:
        yield session


def rows(session, query, parameters=None):
    return list(session.execute(SimpleStatement(query), parameters))


# MARK: default_time_to_live

@pytest.fixture(scope="module")
def ttl_table(session):
    table = f"{KEYSPACE}.expiring"
    session.execute(f"CREATE TABLE {table} (k int, c int, v text, n int, PRIMARY KEY (k, c)) "
                    f"WITH default_time_to_live = {DEFAULT_TTL_SECONDS}")
    return table


def test_default_ttl_applies_to_writes_without_using_ttl(session, ttl_table):
    session.execute(f"INSERT INTO {ttl_table} (k, c, v, n) VALUES (1, 1, 'default', 1)")
    session.execute(f"UPDATE {ttl_table} SET v = 'updated' WHERE k = 1 AND c = 2")
    session.execute(f"INSERT INTO {ttl_table} (k, c, v) VALUES (1, 3, 'forever') USING TTL 0")
    session.execute(f"INSERT INTO {ttl_table} (k, c, v) VALUES (1, 4, 'longer') USING TTL 1000")
    prepared = session.prepare(f"INSERT INTO {ttl_table} (k, c, v) VALUES (?, ?, ?) USING TTL ?")
    session.execute(prepared, [1, 5, "bound zero", 0])
    session.execute(prepared, [1, 6, "bound unset", UNSET_VALUE])
    with pytest.raises(InvalidRequest, match="Invalid null value of TTL"):
        session.execute(prepared, [1, 7, "bound null", None])
    session.execute(f"INSERT INTO {ttl_table} (k, c, v) VALUES (2, 1, 'other partition')")

    ttls = {r.c: r.ttl for r in rows(session, f"SELECT c, ttl(v) AS ttl FROM {ttl_table} WHERE k = 1")}
    assert 1 <= ttls[1] <= DEFAULT_TTL_SECONDS
    assert 1 <= ttls[2] <= DEFAULT_TTL_SECONDS
    assert 1 <= ttls[6] <= DEFAULT_TTL_SECONDS
    assert 7 not in ttls
    assert ttls[3] is None and ttls[5] is None
    assert 990 <= ttls[4] <= 1000
    assert rows(session, f"SELECT v, n FROM {ttl_table} WHERE k = 1 AND c = 1") == [("default", 1)]

    time.sleep(DEFAULT_TTL_SECONDS + 1)
    remaining = rows(session, f"SELECT c, v FROM {ttl_table} WHERE k = 1")
    assert [(r.c, r.v) for r in remaining] == [(3, "forever"), (4, "longer"), (5, "bound zero")]
    assert rows(session, f"SELECT * FROM {ttl_table} WHERE k = 2") == []


def test_altered_default_ttl_applies_to_later_writes_only(session):
    table = f"{KEYSPACE}.altered"
    session.execute(f"CREATE TABLE {table} (k int PRIMARY KEY, v text)")
    session.execute(f"INSERT INTO {table} (k, v) VALUES (1, 'before')")
    session.execute(f"ALTER TABLE {table} WITH default_time_to_live = {DEFAULT_TTL_SECONDS}")
    session.execute(f"INSERT INTO {table} (k, v) VALUES (2, 'after')")
    assert rows(session, f"SELECT ttl(v) FROM {table} WHERE k = 1")[0][0] is None
    assert 1 <= rows(session, f"SELECT ttl(v) FROM {table} WHERE k = 2")[0][0] <= DEFAULT_TTL_SECONDS
    time.sleep(DEFAULT_TTL_SECONDS + 1)
    assert [r.k for r in rows(session, f"SELECT k FROM {table}")] == [1]
    session.execute(f"ALTER TABLE {table} WITH default_time_to_live = 0")
    session.execute(f"INSERT INTO {table} (k, v) VALUES (3, 'no default')")
    assert rows(session, f"SELECT ttl(v) FROM {table} WHERE k = 3")[0][0] is None


# MARK: Conditional updates

@pytest.fixture(scope="module")
def lwt_table(session):
    table = f"{KEYSPACE}.conditional"
    session.execute(f"CREATE TABLE {table} (k int, c int, v int, w text, s int static, m map<text, int>, "
                    "PRIMARY KEY (k, c))")
    session.execute(f"INSERT INTO {table} (k, c, v, w, s, m) VALUES (1, 1, 10, 'x', 7, {{'a': 1}})")
    return table


def row_of(session, table):
    return rows(session, f"SELECT k, c, v, w, s, m, writetime(v) AS written FROM {table} WHERE k = 1")


CONDITIONAL_STATEMENTS = [
    "INSERT INTO {t} (k, c, v) VALUES (1, 1, 99) IF NOT EXISTS",
    "INSERT INTO {t} (k, c, v) VALUES (1, 2, 99) IF NOT EXISTS",
    "INSERT INTO {t} (k, c, v) VALUES (1, 1, 99) IF NOT EXISTS USING TTL 100",
    "UPDATE {t} SET v = 99 WHERE k = 1 AND c = 1 IF EXISTS",
    "UPDATE {t} SET v = 99 WHERE k = 1 AND c = 2 IF EXISTS",
    "UPDATE {t} SET v = 99 WHERE k = 1 AND c = 1 IF v = 10",
    "UPDATE {t} SET v = 99 WHERE k = 1 AND c = 1 IF v = 10 AND w = 'x'",
    "UPDATE {t} SET v = 99 WHERE k = 1 AND c = 1 IF v != 11",
    "UPDATE {t} SET v = 99 WHERE k = 1 AND c = 1 IF v > 5",
    "UPDATE {t} SET v = 99 WHERE k = 1 AND c = 1 IF v IN (10, 11)",
    "UPDATE {t} SET v = 99 WHERE k = 1 AND c = 1 IF w = null",
    "UPDATE {t} SET v = 99 WHERE k = 1 AND c = 1 IF m['a'] = 1",
    "UPDATE {t} SET v = 99 WHERE k = 1 AND c = 1 IF m['a'] IN (1, 2)",
    "UPDATE {t} USING TIMESTAMP 9999999999999999 SET s = 99 WHERE k = 1 IF s = 7",
    "DELETE FROM {t} WHERE k = 1 AND c = 1 IF EXISTS",
    "DELETE FROM {t} WHERE k = 1 AND c = 1 IF v = 10",
    "DELETE v FROM {t} WHERE k = 1 AND c = 1 IF w = 'x'",
    "DELETE FROM {t} WHERE k = 1 IF s = 7",
]


@pytest.mark.parametrize("template", CONDITIONAL_STATEMENTS)
def test_conditional_statement_is_refused_and_writes_nothing(session, lwt_table, template):
    before = row_of(session, lwt_table)
    with pytest.raises(InvalidRequest, match=LWT_MESSAGE):
        session.execute(template.format(t=lwt_table))
    assert row_of(session, lwt_table) == before


def test_conditional_statements_are_refused_when_prepared(session, lwt_table):
    before = row_of(session, lwt_table)
    for template in ["INSERT INTO {t} (k, c, v) VALUES (?, ?, ?) IF NOT EXISTS",
                     "UPDATE {t} SET v = ? WHERE k = ? AND c = ? IF v = ?",
                     "DELETE FROM {t} WHERE k = ? AND c = ? IF EXISTS"]:
        with pytest.raises(InvalidRequest, match=LWT_MESSAGE):
            session.prepare(template.format(t=lwt_table))
    assert row_of(session, lwt_table) == before


def test_batch_with_a_conditional_statement_writes_nothing(session, lwt_table):
    before = row_of(session, lwt_table)
    text = (f"BEGIN BATCH INSERT INTO {lwt_table} (k, c, v) VALUES (1, 3, 30); "
            f"UPDATE {lwt_table} SET v = 99 WHERE k = 1 AND c = 1 IF v = 10; APPLY BATCH")
    with pytest.raises(InvalidRequest, match=LWT_MESSAGE):
        session.execute(text)
    batch = BatchStatement()
    batch.add(SimpleStatement(f"INSERT INTO {lwt_table} (k, c, v) VALUES (1, 3, 30)"))
    batch.add(SimpleStatement(f"DELETE FROM {lwt_table} WHERE k = 1 AND c = 1 IF EXISTS"))
    with pytest.raises(InvalidRequest, match=LWT_MESSAGE):
        session.execute(batch)
    assert row_of(session, lwt_table) == before


# MARK: ISO 8601 duration literals

def test_iso_8601_duration_forms_become_durations(session):
    from cassandra.util import Duration
    table = f"{KEYSPACE}.durations"
    session.execute(f"CREATE TABLE {table} (k int PRIMARY KEY, du duration)")
    hms = (4 * 3600 + 5 * 60 + 6) * 10 ** 9
    cases = {"P1Y2M3DT4H5M6S": Duration(14, 3, hms), "P2W": Duration(0, 14, 0),
             "P0001-02-03T04:05:06": Duration(14, 3, hms), "-P1D": Duration(0, -1, 0),
             "PT90M": Duration(0, 0, 90 * 60 * 10 ** 9), "-P0000-00-00T00:00:01": Duration(0, 0, -10 ** 9)}
    for k, (literal, expected) in enumerate(cases.items()):
        session.execute(f"INSERT INTO {table} (k, du) VALUES ({k}, {literal})")
        assert rows(session, f"SELECT du FROM {table} WHERE k = {k}")[0].du == expected, literal
    with pytest.raises(InvalidRequest, match="Unable to convert 'P178956971Y' to a duration"):
        session.execute(f"INSERT INTO {table} (k, du) VALUES (99, P178956971Y)")


def test_a_null_bound_timestamp_is_refused(session, ttl_table):
    prepared = session.prepare(f"INSERT INTO {ttl_table} (k, c, v) VALUES (?, ?, ?) USING TIMESTAMP ?")
    with pytest.raises(InvalidRequest, match="Invalid null value of timestamp"):
        session.execute(prepared, [9, 1, "x", None])
    session.execute(prepared, [9, 2, "unset takes the server's", UNSET_VALUE])
    assert rows(session, f"SELECT c FROM {ttl_table} WHERE k = 9") == [(2,)]
