#!/usr/bin/env bash
# E1 benchmark: psql \copy and the real E1 engine on the same synthetic ECLRS file, then E1 on a file that
# repeats most of it, against a fresh database; prints the figures against the targets (always exits 0
# when the run itself works: these are figures, not a test).
#
#   scripts/bench.sh [--rows 300000] [--duplicate-share 0.95] [--seed 1] [--version 3] [--bad-share 0]
#                    [--timeout 1800] [--warm-up-rows 20000] [--e1-dir DIR] [--pg-set name=value,...]
#
# Builds Release, then uses the local infrastructure of scripts/infra.sh (started when it does not run).
# VIADUCT_BENCH_ENV=FILE uses another env file of the same form instead (VIADUCT_TEST_POSTGRES,
# Aws__ServiceUrl, AWS_* ...), for example a PostgreSQL and fauxqs of your own on other ports.
set -euo pipefail

LOG_TAG=bench
# shellcheck source=scripts/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$VIADUCT_ROOT"

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

exec dotnet bench/Viaduct.Bench/bin/Release/net10.0/Viaduct.Bench.dll e1 "$@"
