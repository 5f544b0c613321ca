"""`kvcli segment` against a 3-node cluster: the rows a filter matches, written as CSV or NDJSON
(or counted), checked against the same filter applied in Python to the rows inserted; the
statistics it prints; and one-line errors with a non-zero exit status. Then against a fake
node that sends `kv-scan-stats` payloads by hand: the statistics summed over pages, per node,
and the progress line on a terminal.

The statistics numbers of the real cluster come from the server's `kv-scan-stats` payload:
`test_statistics_count_every_row_written` fails until the nodes send it. The module's keyspace
is dropped when it ends.
"""
import csv
import io
import json
import os
import pty
import re
import socketserver
import struct
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import quorum_session, run_kvcli

cassandra = pytest.importorskip("cassandra")
from cassandra.concurrent import execute_concurrent_with_args  # noqa: E402

KEYSPACE = "segment_cli"
TABLE = f"{KEYSPACE}.people"
ROWS = 2000
COUNTRIES = ["JP", "US", "KR", "DE"]
LANGS = ["ja", "en", "ko"]


def person(i):
    """Row i of the table: (id, age, country, active, score, attrs)."""
    attrs = {"lang": LANGS[i % 3], "device": "ios" if i % 5 == 0 else "web"}
    if i % 7 == 0:
        del attrs["lang"]
    return f"p{i:05d}", 18 + (i * 7) % 60, COUNTRIES[i % 4], i % 3 != 0, i / 8, attrs


@pytest.fixture(scope="module")
def people(cluster):
    with quorum_session(KEYSPACE) as session:
        session.execute("CREATE TABLE people (id text PRIMARY KEY, age int, country text, active boolean, "
                        "score double, attrs map<text, text>)")
        insert = session.prepare("INSERT INTO people (id, age, country, active, score, attrs) VALUES (?, ?, ?, ?, ?, ?)")
        rows = [person(i) for i in range(ROWS)]
        execute_concurrent_with_args(session, insert, rows, concurrency=64, raise_on_first_error=True)
        yield rows


def segment(*arguments, check=True):
    """Runs `kvcli segment --table segment_cli.people ...` at QUORUM (so every acknowledged
    write is seen); returns the completed process."""
    result = run_kvcli("segment", "--table", TABLE, "--consistency", "QUORUM", *arguments, check=False, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def segment_to_file(*arguments):
    """Runs a segment with --out; returns (file text, stderr)."""
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "out")
        result = segment("--out", path, *arguments)
        with open(path, newline="") as file:
            return file.read(), result.stderr


def csv_rows(text):
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_of_the_partition_key_by_default(people):
    text, stderr = segment_to_file("--where", "country = 'JP' AND age >= 30 AND age < 50")
    rows = csv_rows(text)
    wanted = sorted(p[0] for p in people if p[2] == "JP" and 30 <= p[1] < 50)
    assert rows[0] == ["id"]
    assert sorted(r[0] for r in rows[1:]) == wanted
    assert all(len(r) == 1 for r in rows[1:])
    assert text.endswith("\r\n")
    assert f"matches: {len(wanted):,} rows written" in stderr


def test_csv_with_columns_and_an_or_filter(people):
    text, _ = segment_to_file("--columns", "id, age, country, active",
                              "--where", "(country = 'KR' OR age < 20) AND active = true")
    rows = csv_rows(text)
    wanted = sorted([p[0], str(p[1]), p[2], "True"] for p in people if (p[2] == "KR" or p[1] < 20) and p[3])
    assert rows[0] == ["id", "age", "country", "active"]
    assert sorted(rows[1:]) == wanted


def test_ndjson_of_a_map_element_filter(people):
    text, _ = segment_to_file("--format", "ndjson", "--columns", "id,score,attrs",
                              "--where", "attrs['lang'] = 'ja' AND score < 100")
    got = sorted((o["id"], o["score"], o["attrs"]) for o in map(json.loads, text.splitlines()))
    wanted = sorted((p[0], p[4], p[5]) for p in people if p[5].get("lang") == "ja" and p[4] < 100)
    assert got == wanted
    assert len(wanted) > 0


def test_ndjson_to_standard_output_with_booleans_and_numbers(people):
    result = segment("--format", "ndjson", "--columns", "id,age,active", "--page-size", "50",
                     "--where", "country = 'US' AND age > 70")
    got = sorted((o["id"], o["age"], o["active"]) for o in map(json.loads, result.stdout.splitlines()))
    assert got == sorted((p[0], p[1], p[3]) for p in people if p[2] == "US" and p[1] > 70)


def test_count(people):
    text, stderr = segment_to_file("--count", "--where", "country = 'DE' OR attrs['device'] = 'ios'")
    wanted = sum(1 for p in people if p[2] == "DE" or p[5]["device"] == "ios")
    assert csv_rows(text) == [["count"], [str(wanted)]]
    assert f"count: {wanted:,} matching rows" in stderr


def test_a_filter_nothing_matches_writes_only_the_header(people):
    text, _ = segment_to_file("--where", "age > 1000")
    assert csv_rows(text) == [["id"]]


def totals_line(stderr):
    """The numbers of the statistics' total line: rows scanned, rows matched, blocks skipped."""
    line = next((l for l in stderr.splitlines() if l.startswith("total ")), None)
    assert line is not None, f"no statistics in:\n{stderr}"
    return [int(n.replace(",", "")) for n in line.split()[1:4]]


@pytest.mark.parametrize("where, page_size", [("country = 'JP'", 100), ("age >= 18", 30)])
def test_statistics_count_every_row_written(people, where, page_size):
    """At ONE each token range is read from one replica, so the rows matched add up to the
    rows written, however the pages fall."""
    result = run_kvcli("segment", "--table", TABLE, "--where", where, "--page-size", str(page_size), timeout=300)
    written = len(csv_rows(result.stdout)) - 1
    scanned, matched, _ = totals_line(result.stderr)
    assert matched == written
    assert scanned >= matched
    assert "rows scanned per second" in result.stderr
    assert "the server reported no scan statistics" not in result.stderr


def test_statistics_or_their_absence_are_reported(people):
    _, stderr = segment_to_file("--count", "--where", "age >= 18")
    assert re.search(r"\(\d+\.\d{3} s\)", stderr), stderr
    assert "the server reported no scan statistics" in stderr or "rows scanned per second" in stderr


@pytest.mark.parametrize("arguments, message", [
    (["--table", TABLE, "--where", "age >>= 3"], "SyntaxException"),
    (["--table", TABLE, "--where", "nosuchcolumn = 3"], "InvalidRequest"),
    (["--table", f"{KEYSPACE}.nosuchtable", "--where", "age = 3"], "does not exist"),
    (["--table", "people", "--where", "age = 3"], "keyspace.table"),
    (["--table", TABLE, "--where", "age = 3", "--port", "1"], "cannot connect"),
])
def test_errors_are_one_line_and_exit_non_zero(people, arguments, message):
    result = run_kvcli("segment", *arguments, check=False, timeout=60)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert result.stdout == ""


# --- A fake node that sends kv-scan-stats payloads ---------------------------------------

def protocol_string(text):
    data = text.encode()
    return struct.pack(">H", len(data)) + data


def protocol_bytes(data):
    return struct.pack(">i", -1) if data is None else struct.pack(">i", len(data)) + data


def rows_body(columns, rows, paging_state=None):
    """A RESULT Rows body: columns are (name, type id) of table ks.t, rows lists of cell bytes."""
    flags = 0x0001 | (0x0002 if paging_state is not None else 0)
    body = struct.pack(">iii", 2, flags, len(columns))
    if paging_state is not None:
        body += protocol_bytes(paging_state)
    body += protocol_string("ks") + protocol_string("t")
    for name, type_id in columns:
        body += protocol_string(name) + struct.pack(">H", type_id)
    body += struct.pack(">i", len(rows))
    for row in rows:
        body += b"".join(protocol_bytes(cell) for cell in row)
    return body


def paging_state_of(body):
    """The paging state of a QUERY body (no bound values), or None."""
    length = struct.unpack_from(">i", body)[0]
    offset = 4 + length + 2
    flags = body[offset]
    offset += 1
    if flags & 0x04:
        offset += 4
    if flags & 0x08:
        size = struct.unpack_from(">i", body, offset)[0]
        return body[offset + 4:offset + 4 + size]
    return None


VARCHAR, INT, BIGINT = 0x000D, 0x0009, 0x0002
# Page n: its rows and the work each node reports for it; ranges_done is cumulative.
FAKE_PAGES = [
    (["u1", "u2"], {"127.0.0.1": [100, 2, 1, 4096], "127.0.0.2": [50, 0, 0, 2048]}),
    ([], {"127.0.0.2": [70, 0, 3, 1024]}),
    (["u3"], {"127.0.0.1": [30, 1, 0, 512]}),
]


def fake_answer(query, paging_state):
    """(RESULT body, custom payload) for a QUERY."""
    if "system_schema.columns" in query:
        return rows_body([("column_name", VARCHAR), ("kind", VARCHAR), ("position", INT)],
                         [[b"user_id", b"partition_key", struct.pack(">i", 0)]]), None
    index = paging_state[0] if paging_state else 0
    keys, nodes = FAKE_PAGES[index]
    stats = {"ranges_total": len(FAKE_PAGES), "ranges_done": index + 1,
             "nodes": {address: dict(zip(["rows_scanned", "rows_matched", "blocks_skipped", "bytes_read"], work))
                       for address, work in nodes.items()}}
    more = bytes([index + 1]) if index + 1 < len(FAKE_PAGES) else None
    if "COUNT(*)" in query:
        rows = [[struct.pack(">q", 3)]] if more is None else []
        body = rows_body([("count", BIGINT)], rows, more)
    else:
        body = rows_body([("user_id", VARCHAR)], [[key.encode()] for key in keys], more)
    time.sleep(0.4)  # long enough for the progress line to be drawn between pages
    return body, {"kv-scan-stats": json.dumps(stats).encode()}


class FakeNode(socketserver.BaseRequestHandler):
    """Answers STARTUP with READY and QUERY with `fake_answer`, one frame at a time."""

    def handle(self):
        while True:
            header = self.read(9)
            if header is None:
                return
            _, _, stream, opcode, length = struct.unpack(">BBhBi", header)
            body = self.read(length) or b""
            if opcode == 0x01:
                self.send(stream, 0x02, b"")
            elif opcode == 0x07:
                query = body[4:4 + struct.unpack_from(">i", body)[0]].decode()
                answer, payload = fake_answer(query, paging_state_of(body))
                self.send(stream, 0x08, answer, payload)

    def read(self, count):
        data = b""
        while len(data) < count:
            chunk = self.request.recv(count - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def send(self, stream, opcode, body, payload=None):
        flags = 0
        if payload is not None:
            flags |= 0x04
            body = struct.pack(">H", len(payload)) + b"".join(
                protocol_string(k) + protocol_bytes(v) for k, v in payload.items()) + body
        self.request.sendall(struct.pack(">BBhBi", 0x84, flags, stream, opcode, len(body)) + body)


@pytest.fixture(scope="module")
def fake_node():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeNode)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def fake_segment(port, *arguments, stderr=subprocess.PIPE):
    from conftest import KVCLI
    return subprocess.run([KVCLI, "segment", "--port", str(port), "--table", "ks.t", "--where", "a = 1", *arguments],
                          stdout=subprocess.PIPE, stderr=stderr, text=True, timeout=60)


def test_statistics_are_summed_over_pages_per_node(fake_node):
    result = fake_segment(fake_node)
    assert result.returncode == 0, result.stderr
    assert csv_rows(result.stdout) == [["user_id"], ["u1"], ["u2"], ["u3"]]
    lines = result.stderr.splitlines()
    numbers = {line.split()[0]: line.split()[1:4] for line in lines[2:5]}
    assert numbers == {"127.0.0.1": ["130", "3", "1"], "127.0.0.2": ["120", "0", "3"], "total": ["250", "3", "4"]}
    assert lines[1].split() == ["node", "rows", "scanned", "rows", "matched", "blocks", "skipped", "bytes", "read"]
    assert lines[2].split()[-2:] == ["4.50", "KiB"] and lines[4].split()[-2:] == ["7.50", "KiB"]
    assert re.fullmatch(r"rows scanned per second: [\d,]+", lines[5])
    assert len(lines) == 6


def test_count_over_progress_only_pages(fake_node):
    result = fake_segment(fake_node, "--count", "--format", "ndjson")
    assert result.returncode == 0, result.stderr
    assert result.stdout == '{"count":3}\n'
    assert result.stderr.startswith("count: 3 matching rows (")
    assert "total " in result.stderr


def test_progress_line_on_a_terminal(fake_node):
    controller, terminal = pty.openpty()
    try:
        result = fake_segment(fake_node, "--out", os.devnull, stderr=terminal)
        os.close(terminal)
        terminal = None
        output = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal is closed once everything is read
                break
            if not chunk:
                break
            output += chunk
    finally:
        if terminal is not None:
            os.close(terminal)
        os.close(controller)
    assert result.returncode == 0
    text = output.decode()
    assert re.search(r"\[#*\.*\] 1/3 ranges  scanned 150  matched 2  [\d,]+ rows/s  elapsed [\d.]+ s  ETA ", text), text
    assert "\r\x1b[K" in text
    assert "matches: 3 rows written" in text
