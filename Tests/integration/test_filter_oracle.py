"""The filter oracle: random profiles — with nulls, overwrites, deleted rows and columns, and
expired TTLs — are written to the 3-node cluster and mirrored in SQLite; hundreds of random
filters (trees of AND, OR, NOT over every predicate kind) must select exactly the keys SQLite
selects for the same predicate over the same data, whether the replicas evaluate the filter
(reads at ONE) or the coordinator does (QUORUM).

SQLite's model: scalar columns as columns; a set as rows of `tags(id, tag)` and a map as
rows of `attrs(id, key, value)`, so `CONTAINS` is `EXISTS` (false on an empty or null
collection) and `attrs['k']` is a scalar subquery (null when the key is absent).
The same checks run again once the data is flushed to SSTables, once newer versions in a
memtable and a second SSTable shadow older ones, and after a major compaction
(`kvcli cluster flush`/`compact`). The module's keyspace is dropped when it ends.
"""
import random
import sqlite3
import time

import pytest

from conftest import quorum_session

cassandra = pytest.importorskip("cassandra")
from cassandra import ConsistencyLevel  # noqa: E402
from cassandra.concurrent import execute_concurrent_with_args  # noqa: E402
from cassandra.query import SimpleStatement  # noqa: E402

KEYSPACE = "oracle"
ROWS = 1500
FILTERS = 300
FILTERS_PER_STAGE = 100
SEED = 20261122
COUNTRIES = ["JP", "US", "FR", "DE", "BR", "jp", ""]
PLANS = ["free", "pro", "team"]
TAGS = ["a", "b", "c", "d"]
KEYS = ["x", "y", "z"]
READ_LEVELS = [ConsistencyLevel.ONE, ConsistencyLevel.QUORUM]


def maybe(rng, value, null_share=0.2):
    return None if rng.random() < null_share else value


def random_profile(rng, key):
    return {
        "id": key, "country": maybe(rng, rng.choice(COUNTRIES)), "age": maybe(rng, rng.randint(-5, 90)),
        "score": maybe(rng, round(rng.uniform(-100, 100), 2)), "push": maybe(rng, rng.random() < 0.5),
        "plan": maybe(rng, rng.choice(PLANS)),
        "tags": set(rng.sample(TAGS, rng.randint(0, 3))),
        "attrs": {k: rng.randint(0, 9) for k in rng.sample(KEYS, rng.randint(0, 3))},
    }


class Mirror:
    """The data as SQLite holds it, kept in step with every write sent to the cluster."""

    def __init__(self):
        self.db = sqlite3.connect(":memory:")
        self.db.executescript("""
            CREATE TABLE t (id INTEGER PRIMARY KEY, country TEXT, age INTEGER, score REAL, push INTEGER, plan TEXT,
                            marker INTEGER);
            CREATE TABLE tags (id INTEGER, tag TEXT, PRIMARY KEY (id, tag));
            CREATE TABLE attrs (id INTEGER, key TEXT, value INTEGER, PRIMARY KEY (id, key));
        """)

    def insert(self, p):
        self.delete_row(p["id"])
        self.db.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, 1)",
                        (p["id"], p["country"], p["age"], p["score"], None if p["push"] is None else int(p["push"]), p["plan"]))
        self.db.executemany("INSERT INTO tags VALUES (?, ?)", [(p["id"], tag) for tag in p["tags"]])
        self.db.executemany("INSERT INTO attrs VALUES (?, ?, ?)", [(p["id"], k, v) for k, v in p["attrs"].items()])

    def set_scalar(self, key, column, value):
        """As Cassandra's UPDATE: a value given to a row that does not exist creates it, without
        a row marker; a row without a marker lives only while one of its cells does."""
        if value is not None and not self.db.execute("SELECT 1 FROM t WHERE id = ?", (key,)).fetchone():
            self.db.execute("INSERT INTO t (id, marker) VALUES (?, 0)", (key,))
        self.db.execute(f"UPDATE t SET {column} = ? WHERE id = ?", (value, key))
        self.db.execute("""DELETE FROM t WHERE id = ? AND marker = 0 AND country IS NULL AND age IS NULL
                           AND score IS NULL AND push IS NULL AND plan IS NULL
                           AND NOT EXISTS (SELECT 1 FROM tags WHERE tags.id = t.id)
                           AND NOT EXISTS (SELECT 1 FROM attrs WHERE attrs.id = t.id)""", (key,))

    def delete_row(self, key):
        for table in ("t", "tags", "attrs"):
            self.db.execute(f"DELETE FROM {table} WHERE id = ?", (key,))

    def keys(self, where):
        return sorted(row[0] for row in self.db.execute(f"SELECT id FROM t WHERE {where}"))


def literal(value):
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def sql_literal(value):
    return str(int(value)) if isinstance(value, bool) else literal(value)


SCALARS = {"country": lambda r: r.choice(COUNTRIES), "age": lambda r: r.randint(-5, 90),
           "score": lambda r: round(r.uniform(-100, 100), 1), "push": lambda r: r.random() < 0.5,
           "plan": lambda r: r.choice(PLANS)}


def random_predicate(rng):
    """A predicate as (CQL text, SQLite text)."""
    kind = rng.randrange(7)
    if kind <= 2:
        column = rng.choice(list(SCALARS))
        op = rng.choice(["=", "!=", "<", "<=", ">", ">="])
        value = SCALARS[column](rng)
        return f"{column} {op} {literal(value)}", f"{column} {op} {sql_literal(value)}"
    if kind == 3:
        column = rng.choice(list(SCALARS))
        values = [SCALARS[column](rng) for _ in range(rng.randint(1, 3))]
        return (f"{column} IN ({', '.join(literal(v) for v in values)})",
                f"{column} IN ({', '.join(sql_literal(v) for v in values)})")
    if kind == 4:
        column = rng.choice(list(SCALARS))
        negate = rng.random() < 0.5
        return f"{column} IS {'NOT ' if negate else ''}NULL", f"{column} IS {'NOT ' if negate else ''}NULL"
    if kind == 5:
        if rng.random() < 0.5:
            tag = rng.choice(TAGS)
            return f"tags CONTAINS '{tag}'", f"EXISTS (SELECT 1 FROM tags WHERE tags.id = t.id AND tag = '{tag}')"
        key = rng.choice(KEYS)
        return f"attrs CONTAINS KEY '{key}'", f"EXISTS (SELECT 1 FROM attrs WHERE attrs.id = t.id AND key = '{key}')"
    key, op, value = rng.choice(KEYS), rng.choice(["=", "<", ">=", "!="]), rng.randint(0, 9)
    return (f"attrs['{key}'] {op} {value}",
            f"(SELECT value FROM attrs WHERE attrs.id = t.id AND key = '{key}') {op} {value}")


def random_filter(rng, depth=0):
    if depth >= 3 or rng.random() < 0.35:
        return random_predicate(rng)
    kind = rng.choice(["AND", "OR", "NOT"])
    if kind == "NOT":
        cql, sql = random_filter(rng, depth + 1)
        return f"NOT ({cql})", f"NOT ({sql})"
    parts = [random_filter(rng, depth + 1) for _ in range(rng.randint(2, 3))]
    return (f" {kind} ".join(f"({c})" for c, _ in parts), f" {kind} ".join(f"({s})" for _, s in parts))


def mutate(session, insert, mirror, rng, count):
    """Overwrites, deletes or expires `count` random rows or cells on the cluster and in the
    mirror, then waits until every TTL given has passed."""
    expiring = []
    for key in rng.sample(range(ROWS), count):
        action = rng.randrange(5)
        if action == 0:  # overwrite the whole row
            p = random_profile(rng, key)
            session.execute(insert, tuple(p.values()))
            mirror.insert(p)
        elif action == 1:  # overwrite one column, maybe with null
            column = rng.choice(list(SCALARS))
            value = maybe(rng, SCALARS[column](rng), 0.3)
            session.execute(SimpleStatement(f"UPDATE t SET {column} = %s WHERE id = %s"), [value, key])
            mirror.set_scalar(key, column, int(value) if isinstance(value, bool) else value)
        elif action == 2:  # delete the row
            session.execute("DELETE FROM t WHERE id = %s", [key])
            mirror.delete_row(key)
        elif action == 3:  # delete one column
            column = rng.choice(list(SCALARS))
            session.execute(SimpleStatement(f"DELETE {column} FROM t WHERE id = %s"), [key])
            mirror.set_scalar(key, column, None)
        else:  # a column value that expires before the filters run
            column = rng.choice(list(SCALARS))
            session.execute(SimpleStatement(f"UPDATE t USING TTL 1 SET {column} = %s WHERE id = %s"),
                            [SCALARS[column](rng), key])
            expiring.append((key, column))
    for key, column in expiring:
        if mirror.db.execute("SELECT 1 FROM t WHERE id = ?", (key,)).fetchone():
            mirror.set_scalar(key, column, None)
    if expiring:
        time.sleep(2.5)  # every TTL has passed


@pytest.fixture(scope="module")
def loaded(cluster):
    rng = random.Random(SEED)
    mirror = Mirror()
    with quorum_session(KEYSPACE) as session:
        session.execute("CREATE TABLE t (id int PRIMARY KEY, country text, age int, score double, push boolean, "
                        "plan text, tags set<text>, attrs map<text, int>)")
        # Writes at ALL: a filter read at ONE (evaluated on the replicas) sees every one.
        session.cluster.profile_manager.default.consistency_level = ConsistencyLevel.ALL
        insert = session.prepare("INSERT INTO t (id, country, age, score, push, plan, tags, attrs) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        profiles = [random_profile(rng, key) for key in range(ROWS)]
        execute_concurrent_with_args(session, insert, [tuple(p.values()) for p in profiles], raise_on_first_error=True)
        for p in profiles:
            mirror.insert(p)
        mutate(session, insert, mirror, rng, ROWS // 3)
        yield session, insert, mirror, rng


def check_random_filters(session, mirror, rng, count):
    """Runs `count` random filters, at ONE (evaluated on the replicas) or QUORUM (on the
    coordinator); each must select exactly the keys SQLite selects."""
    nonempty = 0
    for index in range(count):
        cql, sql = random_filter(rng)
        consistency = rng.choice(READ_LEVELS)
        statement = SimpleStatement(f"SELECT id FROM t WHERE {cql} ALLOW FILTERING",
                                    fetch_size=rng.choice([100, 5000]), consistency_level=consistency)
        got = sorted(row.id for row in session.execute(statement))
        wanted = mirror.keys(sql)
        assert got == wanted, f"filter {index} at {ConsistencyLevel.value_to_name[consistency]}: {cql}\nSQLite: {sql}"
        nonempty += bool(wanted)
    assert nonempty > count // 3, "the filters must select something often enough to mean anything"


def test_random_filters_select_exactly_what_sqlite_selects(loaded):
    session, _, mirror, rng = loaded
    check_random_filters(session, mirror, rng, FILTERS)


def test_count_matches_sqlite(loaded):
    session, _, mirror, rng = loaded
    for _ in range(20):
        cql, sql = random_filter(rng)
        statement = SimpleStatement(f"SELECT count(*) FROM t WHERE {cql} ALLOW FILTERING",
                                    consistency_level=rng.choice(READ_LEVELS))
        count = session.execute(statement).one()[0]
        assert count == len(mirror.keys(sql)), cql


def test_filters_over_flushed_sstables(loaded, cluster):
    """Everything so far (the load and its overwrites, deletes and expired cells) in SSTables."""
    session, _, mirror, rng = loaded
    cluster.kvcli("flush")
    check_random_filters(session, mirror, rng, FILTERS_PER_STAGE)


def test_filters_over_memtables_shadowing_several_sstables(loaded, cluster):
    """Newer versions in a second SSTable and in memtables shadow the older ones below."""
    session, insert, mirror, rng = loaded
    mutate(session, insert, mirror, rng, ROWS // 4)
    cluster.kvcli("flush")
    mutate(session, insert, mirror, rng, ROWS // 5)
    check_random_filters(session, mirror, rng, FILTERS_PER_STAGE)


def test_filters_over_a_compacted_sstable_and_a_memtable(loaded, cluster):
    """A major compaction merges every version into one SSTable per node; a memtable holds
    newer writes on top."""
    session, insert, mirror, rng = loaded
    cluster.kvcli("compact")
    check_random_filters(session, mirror, rng, FILTERS_PER_STAGE // 2)
    mutate(session, insert, mirror, rng, ROWS // 5)
    check_random_filters(session, mirror, rng, FILTERS_PER_STAGE // 2)
