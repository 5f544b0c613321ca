"""Schema DDL against a 3-node cluster with the Python driver (default settings): CREATE/ALTER/
DROP KEYSPACE and TABLE, driver metadata, schema agreement, durability across a restart, and
token-aware replica placement computed by the driver from our system_schema replication maps.
"""
import os
import time
from bisect import bisect_left

import pytest

from conftest import states_seen_by, wait_until

cassandra = pytest.importorskip("cassandra")
from cassandra import AlreadyExists, InvalidRequest  # noqa: E402
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile  # noqa: E402
from cassandra.protocol import ConfigurationException  # noqa: E402
from cassandra.policies import WhiteListRoundRobinPolicy  # noqa: E402

ADDRESSES = ["127.0.0.1", "127.0.0.2", "127.0.0.3"]


@pytest.fixture(scope="module")
def driver(cluster):
    wait_until(lambda: all(all(states_seen_by(o).get(a) == "UN" for a in ADDRESSES) for o in ADDRESSES), 30)
    connection = Cluster(["127.0.0.1"])
    try:
        yield connection, connection.connect()
    finally:
        connection.shutdown()


def node_query(address, query):
    """Runs `query` against exactly one node, on a fresh connection."""
    profile = ExecutionProfile(load_balancing_policy=WhiteListRoundRobinPolicy([address]))
    connection = Cluster([address], execution_profiles={EXEC_PROFILE_DEFAULT: profile},
                         schema_metadata_enabled=False, token_metadata_enabled=False)
    try:
        return list(connection.connect().execute(query))
    finally:
        connection.shutdown()


def schema_versions():
    return {address: node_query(address, "SELECT schema_version FROM system.local WHERE key='local'")[0].schema_version
            for address in ADDRESSES}


def wait_for_one_version(timeout=15):
    wait_until(lambda: len(set(schema_versions().values())) == 1, timeout, interval=0.5)
    return schema_versions()


def test_create_keyspace_and_tables_reach_the_driver_metadata(driver):
    connection, session = driver
    session.execute("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}")
    session.execute("CREATE TABLE ks.t (k text PRIMARY KEY, v int)")
    session.execute("CREATE TABLE ks.events (tenant text, day int, at timestamp, seq int, payload map<text, text>, "
                    "note text static, PRIMARY KEY ((tenant, day), at, seq)) "
                    "WITH CLUSTERING ORDER BY (at DESC, seq ASC) AND gc_grace_seconds = 3600 "
                    "AND compaction = {'class': 'LeveledCompactionStrategy'} AND comment = 'events'")
    keyspace = connection.metadata.keyspaces["ks"]
    assert keyspace.replication_strategy.replication_factor == 3
    t = keyspace.tables["t"]
    assert [c.name for c in t.partition_key] == ["k"]
    assert t.columns["v"].cql_type == "int"
    events = keyspace.tables["events"]
    assert [c.name for c in events.partition_key] == ["tenant", "day"]
    assert [c.name for c in events.clustering_key] == ["at", "seq"]
    assert [c.is_reversed for c in events.clustering_key] == [True, False]
    assert events.columns["payload"].cql_type == "map<text, text>"
    assert events.columns["note"].is_static
    assert events.options["gc_grace_seconds"] == 3600
    assert events.options["comment"] == "events"
    assert "LeveledCompactionStrategy" in events.options["compaction"]["class"]
    assert "CLUSTERING ORDER BY (at DESC, seq ASC)" in events.export_as_string()


def test_schema_agreement_and_equal_versions_everywhere(driver):
    connection, _ = driver
    assert connection.control_connection.wait_for_schema_agreement(wait_time=15)
    versions = wait_for_one_version()
    assert len(set(versions.values())) == 1, versions
    for address in ADDRESSES:
        rows = node_query(address, "SELECT table_name FROM system_schema.tables WHERE keyspace_name = 'ks'")
        assert sorted(row.table_name for row in rows) == ["events", "t"], address


def test_create_existing_keyspace_or_table_is_already_exists(driver):
    _, session = driver
    with pytest.raises(AlreadyExists) as error:
        session.execute("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    assert error.value.keyspace == "ks" and not error.value.table
    session.execute("CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    with pytest.raises(AlreadyExists):
        session.execute("CREATE TABLE ks.t (k text PRIMARY KEY, v int)")
    session.execute("CREATE TABLE IF NOT EXISTS ks.t (k text PRIMARY KEY, v int)")


def test_invalid_definitions_are_rejected(driver):
    _, session = driver
    with pytest.raises(ConfigurationException):
        session.execute("CREATE KEYSPACE bad WITH replication = {'class': 'NoSuchStrategy'}")
    with pytest.raises(ConfigurationException):
        session.execute("CREATE KEYSPACE bad WITH replication = {'class': 'SimpleStrategy'}")
    with pytest.raises(InvalidRequest, match="PRIMARY KEY"):
        session.execute("CREATE TABLE ks.bad (k text, v int, PRIMARY KEY (nope))")
    with pytest.raises(InvalidRequest, match="CLUSTERING ORDER"):
        session.execute("CREATE TABLE ks.bad (k text, c int, v int, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (v DESC)")
    with pytest.raises(InvalidRequest, match="does not exist"):
        session.execute("CREATE TABLE nope.bad (k text PRIMARY KEY)")


def test_use_keyspace_and_unqualified_ddl(driver):
    connection, _ = driver
    session = connection.connect()
    session.execute("USE ks")
    assert session.keyspace == "ks"
    session.execute("CREATE TABLE scratch (k int PRIMARY KEY, v text)")
    session.execute("ALTER TABLE scratch ADD extra bigint")
    assert connection.metadata.keyspaces["ks"].tables["scratch"].columns["extra"].cql_type == "bigint"
    session.execute("ALTER TABLE scratch DROP extra")
    assert "extra" not in connection.metadata.keyspaces["ks"].tables["scratch"].columns
    with pytest.raises(InvalidRequest, match="PRIMARY KEY"):
        session.execute("ALTER TABLE scratch DROP k")
    session.execute("DROP TABLE scratch")
    assert "scratch" not in connection.metadata.keyspaces["ks"].tables
    session.shutdown()


def ring_from_system_tables(session, connection):
    ring = {}
    host = connection.metadata.get_host("127.0.0.1")
    local = session.execute("SELECT rpc_address, tokens FROM system.local", host=host).one()
    for token in local.tokens:
        ring[int(token)] = str(local.rpc_address)
    for row in session.execute("SELECT rpc_address, tokens FROM system.peers", host=host):
        for token in row.tokens:
            ring[int(token)] = str(row.rpc_address)
    return ring


def simple_strategy_replicas(ring, token, factor):
    """Our ring's SimpleStrategy: distinct owners walking clockwise from the key's token."""
    tokens = sorted(ring)
    start = bisect_left(tokens, token)
    replicas = []
    for step in range(len(tokens)):
        owner = ring[tokens[(start + step) % len(tokens)]]
        if owner not in replicas:
            replicas.append(owner)
        if len(replicas) == factor:
            break
    return replicas


@pytest.mark.parametrize("keyspace,factor,strategy", [
    ("ks", 3, "'class': 'SimpleStrategy', 'replication_factor': 3"),
    ("ks_rf2", 2, "'class': 'SimpleStrategy', 'replication_factor': 2"),
    ("ks_nts2", 2, "'class': 'NetworkTopologyStrategy', 'dc1': 2"),
])
def test_driver_replicas_match_our_ring(driver, keyspace, factor, strategy):
    connection, session = driver
    session.execute(f"CREATE KEYSPACE IF NOT EXISTS {keyspace} WITH replication = {{{strategy}}}")
    connection.refresh_schema_metadata()
    ring = ring_from_system_tables(session, connection)
    token_map = connection.metadata.token_map
    for n in range(100):
        key = f"key-{n}".encode()
        token = token_map.token_class.from_key(key).value
        expected = simple_strategy_replicas(ring, token, factor)
        actual = [host.address for host in connection.metadata.get_replicas(keyspace, key)]
        if factor == 3:
            assert sorted(actual) == sorted(expected) == ADDRESSES
        else:
            assert actual == expected, key


def test_alter_keyspace_and_table_options(driver):
    connection, session = driver
    session.execute("CREATE KEYSPACE alt WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("ALTER KEYSPACE alt WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2} "
                    "AND durable_writes = false")
    keyspace = connection.metadata.keyspaces["alt"]
    assert keyspace.replication_strategy.replication_factor == 2 and not keyspace.durable_writes
    session.execute("CREATE TABLE alt.t (k int PRIMARY KEY, v int)")
    session.execute("ALTER TABLE alt.t WITH default_time_to_live = 60 AND comment = 'hi'")
    options = connection.metadata.keyspaces["alt"].tables["t"].options
    assert (options["default_time_to_live"], options["comment"]) == (60, "hi")
    with pytest.raises(ConfigurationException):
        session.execute("ALTER TABLE alt.t WITH compaction = {'class': 'NoSuchCompaction'}")
    prepared = session.prepare("DROP KEYSPACE alt")
    assert "alt" in connection.metadata.keyspaces, "PREPARE must not run the statement"
    session.execute(prepared)
    assert "alt" not in connection.metadata.keyspaces


def test_schema_survives_a_restart(driver, cluster):
    connection, _ = driver
    path = os.path.join(cluster.directory, "node2", "data", "schema")
    with open(path, "rb") as file:
        stored = file.read()
    assert stored.startswith(b"kvschema 1\n") and b"K\tks\t" in stored and b"T\tks\tevents\t" in stored
    cluster.kvcli("restart", "2", timeout=120)
    wait_until(lambda: all(all(states_seen_by(o).get(a) == "UN" for a in ADDRESSES) for o in ADDRESSES), 30)
    rows = node_query("127.0.0.2", "SELECT table_name FROM system_schema.tables WHERE keyspace_name = 'ks'")
    assert sorted(row.table_name for row in rows) == ["events", "t"]
    rows = node_query("127.0.0.2", "SELECT column_name, kind, clustering_order, type FROM system_schema.columns "
                                   "WHERE keyspace_name = 'ks' AND table_name = 'events'")
    columns = {row.column_name: (row.kind, row.clustering_order, row.type) for row in rows}
    assert columns["at"] == ("clustering", "desc", "timestamp")
    assert columns["payload"] == ("regular", "none", "map<text, text>")
    assert len(set(wait_for_one_version().values())) == 1


def node_cluster(address):
    profile = ExecutionProfile(load_balancing_policy=WhiteListRoundRobinPolicy([address]))
    return Cluster([address], execution_profiles={EXEC_PROFILE_DEFAULT: profile},
                   schema_metadata_enabled=False, token_metadata_enabled=False)


def test_conflicting_concurrent_creates_converge(driver):
    clusters = [node_cluster(address) for address in ADDRESSES[:2]]
    try:
        sessions = [c.connect() for c in clusters]
        futures = [sessions[0].execute_async("CREATE TABLE ks.race (k int PRIMARY KEY, a int)"),
                   sessions[1].execute_async("CREATE TABLE ks.race (k int PRIMARY KEY, b text)")]
        outcomes = []
        for future in futures:
            try:
                future.result()
                outcomes.append("created")
            except AlreadyExists:
                outcomes.append("exists")
        assert "created" in outcomes
    finally:
        for c in clusters:
            c.shutdown()
    wait_for_one_version()
    ids = {address: [(row.id, row.table_name) for row in node_query(
        address, "SELECT id, table_name FROM system_schema.tables WHERE keyspace_name = 'ks' AND table_name = 'race'")]
        for address in ADDRESSES}
    assert len({tuple(v) for v in ids.values()}) == 1 and len(ids["127.0.0.1"]) == 1, ids
    columns = {address: sorted(row.column_name for row in node_query(
        address, "SELECT column_name FROM system_schema.columns WHERE keyspace_name = 'ks' AND table_name = 'race'"))
        for address in ADDRESSES}
    assert len({tuple(v) for v in columns.values()}) == 1 and columns["127.0.0.1"] in (["a", "k"], ["b", "k"]), columns


def test_drops_propagate(driver):
    connection, session = driver
    session.execute("DROP TABLE ks.t")
    with pytest.raises(InvalidRequest):
        session.execute("DROP TABLE ks.t")
    session.execute("DROP TABLE IF EXISTS ks.t")
    wait_for_one_version()
    for address in ADDRESSES:
        rows = node_query(address, "SELECT table_name FROM system_schema.tables WHERE keyspace_name = 'ks'")
        assert [row.table_name for row in rows] == ["events", "race"], address
    session.execute("DROP KEYSPACE ks")
    session.execute("DROP KEYSPACE IF EXISTS ks")
    assert "ks" not in connection.metadata.keyspaces
    assert connection.control_connection.wait_for_schema_agreement(wait_time=15)
    wait_for_one_version()
    for address in ADDRESSES:
        rows = node_query(address, "SELECT keyspace_name FROM system_schema.keyspaces")
        assert "ks" not in {row.keyspace_name for row in rows}, address
        assert not node_query(address, "SELECT table_name FROM system_schema.tables WHERE keyspace_name = 'ks'")
    # Re-creating a dropped keyspace works and propagates.
    session.execute("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    assert connection.control_connection.wait_for_schema_agreement(wait_time=15)
    time.sleep(0.1)
    assert connection.metadata.keyspaces["ks"].replication_strategy.replication_factor == 1
