#!/usr/bin/env bash
# The main job, end to end on one machine: starts PostgreSQL and the S3/SQS emulator, builds,
# migrates, starts the CommCare-like server and the engines E1 to E4, drops a sample ECLRS file into
# the S3 inbox, and prints what E1 made of the file, what E2 made of its results (people, index cases,
# lab results) and what E3/E4 posted to the CommCare-like server, per county. Everything it started
# is stopped by PID when it ends.
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

commcare_port=$(pick_port 5080)
e4_port=$(pick_port 5090)
export CommCare__BaseUrl="http://127.0.0.1:$commcare_port/"
log "starting the CommCare-like server on 127.0.0.1:$commcare_port (log: .local/logs/commcare.log)"
ConnectionStrings__CommCare="$ConnectionStrings__Viaduct" CommCare__Urls="http://127.0.0.1:$commcare_port" \
  dotnet "$(bin src/Viaduct.CommCare)/Viaduct.CommCare.dll" >.local/logs/commcare.log 2>&1 &
engine_pids+=($!)

log "starting E1 (log: .local/logs/e1.log)"
dotnet "$(bin src/Engines.E1.Extractor)/Viaduct.E1.Extractor.dll" >.local/logs/e1.log 2>&1 &
engine_pids+=($!)

log "starting E2 (log: .local/logs/e2.log)"
dotnet "$(bin src/Engines.E2.Transformer)/Viaduct.E2.Transformer.dll" >.local/logs/e2.log 2>&1 &
engine_pids+=($!)

log "starting E3 (log: .local/logs/e3.log)"
dotnet "$(bin src/Engines.E3.Enqueuer)/Viaduct.E3.Enqueuer.dll" >.local/logs/e3.log 2>&1 &
engine_pids+=($!)

log "starting E4 and its dashboard on http://127.0.0.1:$e4_port/hangfire (log: .local/logs/e4.log)"
dotnet "$(bin src/Engines.E4.Loader)/Viaduct.E4.Loader.dll" --urls "http://127.0.0.1:$e4_port" >.local/logs/e4.log 2>&1 &
engine_pids+=($!)

viaduct() { dotnet "$(bin src/Viaduct.Cli)/viaduct.dll" "$@"; }
sample=.local/samples/sample-$rows.txt
viaduct generate --rows "$rows" --bad-share 0.002 --out "$sample"
key="inbox/sample-$(date -u +%Y%m%dT%H%M%S).txt"
viaduct upload "$sample" --key "$key" --wait --timeout 00:05:00
echo
viaduct files --limit 5
echo
log "waiting for E2 to transform the results and E3/E4 to post the cases"
viaduct summary --wait-posted --timeout 00:05:00
