#!/usr/bin/env bash
# Runs the whole system locally as separate processes: starts PostgreSQL and the S3/SQS emulator (or reuses
# them), builds what it runs (Release), then hands over to the supervisor (src/Viaduct.Run, viaduct-run), which
# migrates the database, starts the CommCare-like server, the dashboard host and the five engines, prefixes every
# line of their output with the process's name, restarts none of them (one that ends stops them all, loudly),
# and stops them all on Ctrl-C. See docs/running.md.
#
#   scripts/run.sh                                  everything
#   scripts/run.sh --only e2 --replicas e2=3        three E2s against the one database (they share the work)
#   scripts/run.sh --no-dashboard --no-build        options of viaduct-run (--help lists them), plus --no-build
#
# The local infrastructure stays up afterwards for the next run (scripts/infra.sh down stops it).
set -euo pipefail
LOG_TAG=run
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$VIADUCT_ROOT"

build=1 help=0 args=()
for arg in "$@"; do
  case $arg in
    --no-build) build=0 ;;
    -h|--help|-\?) help=1; args+=("$arg") ;;
    *) args+=("$arg") ;;
  esac
done

supervisor=src/Viaduct.Run/bin/Release/net10.0/viaduct-run.dll
if (( ! help )); then
  env_file=$(scripts/infra.sh up)
  # shellcheck disable=SC1090
  . "$env_file"
fi
if (( build )) || [[ ! -f $supervisor ]]; then
  # The apps and the supervisor only (a solution filter of Engines.sln): a test project half-way through a change
  # does not keep the system from running.
  log "building the apps and viaduct-run (Release)"
  dotnet build src/Viaduct.Run/run.slnf --configuration Release --nologo -v quiet -clp:ErrorsOnly >&2
fi

# Logs as text lines for a person at the terminal (the hosts' default is JSON, for collectors); set
# Viaduct__LogFormat=json to keep JSON.
export Viaduct__LogFormat=${Viaduct__LogFormat:-text}
# exec: the supervisor is the foreground process, so the terminal's Ctrl-C reaches it (and not a shell in between).
exec dotnet "$supervisor" "${args[@]}"
