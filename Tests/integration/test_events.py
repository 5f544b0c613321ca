"""Server-pushed protocol events (EVENT frames on stream -1) from a 3-node cluster.

A raw connection REGISTERs for every event type and must hear SCHEMA_CHANGE for DDL run through
another node, and STATUS_CHANGE DOWN then UP for a peer that is killed and started again. A second
driver `Cluster` must see a table another client created without refreshing by hand.
"""
import socket
import struct
import time

import pytest

from conftest import all_up, wait_until

cassandra = pytest.importorskip("cassandra")
from cassandra.cluster import Cluster  # noqa: E402

NATIVE_PORT = 9042
OP_STARTUP, OP_READY, OP_REGISTER, OP_EVENT = 0x01, 0x02, 0x0B, 0x0C


def string(text):
    data = text.encode()
    return struct.pack(">H", len(data)) + data


def frame(opcode, body, stream):
    return struct.pack(">BBhBi", 0x04, 0, stream, opcode, len(body)) + body


class EventListener:
    """A raw v4 connection registered for TOPOLOGY_CHANGE, STATUS_CHANGE and SCHEMA_CHANGE."""

    def __init__(self, address):
        self.socket = socket.create_connection((address, NATIVE_PORT), timeout=5)
        startup = struct.pack(">H", 1) + string("CQL_VERSION") + string("3.4.5")
        self.socket.sendall(frame(OP_STARTUP, startup, stream=1))
        assert self._read_frame()[2] == OP_READY
        types = ["TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"]
        self.socket.sendall(frame(OP_REGISTER, struct.pack(">H", len(types)) + b"".join(map(string, types)), stream=2))
        assert self._read_frame()[2] == OP_READY

    def close(self):
        self.socket.close()

    def _read_exact(self, count):
        data = b""
        while len(data) < count:
            chunk = self.socket.recv(count - len(data))
            if not chunk:
                raise ConnectionError("the node closed the event connection")
            data += chunk
        return data

    def _read_frame(self):
        version, flags, stream, opcode, length = struct.unpack(">BBhBi", self._read_exact(9))
        assert version == 0x84 and flags == 0
        return stream, self._read_exact(length), opcode

    def next_event(self, timeout):
        """The next EVENT as a tuple of its strings (an inet becomes "address:port"), or None."""
        self.socket.settimeout(timeout)
        try:
            stream, body, opcode = self._read_frame()
        except socket.timeout:
            return None
        assert (stream, opcode) == (-1, OP_EVENT)
        return decode_event(body)

    def wait_for(self, expected, timeout):
        """Reads events until one equals `expected`; returns the ones seen before it."""
        seen = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            event = self.next_event(max(0.1, deadline - time.monotonic()))
            if event == expected:
                return seen
            if event is not None:
                seen.append(event)
        raise AssertionError(f"no {expected} within {timeout} s; saw {seen}")


def decode_event(body):
    fields, offset = [], 0

    def read_string():
        nonlocal offset
        (length,) = struct.unpack_from(">H", body, offset)
        offset += 2 + length
        return body[offset - length:offset].decode()

    kind = read_string()
    fields.append(kind)
    if kind == "SCHEMA_CHANGE":
        fields += [read_string(), read_string()]
        while offset < len(body):
            fields.append(read_string())
    else:
        fields.append(read_string())
        size = body[offset]
        address = socket.inet_ntop(socket.AF_INET if size == 4 else socket.AF_INET6, body[offset + 1:offset + 1 + size])
        (port,) = struct.unpack_from(">i", body, offset + 1 + size)
        fields.append(f"{address}:{port}")
    return tuple(fields)


@pytest.fixture(scope="module")
def session(cluster):
    wait_until(all_up, 30)
    connection = Cluster(["127.0.0.2"])
    try:
        yield connection.connect()
    finally:
        connection.shutdown()


@pytest.fixture
def listener(cluster):
    events = EventListener("127.0.0.1")
    try:
        yield events
    finally:
        events.close()


def test_ddl_on_another_node_is_pushed_as_schema_change(session, listener):
    session.execute("CREATE KEYSPACE events_ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}")
    listener.wait_for(("SCHEMA_CHANGE", "CREATED", "KEYSPACE", "events_ks"), 10)
    session.execute("CREATE TABLE events_ks.t (k int PRIMARY KEY, v text)")
    listener.wait_for(("SCHEMA_CHANGE", "CREATED", "TABLE", "events_ks", "t"), 10)
    session.execute("ALTER TABLE events_ks.t WITH comment = 'altered'")
    listener.wait_for(("SCHEMA_CHANGE", "UPDATED", "TABLE", "events_ks", "t"), 10)
    session.execute("DROP TABLE events_ks.t")
    listener.wait_for(("SCHEMA_CHANGE", "DROPPED", "TABLE", "events_ks", "t"), 10)


def test_a_second_driver_sees_a_new_table_without_refreshing(session):
    session.execute("CREATE KEYSPACE IF NOT EXISTS events_ks "
                    "WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}")
    watcher = Cluster(["127.0.0.3"], schema_event_refresh_window=0.2)
    try:
        watcher.connect()
        assert "events_ks" in watcher.metadata.keyspaces
        session.execute("CREATE TABLE events_ks.seen (k int PRIMARY KEY, v text)")
        seconds = wait_until(lambda: "seen" in watcher.metadata.keyspaces["events_ks"].tables, 10, interval=0.1)
        print(f"second driver saw the new table after {seconds:.1f} s")
        columns = watcher.metadata.keyspaces["events_ks"].tables["seen"].columns
        assert list(columns) == ["k", "v"]
    finally:
        watcher.shutdown()


def test_a_killed_then_restarted_node_is_pushed_down_then_up(cluster, listener):
    node = f"127.0.0.3:{NATIVE_PORT}"
    cluster.kvcli("kill", "3")
    listener.wait_for(("STATUS_CHANGE", "DOWN", node), 30)
    cluster.kvcli("start", "3", timeout=120)
    listener.wait_for(("STATUS_CHANGE", "UP", node), 30)
    wait_until(all_up, 30)
