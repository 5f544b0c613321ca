"""Large filtered scans (DESIGN §8) page exactly: every matching row once, across hundreds
of pages, when resumed from a saved paging state in a new session through another
coordinator, with LIMIT, and while other clients write.

Scans run at ONE, where the replicas evaluate the filter, and at QUORUM, where the
coordinator does; the assertions hold either way and however the ring is split into ranges.
They check sets of keys, never timings. Writes are at ALL, so a read at ONE sees them all. The module's keyspace
is dropped when it ends.
"""
import threading

import pytest

from conftest import load_wide_partitions, pages, pinned_session, quorum_session

cassandra = pytest.importorskip("cassandra")
from cassandra import ConsistencyLevel  # noqa: E402
from cassandra.query import SimpleStatement  # noqa: E402

KEYSPACE = "scanpaging"
PARTITIONS = 300
ROWS_PER_PARTITION = 1000
FILTER = "v IN (3, 7)"
EXPECTED = {(p, c) for p in range(PARTITIONS) for c in range(ROWS_PER_PARTITION) if c % 10 in (3, 7)}


@pytest.fixture(scope="module")
def loaded(cluster):
    with quorum_session(KEYSPACE) as session:
        session.cluster.profile_manager.default.consistency_level = ConsistencyLevel.ALL
        session.execute("CREATE TABLE t (p int, c int, v int, PRIMARY KEY (p, c))")
        load_wide_partitions(session, "t", range(PARTITIONS), ROWS_PER_PARTITION)
        yield session


def filtered(fetch_size, limit=None):
    limit_clause = f" LIMIT {limit}" if limit is not None else ""
    return SimpleStatement(f"SELECT p, c, v FROM t WHERE {FILTER}{limit_clause} ALLOW FILTERING", fetch_size=fetch_size)


def keys_of(rows):
    """The (p, c) keys of `rows`, after checking each matches the filter."""
    keys = []
    for row in rows:
        assert row.v in (3, 7), row
        keys.append((row.p, row.c))
    return keys


def assert_exactly_expected(keys):
    assert len(keys) == len(set(keys)), f"{len(keys) - len(set(keys))} rows returned twice"
    missing, extra = EXPECTED - set(keys), set(keys) - EXPECTED
    assert not missing and not extra, f"{len(missing)} missing (e.g. {sorted(missing)[:5]}), {len(extra)} extra"


LEVELS = pytest.mark.parametrize("consistency", ["ONE", "QUORUM"])


@LEVELS
def test_a_paged_filtered_scan_returns_every_match_once(loaded, consistency):
    with pinned_session("127.0.0.1", KEYSPACE, consistency) as session:
        keys, page_count = [], 0
        for rows, _ in pages(session, filtered(fetch_size=500)):
            assert len(rows) <= 500
            keys += keys_of(rows)
            page_count += 1
    assert_exactly_expected(keys)
    assert page_count >= len(EXPECTED) // 500


@LEVELS
def test_a_scan_resumed_from_its_paging_state_elsewhere_completes_it_exactly(loaded, consistency):
    keys = []
    with pinned_session("127.0.0.1", KEYSPACE, consistency) as first:
        for page_number, (rows, paging_state) in enumerate(pages(first, filtered(fetch_size=700))):
            keys += keys_of(rows)
            if page_number == 9:
                break
    assert paging_state is not None and len(keys) > 0
    with pinned_session("127.0.0.2", KEYSPACE, consistency) as second:
        for rows, _ in pages(second, filtered(fetch_size=900), paging_state=paging_state):
            keys += keys_of(rows)
    assert_exactly_expected(keys)


@pytest.mark.parametrize("consistency", ["ONE"])
def test_limit_with_a_filter_counts_matching_rows_across_pages_and_resumption(loaded, consistency):
    with pinned_session("127.0.0.3", KEYSPACE, consistency) as session:
        keys = keys_of(session.execute(filtered(fetch_size=100, limit=1234)))
        assert len(keys) == 1234 and len(set(keys)) == 1234 and set(keys) <= EXPECTED
        everything = keys_of(session.execute(filtered(fetch_size=5000, limit=len(EXPECTED) + 10)))
        assert_exactly_expected(everything)
        keys = []
        for page_number, (rows, paging_state) in enumerate(pages(session, filtered(fetch_size=300, limit=2500))):
            keys += keys_of(rows)
            if page_number == 2:
                break
    with pinned_session("127.0.0.1", KEYSPACE, consistency) as other:
        for rows, _ in pages(other, filtered(fetch_size=300, limit=2500), paging_state=paging_state):
            keys += keys_of(rows)
    assert len(keys) == 2500 and len(set(keys)) == 2500 and set(keys) <= EXPECTED


@LEVELS
def test_count_with_the_filter(loaded, consistency):
    statement = SimpleStatement(f"SELECT count(*) FROM t WHERE {FILTER} ALLOW FILTERING",
                                consistency_level=ConsistencyLevel.name_to_value[consistency])
    # One request counts all 300k rows; at QUORUM the coordinator reads and reconciles them
    # from two replicas, which on the debug build takes close to the driver's 10 s default.
    assert loaded.execute(statement, timeout=120).one()[0] == len(EXPECTED)


# --- a scan while other clients write ---

LIVE_PARTITIONS = 100
LIVE_ROWS = 200  # v = c % 10; the scan's filter is v < 5


class Writes:
    """The writes another client makes during the scan, known in advance: rows updated from
    matching to not matching and back, rows updated between values that never match, rows
    deleted, and new rows, half of them matching."""

    def __init__(self, table):
        self.table = table
        initial = [(p, c) for p in range(LIVE_PARTITIONS) for c in range(LIVE_ROWS)]
        self.flipped = {(p, c) for p, c in initial if p % 10 == 0}  # v -> (v + 5) % 10
        self.still_unmatched = {(p, c) for p, c in initial if p % 10 == 1 and c % 10 >= 5}  # v -> 5 + (v + 1) % 5
        self.deleted = {(p, c) for p, c in initial if p % 10 == 2 and c % 3 == 0}
        self.new = {(p, c) for p in range(LIVE_PARTITIONS + 50) for c in range(LIVE_ROWS, LIVE_ROWS + 20)}
        touched = self.flipped | self.still_unmatched | self.deleted
        self.stable_matching = {(p, c) for p, c in initial if (p, c) not in touched and c % 10 < 5}
        never = {(p, c) for p, c in initial if (p, c) not in self.flipped and c % 10 >= 5}
        self.never_matching = never | {(p, c) for p, c in self.new if c % 10 >= 5}
        self.initial = set(initial)

    def chunks(self, session, count):
        """The writes as `count` callables, each doing a share of every kind."""
        update = session.prepare(f"UPDATE {self.table} SET v = ? WHERE p = ? AND c = ?")
        delete = session.prepare(f"DELETE FROM {self.table} WHERE p = ? AND c = ?")
        work = ([(update, ((c + 5) % 10, p, c)) for p, c in sorted(self.flipped)]
                + [(update, (5 + (c + 1) % 5, p, c)) for p, c in sorted(self.still_unmatched)]
                + [(delete, (p, c)) for p, c in sorted(self.deleted)]
                + [(update, (c % 10, p, c)) for p, c in sorted(self.new)])
        shares = [work[index::count] for index in range(count)]
        return [lambda share=share: execute_each(session, share) for share in shares]


def execute_each(session, share):
    from cassandra.concurrent import execute_concurrent
    execute_concurrent(session, share, concurrency=16, raise_on_first_error=True)


@LEVELS
def test_a_scan_during_writes_returns_every_unchanged_match_once_and_nothing_that_never_matched(loaded, consistency):
    session, table = loaded, f"live_{consistency.lower()}"
    session.execute(f"CREATE TABLE {table} (p int, c int, v int, PRIMARY KEY (p, c))")
    load_wide_partitions(session, table, range(LIVE_PARTITIONS), LIVE_ROWS)
    writes = Writes(table)
    chunks = writes.chunks(session, 40)
    chunk_done = threading.Semaphore(0)
    failures = []

    def writer():
        try:
            for chunk in chunks:
                chunk()
                chunk_done.release()
        except Exception as error:  # reported by the test thread
            failures.append(error)
            chunk_done.release(len(chunks))

    thread = threading.Thread(target=writer)
    rows_seen, page_count = [], 0
    with pinned_session("127.0.0.2", KEYSPACE, consistency) as scanner:
        statement = SimpleStatement(f"SELECT p, c, v FROM {table} WHERE v < 5 ALLOW FILTERING", fetch_size=150)
        for rows, _ in pages(scanner, statement):
            if page_count == 0:
                thread.start()
            # The writer runs alongside; waiting for one more of its chunks after each page
            # makes sure writes fall between (and during) the scan's pages on any machine.
            if page_count < len(chunks):
                chunk_done.acquire(timeout=60)
            page_count += 1
            rows_seen += rows
    thread.join(120)
    assert not failures, failures
    assert page_count > 10, "the scan must span many pages to interleave with the writes"
    keys = [(row.p, row.c) for row in rows_seen]
    assert all(row.v < 5 for row in rows_seen), [row for row in rows_seen if row.v >= 5][:5]
    assert len(keys) == len(set(keys)), "rows returned twice"
    returned = set(keys)
    assert writes.stable_matching <= returned, f"{len(writes.stable_matching - returned)} unchanged matches lost"
    assert not returned & writes.never_matching, sorted(returned & writes.never_matching)[:5]
    assert returned <= writes.initial | writes.new
    # After the writes, a scan sees exactly their result.
    after = {(row.p, row.c) for row in session.execute(SimpleStatement(
        f"SELECT p, c FROM {table} WHERE v < 5 ALLOW FILTERING", fetch_size=1000))}
    final = {(p, c) for p, c in writes.initial - writes.deleted
             if ((c + 5) % 10 if (p, c) in writes.flipped else c % 10) < 5} | {k for k in writes.new if k[1] % 10 < 5}
    assert after == final
