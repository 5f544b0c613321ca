"""SELECT DISTINCT, aggregates (count/min/max/sum/avg) and GROUP BY against a 3-node cluster,
each compared with the same computation done in Python over an unpaged `SELECT *`. Queries
use a small fetch size so that the server pages internally (aggregates) or across pages
(DISTINCT). Also Cassandra's error messages and the empty-input edge cases.
"""
import math
from collections import defaultdict
from decimal import Decimal

import pytest

from conftest import quorum_session

cassandra = pytest.importorskip("cassandra")
from cassandra import InvalidRequest  # noqa: E402
from cassandra.query import SimpleStatement, tuple_factory  # noqa: E402

KEYSPACE = "q_aggregates"
PARTITIONS, C1_VALUES, C2_VALUES = 10, 5, 6  # 300 rows


@pytest.fixture(scope="module")
def session(cluster):
    # Plain tuples: aggregate column names such as system.max(v) are not identifiers.
    with quorum_session(KEYSPACE, row_factory=tuple_factory) as session:
        load(session)
        yield session


VARINTS = [2 ** 70, -(2 ** 65) + 3, 12345, -7, 0, 10 ** 30, -1]
DECIMALS = [Decimal("1.5"), Decimal("-2.25"), Decimal("100"), Decimal("0.001"), Decimal("12345678901234567890.123"),
            Decimal("-3.3333"), Decimal("7E+2")]


def value_of(k, c1, c2):
    """v for a row: null on every seventh row so that count(v) differs from count(*)."""
    return None if (k + c1 + c2) % 7 == 0 else (k * 37 + c1 * 11 - c2 * 5) % 50 - 20


def load(session):
    session.execute("CREATE TABLE agg (k int, c1 int, c2 int, v int, d double, f float, t text, s int static, "
                    "PRIMARY KEY (k, c1, c2))")
    session.execute("CREATE TABLE empty (k int, c int, v int, d double, s int static, PRIMARY KEY (k, c))")
    session.execute("CREATE TABLE compound (a int, b int, c int, v int, PRIMARY KEY ((a, b), c))")
    session.execute("CREATE TABLE wide (k int, c int, vi varint, dc decimal, PRIMARY KEY (k, c))")
    session.execute("CREATE TABLE big (k int, c int, PRIMARY KEY (k, c))")
    insert_big = session.prepare("INSERT INTO big (k, c) VALUES (?, ?)")
    for k, rows in ((0, 250), (1, 1), (2, 120), (3, 1), (4, 1), (5, 2)):
        for c in range(rows):
            session.execute(insert_big, (k, c))
    # Prepared: the driver formats a Decimal in a simple statement as a float, losing digits.
    insert_wide = session.prepare("INSERT INTO wide (k, c, vi, dc) VALUES (1, ?, ?, ?)")
    for c, (vi, dc) in enumerate(zip(VARINTS, DECIMALS)):
        session.execute(insert_wide, (c, vi, dc))
    insert = session.prepare("INSERT INTO agg (k, c1, c2, v, d, f, t) VALUES (?, ?, ?, ?, ?, ?, ?)")
    for k in range(PARTITIONS):
        if k % 2 == 0:
            session.execute("INSERT INTO agg (k, s) VALUES (%s, %s)", (k, k * 10))
        for c1 in range(C1_VALUES):
            for c2 in range(C2_VALUES):
                v = value_of(k, c1, c2)
                d = None if v is None else v * 0.25
                session.execute(insert, (k, c1, c2, v, d, None if v is None else v / 8, f"t{(k * 7 + c1 + c2) % 13:02}"))


def fetch(session, query, fetch_size=7):
    return list(session.execute(SimpleStatement(query, fetch_size=fetch_size)))


@pytest.fixture(scope="module")
def table(session):
    """Every row of agg as a dict, read unpaged."""
    result = session.execute(SimpleStatement("SELECT k, c1, c2, v, d, f, t, s FROM agg", fetch_size=None))
    names = ["k", "c1", "c2", "v", "d", "f", "t", "s"]
    rows = [dict(zip(names, row)) for row in result]
    assert len(rows) == PARTITIONS * C1_VALUES * C2_VALUES
    return rows


def truncated_average(values):
    """Cassandra's avg of an integer column: the sum divided by the count, rounded toward zero."""
    if not values:
        return 0
    quotient = abs(sum(values)) // len(values)
    return quotient if sum(values) >= 0 else -quotient


def aggregates(rows):
    """(count(*), count(v), min(v), max(v), sum(v), avg(v)) over rows, as Cassandra computes them."""
    values = [row["v"] for row in rows if row["v"] is not None]
    return (len(rows), len(values), min(values, default=None), max(values, default=None), sum(values),
            truncated_average(values))


# MARK: DISTINCT


def test_distinct_returns_each_partition_once_across_pages(session, table):
    expected = sorted({row["k"] for row in table})
    for fetch_size in (1, 3, 100):
        result = [row[0] for row in fetch(session, "SELECT DISTINCT k FROM agg", fetch_size)]
        assert sorted(result) == expected
        assert len(result) == len(expected)


def test_distinct_with_static_column(session, table):
    expected = sorted({(row["k"], row["s"]) for row in table})
    assert sorted(fetch(session, "SELECT DISTINCT k, s FROM agg", 4)) == expected


def test_distinct_limit_and_token_range(session, table):
    everything = fetch(session, "SELECT DISTINCT k FROM agg", 100)
    assert fetch(session, "SELECT DISTINCT k FROM agg LIMIT 4", 3) == everything[:4]
    in_range = fetch(session, "SELECT DISTINCT k, token(k) FROM agg WHERE token(k) > 0", 2)
    assert all(token > 0 for _, token in in_range)
    assert [k for k, _ in in_range] == [row[0] for row in everything
                                        if fetch(session, f"SELECT token(k) FROM agg WHERE k = {row[0]} LIMIT 1")[0][0] > 0]


def test_distinct_on_named_partitions(session):
    assert sorted(fetch(session, "SELECT DISTINCT k FROM agg WHERE k IN (1, 3, 99)")) == [(1,), (3,)]


def test_distinct_over_large_partitions(session):
    for fetch_size in (2, 5000, None):
        assert sorted(fetch(session, "SELECT DISTINCT k FROM big", fetch_size)) == [(k,) for k in range(6)]
    assert fetch(session, "SELECT count(*) FROM big") == [(375,)]


def test_distinct_errors(session):
    with pytest.raises(InvalidRequest, match=r"SELECT DISTINCT queries must only request partition key columns "
                                             r"and/or static columns \(not v\)"):
        session.execute("SELECT DISTINCT k, v FROM agg")
    with pytest.raises(InvalidRequest, match=r"SELECT DISTINCT queries must request all the partition key columns "
                                             r"\(missing b\)"):
        session.execute("SELECT DISTINCT a FROM compound")


# MARK: Aggregates


def test_aggregates_over_every_page(session, table):
    result = session.execute(SimpleStatement(
        "SELECT count(*), count(v), min(v), max(v), sum(v), avg(v) FROM agg", fetch_size=7))
    assert result.column_names == ["count", "system.count(v)", "system.min(v)", "system.max(v)",
                                   "system.sum(v)", "system.avg(v)"]
    assert list(result) == [aggregates(table)]


def test_floating_point_and_text_aggregates(session, table):
    [(sum_d, avg_d, sum_f, avg_f, min_t, max_t)] = fetch(
        session, "SELECT sum(d), avg(d), sum(f), avg(f), min(t), max(t) FROM agg", 11)
    doubles = [row["d"] for row in table if row["d"] is not None]
    floats = [row["f"] for row in table if row["f"] is not None]
    assert math.isclose(sum_d, sum(doubles)) and math.isclose(avg_d, sum(doubles) / len(doubles))
    assert math.isclose(sum_f, sum(floats), rel_tol=1e-6) and math.isclose(avg_f, sum(floats) / len(floats), rel_tol=1e-6)
    texts = [row["t"] for row in table]
    assert (min_t, max_t) == (min(texts), max(texts))


def test_aggregate_of_named_partitions_and_aliases(session, table):
    rows = [row for row in table if row["k"] in (2, 5)]
    result = session.execute("SELECT count(*) AS n, max(v) AS top FROM agg WHERE k IN (2, 5)")
    assert result.column_names == ["n", "top"]
    assert list(result) == [(len(rows), aggregates(rows)[3])]


def test_limit_does_not_cut_the_rows_aggregated(session, table):
    assert fetch(session, "SELECT count(*) FROM agg LIMIT 5") == [(len(table),)]


def test_plain_column_with_aggregate_takes_the_first_row(session, table):
    rows = [row for row in table if row["k"] == 3]
    assert fetch(session, "SELECT k, c1, c2, max(v) FROM agg WHERE k = 3") == [(3, 0, 0, aggregates(rows)[3])]


def test_prepared_aggregate_metadata_and_binding(session, table):
    statement = session.prepare("SELECT k, count(*), sum(v) AS total FROM agg WHERE k = ? GROUP BY k LIMIT ?")
    rows = [row for row in table if row["k"] == 6]
    result = session.execute(statement, (6, 1))
    assert result.column_names == ["k", "count", "total"]
    assert list(result) == [(6, len(rows), aggregates(rows)[4])]


def test_aggregate_type_error(session):
    with pytest.raises(InvalidRequest, match="Invalid call to function sum"):
        session.execute("SELECT sum(t) FROM agg")


def decimal_average(values):
    """Cassandra's running decimal average: avg += (value - avg) / count, each division rounded
    half-even at the scale of (value - avg), in exact integer arithmetic."""
    def pair(number):
        sign, digits, exponent = number.as_tuple()
        unscaled = int("".join(map(str, digits)))
        return (-unscaled if sign else unscaled), -exponent

    def add(left, right):
        scale = max(left[1], right[1])
        return left[0] * 10 ** (scale - left[1]) + right[0] * 10 ** (scale - right[1]), scale

    def divide(unscaled, count):
        quotient, remainder = divmod(abs(unscaled), count)
        if 2 * remainder > count or (2 * remainder == count and quotient % 2):
            quotient += 1
        return quotient if unscaled >= 0 else -quotient

    average = (0, 0)
    for count, value in enumerate(values, 1):
        difference = add(pair(value), (-average[0], average[1]))
        average = add(average, (divide(difference[0], count), difference[1]))
    return Decimal(average[0]).scaleb(-average[1])


def test_varint_and_decimal_aggregates(session):
    [(sum_vi, avg_vi, sum_dc, avg_dc, min_dc, max_vi)] = fetch(
        session, "SELECT sum(vi), avg(vi), sum(dc), avg(dc), min(dc), max(vi) FROM wide", 2)
    assert sum_vi == sum(VARINTS)
    assert avg_vi == abs(sum(VARINTS)) // len(VARINTS) * (1 if sum(VARINTS) >= 0 else -1)
    assert sum_dc == sum(DECIMALS)
    assert avg_dc == decimal_average(DECIMALS)
    assert (min_dc, max_vi) == (min(DECIMALS), max(VARINTS))


# MARK: GROUP BY


def grouped(table, key):
    groups = defaultdict(list)
    for row in table:
        groups[key(row)].append(row)
    return groups


def test_group_by_partition(session, table):
    groups = grouped(table, lambda row: row["k"])
    result = fetch(session, "SELECT k, count(*), count(v), min(v), max(v), sum(v), avg(v) FROM agg GROUP BY k", 5)
    assert len(result) == len(groups)
    assert {row[0]: row[1:] for row in result} == {k: aggregates(rows) for k, rows in groups.items()}


def test_group_by_clustering_prefix(session, table):
    groups = grouped(table, lambda row: (row["k"], row["c1"]))
    result = fetch(session, "SELECT k, c1, count(*), max(v), sum(v) FROM agg GROUP BY k, c1", 3)
    assert len(result) == len(groups)
    expected = {key: (len(rows), aggregates(rows)[3], aggregates(rows)[4]) for key, rows in groups.items()}
    assert {(row[0], row[1]): row[2:] for row in result} == expected
    in_partition = fetch(session, "SELECT c1, c2, sum(v) FROM agg WHERE k = 4 GROUP BY k, c1")
    assert in_partition == [(c1, 0, aggregates(groups[(4, c1)])[4]) for c1 in range(C1_VALUES)]


def test_group_by_may_skip_columns_restricted_by_equality(session, table):
    groups = grouped([row for row in table if row["k"] == 4], lambda row: row["c1"])
    assert fetch(session, "SELECT c1, count(*), max(v) FROM agg WHERE k = 4 GROUP BY c1") == \
        [(c1, len(groups[c1]), aggregates(groups[c1])[3]) for c1 in range(C1_VALUES)]
    assert fetch(session, "SELECT c2, count(*) FROM agg WHERE k = 4 AND c1 = 2 GROUP BY c2") == \
        [(c2, 1) for c2 in range(C2_VALUES)]
    with pytest.raises(InvalidRequest, match="Group by currently only support groups of columns following their "
                                             "declared order in the PRIMARY KEY"):
        session.execute("SELECT c1, count(*) FROM agg WHERE k IN (1, 2) GROUP BY c1")


def test_group_by_limit_counts_groups(session):
    everything = fetch(session, "SELECT k, c1, count(*) FROM agg GROUP BY k, c1", 50)
    assert fetch(session, "SELECT k, c1, count(*) FROM agg GROUP BY k, c1 LIMIT 7", 2) == everything[:7]
    descending = fetch(session, "SELECT c1, count(*) FROM agg WHERE k = 1 GROUP BY k, c1 ORDER BY c1 DESC LIMIT 2")
    assert descending == [(4, C2_VALUES), (3, C2_VALUES)]


def test_group_by_pages_by_groups(session):
    query = "SELECT k, c1, count(*), sum(v) FROM agg GROUP BY k, c1"
    unpaged = list(session.execute(SimpleStatement(query, fetch_size=None)))
    first = session.execute(SimpleStatement(query, fetch_size=4))
    assert len(first.current_rows) == 4 and first.has_more_pages
    assert list(first) == unpaged
    limited = session.execute(SimpleStatement(query + " LIMIT 6", fetch_size=4))
    assert list(limited) == unpaged[:6]
    reversed_query = "SELECT c1, count(*), max(v) FROM agg WHERE k IN (1, 2) GROUP BY k, c1 ORDER BY c1 DESC"
    assert fetch(session, reversed_query, 3) == list(session.execute(SimpleStatement(reversed_query, fetch_size=None)))
    assert len(fetch(session, reversed_query, 3)) == 2 * C1_VALUES


def test_per_partition_limit_counts_groups_with_group_by_and_rows_without(session):
    query = "SELECT k, c1, count(*), max(v) FROM agg GROUP BY k, c1"
    everything = list(session.execute(SimpleStatement(query, fetch_size=None)))
    wanted = [row for row in everything if row[1] < 2]  # each partition's first two groups
    for fetch_size in (None, 1, 3, 7):
        assert fetch(session, query + " PER PARTITION LIMIT 2", fetch_size) == wanted, fetch_size
    assert fetch(session, query + " PER PARTITION LIMIT 2 LIMIT 5", 2) == wanted[:5]
    rows_query = "SELECT k, count(*) FROM agg WHERE k IN (1, 2) GROUP BY k PER PARTITION LIMIT 1"
    assert fetch(session, rows_query, 1) == [(1, C1_VALUES * C2_VALUES), (2, C1_VALUES * C2_VALUES)]
    ungrouped = session.execute("SELECT count(*) FROM agg PER PARTITION LIMIT 3").one()
    assert ungrouped == (3 * PARTITIONS,), "without GROUP BY it limits the rows each partition gives"


def test_group_by_errors(session):
    with pytest.raises(InvalidRequest, match="Group by is currently only supported on the columns of the PRIMARY KEY, got v"):
        session.execute("SELECT k, count(*) FROM agg GROUP BY k, v")
    with pytest.raises(InvalidRequest, match="Group by currently only support groups of columns following their "
                                             "declared order in the PRIMARY KEY"):
        session.execute("SELECT k, count(*) FROM agg GROUP BY k, c2")
    with pytest.raises(InvalidRequest, match="Group by is not supported on only a part of the partition key"):
        session.execute("SELECT a, count(*) FROM compound GROUP BY a")


# MARK: Empty input


def test_aggregates_over_no_rows(session):
    expected = [(0, 0, None, None, 0, 0, 0.0)]
    query = "SELECT count(*), count(v), min(v), max(v), sum(v), avg(v), avg(d) FROM empty"
    assert fetch(session, query) == expected
    assert fetch(session, "SELECT count(*), count(v), min(v), max(v), sum(v), avg(v), avg(d) FROM agg WHERE k = 999") \
        == expected


def test_group_by_and_distinct_over_no_rows(session):
    assert fetch(session, "SELECT k, count(*) FROM empty GROUP BY k") == []
    assert fetch(session, "SELECT DISTINCT k FROM empty") == []
    assert fetch(session, "SELECT k, c, max(v) FROM empty") == [(None, None, None)]
