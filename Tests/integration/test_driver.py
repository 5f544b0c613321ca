"""The DataStax/Apache Python driver (cassandra-driver) against a 3-node cluster, default settings.

The driver negotiates down to v4, reads system.local / system.peers_v2 and the nine
system_schema tables, and builds its host list, token map and schema metadata from them.
"""
import logging
import re
import struct
from bisect import bisect_left

import pytest

from conftest import run_kvcli, states_seen_by, wait_until

cassandra = pytest.importorskip("cassandra")
from cassandra import InvalidRequest  # noqa: E402
from cassandra.cluster import Cluster  # noqa: E402
from cassandra.query import tuple_factory  # noqa: E402

ADDRESSES = ["127.0.0.1", "127.0.0.2", "127.0.0.3"]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DOWNGRADE = re.compile(r"^Downgrading core protocol version from (\d+) to (\d+) for 127\.0\.0\.1:9042\.")
# The driver's own complaint about default settings (no load-balancing policy given), not about the server.
DEFAULT_POLICY_NOTICE = "Cluster.__init__ called with contact_points specified, but no load_balancing_policy"
EXPECTED_WARNING = re.compile(f"^({DOWNGRADE.pattern[1:]}|{re.escape(DEFAULT_POLICY_NOTICE)})")


def murmur3_token(data):
    """Cassandra's Murmur3Partitioner token: x64_128, seed 0, h1 as signed int64, Java-signed tail."""
    mask = (1 << 64) - 1
    c1, c2 = 0x87C37B91114253D5, 0x4CF5AD432745937F

    def rotl(x, r):
        return ((x << r) | (x >> (64 - r))) & mask

    def fmix(k):
        k ^= k >> 33
        k = (k * 0xFF51AFD7ED558CCD) & mask
        k ^= k >> 33
        k = (k * 0xC4CEB9FE1A85EC53) & mask
        return k ^ (k >> 33)

    length = len(data)
    h1 = h2 = 0
    blocks = length // 16
    for i in range(blocks):
        k1, k2 = struct.unpack_from("<QQ", data, i * 16)
        k1 = (rotl((k1 * c1) & mask, 31) * c2) & mask
        h1 ^= k1
        h1 = (rotl(h1, 27) + h2) & mask
        h1 = (h1 * 5 + 0x52DCE729) & mask
        k2 = (rotl((k2 * c2) & mask, 33) * c1) & mask
        h2 ^= k2
        h2 = (rotl(h2, 31) + h1) & mask
        h2 = (h2 * 5 + 0x38495AB5) & mask
    tail = data[blocks * 16:]
    k1 = k2 = 0
    for i in range(len(tail) - 1, -1, -1):
        byte = tail[i] - 256 if tail[i] >= 128 else tail[i]  # Java's signed byte
        if i >= 8:
            k2 ^= (byte << ((i - 8) * 8)) & mask
        else:
            k1 ^= (byte << (i * 8)) & mask
    if len(tail) > 8:
        k2 = (rotl((k2 * c2) & mask, 33) * c1) & mask
        h2 ^= k2
    if len(tail) > 0:
        k1 = (rotl((k1 * c1) & mask, 31) * c2) & mask
        h1 ^= k1
    h1 ^= length
    h2 ^= length
    h1 = (h1 + h2) & mask
    h2 = (h2 + h1) & mask
    h1 = fmix(h1)
    h2 = fmix(h2)
    h1 = (h1 + h2) & mask
    token = h1 - (1 << 64) if h1 >= (1 << 63) else h1
    return (1 << 63) - 1 if token == -(1 << 63) else token


class WarningCollector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def driver(cluster):
    wait_until(lambda: all(all(states_seen_by(o).get(a) == "UN" for a in ADDRESSES) for o in ADDRESSES), 30)
    collector = WarningCollector()
    logger = logging.getLogger("cassandra")
    logger.addHandler(collector)
    connection = Cluster(["127.0.0.1"])
    try:
        session = connection.connect()
        yield connection, session, collector
    finally:
        connection.shutdown()
        logger.removeHandler(collector)


def host_ids_from_status():
    """{address: host id} as `kvcli status` prints them."""
    output = run_kvcli("status", "--host", "127.0.0.1").stdout
    ids = {}
    for line in output.splitlines():
        fields = line.split()
        if fields and fields[0] == "UN":
            match = UUID.search(line)
            assert match, line
            ids[fields[1]] = match.group(0)
    return ids


def test_murmur3_reference_vectors():
    assert murmur3_token(b"\x00\x00\x00\x01") == -4069959284402364209
    assert murmur3_token(struct.pack(">q", 1)) == 6292367497774912474
    assert murmur3_token(b"abc") == -5434086359492102041
    assert murmur3_token(bytes.fromhex("00040000000100000361626300")) == 8771735466527499816


def test_connect_finds_every_host_with_its_dc_rack_and_id(driver):
    connection, _, _ = driver
    hosts = connection.metadata.all_hosts()
    assert sorted(host.address for host in hosts) == ADDRESSES
    assert all((host.datacenter, host.rack) == ("dc1", "rack1") for host in hosts)
    expected = host_ids_from_status()
    assert {host.address: str(host.host_id) for host in hosts} == expected


def test_token_map_has_every_token(driver):
    connection, _, _ = driver
    token_map = connection.metadata.token_map
    assert token_map is not None
    assert len(token_map.ring) == 48
    assert len({host.address for host in token_map.token_to_host_owner.values()}) == 3


def test_system_local_answers_the_cluster_name(driver):
    connection, session, _ = driver
    row = session.execute("SELECT cluster_name, release_version FROM system.local").one()
    assert row.cluster_name == connection.metadata.cluster_name == "Local Cluster"
    assert row.release_version == "5.0.0"


def test_system_schema_describes_the_system_keyspaces(driver):
    connection, session, _ = driver
    keyspaces = connection.metadata.keyspaces
    assert {"system", "system_schema"} <= set(keyspaces)
    local = keyspaces["system"].tables["local"]
    assert [c.name for c in local.partition_key] == ["key"]
    assert local.columns["tokens"].cql_type == "set<text>"
    peers_v2 = keyspaces["system"].tables["peers_v2"]
    assert [c.name for c in peers_v2.clustering_key] == ["peer_port"]
    rows = session.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = 'system_schema'")
    assert len(list(rows)) == 9


def test_every_node_reports_the_same_schema_version(driver):
    connection, session, _ = driver
    assert connection.control_connection.wait_for_schema_agreement(wait_time=5)
    local = session.execute("SELECT schema_version FROM system.local WHERE key='local'").one().schema_version
    peers = session.execute("SELECT peer, schema_version FROM system.peers")
    assert {row.schema_version for row in peers} == {local}


def test_peers_never_list_the_node_itself_and_accept_duplicate_columns(driver):
    connection, session, _ = driver
    for address in ADDRESSES:
        # Tuple rows, as the driver's own duplicate-column query uses (named tuples would warn).
        original_factory = session.row_factory
        session.row_factory = tuple_factory
        try:
            rows = list(session.execute("SELECT peer, rpc_address, rpc_address FROM system.peers",
                                        host=connection.metadata.get_host(address)))
        finally:
            session.row_factory = original_factory
        assert sorted(str(row[0]) for row in rows) == sorted(a for a in ADDRESSES if a != address)
        assert all(row[1] == row[2] for row in rows)
        rows = list(session.execute("SELECT peer, peer_port, native_port FROM system.peers_v2",
                                    host=connection.metadata.get_host(address)))
        assert sorted((str(row.peer), row.native_port) for row in rows) == sorted(
            (a, 9042) for a in ADDRESSES if a != address)


def test_errors_are_invalid_requests_with_cassandras_wording(driver):
    _, session, _ = driver
    with pytest.raises(InvalidRequest, match="Undefined column name nope"):
        session.execute("SELECT nope FROM system.local")
    with pytest.raises(InvalidRequest, match="table nope does not exist"):
        session.execute("SELECT * FROM system.nope")
    with pytest.raises(InvalidRequest, match="Keyspace 'nope' does not exist"):
        session.execute("USE nope")
    with pytest.raises(InvalidRequest, match="Keyspace nope does not exist"):
        session.execute("INSERT INTO nope.t (a) VALUES (1)")
    session.execute("USE system")


def test_prepared_metadata_query(driver):
    _, session, _ = driver
    prepared = session.prepare("SELECT cluster_name FROM system.local WHERE key = 'local'")
    assert session.execute(prepared).one().cluster_name == "Local Cluster"


def test_driver_tokens_and_owners_match_our_ring(driver):
    connection, session, _ = driver
    ring = {}  # token -> address, from system.local and system.peers
    local = session.execute("SELECT rpc_address, tokens FROM system.local", host=connection.metadata.get_host("127.0.0.1")).one()
    for token in local.tokens:
        ring[int(token)] = str(local.rpc_address)
    for row in session.execute("SELECT rpc_address, tokens FROM system.peers", host=connection.metadata.get_host("127.0.0.1")):
        for token in row.tokens:
            ring[int(token)] = str(row.rpc_address)
    assert len(ring) == 48
    sorted_tokens = sorted(ring)
    token_map = connection.metadata.token_map
    for n in range(200):
        key = f"key-{n}".encode()
        token = token_map.token_class.from_key(key)
        assert token.value == murmur3_token(key)
        successor = sorted_tokens[bisect_left(sorted_tokens, token.value) % len(sorted_tokens)]
        driver_index = bisect_left(token_map.ring, token) % len(token_map.ring)
        driver_owner = token_map.token_to_host_owner[token_map.ring[driver_index]]
        assert driver_owner.address == ring[successor], key


def test_the_driver_logged_only_the_version_downgrades(driver):
    connection, _, collector = driver
    print("driver warnings:", *collector.messages, sep="\n  ")
    unexpected = [m for m in collector.messages if not EXPECTED_WARNING.match(m)]
    assert unexpected == []
    steps = [tuple(int(v) for v in DOWNGRADE.match(m).groups()) for m in collector.messages if DOWNGRADE.match(m)]
    assert steps == [(66, 65), (65, 5), (5, 4)]
    assert connection.protocol_version == 4
