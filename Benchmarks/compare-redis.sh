#!/usr/bin/env bash
# Runs redis-benchmark against redis-server and `kvcli bench --workload kv` against a one-node
# kvstore cluster side by side on this machine, with the settings of PERFORMANCE.md §2, and
# prints ops/s and p99 of both and the ratio ours/Redis, for SET/write and GET/read, with 1
# and with 16 requests in flight per connection.
#
# Usage: Benchmarks/compare-redis.sh
#   NUM=50000 Benchmarks/compare-redis.sh         # a quick run
#   RUNS=3 Benchmarks/compare-redis.sh            # medians of 3 runs, order alternating
# Environment (defaults in brackets):
#   NUM [300000] operations per test  KEYS [1000000] key space  CONNECTIONS [50]
#   VALUE_SIZE [100]  IN_FLIGHT ["1 16"] requests in flight per connection (redis -P)
#   RUNS [1]  REDIS_PORT [6399]  KVCLI [unset: build kvcli and kvnode in release mode; else
#   the kvcli to run, with kvnode beside it]  KEEP [0; 1 keeps the work directory]
#   ONLY [unset; "redis" or "ours" runs one side alone]
#
# Ours: a one-node cluster (`kvcli cluster start --nodes 1`: commit log `periodic`, the
# default), keyspace with replication_factor 1, consistency ONE; first writes (SET), then
# reads (GET) of the same uniformly random key space, as redis-benchmark does: in both, most
# GETs of a 1M key space after 300k SETs find nothing (about 26% find a value). The reads use
# another seed than the writes: with the same one, each bench lane would draw the keys it had
# just written, and most reads would find one. The node runs on 127.0.0.1, so no
# other local cluster may run at the same time (wrap the script in `flock` where several
# people share a machine).
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)

NUM=${NUM:-300000}
KEYS=${KEYS:-1000000}
CONNECTIONS=${CONNECTIONS:-50}
VALUE_SIZE=${VALUE_SIZE:-100}
IN_FLIGHT=${IN_FLIGHT:-"1 16"}
RUNS=${RUNS:-1}
REDIS_PORT=${REDIS_PORT:-6399}
ONLY=${ONLY:-}
[[ -z "$ONLY" || "$ONLY" == redis || "$ONLY" == ours ]] || { echo "error: ONLY must be redis or ours" >&2; exit 1; }

# --- Tools -----------------------------------------------------------------------------

install_or_explain() { # package, what is missing
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "== installing $1 ($2 is missing)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y "$1" >&2 ||
      { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y "$1" >&2; }
  else
    echo "error: $2 is missing. Install it with:" >&2
    echo "  sudo apt-get install -y $1" >&2
    exit 1
  fi
}

command -v redis-server >/dev/null || install_or_explain redis-server redis-server
command -v redis-benchmark >/dev/null || install_or_explain redis-tools redis-benchmark
command -v python3 >/dev/null || install_or_explain python3 python3
redis_version=$(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p')

if [[ -z "${KVCLI:-}" && "$ONLY" != redis ]]; then
  echo "== building kvnode and kvcli (release)" >&2
  (cd "$repo_root" && swift build -c release --product kvnode >&2 && swift build -c release --product kvcli >&2)
  KVCLI="$(cd "$repo_root" && swift build -c release --show-bin-path)/kvcli"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/compare-redis-XXXXXX")
redis_pid=""
cleanup() {
  [[ -n "$redis_pid" ]] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  [[ -d "$work/cluster" ]] && "$KVCLI" cluster clear --dir "$work/cluster" >/dev/null 2>&1
  if [[ "${KEEP:-0}" != 1 ]]; then rm -rf "$work"; else echo "outputs kept in $work" >&2; fi
}
trap cleanup EXIT

# --- Runs --------------------------------------------------------------------------------

# One line per measurement in $work/results: side op in_flight run ops_per_second p99_ms
run_redis() { # run number
  local run=$1 p
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    echo "error: something already answers on port $REDIS_PORT; set REDIS_PORT" >&2; exit 1
  fi
  redis-server --port "$REDIS_PORT" --save '' --appendonly no >"$work/redis-server.log" 2>&1 &
  redis_pid=$!
  until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do
    kill -0 "$redis_pid" 2>/dev/null || { echo "error: redis-server did not start:" >&2; tail -n 3 "$work/redis-server.log" >&2; exit 1; }
    sleep 0.1
  done
  for p in $IN_FLIGHT; do
    echo "== run $run: redis-benchmark -P $p" >&2
    redis-benchmark -p "$REDIS_PORT" -t set,get -n "$NUM" -c "$CONNECTIONS" -d "$VALUE_SIZE" -r "$KEYS" -P "$p" \
      --csv >"$work/redis-$p-$run.csv" 2>/dev/null
    python3 - "$work/redis-$p-$run.csv" "$p" "$run" >>"$work/results" <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1])):
    op = {"SET": "write", "GET": "read"}[row["test"]]
    print("redis", op, sys.argv[2], sys.argv[3], row["rps"], row["p99_latency_ms"])
PY
  done
  redis-cli -p "$REDIS_PORT" flushall >/dev/null
  kill "$redis_pid"; wait "$redis_pid" 2>/dev/null || true; redis_pid=""
}

run_ours() { # run number
  local run=$1 p ratio name seed
  "$KVCLI" cluster start --nodes 1 --dir "$work/cluster" >&2
  for p in $IN_FLIGHT; do
    for ratio in 0 1; do
      [[ $ratio == 0 ]] && name=write || name=read
      seed=$((ratio + 1))  # the reads draw other keys than the writes
      echo "== run $run: kvcli bench $name, --in-flight $p" >&2
      "$KVCLI" bench --workload kv --hosts 127.0.0.1 --keyspace "bench_redis_$run" --replication-factor 1 \
        --consistency ONE --connections "$CONNECTIONS" --in-flight "$p" --value-size "$VALUE_SIZE" \
        --keys "$KEYS" --ops "$NUM" --read-ratio "$ratio" --seed "$seed" --quiet --json "$work/ours-$name-$p-$run.json" \
        >"$work/ours-$name-$p-$run.out"
      python3 - "$work/ours-$name-$p-$run.json" "$name" "$p" "$run" >>"$work/results" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))["summary"][sys.argv[2]]
if summary["errors"] or summary["timeouts"]:
    print(f"warning: {summary['errors']} errors, {summary['timeouts']} timeouts", file=sys.stderr)
print("ours", sys.argv[2], sys.argv[3], sys.argv[4], summary["ops_per_second"], summary["latency_ms"]["p99"])
PY
    done
  done
  "$KVCLI" cluster clear --dir "$work/cluster" >/dev/null
}

: >"$work/results"
for ((run = 1; run <= RUNS; run++)); do
  # Alternate the order so neither side always runs on a warmer (or more tired) machine.
  if ((run % 2 == 1)); then
    [[ "$ONLY" == ours ]] || run_redis "$run"; [[ "$ONLY" == redis ]] || run_ours "$run"
  else
    [[ "$ONLY" == redis ]] || run_ours "$run"; [[ "$ONLY" == ours ]] || run_redis "$run"
  fi
done

# --- Report ------------------------------------------------------------------------------

echo
echo "== kvstore one node (kvcli bench) vs Redis $redis_version (redis-benchmark), $RUNS run(s)$([[ $RUNS -gt 1 ]] && echo ', medians')"
echo "   $NUM operations per test, $CONNECTIONS connections, $VALUE_SIZE-byte values, $KEYS keys"
python3 - "$work/results" "$IN_FLIGHT" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
def median(side, op, p, column):
    values = [float(r[column]) for r in rows if r[:3] == [side, op, p]]
    return statistics.median(values) if values else None
def fmt(value, digits=0):
    return "-" if value is None else f"{value:.{digits}f}"
print(f"{'operation':<12} {'in flight':>9} {'redis ops/s':>12} {'ours ops/s':>11} {'ours/redis':>10} "
      f"{'redis p99 ms':>13} {'ours p99 ms':>12}")
for p in sys.argv[2].split():
    for op, label in (("write", "SET/write"), ("read", "GET/read")):
        redis, ours = median("redis", op, p, 4), median("ours", op, p, 4)
        ratio = ours / redis if redis and ours is not None else None
        print(f"{label:<12} {p:>9} {fmt(redis):>12} {fmt(ours):>11} {fmt(ratio, 2):>10} "
              f"{fmt(median('redis', op, p, 5), 3):>13} {fmt(median('ours', op, p, 5), 3):>12}")
if len({r[3] for r in rows}) > 1:
    print("\nevery run (side, operation, in flight, run: ops/s, p99 ms):")
    for r in sorted(rows, key=lambda r: (r[2], r[1], r[0], r[3])):
        print(f"  {r[0]:<5} {r[1]:<5} {r[2]:>3} run {r[3]}: {float(r[4]):>9.0f} {float(r[5]):>8.3f}")
PY
echo
echo "commands (per in-flight value p):"
[[ "$ONLY" == ours ]] || echo "  redis-benchmark -p $REDIS_PORT -t set,get -n $NUM -c $CONNECTIONS -d $VALUE_SIZE -r $KEYS -P p --csv"
[[ "$ONLY" == redis ]] || echo "  $KVCLI bench --workload kv --connections $CONNECTIONS --in-flight p --value-size $VALUE_SIZE --keys $KEYS --ops $NUM --read-ratio 0|1 --seed 1|2"
[[ "$ONLY" == redis ]] || echo "  (against \`kvcli cluster start --nodes 1\`: replication_factor 1, consistency ONE, commitlog_sync periodic)"
