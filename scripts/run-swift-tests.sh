#!/usr/bin/env bash
# Runs the Swift test suites and, when something fails, repeats the failing tests' lines at
# the end: CI keeps only the tail of the output.
#
# Two passes: the storage engine's suites block threads (fsync, child processes, waits on
# background flushes) and, run in the same process, starve the cooperative thread pool that
# the networking suites' handlers need, long enough for a 30 s request timeout to fire on two
# cores. So the engine's suites run in a process of their own, after the others.
#
# The cluster simulator (SimulationTests) runs whole clusters on the test's own thread, so it
# gets a third process, with deterministic hashing so that a seed replays exactly across
# processes (`SEED=n make test-sim`). SIM_SEEDS sets how many seeds each workload runs.
set -uo pipefail
swift=${SWIFT:-swift}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
"$swift" test --skip-build --parallel --skip LSMStoreTests --skip 'SimulationTests\.' 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
"$swift" test --skip-build --parallel --filter LSMStoreTests 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
SWIFT_DETERMINISTIC_HASHING=1 "$swift" test --skip-build --filter 'SimulationTests\.' 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
if [ "$status" -ne 0 ]; then
    echo
    echo "==== failing tests (repeated from above) ===="
    grep -E "✘|error:|recorded an issue|Fatal error|Crash|signal" "$log" | grep -v "passed after" | tail -40
fi
exit "$status"
