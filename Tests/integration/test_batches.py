"""Batches with the Python driver against a 3-node cluster, with Cassandra's semantics:

- LOGGED (the default) and UNLOGGED batches of INSERT, UPDATE and DELETE, as CQL text
  (`BEGIN BATCH ... APPLY BATCH`) and as protocol BATCH messages (`BatchStatement`) mixing
  prepared and unprepared statements;
- client warnings (`ResponseFuture.warnings`) above `batch_size_warn_threshold_in_kb` and for
  unlogged batches over more than `unlogged_batch_across_partitions_warn_threshold` partitions,
  and InvalidRequest "Batch too large" above `batch_size_fail_threshold_in_kb`;
- atomicity through the batchlog: node 1 coordinates a logged batch over four partitions and
  exits right after its batchlog write and the first mutation (the kvnode test failpoint
  `failpoint_batch_exit_after_mutations`); once the batchlog timeout has passed, nodes 2 and 3,
  which hold the batchlog, replay it, and every mutation of the batch is readable at ALL.

Every node runs with a short batchlog timeout and replay interval (set in kvnode.yaml, then a
rolling restart), so the waits stay bounded. The module's keyspace is dropped when it ends.
"""
import glob
import os
import time

import pytest

from conftest import all_up, quorum_session, wait_until

cassandra = pytest.importorskip("cassandra")
from cassandra import ConsistencyLevel, InvalidRequest  # noqa: E402
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile  # noqa: E402
from cassandra.policies import WhiteListRoundRobinPolicy  # noqa: E402
from cassandra.query import BatchStatement, BatchType, SimpleStatement  # noqa: E402

KEYSPACE = "batches"
ADDRESSES = ("127.0.0.1", "127.0.0.2", "127.0.0.3")
# A batchlog entry is replayed this long after it was stored (the default is twice the write
# timeout, 4 s); long enough that the test sees the half-applied batch before any replay.
REPLAY_TIMEOUT_MS = 8000
REPLAY_INTERVAL_MS = 500


def restart_with(cluster, index, **settings):
    cluster.set_node_config(index, **settings)
    cluster.kvcli("restart", str(index), timeout=120)


@pytest.fixture(scope="module")
def session(cluster):
    wait_until(all_up, 30)
    for index in (1, 2, 3):
        restart_with(cluster, index, batchlog_replay_timeout_ms=REPLAY_TIMEOUT_MS,
                     batchlog_replay_interval_ms=REPLAY_INTERVAL_MS)
    wait_until(all_up, 60)
    with quorum_session(KEYSPACE) as session:
        session.execute("CREATE TABLE kv (k int PRIMARY KEY, v text, n int)")
        session.execute("CREATE TABLE wide (k int, c int, v text, PRIMARY KEY (k, c))")
        yield session


def values(session, table, keys, consistency=ConsistencyLevel.QUORUM, host=None):
    """{k: v} of the rows of `keys` present in `table`, read at `consistency`."""
    statement = SimpleStatement(f"SELECT k, v FROM {table} WHERE k = %s", consistency_level=consistency)
    found = {}
    for key in keys:
        options = {} if host is None else {"host": host}
        for row in session.execute(statement, [key], **options):
            found[row.k] = row.v
    return found


def batchlog_files(cluster, index):
    return glob.glob(os.path.join(cluster.directory, f"node{index}", "data", "batchlog", "*.batch"))


def no_batchlog_entries(cluster):
    return all(not batchlog_files(cluster, index) for index in (1, 2, 3))


# MARK: Statements

def test_logged_and_unlogged_batches_of_cql_text(session, cluster):
    session.execute("INSERT INTO kv (k, v, n) VALUES (3, 'to delete', 0)")
    session.execute("""
        BEGIN BATCH
            INSERT INTO kv (k, v, n) VALUES (1, 'one', 1);
            UPDATE kv SET v = 'two', n = 2 WHERE k = 2;
            DELETE FROM kv WHERE k = 3;
        APPLY BATCH""")
    assert values(session, "kv", [1, 2, 3]) == {1: "one", 2: "two"}
    session.execute("""
        BEGIN UNLOGGED BATCH
            INSERT INTO kv (k, v) VALUES (4, 'four');
            UPDATE kv SET v = 'one again' WHERE k = 1;
            DELETE v FROM kv WHERE k = 2;
        APPLY BATCH""")
    assert values(session, "kv", [1, 2, 4]) == {1: "one again", 2: None, 4: "four"}
    # The logged batch's batchlog entries are removed once its mutations are applied.
    wait_until(lambda: no_batchlog_entries(cluster), 10)


@pytest.mark.parametrize("batch_type", [BatchType.LOGGED, BatchType.UNLOGGED])
def test_batch_messages_mix_prepared_and_unprepared_statements(session, batch_type):
    base = 100 if batch_type == BatchType.LOGGED else 200
    session.execute("INSERT INTO kv (k, v) VALUES (%s, 'doomed')", [base + 3])
    insert = session.prepare("INSERT INTO kv (k, v, n) VALUES (?, ?, ?)")
    delete = session.prepare("DELETE FROM kv WHERE k = ?")
    batch = BatchStatement(batch_type=batch_type)
    batch.add(insert, (base + 1, "prepared", 1))
    batch.add(SimpleStatement("UPDATE kv SET v = %s WHERE k = %s"), ("simple", base + 2))
    batch.add(delete, (base + 3,))
    batch.add(SimpleStatement("INSERT INTO wide (k, c, v) VALUES (%s, 1, 'row')"), (base,))
    session.execute(batch)
    assert values(session, "kv", [base + 1, base + 2, base + 3]) == {base + 1: "prepared", base + 2: "simple"}
    assert [tuple(r) for r in session.execute("SELECT c, v FROM wide WHERE k = %s", [base])] == [(1, "row")]


def test_a_batch_timestamp_applies_to_every_statement(session):
    session.execute("BEGIN BATCH USING TIMESTAMP 1000 "
                    "INSERT INTO kv (k, v) VALUES (300, 'old'); INSERT INTO kv (k, v) VALUES (301, 'old'); APPLY BATCH")
    session.execute("INSERT INTO kv (k, v) VALUES (300, 'newer') USING TIMESTAMP 2000")
    session.execute("BEGIN BATCH USING TIMESTAMP 1500 "
                    "UPDATE kv SET v = 'middle' WHERE k = 300; UPDATE kv SET v = 'middle' WHERE k = 301; APPLY BATCH")
    assert values(session, "kv", [300, 301]) == {300: "newer", 301: "middle"}


def test_a_logged_batch_may_span_keyspaces(session, cluster):
    session.execute("DROP KEYSPACE IF EXISTS batches_other")
    session.execute("CREATE KEYSPACE batches_other WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}")
    try:
        session.execute("CREATE TABLE batches_other.kv (k int PRIMARY KEY, v text)")
        session.execute("BEGIN BATCH INSERT INTO kv (k, v) VALUES (310, 'here'); "
                        "INSERT INTO batches_other.kv (k, v) VALUES (311, 'there'); APPLY BATCH")
        assert values(session, "kv", [310]) == {310: "here"}
        assert values(session, "batches_other.kv", [311]) == {311: "there"}
        wait_until(lambda: no_batchlog_entries(cluster), 10)
    finally:
        session.execute("DROP KEYSPACE IF EXISTS batches_other")


def test_counter_and_conditional_batches_are_refused(session):
    with pytest.raises(InvalidRequest, match="Counters are not supported"):
        session.execute(BatchStatement(batch_type=BatchType.COUNTER))
    with pytest.raises(InvalidRequest):
        session.execute("BEGIN BATCH INSERT INTO kv (k, v) VALUES (320, 'x') IF NOT EXISTS; APPLY BATCH")
    assert values(session, "kv", [320]) == {}


# MARK: Size limits

def text_of(size):
    return "x" * size


def test_a_batch_over_the_warn_threshold_gets_a_warning(session):
    batch = BatchStatement()
    for key in (400, 401):
        batch.add(SimpleStatement("INSERT INTO kv (k, v) VALUES (%s, %s)"), (key, text_of(3000)))
    result = session.execute(batch)
    warnings = result.response_future.warnings or []
    print(f"\nwarnings: {warnings}")
    assert len(warnings) == 1
    assert warnings[0].startswith(f"Batch for [{KEYSPACE}.kv] is of size ")
    assert "exceeding specified threshold of 5120 by " in warnings[0]
    size = int(warnings[0].split("is of size ")[1].split(",")[0])
    assert 6000 < size < 6200
    assert warnings[0].endswith(f"by {size - 5120}.")
    assert values(session, "kv", [400, 401]) == {400: text_of(3000), 401: text_of(3000)}


def test_small_and_single_partition_batches_get_no_warning(session):
    small = BatchStatement()
    for key in (410, 411):
        small.add(SimpleStatement("INSERT INTO kv (k, v) VALUES (%s, 'small')"), (key,))
    assert not session.execute(small).response_future.warnings
    # As in Cassandra, a batch that writes one partition is never checked for size.
    single = BatchStatement()
    for row in range(3):
        single.add(SimpleStatement("INSERT INTO wide (k, c, v) VALUES (412, %s, %s)"), (row, text_of(3000)))
    assert not session.execute(single).response_future.warnings


def test_an_unlogged_batch_over_many_partitions_gets_a_warning(session):
    def batch(batch_type, base, count):
        statement = BatchStatement(batch_type=batch_type)
        for key in range(base, base + count):
            statement.add(SimpleStatement("INSERT INTO kv (k, v) VALUES (%s, 'spread')"), (key,))
        return statement
    warnings = session.execute(batch(BatchType.UNLOGGED, 500, 11)).response_future.warnings or []
    assert warnings == [f"Unlogged batch covering 11 partitions detected against table [{KEYSPACE}.kv]. "
                        "You should use a logged batch for atomicity, or asynchronous writes for performance."]
    assert not session.execute(batch(BatchType.UNLOGGED, 520, 10)).response_future.warnings
    assert not session.execute(batch(BatchType.LOGGED, 540, 11)).response_future.warnings


def test_a_batch_over_the_fail_threshold_is_refused_and_writes_nothing(session):
    batch = BatchStatement()
    for key in range(600, 618):
        batch.add(SimpleStatement("INSERT INTO kv (k, v) VALUES (%s, %s)"), (key, text_of(3000)))
    with pytest.raises(InvalidRequest, match="Batch too large"):
        session.execute(batch)
    with pytest.raises(InvalidRequest, match="Batch too large"):
        session.execute("BEGIN UNLOGGED BATCH "
                        + " ".join(f"INSERT INTO kv (k, v) VALUES ({key}, '{text_of(3000)}');" for key in range(600, 618))
                        + " APPLY BATCH")
    assert values(session, "kv", range(600, 618)) == {}


# MARK: Atomicity

def session_on(addresses):
    profile = ExecutionProfile(load_balancing_policy=WhiteListRoundRobinPolicy(list(addresses)),
                               consistency_level=ConsistencyLevel.QUORUM, request_timeout=10)
    connection = Cluster(list(addresses), execution_profiles={EXEC_PROFILE_DEFAULT: profile})
    return connection, connection.connect(KEYSPACE)


def test_a_logged_batch_whose_coordinator_dies_half_way_is_replayed_whole(session, cluster):
    keys = [700, 701, 702, 703]
    restart_with(cluster, 1, failpoint_batch_exit_after_mutations=1)
    wait_until(all_up, 60)
    doomed, doomed_session = session_on(["127.0.0.1"])
    survivors, survivors_session = session_on(["127.0.0.2", "127.0.0.3"])
    try:
        batch = BatchStatement(consistency_level=ConsistencyLevel.QUORUM)
        for key in keys:
            batch.add(SimpleStatement("INSERT INTO kv (k, v) VALUES (%s, 'atomic')"), (key,))
        started = time.monotonic()
        with pytest.raises(Exception) as failure:
            doomed_session.execute(batch)
        print(f"\nnode 1 died in the batch: {type(failure.value).__name__}")

        # Right after the crash: node 1 applied only the first mutation; the batch sits in the
        # batchlogs of nodes 2 and 3, and the other keys are on no replica.
        assert batchlog_files(cluster, 2) and batchlog_files(cluster, 3)
        hosts = {address: survivors.metadata.get_host(address) for address in ADDRESSES[1:]}
        for address, host in hosts.items():
            seen = values(survivors_session, "kv", keys[1:], ConsistencyLevel.ONE, host=host)
            assert seen == {}, f"node {address} holds {seen} before any replay"
        assert time.monotonic() - started < REPLAY_TIMEOUT_MS / 1000, "too slow to see the batch before its replay"

        # After the batchlog timeout, nodes 2 and 3 replay the batch to every replica.
        def replayed():
            return all(values(survivors_session, "kv", keys, ConsistencyLevel.ONE, host=host) == dict.fromkeys(keys, "atomic")
                       for host in hosts.values())
        seconds = wait_until(replayed, 60, interval=0.5)
        print(f"every mutation on nodes 2 and 3 {time.monotonic() - started:.1f} s after the batch "
              f"(replay timeout {REPLAY_TIMEOUT_MS / 1000:.0f} s; waited {seconds:.1f} s)")
        wait_until(lambda: not batchlog_files(cluster, 2) and not batchlog_files(cluster, 3), 30)
    finally:
        doomed.shutdown()
        survivors.shutdown()
        cluster.set_node_config(1, failpoint_batch_exit_after_mutations=-1)
        cluster.kvcli("start", "1", timeout=120)
    wait_until(all_up, 60)
    everyone, everyone_session = session_on(ADDRESSES)
    try:
        wait_until(lambda: len(everyone.metadata.all_hosts()) == 3 and all(h.is_up for h in everyone.metadata.all_hosts()), 30)
        assert values(everyone_session, "kv", keys, ConsistencyLevel.ALL) == dict.fromkeys(keys, "atomic")
    finally:
        everyone.shutdown()
