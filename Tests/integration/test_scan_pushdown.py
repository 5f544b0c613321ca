"""Filtered scans evaluated on the replicas (DESIGN §8), seen from the Python driver: the
per-node statistics each result page carries (the `kv-scan-stats` custom payload), and
SSTable blocks skipped when their value bounds rule out every row — while newer versions
and deletions elsewhere (memtables) still count, so the answer stays exact.

One partition of 20,000 rows with v = c // 100 (so v grows with the clustering order and
each SSTable block holds one or two values of v), in an RF 1 keyspace, flushed to one
SSTable per node. The module's keyspace is dropped when it ends.
"""
import json

import pytest

from conftest import load_wide_partitions, quorum_session

cassandra = pytest.importorskip("cassandra")
from cassandra import ConsistencyLevel  # noqa: E402
from cassandra.query import SimpleStatement  # noqa: E402

KEYSPACE = "pushdown"
ROWS = 20_000
PAYLOAD_KEY = "kv-scan-stats"


@pytest.fixture(scope="module")
def loaded(cluster):
    with quorum_session(KEYSPACE, replication_factor=1) as session:
        session.execute("CREATE TABLE t (p int, c int, v int, PRIMARY KEY (p, c))")
        load_wide_partitions(session, "t", [0], ROWS, value=lambda p, c: c // 100)
        cluster.kvcli("flush")
        yield session


def scan(session, where, level=ConsistencyLevel.ONE, fetch_size=5000):
    """The clusterings selected, in order, and the summed statistics of every page (None
    when no page carried any)."""
    result = session.execute(SimpleStatement(f"SELECT c FROM t WHERE {where} ALLOW FILTERING",
                                             consistency_level=level, fetch_size=fetch_size))
    rows, totals = [], None
    while True:
        rows += [row.c for row in result.current_rows]
        payload = (result.response_future.custom_payload or {}).get(PAYLOAD_KEY)
        if payload is not None:
            report = json.loads(payload)
            assert 0 <= report["ranges_done"] <= report["ranges_total"]
            totals = totals or {}
            for node in report["nodes"].values():
                for name, value in node.items():
                    totals[name] = totals.get(name, 0) + value
        if not result.has_more_pages:
            return rows, totals
        result.fetch_next_page()


def test_pages_report_what_the_replicas_did(loaded):
    rows, totals = scan(loaded, "v IN (3, 150)", fetch_size=70)
    assert rows == list(range(300, 400)) + list(range(15000, 15100))
    assert totals["rows_matched"] >= len(rows)
    assert totals["rows_scanned"] >= totals["rows_matched"]
    assert totals["bytes_read"] > 0


def test_levels_that_reconcile_first_filter_at_the_coordinator_and_agree(loaded):
    at_one, _ = scan(loaded, "v >= 120 AND v < 125")
    at_quorum, totals = scan(loaded, "v >= 120 AND v < 125", level=ConsistencyLevel.QUORUM)
    assert at_one == at_quorum == list(range(12000, 12500))
    assert totals is None, "no replica filtered, so there is nothing to report"


def test_blocks_whose_bounds_rule_out_every_row_are_skipped(loaded):
    rows, totals = scan(loaded, "v >= 199")
    assert rows == list(range(19900, 20000))
    assert totals["blocks_skipped"] > 0
    assert totals["rows_scanned"] < ROWS // 2, "most of the partition was never read"


def test_newer_versions_and_deletions_elsewhere_keep_skipping_exact(loaded, cluster):
    # A newer version in the memtable makes a row of a skippable block match, another row
    # stops matching, and a third is deleted: the blocks they overlap must be read.
    loaded.execute("UPDATE t SET v = 199 WHERE p = 0 AND c = 5")
    loaded.execute("UPDATE t SET v = 0 WHERE p = 0 AND c = 19950")
    loaded.execute("DELETE FROM t WHERE p = 0 AND c = 19960")
    expected = [5] + [c for c in range(19900, 20000) if c not in (19950, 19960)]
    rows, totals = scan(loaded, "v >= 199")
    assert rows == expected
    assert totals["blocks_skipped"] > 0
    cluster.kvcli("flush")
    assert scan(loaded, "v >= 199")[0] == expected, "the same over two SSTables"
    cluster.kvcli("compact")
    rows, totals = scan(loaded, "v >= 199")
    assert rows == expected, "and over the compacted one"
    assert totals["blocks_skipped"] > 0
