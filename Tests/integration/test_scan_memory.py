"""A filtered scan returning millions of rows keeps its coordinator's memory bounded: the
coordinator streams page by page and holds no whole result (DESIGN §8).

2,030,000 rows in an RF 1 keyspace (so two thirds of them reach the coordinator from the
other nodes), flushed to SSTables; the client counts and checksums the 2,010,000 matching
rows page by page without keeping them. The coordinator's peak resident memory during the
scan may grow by at most MEMORY_GROWTH_CAP_MIB. The keyspace is dropped when the module ends.
"""
import threading
import time

import pytest

from conftest import load_wide_partitions, node_pid, pinned_session, process_memory_kib, quorum_session

cassandra = pytest.importorskip("cassandra")
from cassandra.query import SimpleStatement  # noqa: E402

KEYSPACE = "scanmemory"
PARTITIONS = 2030
ROWS_PER_PARTITION = 1000
MEMORY_GROWTH_CAP_MIB = 256  # streaming grows ~25 MiB here; 2M rows held as values (~150 B each) ~300 MB


@pytest.fixture(scope="module")
def loaded(cluster):
    with quorum_session(KEYSPACE, replication_factor=1) as session:
        session.execute("CREATE TABLE t (p int, c int, v int, PRIMARY KEY (p, c))")
        started = time.monotonic()
        load_wide_partitions(session, "t", range(PARTITIONS), ROWS_PER_PARTITION, value=lambda p, c: p % 100)
        print(f"loaded {PARTITIONS * ROWS_PER_PARTITION} rows in {time.monotonic() - started:.1f} s")
        cluster.kvcli("flush")
        yield cluster


class PeakMemory:
    """The highest VmRSS/VmHWM of a process while a `with` block runs, sampled by a thread
    (and read from VmHWM, reset first where the kernel allows)."""

    def __init__(self, pid):
        self.pid = pid
        self.peak_kib = 0
        self.stop = threading.Event()

    def __enter__(self):
        try:
            with open(f"/proc/{self.pid}/clear_refs", "w") as file:
                file.write("5")  # resets VmHWM to the current VmRSS
        except OSError:
            pass
        self.before_kib = process_memory_kib(self.pid)["VmRSS"]
        self.thread = threading.Thread(target=self.sample)
        self.thread.start()
        return self

    def sample(self):
        while not self.stop.wait(0.05):
            self.peak_kib = max(self.peak_kib, process_memory_kib(self.pid)["VmRSS"])

    def __exit__(self, *exception):
        self.stop.set()
        self.thread.join()
        memory = process_memory_kib(self.pid)
        self.peak_kib = max(self.peak_kib, memory["VmRSS"], memory["VmHWM"])


@pytest.mark.parametrize("consistency", ["ONE"])  # filtered on the replicas; QUORUM filters on the coordinator
def test_a_scan_of_two_million_matches_keeps_the_coordinator_memory_bounded(loaded, consistency):
    statement = SimpleStatement("SELECT p, c FROM t WHERE v != 42 ALLOW FILTERING", fetch_size=5000)
    count = key_sum = key_square_sum = 0
    with pinned_session("127.0.0.1", KEYSPACE, consistency) as session, PeakMemory(node_pid(loaded, 1)) as memory:
        result = session.execute(statement)
        print(f"custom payload of the first page: {sorted((result.response_future.custom_payload or {}).keys())}")
        for row in result:  # the driver fetches page by page; nothing is kept
            key = row.p * ROWS_PER_PARTITION + row.c
            count += 1
            key_sum += key
            key_square_sum += key * key
    expected = [p * ROWS_PER_PARTITION + c for p in range(PARTITIONS) for c in range(ROWS_PER_PARTITION)
                if p % 100 != 42]
    assert count == len(expected) >= 2_000_000
    assert (key_sum, key_square_sum) == (sum(expected), sum(key * key for key in expected)), "rows lost or repeated"
    growth_mib = (memory.peak_kib - memory.before_kib) / 1024
    print(f"coordinator RSS {memory.before_kib / 1024:.0f} MiB before, peak {memory.peak_kib / 1024:.0f} MiB during "
          f"the scan of {count} rows (+{growth_mib:.0f} MiB)")
    assert growth_mib < MEMORY_GROWTH_CAP_MIB
