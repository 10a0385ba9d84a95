#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine that has only the .NET SDK.
# Installs what the tests need, builds, runs `dotnet test`, and ends with one line
# "tests: N passed, N failed, N skipped" summed over all test projects.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/setup.sh

# Build everything first (dotnet test alone builds only the test projects, so the benchmark could rot).
dotnet build Lookbook.slnx --nologo -v quiet

log=$(mktemp)
status=0
dotnet test Lookbook.slnx --nologo --no-build 2>&1 | tee "$log" || status=$?

# Sum the per-project summaries ("Passed!  - Failed: 0, Passed: 16, Skipped: 0, ...").
read -r failed passed skipped < <(grep -E '(Passed|Failed)!? +- Failed: ' "$log" | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/' |
  awk '{f+=$1; p+=$2; s+=$3} END {print f+0, p+0, s+0}')
rm -f "$log"
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
