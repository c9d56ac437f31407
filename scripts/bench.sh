#!/usr/bin/env bash
# Benchmarks against a fresh database each, with the real engines as processes of their own; they print figures
# against the targets.
#
#   scripts/bench.sh                   E1, then E2, then E4, then E5, each with its defaults
#   scripts/bench.sh e1 [OPTIONS]      E1 only: psql \copy and E1 on the same synthetic ECLRS file, then E1 on a
#                                      file that repeats most of it (on a PostgreSQL started moments before, the
#                                      first run's new-file figure can be its slowest: read a second run)
#         [--rows 300000] [--duplicate-share 0.95] [--seed 1] [--version 3] [--bad-share 0]
#         [--timeout 1800] [--warm-up-rows 20000] [--dedup-memory 0] [--e1-dir DIR] [--pg-set name=value,...]
#   scripts/bench.sh e2 [OPTIONS]      E2 only: results/s on 100,000 results loaded through E1, then the pick-up
#                                      latency from E1's commit to E2's first claim over 40 small files
#         [--rows 100000] [--seed 1] [--batch-size N] [--replicas 1] [--latency-files 40] [--latency-rows 100-200]
#         [--max-pause-ms 500] [--timeout 900] [--e1-dir DIR] [--e2-dir DIR] [--pg-set name=value,...]
#         [--setup-sql SQL] [--analyze] [--profile] [--keep-database]
#   scripts/bench.sh e4 [OPTIONS]      E3 + E4 only (with E2 making the cases and the CommCare-like server at 20 ms a
#                                      request): no-op Hangfire jobs/s on the same storage as the reference, cases/s
#                                      posting ~20,000 changed cases, then E2 commit -> post latency (p50, p99)
#         [--rows 33334] [--workers 20] [--cases-per-job N] [--e3-batch-size N] [--latency-ms 20] [--noop-jobs 2000]
#         [--latency-batches 60] [--latency-rows 5-30] [--max-pause-ms 500] [--timeout 900] [--env NAME=VALUE,...]
#         [--e2-dir DIR] [--e3-dir DIR] [--e4-dir DIR] [--commcare-dir DIR] [--pg-set name=value,...] [--profile]
#         [--keep-database]
#   scripts/bench.sh e5 [OPTIONS]      E5 only: cases/min syncing 50,000 cases changed in the CommCare-like server
#                                      over 10 domains (both E5 and the server as processes)
#         [--cases 50000] [--domains 10] [--latency-ms 0] [--timeout 900] [--e5-dir DIR] [--commcare-dir DIR]
#         [--pg-set name=value,...] [--keep-database]
#   scripts/bench.sh --rows ...        (options without a command word: E1 only, as before)
#
# E1 exits 0 whenever the run itself works (figures, not a test). E2 also exits 1 when its results are wrong
# (people far from 0.6 per row, a result without exactly one outcome, a failed result); E4 when a case is not
# posted exactly once downstream; E5 when a case is not synced exactly once or a synced case is left for E3. With
# several, the exit code is the first non-zero one.
#
# Builds Release, then uses the local infrastructure of scripts/infra.sh (started when it does not run).
# VIADUCT_BENCH_ENV=FILE uses another env file of the same form instead (VIADUCT_TEST_POSTGRES,
# Aws__ServiceUrl, AWS_* ...), for example a PostgreSQL and fauxqs of your own on other ports.
set -euo pipefail

LOG_TAG=bench
# shellcheck source=scripts/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$VIADUCT_ROOT"

commands=(e1 e2 e4 e5)
if [[ $# -gt 0 ]]; then
  case $1 in
    e1 | e2 | e4 | e5) commands=("$1"); shift ;;
    all) shift; [[ $# -eq 0 ]] || die "'all' takes no options: give them to 'e1', 'e2', 'e4' or 'e5'" ;;
    --*) commands=(e1) ;;
    *) die "unknown benchmark '$1' (e1, e2, e4, e5 or all)" ;;
  esac
fi

have dotnet || die "dotnet is not installed"
have psql || die "psql is not installed (Debian package postgresql-client)"

log "building Release"
dotnet build bench/Viaduct.Bench/Viaduct.Bench.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >&2 \
  || die "build failed"

if [[ -n ${VIADUCT_BENCH_ENV:-} ]]; then
  [[ -f $VIADUCT_BENCH_ENV ]] || die "VIADUCT_BENCH_ENV=$VIADUCT_BENCH_ENV does not exist"
  env_file=$VIADUCT_BENCH_ENV
elif scripts/infra.sh status >/dev/null 2>&1 && env_file=$(scripts/infra.sh env 2>/dev/null); then
  :
else
  log "local infrastructure is not running: starting it (scripts/infra.sh up)"
  env_file=$(scripts/infra.sh up)
fi
log "environment: $env_file"
# shellcheck disable=SC1090
. "$env_file"

status=0
for command in "${commands[@]}"; do
  log "benchmark $command"
  code=0
  dotnet bench/Viaduct.Bench/bin/Release/net10.0/Viaduct.Bench.dll "$command" "$@" || code=$?
  if [[ $code -ne 0 ]]; then
    log "benchmark $command exited with $code"
    [[ $status -ne 0 ]] || status=$code
  fi
done
exit "$status"
