"""The CQL native protocol listener of a real kvnode, driven over raw sockets.

Starts one kvnode on 127.0.0.5 (the 3-node cluster fixture uses 127.0.0.1-3) and checks the
handshake the Python driver performs, version negotiation, and that malformed input is answered
with ERROR or a closed connection, never a dead node.
"""
import os
import random
import signal
import socket
import struct
import subprocess
import tempfile
import time

import pytest

from conftest import KVCLI, wait_until

KVNODE = os.environ.get("KVNODE", os.path.join(os.path.dirname(KVCLI), "kvnode"))
HOST = "127.0.0.5"
PORT = 9042
NO_KEYSPACE = "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename"

OP_ERROR, OP_STARTUP, OP_READY, OP_OPTIONS, OP_SUPPORTED = 0x00, 0x01, 0x02, 0x05, 0x06
OP_QUERY, OP_PREPARE, OP_REGISTER = 0x07, 0x09, 0x0B


# MARK: wire helpers

def string(text):
    data = text.encode() if isinstance(text, str) else text
    return struct.pack(">H", len(data)) + data


def long_string(text):
    data = text.encode() if isinstance(text, str) else text
    return struct.pack(">i", len(data)) + data


def string_map(entries):
    return struct.pack(">H", len(entries)) + b"".join(string(k) + string(v) for k, v in entries.items())


def string_list(items):
    return struct.pack(">H", len(items)) + b"".join(string(item) for item in items)


def frame(opcode, body=b"", stream=0, version=0x04, flags=0, length=None):
    length = len(body) if length is None else length
    return struct.pack(">BBhBi", version, flags, stream, opcode, length) + body


def query_body(text, consistency=1, flags=0):
    return long_string(text) + struct.pack(">HB", consistency, flags)


STARTUP = frame(OP_STARTUP, string_map({"CQL_VERSION": "3.4.5", "DRIVER_NAME": "pytest"}), stream=1)


def connect():
    connection = socket.create_connection((HOST, PORT), timeout=5)
    connection.settimeout(5)
    return connection


def read_exact(connection, count):
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def read_frame(connection):
    """(version byte, flags, stream, opcode, body) of the next response frame."""
    version, flags, stream, opcode, length = struct.unpack(">BBhBi", read_exact(connection, 9))
    return version, flags, stream, opcode, read_exact(connection, length)


def parse_string(body, offset):
    (length,) = struct.unpack_from(">H", body, offset)
    return body[offset + 2:offset + 2 + length].decode(), offset + 2 + length


def parse_error(body):
    (code,) = struct.unpack_from(">i", body, 0)
    message, _ = parse_string(body, 4)
    return code, message


def parse_multimap(body):
    (count,) = struct.unpack_from(">H", body, 0)
    offset, result = 2, {}
    for _ in range(count):
        key, offset = parse_string(body, offset)
        (items,) = struct.unpack_from(">H", body, offset)
        offset += 2
        values = []
        for _ in range(items):
            value, offset = parse_string(body, offset)
            values.append(value)
        result[key] = values
    return result


def exchange(payload):
    """Sends payload on a new connection and returns the first response frame."""
    with connect() as connection:
        connection.sendall(payload)
        return read_frame(connection)


def answered_error_or_closed(connection, timeout_seconds=5):
    """True if the node sent an ERROR frame or closed the connection within the timeout."""
    connection.settimeout(timeout_seconds)
    try:
        while True:
            _, _, _, opcode, _ = read_frame(connection)
            if opcode == OP_ERROR:
                return True
    except (ConnectionError, OSError):
        return True
    except socket.timeout:
        return False


def assert_node_still_serves():
    version, _, stream, opcode, body = exchange(frame(OP_OPTIONS, stream=3))
    assert (version, stream, opcode) == (0x84, 3, OP_SUPPORTED)
    assert "CQL_VERSION" in parse_multimap(body)


# MARK: the node

@pytest.fixture(scope="module")
def node():
    directory = tempfile.mkdtemp(prefix="kvnode-native-")
    config = os.path.join(directory, "kvnode.yaml")
    with open(config, "w") as file:
        file.write(f"listen_address: {HOST}\nnative_address: {HOST}\nnative_port: {PORT}\n"
                   f"seeds: [{HOST}]\ndata_directory: {os.path.join(directory, 'data')}\n")
    log = open(os.path.join(directory, "kvnode.log"), "w")
    process = subprocess.Popen([KVNODE, "--config", config], stdout=log, stderr=subprocess.STDOUT)

    def listening():
        assert process.poll() is None, "kvnode exited during startup"
        try:
            socket.create_connection((HOST, PORT), timeout=1).close()
            return True
        except OSError:
            return False

    try:
        wait_until(listening, 60)
        yield process
        assert process.poll() is None, "kvnode died during the tests"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        with open(os.path.join(directory, "kvnode.log")) as file:
            print("--- kvnode log (tail) ---\n" + "".join(file.readlines()[-30:]))


# MARK: handshake

def test_options_is_answered_with_supported(node):
    version, _, stream, opcode, body = exchange(frame(OP_OPTIONS, stream=17))
    assert (version, stream, opcode) == (0x84, 17, OP_SUPPORTED)
    options = parse_multimap(body)
    assert options["CQL_VERSION"] and all(part.isdigit() for part in options["CQL_VERSION"][0].split("."))
    assert "COMPRESSION" in options
    assert not any(key.startswith("SCYLLA") or key == "PRODUCT_TYPE" for key in options)


def test_startup_is_answered_with_ready(node):
    assert exchange(STARTUP)[1:] == (0, 1, OP_READY, b"")


def test_startup_with_lz4_is_answered_with_ready(node):
    options = {"CQL_VERSION": "3.4.5", "COMPRESSION": "lz4"}
    assert exchange(frame(OP_STARTUP, string_map(options), stream=2))[2:] == (2, OP_READY, b"")


def test_unknown_compression_is_a_protocol_error(node):
    options = {"CQL_VERSION": "3.4.5", "COMPRESSION": "snappy"}
    _, _, stream, opcode, body = exchange(frame(OP_STARTUP, string_map(options), stream=2))
    assert (stream, opcode) == (2, OP_ERROR)
    assert parse_error(body)[0] == 0x000A


def test_register_after_startup_is_answered_with_ready(node):
    with connect() as connection:
        connection.sendall(STARTUP + frame(OP_REGISTER, string_list(["STATUS_CHANGE", "SCHEMA_CHANGE"]), stream=4))
        assert read_frame(connection)[2:4] == (1, OP_READY)
        assert read_frame(connection)[2:4] == (4, OP_READY)


@pytest.mark.parametrize("version", [0x05, 0x41, 0x42])
def test_newer_versions_get_the_error_drivers_downgrade_on(node, version):
    with connect() as connection:
        connection.sendall(frame(OP_OPTIONS, stream=0, version=version))
        reply_version, _, stream, opcode, body = read_frame(connection)
        assert (reply_version, stream, opcode) == (0x84, 0, OP_ERROR)
        code, message = parse_error(body)
        assert code == 0x000A
        assert "unsupported protocol version" in message.lower()
        assert answered_error_or_closed(connection)


def test_v5_startup_gets_the_protocol_version_error(node):
    _, _, stream, opcode, body = exchange(frame(OP_STARTUP, string_map({"CQL_VERSION": "3.4.5"}), stream=7, version=5))
    assert (stream, opcode) == (7, OP_ERROR)
    assert "unsupported protocol version" in parse_error(body)[1].lower()


# MARK: statements

def test_query_before_startup_is_a_protocol_error(node):
    _, _, stream, opcode, body = exchange(frame(OP_QUERY, query_body("SELECT * FROM system.local"), stream=5))
    assert (stream, opcode) == (5, OP_ERROR)
    code, message = parse_error(body)
    assert code == 0x000A and "before STARTUP" in message


def test_statements_get_a_typed_invalid_error_on_their_streams(node):
    with connect() as connection:
        requests = [frame(OP_QUERY, query_body(f"SELECT {n} FROM t"), stream=100 + n) for n in range(8)]
        requests.append(frame(OP_PREPARE, long_string("SELECT * FROM t"), stream=200))
        connection.sendall(STARTUP + b"".join(requests))
        assert read_frame(connection)[2:4] == (1, OP_READY)
        answered = set()
        for _ in requests:
            _, _, stream, opcode, body = read_frame(connection)
            assert opcode == OP_ERROR
            assert parse_error(body) == (0x2200, NO_KEYSPACE)
            answered.add(stream)
        assert answered == {100 + n for n in range(8)} | {200}
        # The connection survives a statement error: the driver keeps using it.
        connection.sendall(frame(OP_OPTIONS, stream=300))
        assert read_frame(connection)[2:4] == (300, OP_SUPPORTED)


# MARK: malformed input

MALFORMED = {
    "tls_client_hello": bytes.fromhex("16 03 01 02 00 01 00 01 fc 03 03") + os.urandom(32),
    "http_get": b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    "version_0": frame(OP_OPTIONS, version=0x00),
    "version_1": frame(OP_OPTIONS, version=0x01)[:8] + b"\x00",
    "version_3": frame(OP_OPTIONS, version=0x03),
    "version_127": frame(OP_OPTIONS, version=0x7F),
    "response_bit": frame(OP_OPTIONS, version=0x84),
    "unknown_opcode": frame(0x04, stream=1),
    "opcode_0x20": frame(0x20, stream=1),
    "response_opcode": frame(OP_SUPPORTED, stream=1),
    "negative_length": frame(OP_OPTIONS, length=-1),
    "huge_length": frame(OP_QUERY, length=0x7FFFFFFF),
    "over_startup_cap": frame(OP_STARTUP, length=1 << 20),
    "truncated_startup": frame(OP_STARTUP, struct.pack(">H", 1) + string("CQL_VERSION")),
    "overrunning_string": frame(OP_STARTUP, struct.pack(">HH", 1, 500) + b"abc"),
    "invalid_utf8": frame(OP_STARTUP, struct.pack(">H", 1) + string(b"\xff\xfe") + string("x")),
    "trailing_bytes": frame(OP_OPTIONS, b"\x00\x01"),
    "compressed_without_negotiation": frame(OP_OPTIONS, b"\x00\x00\x00\x00", flags=0x01),
    "query_before_startup": frame(OP_QUERY, query_body("SELECT 1"), stream=3),
    "prepare_before_startup": frame(OP_PREPARE, long_string("SELECT 1"), stream=3),
    "bad_event_type": STARTUP + frame(OP_REGISTER, string_list(["NOT_AN_EVENT"]), stream=2),
    "bad_consistency": STARTUP + frame(OP_QUERY, long_string("x") + struct.pack(">HB", 99, 0), stream=2),
    "query_negative_string": STARTUP + frame(OP_QUERY, struct.pack(">i", -5) + b"\x00\x01\x00", stream=2),
    "lz4_bomb": frame(OP_STARTUP, string_map({"CQL_VERSION": "3.4.5", "COMPRESSION": "lz4"}), stream=1)
    + frame(OP_OPTIONS, struct.pack(">i", 0x7FFFFFF0) + b"\x00", flags=0x01, stream=2),
    "lz4_corrupt": frame(OP_STARTUP, string_map({"CQL_VERSION": "3.4.5", "COMPRESSION": "lz4"}), stream=1)
    + frame(OP_QUERY, struct.pack(">i", 40) + b"\xff" * 12, flags=0x01, stream=2),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_input_is_answered_or_closed(node, name):
    with connect() as connection:
        connection.sendall(MALFORMED[name])
        assert answered_error_or_closed(connection), f"{name}: neither ERROR nor close"
    assert_node_still_serves()


def test_random_bytes_never_kill_the_node(node):
    generator = random.Random(20261121)
    for round_number in range(200):
        payload = bytes(generator.randrange(256) for _ in range(generator.randrange(1, 80)))
        if round_number % 2:
            payload = bytes([0x04]) + payload  # a plausible v4 header over random fields
        with connect() as connection:
            connection.sendall(payload)
            connection.shutdown(socket.SHUT_WR)
            assert answered_error_or_closed(connection), f"round {round_number}: {payload.hex()}"
    assert_node_still_serves()
    wait_until(lambda: node.poll() is None, 1)


def test_native_port_in_use_is_named():
    directory = tempfile.mkdtemp(prefix="kvnode-native-busy-")
    config = os.path.join(directory, "kvnode.yaml")
    with socket.socket() as blocker:
        blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 0)
        blocker.bind(("127.0.0.7", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        with open(config, "w") as file:
            file.write(f"listen_address: 127.0.0.7\nnative_address: 127.0.0.7\nnative_port: {port}\n"
                       f"seeds: [127.0.0.7]\ndata_directory: {os.path.join(directory, 'data')}\n")
        result = subprocess.run([KVNODE, "--config", config], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"127.0.0.7:{port}" in result.stderr and "native_port" in result.stderr


def test_a_client_that_never_reads_is_throttled(node):
    """Pipelined OPTIONS whose answers are never read: the node stops reading instead of
    buffering responses without bound, so the client's sends stall for good. Without that
    backpressure the node keeps draining the socket (and buffering answers, 8x the input)."""
    chunk = frame(OP_OPTIONS, stream=1) * 8192  # 72 KiB, answered with ~600 KiB
    stalled = False
    with connect() as connection:
        connection.settimeout(5)
        deadline = time.monotonic() + 20
        try:
            while time.monotonic() < deadline:
                connection.sendall(chunk)
        except socket.timeout:
            stalled = True
    assert stalled, "the node kept reading from a client that never reads its responses"
    assert_node_still_serves()
