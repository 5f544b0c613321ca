#!/usr/bin/env bash
# Runs RocksDB's db_bench and our lsm-bench (LSMStore) with the same flags, side by side on
# this machine, and prints ops/s of each, the ratio, peak RSS, DB size on disk and the exact
# command lines (PERFORMANCE.md §1 and §5).
#
# Usage: Benchmarks/compare-rocksdb.sh [extra db_bench flags, appended to both; later wins]
#   NUM=100000 Benchmarks/compare-rocksdb.sh          # a quick run
#   RUNS=3 Benchmarks/compare-rocksdb.sh              # medians of 3 runs, alternating order
# Environment (defaults in brackets):
#   BENCHMARKS [fillrandom,compact,readrandom,seekrandom,readseq]  NUM [1000000]
#   READS [200000]  KEY_SIZE [16]  VALUE_SIZE [100]  COMPRESSION [lz4]  THREADS [1]
#   SEEK_NEXTS [100]  CACHE_SIZE [8388608]  WRITE_BUFFER_SIZE [67108864]  SEED [unset: each
#   tool derives one from the clock]  RUNS [1]  BENCH_DIR [a new temp dir, removed at exit
#   unless KEEP=1]  SCRATCH_PATH [Benchmarks/.build-bench]  DB_BENCH [found on PATH]
#   ONLY [unset; "rocks" or "ours" runs one side alone]  LSM_BENCH [unset: build ours; else
#   the lsm-bench binary to run, not rebuilt]
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)

BENCHMARKS=${BENCHMARKS:-fillrandom,compact,readrandom,seekrandom,readseq}
NUM=${NUM:-1000000}
READS=${READS:-200000}
KEY_SIZE=${KEY_SIZE:-16}
VALUE_SIZE=${VALUE_SIZE:-100}
COMPRESSION=${COMPRESSION:-lz4}
THREADS=${THREADS:-1}
SEEK_NEXTS=${SEEK_NEXTS:-100}
# db_bench's own defaults, passed explicitly so both tools get the same (our engine's
# defaults differ: 256 MiB block cache).
CACHE_SIZE=${CACHE_SIZE:-8388608}
WRITE_BUFFER_SIZE=${WRITE_BUFFER_SIZE:-67108864}
RUNS=${RUNS:-1}
SCRATCH_PATH=${SCRATCH_PATH:-$repo_root/Benchmarks/.build-bench}

flags=(
  "--benchmarks=$BENCHMARKS" "--num=$NUM" "--key_size=$KEY_SIZE" "--value_size=$VALUE_SIZE"
  "--compression_type=$COMPRESSION" "--threads=$THREADS" "--seek_nexts=$SEEK_NEXTS"
  "--reads=$READS" "--cache_size=$CACHE_SIZE" "--write_buffer_size=$WRITE_BUFFER_SIZE"
)
if [[ -n "${SEED:-}" ]]; then flags+=("--seed=$SEED"); fi
flags+=("$@")

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

find_db_bench() {
  if [[ -n "${DB_BENCH:-}" ]]; then echo "$DB_BENCH"; return; fi
  local name
  for name in db_bench rocksdb_db_bench; do
    if command -v "$name" >/dev/null; then command -v "$name"; return; fi
  done
  if dpkg -L rocksdb-tools >/dev/null 2>&1; then
    dpkg -L rocksdb-tools | grep -E '/(rocksdb_)?db_bench$' | head -n 1
  fi
}

db_bench=$(find_db_bench)
if [[ -z "$db_bench" ]]; then
  install_or_explain rocksdb-tools "RocksDB's db_bench"
  db_bench=$(find_db_bench)
  [[ -n "$db_bench" ]] || { echo "error: rocksdb-tools has no db_bench (dpkg -L rocksdb-tools)" >&2; exit 1; }
fi
if [[ ! -x /usr/bin/time ]]; then install_or_explain time "/usr/bin/time"; fi
rocksdb_version=$(dpkg-query -W -f='${Version}' rocksdb-tools 2>/dev/null || echo unknown)

ONLY=${ONLY:-}
[[ -z "$ONLY" || "$ONLY" == rocks || "$ONLY" == ours ]] || { echo "error: ONLY must be rocks or ours" >&2; exit 1; }
ours="(not built: ONLY=rocks)"
if [[ -n "${LSM_BENCH:-}" ]]; then
  ours=$LSM_BENCH
elif [[ "$ONLY" != rocks ]]; then
  echo "== building lsm-bench (release)" >&2
  swift build -c release --package-path "$repo_root/Benchmarks" --scratch-path "$SCRATCH_PATH" >&2
  ours="$(swift build -c release --package-path "$repo_root/Benchmarks" --scratch-path "$SCRATCH_PATH" --show-bin-path)/lsm-bench"
fi

# --- Runs --------------------------------------------------------------------------------

if [[ -n "${BENCH_DIR:-}" ]]; then
  mkdir -p "$BENCH_DIR"
  work=$(mktemp -d "$BENCH_DIR/compare-XXXXXX")
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/compare-rocksdb-XXXXXX")
  if [[ "${KEEP:-0}" != 1 ]]; then trap 'rm -rf "$work"' EXIT; fi
fi

run_tool() { # tool (rocks|ours), run number
  local tool=$1 run=$2 binary
  local dir="$work/run$run"
  if [[ -n "$ONLY" && "$ONLY" != "$tool" ]]; then mkdir -p "$dir"; echo "not run (ONLY=$ONLY)" >"$dir/$tool.status"; return; fi
  [[ $tool == rocks ]] && binary=$db_bench || binary=$ours
  mkdir -p "$dir"
  echo "== run $run: $tool" >&2
  if /usr/bin/time -v -o "$dir/$tool.time" "$binary" "${flags[@]}" "--db=$dir/$tool" \
      >"$dir/$tool.out" 2>"$dir/$tool.err"; then
    echo ok >"$dir/$tool.status"
  else
    echo "failed (exit $?)" >"$dir/$tool.status"
    echo "   $tool failed; last lines of its stderr:" >&2
    tail -n 5 "$dir/$tool.err" | sed 's/^/     /' >&2
  fi
  du -sb "$dir/$tool" 2>/dev/null | cut -f1 >"$dir/$tool.size" || echo 0 >"$dir/$tool.size"
  find "$dir/$tool" -name '*.sst' -printf '%s\n' 2>/dev/null | awk '{ s += $1 } END { print s + 0 }' \
    >"$dir/$tool.sstsize" || echo 0 >"$dir/$tool.sstsize"
}

for ((run = 1; run <= RUNS; run++)); do
  # Alternate the order so neither tool always runs on a warmer (or more tired) machine.
  if ((run % 2 == 1)); then run_tool rocks "$run"; run_tool ours "$run"
  else run_tool ours "$run"; run_tool rocks "$run"; fi
done

# --- Report ------------------------------------------------------------------------------

# Prints "name ops_per_sec seconds found_message" for each result line of a db_bench-format
# output; below 100 ops/s it is recomputed from operations and seconds, so a slow one
# (compact) keeps its fraction.
results() {
  awk '$2 == ":" && $4 == "micros/op" {
         found = ""; if (match($0, /\([0-9]+ of [0-9]+ found\)/)) found = substr($0, RSTART, RLENGTH)
         gsub(/ /, "_", found); ops = ($5 < 100 && $7 > 0) ? $9 / $7 : $5
         printf "%s %.3f %s %s\n", $1, ops, $7, found }' "$1" 2>/dev/null || true
}

# The median of numbers given one per line on stdin ("-" if none).
median() {
  sort -n | awk '{ v[NR] = $1; if (index($1, ".")) decimal = 1 } END {
    if (NR == 0) { print "-"; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else printf (decimal ? "%.3f\n" : "%.0f\n"), (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The values of one benchmark (or "rss"/"size"/"wall") across runs, one per line.
values() { # tool, what
  local tool=$1 what=$2 run dir
  for ((run = 1; run <= RUNS; run++)); do
    dir="$work/run$run"
    case $what in
      rss) awk -F': ' '/Maximum resident set size/ { printf "%.1f\n", $2 / 1024 }' "$dir/$tool.time" 2>/dev/null || true ;;
      size) awk '{ printf "%.1f\n", $1 / 1048576 }' "$dir/$tool.size" 2>/dev/null || true ;;
      sstsize) awk '{ printf "%.1f\n", $1 / 1048576 }' "$dir/$tool.sstsize" 2>/dev/null || true ;;
      wall) awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0
              for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.1f\n", s }' "$dir/$tool.time" 2>/dev/null || true ;;
      seconds:*) results "$dir/$tool.out" | awk -v name="${what#seconds:}" '$1 == name { print $3 }' ;;
      *) results "$dir/$tool.out" | awk -v name="$what" '$1 == name { print $2 }' ;;
    esac
  done
}

spread() { # the min..max of values on stdin, when there is more than one
  sort -n | awk 'function f(x) { return x < 100 ? sprintf("%.2f", x) : sprintf("%.0f", x) }
    { v[NR] = $1 } END { if (NR > 1) printf "(%s..%s)", f(v[1]), f(v[NR]) }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }

# One decimal ("-" stays).
one() { awk -v v="$1" 'BEGIN { if (v == "-") print "-"; else printf "%.1f", v }'; }

# Ops/s for the table: whole numbers, but two decimals below 100 (compact's 0.4 ops/s).
ops() { awk -v v="$1" 'BEGIN { if (v == "-") print "-"; else if (v < 100) printf "%.2f", v; else printf "%.0f", v }'; }

echo
echo "== LSMStore (lsm-bench) vs RocksDB $rocksdb_version (db_bench), $RUNS run(s)$([[ $RUNS -gt 1 ]] && echo ', medians')"
printf '%-12s %12s %13s %12s %9s %9s  %s\n' benchmark "ours ops/s" "rocksdb ops/s" "ours/rocksdb" \
  "ours s" "rocks s" "ops/s spread ours / rocksdb"
IFS=, read -r -a names <<<"$BENCHMARKS"
for name in "${names[@]}"; do
  o=$(values ours "$name" | median); r=$(values rocks "$name" | median)
  printf '%-12s %12s %13s %12s %9s %9s  %s\n' "$name" "$(ops "$o")" "$(ops "$r")" "$(ratio "$o" "$r")" \
    "$(values ours "seconds:$name" | median)" "$(values rocks "seconds:$name" | median)" \
    "$(values ours "$name" | spread) $(values rocks "$name" | spread)"
done
echo
printf '%-22s %12s %12s\n' "" ours rocksdb
printf '%-22s %12s %12s\n' "peak RSS (MB)" "$(one "$(values ours rss | median)")" "$(one "$(values rocks rss | median)")"
printf '%-22s %12s %12s\n' "wall time (s)" "$(one "$(values ours wall | median)")" "$(one "$(values rocks wall | median)")"
printf '%-22s %12s %12s\n' "DB size on disk (MB)" "$(one "$(values ours size | median)")" "$(one "$(values rocks size | median)")"
printf '%-22s %12s %12s\n' "  of which *.sst (MB)" "$(one "$(values ours sstsize | median)")" "$(one "$(values rocks sstsize | median)")"
echo "status (run 1): ours $(cat "$work/run1/ours.status"), rocksdb $(cat "$work/run1/rocks.status")"

echo
echo "found counts (run 1):"
for tool in ours rocks; do
  results "$work/run1/$tool.out" | awk -v tool="$tool" '$4 != "" { gsub(/_/, " ", $4); printf "  %-6s %-12s %s\n", tool, $1, $4 }'
done
if grep -q "Assertions are enabled" "$work/run1/rocks.out" 2>/dev/null; then
  echo "note: this db_bench build says 'WARNING: Assertions are enabled; benchmarks unnecessarily slow'"
fi
echo "note: both get --cache_size=$CACHE_SIZE --write_buffer_size=$WRITE_BUFFER_SIZE (db_bench's defaults;"
echo "      our engine's own block cache default is 256 MiB). Rows: $NUM keys of $KEY_SIZE bytes per fill"
echo "      thread, values of $VALUE_SIZE bytes (raw $(awk -v n="$NUM" -v k="$KEY_SIZE" -v v="$VALUE_SIZE" \
  'BEGIN { printf "%.1f", n * (k + v) / 1048576 }') MB per fill thread)."

echo
# Shell-quotes only the words that need it, so the lines stay readable and pasteable.
quote_words() {
  local word out=()
  for word in "$@"; do
    if [[ "$word" =~ ^[A-Za-z0-9_./=,:+@%-]+$ ]]; then out+=("$word"); else out+=("$(printf '%q' "$word")"); fi
  done
  echo "${out[*]}"
}
echo "commands (run 1):"
[[ "$ONLY" == ours ]] || echo "  $(quote_words /usr/bin/time -v "$db_bench" "${flags[@]}" "--db=$work/run1/rocks")"
[[ "$ONLY" == rocks ]] || echo "  $(quote_words /usr/bin/time -v "$ours" "${flags[@]}" "--db=$work/run1/ours")"
if [[ -n "${BENCH_DIR:-}" || "${KEEP:-0}" == 1 ]]; then
  echo "outputs: $work/run*/{rocks,ours}.{out,err,time}"
fi
