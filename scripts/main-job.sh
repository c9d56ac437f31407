#!/usr/bin/env bash
# The main job, end to end on one machine: starts PostgreSQL and the S3/SQS emulator, builds,
# migrates, starts the CommCare-like server, the engines E1 to E5 and the dashboard host, drops a sample
# ECLRS file into the S3 inbox, and prints what E1 made of the file, what E2 made of its results
# (people, index cases, lab results) and what E3/E4 posted to the CommCare-like server, per county;
# then edits one case in the CommCare-like server, as a person there would, shows E5 bringing the
# change back without E3/E4 posting it again, traces that case across the engines and prints the
# operator's status. Everything it started is stopped by PID when it ends.
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
export CommCare__BaseUrl="http://127.0.0.1:$commcare_port/"
log "starting the CommCare-like server on 127.0.0.1:$commcare_port (log: .local/logs/commcare.log)"
ConnectionStrings__CommCare="$ConnectionStrings__Viaduct" CommCare__Urls="http://127.0.0.1:$commcare_port" \
  dotnet "$(bin src/Viaduct.CommCare)/Viaduct.CommCare.dll" >.local/logs/commcare.log 2>&1 &
engine_pids+=($!)

# Hosts report their figures every second (default 5 s), so the status printed at the end is current.
export Operations__ReportInterval=00:00:01

# start_host NAME PROJECT DLL PREFERRED_PORT [VAR=VALUE ...]: one host in the background, its log in .local/logs/NAME.log,
# /health and /metrics on the port it prints.
start_host() {
  local name=$1 project=$2 dll=$3 port
  port=$(pick_port "$4")
  shift 4
  log "starting $name: http://127.0.0.1:$port/health, /metrics (log: .local/logs/$name.log)"
  env "$@" dotnet "$(bin "$project")/$dll" --urls "http://127.0.0.1:$port" >".local/logs/$name.log" 2>&1 &
  engine_pids+=($!)
}
start_host e1 src/Engines.E1.Extractor Viaduct.E1.Extractor.dll 5091
start_host e2 src/Engines.E2.Transformer Viaduct.E2.Transformer.dll 5092
start_host e3 src/Engines.E3.Enqueuer Viaduct.E3.Enqueuer.dll 5093
start_host e4 src/Engines.E4.Loader Viaduct.E4.Loader.dll 5094
# E5 pulls every 5 s here, so the edit below comes back quickly.
start_host e5 src/Engines.E5.Sync Viaduct.E5.Sync.dll 5095 E5__PollInterval=00:00:05
dashboard_port=$(pick_port 5090)
log "starting the dashboard host: operator page http://127.0.0.1:$dashboard_port/ops, jobs /hangfire (log: .local/logs/dashboard.log)"
dotnet "$(bin src/Viaduct.Dashboard)/Viaduct.Dashboard.dll" --urls "http://127.0.0.1:$dashboard_port" >.local/logs/dashboard.log 2>&1 &
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

echo
log "editing one posted case in the CommCare-like server, as a person there would"
IFS='|' read -r domain external_id case_row <<<"$(psql -At -c "
  SELECT k.domain || '|' || c.external_id || '|' || c.id FROM index_cases c JOIN counties k ON k.fips = c.county_fips
  WHERE c.post_state = 'posted' AND c.case_id IS NOT NULL AND c.posted_domain = k.domain ORDER BY c.id LIMIT 1")"
[[ -n ${case_row:-} ]] || die "no posted case to edit"
edited="Edited In CommCare $(date -u +%H:%M:%S)"
# Node is there already (the S3/SQS emulator runs on it); its fetch posts the edit.
node -e '
  const [url, domain, externalId, city] = process.argv.slice(1);
  fetch(`${url}a/${domain}/api/case/v2/`, {
    method: "POST",
    headers: { "Authorization": "ApiKey viaduct@example.org:local-api-key", "Content-Type": "application/json" },
    body: JSON.stringify([{ external_id: externalId, properties: { address_city: city } }]),
  }).then(r => { if (!r.ok) { console.error(`CommCare-like server answered ${r.status}`); process.exit(1); } });
' "$CommCare__BaseUrl" "$domain" "$external_id" "$edited"
for _ in $(seq 120); do
  [[ $(psql -At -c "SELECT properties->>'address_city' FROM index_cases WHERE id = $case_row") == "$edited" ]] && break
  sleep 0.5
done
[[ $(psql -At -c "SELECT properties->>'address_city' FROM index_cases WHERE id = $case_row") == "$edited" ]] \
  || die "E5 did not bring the edit of case $case_row back within a minute (see .local/logs/e5.log)"
ready_for_e3=$(psql -At -c "SELECT count(*) FROM index_cases WHERE id = $case_row AND version > posted_version")
[[ $ready_for_e3 == 0 ]] || die "the synced edit raised case $case_row's version: E3/E4 would post it back"
log "E5 brought the edit back; the case's version is unchanged, so E3/E4 do not post it again"
echo
log "the edited case across the engines (viaduct trace case $case_row)"
viaduct trace case "$case_row"
echo
log "the system as the operator page shows it (viaduct status; live at http://127.0.0.1:$dashboard_port/ops)"
sleep 2 # one more report from every host, after the trace above
viaduct status
