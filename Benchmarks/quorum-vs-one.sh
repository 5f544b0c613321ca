#!/usr/bin/env bash
# Write throughput of a 3-node cluster at QUORUM (RF 3) relative to a 1-node cluster at ONE
# (RF 1), measured side by side on this machine (issue 5's closing figure).
#
# Builds kvcli and kvnode, starts a 1-node local cluster, runs a fixed-duration write load at
# ONE against a keyspace with RF 1, clears it, starts a 3-node cluster on 127.0.0.1-3, runs the
# same load at QUORUM against RF 3, clears it, and prints ops/s of both, the ratio, latency
# percentiles, and the CPU used by the client, by the nodes and by the whole machine (anything
# else running skews the comparison) during the measured window.
#
# The load generator is Python (the cassandra-driver in .venv): PROCESSES processes, each with
# one driver session and IN_FLIGHT execute_async requests outstanding, each a prepared INSERT
# of one small row (bigint key, VALUE_SIZE-byte blob), unique keys. The Python client may well
# be the bottleneck (the driver costs tens of microseconds of CPU per request and the client
# shares the machine's cores with the nodes): compare the client's CPU with the cores
# available before reading the ratio as the server's. There is no `kvcli bench` yet.
#
# Usage: Benchmarks/quorum-vs-one.sh
# Environment (defaults in brackets):
#   DURATION [30] measured seconds per run   WARMUP [5] seconds of load before measuring
#   PROCESSES [2] client processes           IN_FLIGHT [64] requests in flight per process
#   VALUE_SIZE [100] bytes per row           CONFIGURATION [release] or debug
#   SCRATCH_PATH [.build] swift build --scratch-path
#   KVCLI [unset: build; else the kvcli to use, kvnode beside it, nothing is built]
#   PYTHON [.venv/bin/python; `make venv` creates it]
#   CLUSTER_DIR [a new temp dir, removed at exit]
# Only one local cluster can use 127.0.0.1-3 at a time: stop any other first.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)
cd "$repo_root"

DURATION=${DURATION:-30}
WARMUP=${WARMUP:-5}
PROCESSES=${PROCESSES:-2}
IN_FLIGHT=${IN_FLIGHT:-64}
VALUE_SIZE=${VALUE_SIZE:-100}
CONFIGURATION=${CONFIGURATION:-release}
SCRATCH_PATH=${SCRATCH_PATH:-.build}
PYTHON=${PYTHON:-$repo_root/.venv/bin/python}

if [[ ! -x "$PYTHON" ]] || ! "$PYTHON" -c "import cassandra" 2>/dev/null; then
  echo "error: $PYTHON with cassandra-driver is missing; run: make venv" >&2
  exit 1
fi

if [[ -z "${KVCLI:-}" ]]; then
  echo "== building kvcli and kvnode ($CONFIGURATION, scratch path $SCRATCH_PATH)" >&2
  swift build -c "$CONFIGURATION" --scratch-path "$SCRATCH_PATH" --product kvnode >&2
  swift build -c "$CONFIGURATION" --scratch-path "$SCRATCH_PATH" --product kvcli >&2
  KVCLI="$(swift build -c "$CONFIGURATION" --scratch-path "$SCRATCH_PATH" --show-bin-path)/kvcli"
fi
[[ -x "$KVCLI" ]] || { echo "error: no kvcli at $KVCLI" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/quorum-vs-one.XXXXXX")
CLUSTER_DIR=${CLUSTER_DIR:-$work/cluster}
cleanup() {
  "$KVCLI" cluster clear --dir "$CLUSTER_DIR" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# --- The load generator ----------------------------------------------------------------

cat >"$work/load.py" <<'PY'
"""Runs a fixed-duration INSERT load; prints one JSON line of results.

usage: load.py CONSISTENCY RF HOSTS(comma) DURATION WARMUP PROCESSES IN_FLIGHT VALUE_SIZE PIDFILES(comma)
"""
import json
import multiprocessing
import os
import sys
import threading
import time

from cassandra import ConsistencyLevel
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile

level_name, rf, hosts, duration, warmup, processes, in_flight, value_size, pid_files = sys.argv[1:10]
LEVEL = getattr(ConsistencyLevel, level_name)
RF, HOSTS = int(rf), hosts.split(",")
DURATION, WARMUP = float(duration), float(warmup)
PROCESSES, IN_FLIGHT, VALUE_SIZE = int(processes), int(in_flight), int(value_size)
TABLE = "bench.kv"


def connect():
    profile = ExecutionProfile(consistency_level=LEVEL, request_timeout=10)
    cluster = Cluster(HOSTS, execution_profiles={EXEC_PROFILE_DEFAULT: profile})
    return cluster, cluster.connect()


def worker(index, start_at, results):
    cluster, session = connect()
    insert = session.prepare(f"INSERT INTO {TABLE} (k, v) VALUES (?, ?)")
    value = os.urandom(VALUE_SIZE)
    measure_from, stop_at = start_at + WARMUP, start_at + WARMUP + DURATION
    slots = threading.Semaphore(IN_FLIGHT)
    lock = threading.Lock()
    state = {"ok": 0, "errors": 0, "latencies": [], "first_error": None}

    def finished(began, error=None):
        now = time.time()
        with lock:
            if measure_from <= now < stop_at:
                if error is None:
                    state["ok"] += 1
                    state["latencies"].append(now - began)
                else:
                    state["errors"] += 1
                    state["first_error"] = state["first_error"] or repr(error)
        slots.release()

    time.sleep(max(0.0, start_at - time.time()))
    key = index << 40
    cpu_start = None
    while time.time() < stop_at:
        if cpu_start is None and time.time() >= measure_from:
            cpu_start = os.times()
        slots.acquire()
        key += 1
        began = time.time()
        future = session.execute_async(insert, (key, value))
        future.add_callbacks(lambda _, b=began: finished(b), lambda e, b=began: finished(b, e))
    cpu_end = os.times()
    for _ in range(IN_FLIGHT):  # let the last requests finish
        slots.acquire()
    cpu = 0.0 if cpu_start is None else (cpu_end.user - cpu_start.user) + (cpu_end.system - cpu_start.system)
    cluster.shutdown()
    results.put({"ok": state["ok"], "errors": state["errors"], "first_error": state["first_error"],
                 "latencies": state["latencies"], "cpu": cpu})


def node_cpu_seconds(pids):
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as file:
                fields = file.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            pass
    return total


def machine_busy_seconds():
    """CPU seconds (all cores) the whole machine spent not idle, from /proc/stat."""
    with open("/proc/stat") as file:
        fields = [int(x) for x in file.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def main():
    cluster, session = connect()
    session.execute("DROP KEYSPACE IF EXISTS bench")
    session.execute("CREATE KEYSPACE bench WITH replication = "
                    f"{{'class': 'SimpleStrategy', 'replication_factor': {RF}}}")
    session.execute(f"CREATE TABLE {TABLE} (k bigint PRIMARY KEY, v blob)")
    cluster.shutdown()
    pids = []
    for path in pid_files.split(","):
        with open(path) as file:
            pids.append(int(file.read().strip()))
    start_at = time.time() + 5  # every process connected and prepared by then
    results = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=worker, args=(i, start_at, results)) for i in range(PROCESSES)]
    for process in workers:
        process.start()
    time.sleep(max(0.0, start_at + WARMUP - time.time()))
    nodes_before, machine_before, wall_before = node_cpu_seconds(pids), machine_busy_seconds(), time.time()
    time.sleep(max(0.0, start_at + WARMUP + DURATION - time.time()))
    nodes_after, machine_after, wall_after = node_cpu_seconds(pids), machine_busy_seconds(), time.time()
    outcomes = [results.get(timeout=DURATION + WARMUP + 120) for _ in workers]
    for process in workers:
        process.join()
    latencies = sorted(l for o in outcomes for l in o["latencies"])

    def percentile(fraction):
        return latencies[min(len(latencies) - 1, int(fraction * len(latencies)))] * 1000 if latencies else float("nan")

    ok = sum(o["ok"] for o in outcomes)
    print(json.dumps({
        "level": level_name, "rf": RF, "nodes": len(HOSTS), "ok": ok, "errors": sum(o["errors"] for o in outcomes),
        "first_error": next((o["first_error"] for o in outcomes if o["first_error"]), None),
        "ops_per_second": ok / DURATION, "p50_ms": percentile(0.50), "p99_ms": percentile(0.99),
        "client_cpu_cores": sum(o["cpu"] for o in outcomes) / DURATION,
        "nodes_cpu_cores": (nodes_after - nodes_before) / (wall_after - wall_before),
        "machine_cpu_cores": (machine_after - machine_before) / (wall_after - wall_before),
        "cores": os.cpu_count()}))


if __name__ == "__main__":
    main()
PY

run_load() { # nodes, consistency, rf
  local nodes=$1 level=$2 rf=$3 hosts=() pid_files=()
  "$KVCLI" cluster clear --dir "$CLUSTER_DIR" >/dev/null
  echo "== $nodes-node cluster, writes at $level, RF $rf: ${WARMUP} s warm-up + ${DURATION} s measured" >&2
  "$KVCLI" cluster start --nodes "$nodes" --dir "$CLUSTER_DIR" >&2
  for ((i = 1; i <= nodes; i++)); do
    hosts+=("127.0.0.$i")
    pid_files+=("$CLUSTER_DIR/node$i/kvnode.pid")
  done
  "$PYTHON" "$work/load.py" "$level" "$rf" "$(IFS=,; echo "${hosts[*]}")" "$DURATION" "$WARMUP" \
    "$PROCESSES" "$IN_FLIGHT" "$VALUE_SIZE" "$(IFS=,; echo "${pid_files[*]}")"
  "$KVCLI" cluster clear --dir "$CLUSTER_DIR" >/dev/null
}

one=$(run_load 1 ONE 1)
quorum=$(run_load 3 QUORUM 3)

"$PYTHON" - "$one" "$quorum" "$CONFIGURATION" "$KVCLI" <<'PY'
import json
import sys

one, quorum = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"kvnode build: {sys.argv[3]} ({sys.argv[4]}); {one['cores']} cores shared by client and nodes")
for r in (one, quorum):
    print(f"{r['nodes']} node(s), RF {r['rf']}, {r['level']:6s}: {r['ops_per_second']:9.0f} ops/s  "
          f"p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  errors {r['errors']}  "
          f"CPU (cores): client {r['client_cpu_cores']:.2f}, nodes {r['nodes_cpu_cores']:.2f}, "
          f"whole machine {r['machine_cpu_cores']:.2f}"
          + (f"  first error: {r['first_error']}" if r["first_error"] else ""))
ratio = quorum["ops_per_second"] / one["ops_per_second"] if one["ops_per_second"] else float("nan")
print(f"QUORUM on 3 nodes / ONE on 1 node: {ratio:.2f}")
busy = max(one["client_cpu_cores"], quorum["client_cpu_cores"])
if busy > 0.5 * one["cores"]:
    print(f"note: the Python client used up to {busy:.2f} of {one['cores']} cores: it is likely a bottleneck")
PY
