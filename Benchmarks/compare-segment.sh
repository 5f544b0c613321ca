#!/usr/bin/env bash
# Segmentation (row-filter queries) against SQLite and DuckDB, PERFORMANCE.md §3: loads the
# `profiles` dataset into a one-node cluster (RF 1) and a three-node cluster (RF 3, reads at
# ONE), builds the same rows in SQLite and DuckDB, then times each segment on all three and
# prints, per segment: rows matched, ours, SQLite's and DuckDB's best time and the ratios;
# the nodes' and the client's peak memory; and rows scanned per second per core.
#
# Usage: Benchmarks/compare-segment.sh
#   NUM=200000 Benchmarks/compare-segment.sh       # a quick run
#   ONLY=one NUM=1000000 Benchmarks/compare-segment.sh
# Environment (defaults in brackets):
#   NUM [10000000] rows  RUNS [3] runs per query, the best is reported  ONLY [unset; "one" or
#   "three" runs one cluster size]  PAGE_SIZE [5000] rows per page of `kvcli segment`
#   KVCLI [unset: build kvcli and kvnode in release mode; else the kvcli to run, with kvnode
#   beside it]  BENCH_VENV [.venv-bench: made if missing, with numpy and duckdb from PyPI]
#   DATA_DIR [bench-data/segment: the SQLite and DuckDB files, reused for the same NUM]
#   KEEP [0; 1 keeps the work directory]
#
# Ours: `kvcli segment ... --out /dev/null` (or --count), timed from the query sent to the
# last key received and written, as `kvcli segment` reports it. SQLite (Python's sqlite3
# module) and DuckDB (`PRAGMA threads=1`): the SELECT of user_id (or COUNT(*)), fetched whole,
# from a file each. The clusters are restarted after loading, so the nodes' peak memory
# (VmHWM) is that of serving the queries, not of the load. The three-node cluster is loaded
# at ALL, so a read at ONE sees every row. Every segment's three counts must be equal or the
# script fails. The nodes run on 127.0.0.1-3: no other local cluster may run at the same time
# (wrap the script in `flock` where several people share a machine).
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)

NUM=${NUM:-10000000}
RUNS=${RUNS:-3}
ONLY=${ONLY:-}
PAGE_SIZE=${PAGE_SIZE:-5000}
BENCH_VENV=${BENCH_VENV:-$repo_root/.venv-bench}
DATA_DIR=${DATA_DIR:-$repo_root/bench-data/segment}
KEYSPACE=bench_segment
[[ -z "$ONLY" || "$ONLY" == one || "$ONLY" == three ]] || { echo "error: ONLY must be one or three" >&2; exit 1; }

# --- Tools -----------------------------------------------------------------------------

command -v python3 >/dev/null || { echo "error: python3 is missing: sudo apt-get install -y python3-venv" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "error: /usr/bin/time is missing: sudo apt-get install -y time" >&2; exit 1; }
if [[ ! -x "$BENCH_VENV/bin/python" ]] || ! "$BENCH_VENV/bin/python" -c "import duckdb, numpy" 2>/dev/null; then
  echo "== making $BENCH_VENV with numpy and duckdb" >&2
  python3 -m venv "$BENCH_VENV"
  echo '*' >"$BENCH_VENV/.gitignore"
  "$BENCH_VENV/bin/pip" install --quiet --disable-pip-version-check numpy duckdb >&2
fi
peers() { "$BENCH_VENV/bin/python" "$script_dir/segment-peers.py" "$@"; }

if [[ -z "${KVCLI:-}" ]]; then
  echo "== building kvnode and kvcli (release)" >&2
  (cd "$repo_root" && swift build -c release --product kvnode >&2 && swift build -c release --product kvcli >&2)
  KVCLI="$(cd "$repo_root" && swift build -c release --show-bin-path)/kvcli"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/compare-segment-XXXXXX")
cluster_dir=""
cleanup() {
  [[ -n "$cluster_dir" ]] && "$KVCLI" cluster clear --dir "$cluster_dir" >/dev/null 2>&1
  if [[ "${KEEP:-0}" != 1 ]]; then rm -rf "$work"; else echo "outputs kept in $work" >&2; fi
}
trap cleanup EXIT

# --- Peers -------------------------------------------------------------------------------

mkdir -p "$DATA_DIR"
echo "== building $NUM rows in SQLite and DuckDB ($DATA_DIR)" >&2
peers build "$NUM" "$DATA_DIR"
echo "== timing SQLite and DuckDB, best of $RUNS" >&2
peers time "$DATA_DIR" "$RUNS" >"$work/peers"
peers queries >"$work/queries"

# --- Ours --------------------------------------------------------------------------------

# Loads the rows, restarts the nodes, checks a sample against numpy's rows, then runs every
# segment RUNS times. Appends "nodes name run matched seconds rows_scanned client_kb" lines to
# $work/ours and "nodes kb..." (each node's VmHWM) to $work/memory.
run_ours() { # nodes replication_factor load_consistency
  local nodes=$1 rf=$2 load_consistency=$3 hosts name kind filter run
  hosts=$(seq -s, -f "127.0.0.%g" 1 "$nodes")
  cluster_dir="$work/cluster-$nodes"
  "$KVCLI" cluster start --nodes "$nodes" --dir "$cluster_dir" --timeout 180 >&2
  echo "== $nodes node(s): loading $NUM rows (RF $rf, $load_consistency)" >&2
  "$KVCLI" bench --workload profiles-load --rows "$NUM" --hosts "$hosts" --keyspace "$KEYSPACE" \
    --replication-factor "$rf" --consistency "$load_consistency" --connections 4 --in-flight 32 --timeout 60s \
    --quiet >"$work/load-$nodes.out"
  # Fresh node processes: their peak memory is then that of the queries alone.
  "$KVCLI" cluster stop --dir "$cluster_dir" >&2
  "$KVCLI" cluster start --nodes "$nodes" --dir "$cluster_dir" --timeout 180 >&2
  check_sample "$hosts"
  while IFS=$'\t' read -r name kind filter; do
    for ((run = 1; run <= RUNS; run++)); do
      echo "== $nodes node(s): $name, run $run" >&2
      segment "$hosts" "$kind" "$filter" "$work/segment-$nodes-$name-$run.err"
      parse_segment "$nodes" "$name" "$run" "$work/segment-$nodes-$name-$run.err" >>"$work/ours"
    done
  done <"$work/queries"
  echo "$nodes $(node_peak_kb "$nodes")" >>"$work/memory"
  "$KVCLI" cluster clear --dir "$cluster_dir" >/dev/null
  cluster_dir=""
}

segment() { # hosts kind filter stderr_file
  local selection=(--out /dev/null)
  [[ "$2" == count ]] && selection=(--count --out /dev/null)
  /usr/bin/time -v "$KVCLI" segment --hosts "$1" --table "$KEYSPACE.profiles" --where "$3" "${selection[@]}" \
    --consistency ONE --page-size "$PAGE_SIZE" 2>"$4" || { cat "$4" >&2; exit 1; }
}

# Rows 0, 1, 42 and the last, every column, compared with the numpy generator's.
check_sample() { # hosts
  local last=$((NUM - 1))
  "$KVCLI" segment --hosts "$1" --table "$KEYSPACE.profiles" --format ndjson --out "$work/sample.ndjson" \
    --columns user_id,country,age,push_enabled,purchase_count,last_seen,ltv,plan,attrs \
    --where "user_id IN ('u0000000000', 'u0000000001', 'u0000000042', 'u$(printf %010d "$last")')" 2>/dev/null
  peers check "$NUM" "$work/sample.ndjson"
}

parse_segment() { # nodes name run stderr_file
  python3 - "$@" <<'PY'
import re, sys
nodes, name, run, path = sys.argv[1:]
text = open(path).read()
headline = re.search(r"^(?:matches|count): ([\d,]+) .*\((\d+\.\d+) s\)$", text, re.M)
if not headline:
    sys.exit(f"error: no result in {path}:\n{text}")
total = re.search(r"^total +([\d,]+)", text, re.M)
client_kb = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)
scanned = total.group(1).replace(",", "") if total else "-"
print(nodes, name, run, headline.group(1).replace(",", ""), headline.group(2), scanned, client_kb)
PY
}

node_peak_kb() { # nodes: each node's VmHWM in kB
  local index pid
  for ((index = 1; index <= $1; index++)); do
    pid=$(cat "$cluster_dir/node$index/kvnode.pid")
    awk '/^VmHWM/ {printf "%s ", $2}' "/proc/$pid/status"
  done
}

: >"$work/ours"
: >"$work/memory"
[[ "$ONLY" == three ]] || run_ours 1 1 ONE
[[ "$ONLY" == one ]] || run_ours 3 3 ALL

# --- Report ------------------------------------------------------------------------------

echo
echo "== segments of $NUM profiles rows: kvstore (kvcli segment, reads at ONE) vs SQLite and DuckDB (one thread)"
echo "   best of $RUNS run(s); $(nproc) cores; ours/peer > 1 means ours is slower"
python3 - "$work" "$NUM" "$(nproc)" <<'PY'
import collections, sys
work, rows, cores = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
peers = {(q, e): (int(m), float(s)) for q, e, m, s in (l.split() for l in open(f"{work}/peers"))}
runs = collections.defaultdict(list)
for nodes, name, run, matched, seconds, scanned, client_kb in (l.split() for l in open(f"{work}/ours")):
    runs[(nodes, name)].append((float(seconds), int(matched), scanned, int(client_kb)))
failed = False
print(f"{'nodes':<5} {'query':<20} {'matched':>9} {'scanned':>10} {'ours s':>8} {'SQLite s':>9} {'DuckDB s':>9} "
      f"{'ours/SQLite':>11} {'ours/DuckDB':>11} {'client MiB':>10} {'ours rows/s/core':>16}")
for (nodes, name), measured in runs.items():
    seconds, matched, scanned, _ = min(measured)
    client_mib = max(m[3] for m in measured) / 1024
    (lite_matched, lite_s), (duck_matched, duck_s) = peers[(name, "sqlite")], peers[(name, "duckdb")]
    if not matched == lite_matched == duck_matched:
        print(f"error: {name} on {nodes} node(s): ours matched {matched}, SQLite {lite_matched}, DuckDB {duck_matched}",
              file=sys.stderr)
        failed = True
    # Ours uses every core of the machine (nodes and client); the peers one thread. Without
    # the server's statistics, every row of the table counts as scanned.
    per_core = (rows if scanned == "-" else int(scanned)) / seconds / cores
    print(f"{nodes:<5} {name:<20} {matched:>9} {scanned:>10} {seconds:>8.3f} {lite_s:>9.3f} {duck_s:>9.3f} "
          f"{seconds / lite_s:>11.1f} {seconds / duck_s:>11.1f} {client_mib:>10.1f} {per_core:>16,.0f}")
print()
print(f"peers, rows scanned per second on one core: " + ", ".join(
    f"{name} SQLite {rows / peers[(name, 'sqlite')][1]:,.0f} DuckDB {rows / peers[(name, 'duckdb')][1]:,.0f}"
    for name in dict.fromkeys(q for q, _ in peers)))
if all(m[0][2] == "-" for m in runs.values()):
    print("scanned: the server reported no scan statistics")
for line in open(f"{work}/memory"):
    nodes, *kb = line.split()
    print(f"node peak memory (VmHWM), {nodes} node(s): " + ", ".join(f"{int(k) / 1024:.0f} MiB" for k in kb))
sys.exit(1 if failed else 0)
PY
echo
echo "commands:"
echo "  $KVCLI bench --workload profiles-load --rows $NUM --keyspace $KEYSPACE --replication-factor 1|3 --consistency ONE|ALL"
echo "  $KVCLI segment --table $KEYSPACE.profiles --where \"<filter>\" --out /dev/null [--count] --consistency ONE --page-size $PAGE_SIZE"
echo "  $BENCH_VENV/bin/python $script_dir/segment-peers.py time $DATA_DIR $RUNS"
echo "  filters:"
cut -f1,3 "$work/queries" | sed 's/^/    /'
