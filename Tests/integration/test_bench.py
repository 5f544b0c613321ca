"""`kvcli bench` against the local test cluster: every workload's reports are complete and
consistent, fixed-rate latency includes the time requests waited to be sent, and
`profiles-load` writes exactly the rows of PERFORMANCE.md §3. No assertion is on speed."""
import calendar
import json
import os
import signal
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import KVCLI, run_kvcli, wait_until, all_up

COUNTRIES = ["JP", "US", "KR", "TW", "DE", "FR", "GB", "BR", "IN", "ID"]
PLANS = ["free", "basic", "pro", "enterprise"]
LANGUAGES = ["ja", "en", "ko", "zh"]
DEVICES = ["ios", "android", "web"]
MASK = (1 << 64) - 1


def splitmix64(x):
    z = (x + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def profile_row(i):
    """Row i of the `profiles` dataset, straight from PERFORMANCE.md §3."""
    def h(k):
        return splitmix64(i * 16 + k)
    return {
        "user_id": f"u{i:010d}", "country": COUNTRIES[h(1) % 10], "age": 18 + h(2) % 60,
        "push_enabled": h(3) % 2 == 0, "purchase_count": h(4) % 1000,
        "last_seen": 1700000000000 + h(5) % 31536000000, "ltv": (h(6) % 100000) / 100.0,
        "plan": PLANS[h(7) % 4], "attrs": {"lang": LANGUAGES[h(8) % 4], "device": DEVICES[h(9) % 3]},
    }


def bench(directory, name, *arguments, timeout=120):
    """Runs `kvcli bench` with --json and --html into `directory`; returns (report, html, process)."""
    json_path = os.path.join(directory, f"{name}.json")
    html_path = os.path.join(directory, f"{name}.html")
    result = run_kvcli("bench", *arguments, "--json", json_path, "--html", html_path, timeout=timeout)
    with open(json_path) as file:
        report = json.load(file)
    with open(html_path) as file:
        html = file.read()
    return report, html, result


def check_report(report, html, operations):
    """The report has every part, its figures agree with each other, and the page has its plots."""
    assert {"config", "summary", "series"} <= set(report)
    assert set(operations) <= set(report["summary"]), report["summary"].keys()
    for name, summary in report["summary"].items():
        for key in ("count", "errors", "timeouts", "ops_per_second", "latency_ms"):
            assert key in summary, (name, key)
        latency = summary["latency_ms"]
        ordered = [latency[p] for p in ("p50", "p90", "p99", "p999", "p9999", "max")]
        assert ordered == sorted(ordered), (name, latency)
        assert sum(summary["errors_by_kind"].values()) == summary["errors"]
        # The one-second series adds up to the summary.
        assert sum(sample["operations"].get(name, {}).get("count", 0) for sample in report["series"]) == summary["count"]
        assert sum(sample["operations"].get(name, {}).get("errors", 0) for sample in report["series"]) == summary["errors"]
        if summary["count"]:
            assert summary["ops_per_second"] == pytest.approx(summary["count"] / report["elapsed_s"], rel=1e-6)
    for name in operations:
        assert report["summary"][name]["count"] > 0, (name, report["summary"][name])
    assert report["process"]["peak_rss_mb"] > 0
    assert html.count("<svg") == 3
    for title in ("Throughput", "Latency percentiles over time", "Latency distribution"):
        assert title in html
    assert "<script src" not in html and "<link" not in html


def attempts(summary):
    return summary["count"] + summary["errors"] + summary["timeouts"]


@pytest.fixture(scope="module")
def reports():
    with tempfile.TemporaryDirectory(prefix="kvbench-") as directory:
        yield directory


@pytest.fixture(scope="module")
def loaded_profiles(cluster, reports):
    """`bench_profiles` holding rows 0..499, loaded by two processes splitting the range."""
    wait_until(all_up, 60)
    common = ["--keyspace", "bench_profiles", "--replication-factor", "3", "--consistency", "QUORUM",
              "--rows", "500", "--connections", "2", "--in-flight", "4", "--quiet"]
    # One run creates the schema first: two processes creating the same table at once is a
    # schema race of its own (as in Cassandra), not what this test is about.
    run_kvcli("bench", "--workload", "profile-read", *common, "--ops", "1")
    loaders = [subprocess.Popen([KVCLI, "bench", "--workload", "profiles-load", *common, *split,
                                 "--json", os.path.join(reports, name)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for split, name in ((["--key-count", "250"], "load-a.json"), (["--key-offset", "250"], "load-b.json"))]
    for loader in loaders:
        stdout, stderr = loader.communicate(timeout=120)
        assert loader.returncode == 0, f"{stdout}\n{stderr}"
    for name in ("load-a", "load-b"):
        with open(os.path.join(reports, f"{name}.json")) as file:
            summary = json.load(file)["summary"]["load"]
        assert summary["count"] == 250 and summary["errors"] == 0 and summary["timeouts"] == 0
    return common


def test_kv_ops_add_up(cluster, reports):
    wait_until(all_up, 60)
    report, html, result = bench(reports, "kv", "--workload", "kv", "--keyspace", "bench_kv", "--ops", "3000",
                                 "--keys", "5000", "--read-ratio", "0.3", "--connections", "2", "--in-flight", "4",
                                 "--distribution", "zipfian:1.1", "--value-size", "50..150")
    check_report(report, html, ["read", "write"])
    summary = report["summary"]
    assert attempts(summary["read"]) + attempts(summary["write"]) == 3000
    assert 0.2 < attempts(summary["read"]) / 3000 < 0.4
    assert report["config"]["ops"] == 3000 and report["config"]["in_flight"] == 4
    assert "p99.99" in result.stdout and "peak RSS" in result.stdout


@pytest.mark.parametrize("driver", [[], ["--task-workers"], ["--event-loops", "1"]])
def test_kv_drivers_run_exactly_the_operations_asked(cluster, reports, driver):
    """The callback driver (the default for closed-loop kv runs), the task driver, and one
    event loop: exactly --ops attempts, split by the read ratio, none failing; reads of
    written keys return their row."""
    wait_until(all_up, 60)
    name = "kv-driver-" + "-".join(a.strip("-") for a in driver)
    report, html, _ = bench(reports, name, "--workload", "kv", "--keyspace", "bench_kv", "--ops", "4001",
                            "--keys", "50", "--read-ratio", "0.5", "--connections", "3", "--in-flight", "5",
                            "--distribution", "sequential", *driver)
    check_report(report, html, ["read", "write"])
    summary = report["summary"]
    assert summary["read"]["count"] + summary["write"]["count"] == 4001
    for kind in ("read", "write"):
        assert summary[kind]["errors"] == 0 and summary[kind]["timeouts"] == 0, summary[kind]
    assert 0.4 < summary["read"]["count"] / 4001 < 0.6
    # 50 keys and thousands of writes: nearly every read finds its row, none finds two.
    assert 0.5 * summary["read"]["count"] < summary["read"]["rows"] <= summary["read"]["count"]


def test_kv_server_errors_are_counted_by_kind(cluster, reports):
    """Every write refused (consistency THREE on one replica): each is an error of kind
    unavailable in the summary and the series, and the first is printed."""
    wait_until(all_up, 60)
    report, html, result = bench(reports, "kv-unavailable", "--workload", "kv", "--keyspace", "bench_kv_rf1",
                                 "--replication-factor", "1", "--consistency", "THREE", "--ops", "500",
                                 "--keys", "100", "--read-ratio", "0", "--connections", "2", "--in-flight", "4")
    write = report["summary"]["write"]
    assert write["count"] == 0 and write["errors"] == 500, write
    assert write["errors_by_kind"] == {"unavailable": 500}
    assert sum(sample["operations"].get("write", {}).get("errors", 0) for sample in report["series"]) == 500
    assert result.stderr.count("write unavailable") == 1, result.stderr


def test_kv_duration_and_warmup(cluster, reports):
    report, html, result = bench(reports, "kv-duration", "--workload", "kv", "--keyspace", "bench_kv",
                                 "--duration", "2s", "--warmup", "1s", "--keys", "5000", "--read-ratio", "1")
    check_report(report, html, ["read"])
    assert set(report["summary"]) == {"read"}
    assert "warming up" in result.stderr and report["config"]["warmup_s"] == 1
    assert report["elapsed_s"] >= 1.9 and len(report["series"]) >= 2
    assert result.stdout.count("ops/s") >= 2  # a progress line a second


@pytest.mark.parametrize("workload,arguments,operations", [
    ("profile-read", ["--duration", "2s"], ["profile-read"]),
    ("profile-update", ["--duration", "2s"], ["profile-update"]),
    ("segment", ["--duration", "2s", "--where", ""], ["segment"]),
    ("scan", ["--scan-table", "profiles", "--ranges", "16"], ["scan"]),
    ("mixed", ["--duration", "2s", "--keys", "5000", "--where", "",
               "--mix", "read=4,write=2,profile-read=2,profile-update=2,segment=1,scan=1"],
     ["read", "write", "profile-read", "profile-update", "segment", "scan"]),
])
def test_workload_reports(loaded_profiles, reports, workload, arguments, operations):
    report, html, _ = bench(reports, workload, "--workload", workload, *loaded_profiles, *arguments)
    check_report(report, html, operations)
    for name in operations:
        assert report["summary"][name]["errors"] == 0, report["summary"][name]["errors_by_kind"]
    if workload == "scan":
        # One pass over 16 token ranges reads every row once.
        assert report["summary"]["scan"]["count"] == 16
        assert report["summary"]["scan"]["rows"] == 500
    if workload == "segment":
        assert report["summary"]["segment"]["rows"] == 500 * report["summary"]["segment"]["count"]


def test_segment_with_the_example_filter_returns_exactly_its_rows(loaded_profiles, reports):
    """PERFORMANCE.md §3's example segment (the default --where) over freshly loaded rows:
    each repetition fetches exactly the rows the formula says match."""
    run_kvcli("bench", "--workload", "profiles-load", *loaded_profiles)  # undo profile-update's changes
    report, html, _ = bench(reports, "segment-example", "--workload", "segment", *loaded_profiles, "--ops", "3")
    check_report(report, html, ["segment"])
    rows = [profile_row(i) for i in range(500)]
    matching = sum(1 for r in rows if r["country"] == "JP" and 30 <= r["age"] < 40 and r["push_enabled"]
                   and r["last_seen"] > 1720000000000 and (r["plan"] == "pro" or r["purchase_count"] >= 500))
    assert report["summary"]["segment"]["count"] == 3
    assert matching > 0 and report["summary"]["segment"]["rows"] == 3 * matching
    broad, _, _ = bench(reports, "segment-broad", "--workload", "segment", *loaded_profiles, "--ops", "2",
                        "--where", "NOT (country = 'JP') AND (age < 25 OR plan = 'free')")
    matching = sum(1 for r in rows if r["country"] != "JP" and (r["age"] < 25 or r["plan"] == "free"))
    assert matching > 100 and broad["summary"]["segment"]["rows"] == 2 * matching


def test_profiles_load_writes_exactly_the_specified_rows(loaded_profiles, reports):
    from cassandra import ConsistencyLevel
    from cassandra.cluster import Cluster
    from cassandra.query import SimpleStatement, dict_factory
    # Loading again is idempotent: the same 500 rows, whatever profile-update changed.
    run_kvcli("bench", "--workload", "profiles-load", *loaded_profiles)
    connection = Cluster(["127.0.0.1"])
    try:
        session = connection.connect("bench_profiles")
        session.row_factory = dict_factory
        query = SimpleStatement("SELECT * FROM profiles", consistency_level=ConsistencyLevel.QUORUM, fetch_size=200)
        rows = {row["user_id"]: row for row in session.execute(query)}
        assert sorted(rows) == [f"u{i:010d}" for i in range(500)]
        for i in (0, 1, 42, 250, 499):
            row = dict(rows[f"u{i:010d}"])
            seen = row["last_seen"]  # a naive UTC datetime
            row["last_seen"] = calendar.timegm(seen.utctimetuple()) * 1000 + seen.microsecond // 1000
            row["attrs"] = dict(row["attrs"])
            assert row == profile_row(i), i
    finally:
        connection.shutdown()


def test_compare_prints_changes(reports):
    a, b = os.path.join(reports, "kv.json"), os.path.join(reports, "kv-duration.json")
    if not (os.path.exists(a) and os.path.exists(b)):
        pytest.skip("needs the kv reports")
    output = run_kvcli("bench", "compare", a, b).stdout
    assert "read.ops_per_second" in output and "read.latency_ms.p99" in output and "%" in output


def test_fixed_rate_latency_counts_the_wait_behind_a_stalled_node(cluster, reports):
    """One worker is due to send 100 operations a second; once the measured run is under way
    node 1 is stopped for 2 s. Operations due while it was stopped are sent late: their
    latency, counted from when they were due, includes that wait; their service time does not."""
    wait_until(all_up, 60)
    with open(os.path.join(cluster.directory, "node1", "kvnode.pid")) as file:
        pid = int(file.read().strip())
    json_path, html_path = os.path.join(reports, "rate.json"), os.path.join(reports, "rate.html")
    # RF 1 over three nodes: a third of the keys live on node 1, so the single worker soon
    # waits on it, and the operations falling due meanwhile pile up behind.
    process = subprocess.Popen([KVCLI, "bench", "--workload", "kv", "--keyspace", "bench_rate",
                                "--replication-factor", "1", "--rate", "100/s", "--duration", "6s",
                                "--connections", "1", "--in-flight", "1", "--keys", "1000", "--read-ratio", "0",
                                "--timeout", "10s", "--json", json_path, "--html", html_path],
                               stdout=subprocess.PIPE, text=True)
    try:
        first_progress = process.stdout.readline()  # a second into the measured run
        assert "ops/s" in first_progress, first_progress
        os.kill(pid, signal.SIGSTOP)
        try:
            time.sleep(2.0)
        finally:
            os.kill(pid, signal.SIGCONT)
        process.communicate(timeout=60)
        assert process.returncode == 0
    finally:
        if process.poll() is None:
            process.kill()
    with open(json_path) as file:
        report = json.load(file)
    with open(html_path) as file:
        check_report(report, file.read(), ["write"])
    write = report["summary"]["write"]
    assert attempts(write) == 600
    assert write["timeouts"] == 0 and write["errors"] == 0
    latency, service = write["latency_ms"], write["service_time_ms"]
    # About 200 operations fell due during the stop; one waited for node 1 on the wire
    # (service time ~2 s), the rest waited to be sent. So the top tenth of latencies carries
    # the stop, while the server's own time (service) does not.
    assert latency["max"] >= 1500
    assert latency["p90"] >= 500
    assert service["p90"] < latency["p90"] / 2
