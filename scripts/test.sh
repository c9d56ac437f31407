#!/usr/bin/env bash
# Runs every test of Engines.sln against real servers: installs and starts a throwaway PostgreSQL and
# the S3/SQS emulator (scripts/infra.sh), runs `dotnet test`, stops what it started, and ends with
# one summary line "N passed, N failed, N skipped".
#   scripts/test.sh [extra dotnet test arguments, e.g. --filter Name~Import]
set -euo pipefail
LOG_TAG=test
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$VIADUCT_ROOT"

started_infra=0
if ! scripts/infra.sh status >/dev/null 2>&1; then
  started_infra=1
fi
cleanup() {
  if (( started_infra )); then
    scripts/infra.sh down || true
  fi
}
trap cleanup EXIT

env_file=$(scripts/infra.sh up)
# shellcheck disable=SC1090
. "$env_file"

# The operator page's end-to-end test drives Debian's Chromium (headless); it never downloads a browser of its own.
ensure_apt_packages /usr/bin/chromium chromium fonts-liberation

mkdir -p .local/logs
results=.local/logs/test-results.txt
status=0
dotnet test Engines.sln --configuration Release --nologo "$@" 2>&1 | tee "$results" || status=$?

# dotnet test prints one "Passed!/Failed!  - Failed: N, Passed: N, Skipped: N, Total: N" line per test assembly.
read -r passed failed skipped < <(awk '
  /(Passed|Failed)! +- +Failed:/ {
    gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
  }
  END { printf "%d %d %d\n", p, f, s }' "$results")
if (( status == 0 && passed == 0 )); then
  log "no test ran"
  status=1
fi
if compgen -G 'artifacts/screenshots/*.png' >/dev/null; then
  log "operator page screenshots: $VIADUCT_ROOT/artifacts/screenshots/"
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
