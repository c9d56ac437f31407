#!/usr/bin/env bash
# The main job, end to end on one machine: starts PostgreSQL and the S3/SQS emulator, builds,
# migrates, starts the E1 extractor and the E2 transformer, drops a sample ECLRS file into the S3 inbox,
# and prints what E1 made of the file and what E2 made of its results (people, index cases, lab
# results per county). Everything it started is stopped by PID when it ends.
#   scripts/main-job.sh [--rows N]   (default 2000 synthetic rows of fictitious people)
set -euo pipefail
LOG_TAG=main-job
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$VIADUCT_ROOT"

rows=2000
while (( $# )); do
  case $1 in
    --rows) rows=$2; shift 2 ;;
    *) die "unknown argument $1 (usage: scripts/main-job.sh [--rows N])" ;;
  esac
done

started_infra=0
scripts/infra.sh status >/dev/null 2>&1 || started_infra=1
engine_pids=()
cleanup() {
  local pid
  for pid in "${engine_pids[@]}"; do
    stop_pid "$pid" "engine" 20
  done
  if (( started_infra )); then
    scripts/infra.sh down || true
  fi
}
trap cleanup EXIT

env_file=$(scripts/infra.sh up)
# shellcheck disable=SC1090
. "$env_file"
mkdir -p .local/logs .local/samples

log "building (Release)"
dotnet build Engines.sln --configuration Release --nologo -v quiet -clp:ErrorsOnly >&2
bin() { echo "$VIADUCT_ROOT/$1/bin/Release/net10.0"; }

log "migrating the database"
dotnet "$(bin migrations/Viaduct.Migrations)/Viaduct.Migrations.dll" migrate

log "starting E1 (log: .local/logs/e1.log)"
dotnet "$(bin src/Engines.E1.Extractor)/Viaduct.E1.Extractor.dll" >.local/logs/e1.log 2>&1 &
engine_pids+=($!)

log "starting E2 (log: .local/logs/e2.log)"
dotnet "$(bin src/Engines.E2.Transformer)/Viaduct.E2.Transformer.dll" >.local/logs/e2.log 2>&1 &
engine_pids+=($!)

viaduct() { dotnet "$(bin src/Viaduct.Cli)/viaduct.dll" "$@"; }
sample=.local/samples/sample-$rows.txt
viaduct generate --rows "$rows" --bad-share 0.002 --out "$sample"
key="inbox/sample-$(date -u +%Y%m%dT%H%M%S).txt"
viaduct upload "$sample" --key "$key" --wait --timeout 00:05:00
echo
viaduct files --limit 5
echo
log "waiting for E2 to transform the results"
viaduct summary --wait --timeout 00:05:00
