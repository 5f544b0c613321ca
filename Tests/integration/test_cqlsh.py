"""cqlsh 6.x (from PyPI) against a 3-node cluster: server-side DESCRIBE, a DDL script, and a
round trip of data. cqlsh must never print a Python traceback or the server-version warning.
"""
import os
import subprocess
import sys
import tempfile

import pytest

from conftest import states_seen_by, wait_until

cassandra = pytest.importorskip("cassandra")
from cassandra.cluster import Cluster  # noqa: E402

ADDRESSES = ["127.0.0.1", "127.0.0.2", "127.0.0.3"]
CQLSH = os.environ.get("CQLSH", os.path.join(os.path.dirname(sys.executable), "cqlsh"))
HOST, PORT = "127.0.0.1", 9042


def cqlsh(*arguments, check=True):
    """Runs cqlsh against HOST (node 1); returns (exit code, stdout, stderr) after checking for tracebacks."""
    if not os.path.exists(CQLSH):
        pytest.skip(f"cqlsh is not installed at {CQLSH} (make venv)")
    result = subprocess.run([CQLSH, HOST, str(PORT), "--request-timeout", "20", *arguments],
                            capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert "WARNING: cqlsh was built against" not in output, output
    if check:
        assert result.returncode == 0, output
    return result.returncode, result.stdout, result.stderr


@pytest.fixture(scope="module")
def session(cluster):
    wait_until(lambda: all(all(states_seen_by(o).get(a) == "UN" for a in ADDRESSES) for o in ADDRESSES), 30)
    connection = Cluster(["127.0.0.1"])
    try:
        yield connection.connect()
    finally:
        connection.shutdown()


def test_describe_keyspaces(session):
    _, output, _ = cqlsh("-e", "DESCRIBE KEYSPACES")
    names = output.split()
    assert "system" in names and "system_schema" in names


def test_describe_table_and_keyspace_after_a_driver_create(session):
    session.execute("CREATE KEYSPACE shell WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}")
    session.execute("CREATE TABLE shell.events (id int, at timestamp, body text, PRIMARY KEY (id, at)) "
                    "WITH CLUSTERING ORDER BY (at DESC) AND comment = 'from the driver'")
    _, output, _ = cqlsh("-e", "DESCRIBE TABLE shell.events")
    assert "CREATE TABLE shell.events (\n    id int,\n    at timestamp,\n    body text,\n    PRIMARY KEY (id, at)\n)" in output
    assert "WITH CLUSTERING ORDER BY (at DESC)" in output
    assert "AND comment = 'from the driver'" in output
    _, output, _ = cqlsh("-e", "DESC KEYSPACE shell;")
    assert "CREATE KEYSPACE shell WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '3'}" in output
    assert "CREATE TABLE shell.events (" in output
    _, output, _ = cqlsh("-e", "DESCRIBE TABLES")
    assert "events" in output.split()


def test_describe_of_a_missing_table_is_a_clean_error(session):
    code, output, errors = cqlsh("-e", "DESCRIBE TABLE shell.missing", check=False)
    assert code != 0
    assert "Table 'missing' not found in keyspace 'shell'" in output + errors


def test_a_script_of_ddl(session):
    script = """
        CREATE KEYSPACE IF NOT EXISTS scripted WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2};
        USE scripted;
        CREATE TABLE readings (sensor text, day date, value double, PRIMARY KEY ((sensor, day)));
        ALTER TABLE readings WITH default_time_to_live = 3600;
        DESCRIBE TABLE readings;
    """
    with tempfile.NamedTemporaryFile("w", suffix=".cql", delete=False) as file:
        file.write(script)
    try:
        _, output, errors = cqlsh("-f", file.name)
    finally:
        os.unlink(file.name)
    assert errors.strip() == ""
    assert "PRIMARY KEY ((sensor, day))" in output
    assert "AND default_time_to_live = 3600" in output
    session.cluster.refresh_schema_metadata()
    assert "readings" in session.cluster.metadata.keyspaces["scripted"].tables


def test_insert_and_select_round_trip(session):
    """Needs statement execution on user tables (the query layer)."""
    session.execute("CREATE TABLE IF NOT EXISTS shell.kv (k int PRIMARY KEY, v text)")
    _, output, _ = cqlsh("-e", "INSERT INTO shell.kv (k, v) VALUES (1, 'one'); SELECT k, v FROM shell.kv WHERE k = 1;")
    assert "one" in output
    assert "(1 rows)" in output
