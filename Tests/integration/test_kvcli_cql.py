"""`kvcli cql` (the CQL shell) against a 3-node cluster: -e statements, -f scripts, cqlsh-style
tables, server errors and exit codes.

Statements on user tables need the node's query layer; until it lands the data tests fail.
"""
import os
import tempfile

from conftest import run_kvcli

KEYSPACE = "kvcli_shell"
HOST = "127.0.0.1"


def cql(*arguments, check=False, timeout=60):
    """Runs `kvcli cql --host 127.0.0.1 ...`; returns the completed process."""
    return run_kvcli("cql", "--host", HOST, *arguments, check=check, timeout=timeout)


def table_lines(output):
    """The lines of the first printed table: header, separator and rows (stripped)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("-") and "+" in line or set(line) == {"-"}) - 1
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == "")
    return lines[start:end]


def setup_keyspace():
    result = cql("-e", f"""
        CREATE KEYSPACE IF NOT EXISTS {KEYSPACE}
            WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 3}};
        CREATE TABLE IF NOT EXISTS {KEYSPACE}.users (id int PRIMARY KEY, name text, tags set<text>, score double);
    """)
    assert result.returncode == 0, result.stdout + result.stderr


def test_create_insert_and_select_print_a_cqlsh_table(cluster):
    setup_keyspace()
    result = cql("-e", f"INSERT INTO {KEYSPACE}.users (id, name, tags, score) VALUES (1, 'alice', {{'a', 'b'}}, 1.5);"
                       f"INSERT INTO {KEYSPACE}.users (id, name) VALUES (22, 'bo');")
    assert result.returncode == 0, result.stdout + result.stderr

    result = cql("-e", f"SELECT id, name, tags, score FROM {KEYSPACE}.users WHERE id = 1")
    assert result.returncode == 0, result.stderr
    assert table_lines(result.stdout) == [
        " id | name  | tags       | score",
        "----+-------+------------+-------",
        "  1 | alice | {'a', 'b'} |   1.5",
    ]
    assert result.stdout.rstrip().endswith("(1 rows)")

    result = cql("-k", KEYSPACE, "-e", "SELECT id, name, tags FROM users")
    assert result.returncode == 0, result.stderr
    lines = table_lines(result.stdout)
    assert lines[0] == " id | name  | tags"
    assert sorted(lines[2:]) == sorted(["  1 | alice | {'a', 'b'}", " 22 |    bo |       null"])
    assert "(2 rows)" in result.stdout


def test_script_file_with_comments_and_multi_line_statements(cluster):
    setup_keyspace()
    script = f"""
-- a script; semicolons in comments and strings do not end statements
USE {KEYSPACE};
INSERT INTO users (id, name)
    VALUES (3, 'semi;colon');  // trailing comment
/* block
   comment; */
SELECT name
  FROM users
  WHERE id = 3;
"""
    with tempfile.NamedTemporaryFile("w", suffix=".cql", delete=False) as file:
        file.write(script)
    try:
        result = cql("-f", file.name)
    finally:
        os.unlink(file.name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert table_lines(result.stdout) == [" name", "------------", " semi;colon"]
    assert "(1 rows)" in result.stdout


def test_paging_fetches_every_page(cluster):
    setup_keyspace()
    inserts = "".join(f"INSERT INTO {KEYSPACE}.users (id, name) VALUES ({100 + n}, 'user{n}');" for n in range(25))
    assert cql("-e", inserts).returncode == 0
    result = cql("--page-size", "7", "-e", f"SELECT id FROM {KEYSPACE}.users")
    assert result.returncode == 0, result.stderr
    ids = {int(line.strip()) for line in table_lines(result.stdout)[2:]}
    assert set(range(100, 125)) <= ids
    assert f"({len(ids)} rows)" in result.stdout


def test_shell_commands(cluster):
    result = cql("-e", "CONSISTENCY; CONSISTENCY QUORUM; CONSISTENCY; PAGING OFF; PAGING 20")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Current consistency level is ONE.",
        "Consistency level set to QUORUM.",
        "Current consistency level is QUORUM.",
        "Disabled Query paging.",
        "Page size: 20",
    ]


def test_system_tables_need_no_query_layer(cluster):
    result = cql("-e", "SELECT key, data_center FROM system.local")
    assert result.returncode == 0, result.stderr
    assert table_lines(result.stdout) == [" key   | data_center", "-------+-------------", " local |         dc1"]


def test_invalid_statement_prints_the_server_error_and_exits_1(cluster):
    result = cql("-e", "SELECT * FROM no_such_keyspace.no_such_table")
    assert result.returncode == 1
    assert result.stderr.startswith("<stdin>:1:InvalidRequest: Error from server: code=2200 [Invalid query] message=\"")


def test_statements_after_a_failure_still_run_and_exit_is_1(cluster):
    result = cql("-e", "SELECT * FROM no_such_keyspace.t; SELECT key FROM system.local;")
    assert result.returncode == 1
    assert "(1 rows)" in result.stdout
    assert "code=2200" in result.stderr


def test_existing_keyspace_is_already_exists(cluster):
    setup_keyspace()
    result = cql("-e", f"CREATE KEYSPACE {KEYSPACE} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 1}}")
    assert result.returncode == 1
    assert f"AlreadyExists: Keyspace '{KEYSPACE}' already exists" in result.stderr


def test_unreachable_node_exits_2():
    result = run_kvcli("cql", "--host", "127.0.0.1", "--port", "1", "-e", "SELECT key FROM system.local", check=False)
    assert result.returncode == 2
    assert "Connection error" in result.stderr
