#!/usr/bin/env bash
# Runs the Swift test suites in parallel and, when something fails, repeats the failing
# tests' lines at the end: CI keeps only the tail of the output, and with every suite
# interleaved the failure itself would otherwise scroll out of sight.
set -uo pipefail
swift=${SWIFT:-swift}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$swift" test --skip-build --parallel 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
    echo
    echo "==== failing tests (repeated from above) ===="
    grep -E "✘|error:|recorded an issue|Fatal error|Crash|signal" "$log" | grep -v "passed after" | tail -40
fi
exit "$status"
