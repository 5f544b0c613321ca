"""`kvcli segment` against a 3-node cluster: the rows a filter matches, written as CSV or NDJSON
(or counted), checked against the same filter applied in Python to the rows inserted; the
statistics it prints; and one-line errors with a non-zero exit status.

The statistics numbers come from the server's `kv-scan-stats` payload: the tests that check
them fail until the nodes send it. The module's keyspace is dropped when it ends.
"""
import csv
import io
import json
import os
import re
import tempfile

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


def test_statistics_count_every_row_written(people):
    """At ONE each token range is read from one replica, so the rows matched add up to the
    rows written. Awaits the server's kv-scan-stats payload."""
    result = run_kvcli("segment", "--table", TABLE, "--where", "country = 'JP'", "--page-size", "100", timeout=300)
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
