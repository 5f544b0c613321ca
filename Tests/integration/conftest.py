"""Fixtures for real-process tests: a local cluster started with `kvcli cluster start`."""
import contextlib
import json
import os
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest

KVCLI = os.environ.get("KVCLI", ".build/debug/kvcli")
ADMIN_PORT = 7199


def run_kvcli(*arguments, timeout=120, check=True):
    """Runs kvcli and returns the completed process (output captured as text)."""
    result = subprocess.run([KVCLI, *arguments], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"kvcli {' '.join(arguments)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def node_status(address):
    """The node's view of the cluster (its admin port's /status), or None if it does not answer."""
    try:
        with urllib.request.urlopen(f"http://{address}:{ADMIN_PORT}/status", timeout=2) as response:
            return json.loads(response.read())
    except OSError:
        return None


def states_seen_by(address):
    """{node address: two-letter state} as `address` sees the cluster, or {} if it does not answer."""
    report = node_status(address)
    return {} if report is None else {node["address"]: node["state"] for node in report["nodes"]}


def all_up(addresses=("127.0.0.1", "127.0.0.2", "127.0.0.3")):
    """True when every node of a 3-node test cluster sees every node up and normal (UN)."""
    return all(all(states_seen_by(o).get(a) == "UN" for a in addresses) for o in addresses)


@contextlib.contextmanager
def quorum_session(keyspace, row_factory=None, replication_factor=3):
    """A driver session on a fresh keyspace (RF 3 unless told) of the 3-node test cluster,
    dropped after. Reads and writes default to QUORUM, so every read sees the writes
    acknowledged before."""
    from cassandra import ConsistencyLevel
    from cassandra.cluster import Cluster
    wait_until(all_up, 30)
    connection = Cluster(["127.0.0.1"])
    try:
        session = connection.connect()
        profile = connection.profile_manager.default
        profile.consistency_level = ConsistencyLevel.QUORUM
        if row_factory is not None:
            profile.row_factory = row_factory
        session.execute(f"DROP KEYSPACE IF EXISTS {keyspace}")
        session.execute(f"CREATE KEYSPACE {keyspace} WITH replication = "
                        f"{{'class': 'SimpleStrategy', 'replication_factor': {replication_factor}}}")
        session.set_keyspace(keyspace)
        yield session
        try:
            session.execute(f"DROP KEYSPACE IF EXISTS {keyspace}")
        except Exception as error:  # a failed drop must not hide the test result
            print(f"could not drop {keyspace}: {error}")
    finally:
        connection.shutdown()


@contextlib.contextmanager
def cqlengine_models(keyspace, *models):
    """The driver's object mapper connected to the 3-node test cluster, with `models`
    synced into a fresh RF 3 keyspace that is dropped after."""
    from cassandra.cqlengine import connection, management
    wait_until(all_up, 30)
    os.environ["CQLENG_ALLOW_SCHEMA_MANAGEMENT"] = "1"
    connection.setup(["127.0.0.1"], keyspace, protocol_version=4)
    try:
        management.create_keyspace_simple(keyspace, replication_factor=3)
        for model in models:
            management.sync_table(model)
        yield
        management.drop_keyspace(keyspace)
    finally:
        connection.unregister_connection("default")


def wait_until(predicate, timeout_seconds, interval=0.25):
    """Polls until predicate() is true; returns the seconds it took, or raises after the timeout."""
    start = time.monotonic()
    while time.monotonic() - start < timeout_seconds:
        if predicate():
            return time.monotonic() - start
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout_seconds} s")


class LocalCluster:
    """A kvcli-managed cluster in a temporary directory."""

    def __init__(self, directory, nodes):
        self.directory = directory
        self.nodes = nodes

    def kvcli(self, *arguments, **options):
        return run_kvcli("cluster", *arguments, "--dir", self.directory, **options)

    @staticmethod
    def address(index):
        return f"127.0.0.{index}"

    def set_node_config(self, index, **settings):
        """Sets keys in node `index`'s kvnode.yaml (written by `kvcli cluster start` and kept
        across restarts), replacing any line that already sets them; the node reads them at
        its next start. Values are Python bools, ints or strings."""
        path = os.path.join(self.directory, f"node{index}", "kvnode.yaml")
        with open(path) as file:
            lines = [line for line in file.read().splitlines()
                     if line.split(":", 1)[0].strip() not in settings]
        for key, value in settings.items():
            text = ("true" if value else "false") if isinstance(value, bool) else str(value)
            lines.append(f"{key}: {text}")
        with open(path, "w") as file:
            file.write("\n".join(lines) + "\n")

    def identity(self, index):
        """The node's persisted identity as {key: value} (host_id, tokens, generation)."""
        with open(os.path.join(self.directory, f"node{index}", "data", "node-identity")) as file:
            return dict(line.split(": ", 1) for line in file.read().splitlines() if ": " in line)


@pytest.fixture(scope="module")
def cluster():
    directory = tempfile.mkdtemp(prefix="kvcluster-")
    local = LocalCluster(directory, 3)
    try:
        local.kvcli("start", "--nodes", "3", timeout=180)
        yield local
    finally:
        for index in range(1, 4):
            log = os.path.join(directory, f"node{index}", "kvnode.log")
            if os.path.exists(log):
                with open(log) as file:
                    print(f"--- node {index} log (tail) ---\n" + "".join(file.readlines()[-30:]))
        run_kvcli("cluster", "clear", "--dir", directory, check=False)


def admin_request(address, method, path):
    """(HTTP status, parsed JSON body) of `method path` on the node's admin port."""
    request = urllib.request.Request(f"http://{address}:{ADMIN_PORT}{path}", method=method,
                                     data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def table_id(session, keyspace, table):
    """The table's id as its SSTable files name it (32 hex digits)."""
    row = session.execute("SELECT id FROM system_schema.tables WHERE keyspace_name = %s AND table_name = %s",
                          [keyspace, table]).one()
    return row[0].hex


def sstables(cluster, index, table):
    """Names of node `index`'s SSTable files of the table with id `table`."""
    directory = os.path.join(cluster.directory, f"node{index}", "data", "data")
    return sorted(name for name in os.listdir(directory) if name.startswith(table + "-") and name.endswith(".sst"))


def node_pid(cluster, index):
    """The pid of node `index`'s kvnode process (from the pid file `kvcli cluster start` writes)."""
    with open(os.path.join(cluster.directory, f"node{index}", "kvnode.pid")) as file:
        return int(file.read().strip())


def process_memory_kib(pid):
    """{"VmRSS": KiB, "VmHWM": KiB} of a running process, from /proc."""
    with open(f"/proc/{pid}/status") as file:
        fields = dict(line.split(":", 1) for line in file if line.startswith(("VmRSS", "VmHWM")))
    return {name: int(value.split()[0]) for name, value in fields.items()}


@contextlib.contextmanager
def pinned_session(address, keyspace, consistency="QUORUM"):
    """A session on `keyspace` at `consistency` (a level's name) whose every request — each
    page of a scan too — has the node at `address` as its coordinator. Filtered scans at ONE
    are evaluated on the replicas, at other levels on the coordinator."""
    from cassandra import ConsistencyLevel
    from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
    from cassandra.policies import WhiteListRoundRobinPolicy
    profile = ExecutionProfile(load_balancing_policy=WhiteListRoundRobinPolicy([address]),
                               consistency_level=ConsistencyLevel.name_to_value[consistency])
    connection = Cluster([address], execution_profiles={EXEC_PROFILE_DEFAULT: profile})
    try:
        yield connection.connect(keyspace)
    finally:
        connection.shutdown()


def pages(session, statement, parameters=None, paging_state=None):
    """Yields (rows of one page, paging state for the next) until the last page, one request
    per page, so a caller can stop and resume elsewhere from a saved paging state."""
    while True:
        result = session.execute(statement, parameters, paging_state=paging_state)
        paging_state = result.paging_state
        yield result.current_rows, paging_state
        if paging_state is None:
            return


def load_wide_partitions(session, table, partitions, rows, value=lambda p, c: c % 10, concurrency=16):
    """Fills (p, c, v) rows fast: for each partition p in `partitions`, c in 0..<rows with
    v = value(p, c). One `UPDATE ... WHERE p = ? AND c IN ?` writes every row of a partition
    with one value: about 110k rows/s on the debug build and 2 cores, where a prepared INSERT
    per row (alone or in UNLOGGED batches of 20-100) reaches about 20k and batches of 1,000
    only 4k (the cost per batched statement grows with the batch size)."""
    from cassandra.concurrent import execute_concurrent_with_args
    update = session.prepare(f"UPDATE {table} SET v = ? WHERE p = ? AND c IN ?")
    arguments = []
    for p in partitions:
        clusterings = {}
        for c in range(rows):
            clusterings.setdefault(value(p, c), []).append(c)
        arguments += [(v, p, cs) for v, cs in clusterings.items()]
    execute_concurrent_with_args(session, update, arguments, concurrency=concurrency, raise_on_first_error=True)
