#!/usr/bin/env bash
# Local infrastructure for Viaduct development and tests: a throwaway PostgreSQL 15 cluster and
# fauxqs (S3 + SQS on one port, with S3 -> SQS event delivery by infra/launcher.mjs), both on
# 127.0.0.1 only. See DESIGN.md section 6.
#
#   scripts/infra.sh up       install what is missing, start both (or reuse what runs), write
#                             .local/infra.env and print its path on stdout
#   scripts/infra.sh down     stop both, remove the cluster directory (safe to repeat)
#   scripts/infra.sh status   say what runs (exit 0 when both run, 3 otherwise)
#   scripts/infra.sh env      print the path of the env file (exit 1 when it does not exist)
#   scripts/infra.sh restart  down, then up
#
# Typical use:   . "$(scripts/infra.sh up)"   ...tests...   scripts/infra.sh down
#
# Settings (environment): PGPORT_PREFERRED (55432), FAUXQS_PORT_PREFERRED (4566), VIADUCT_BUCKET
# (viaduct-inbox), VIADUCT_INBOX_PREFIX (inbox/), VIADUCT_QUEUE (viaduct-e1-events), VIADUCT_DLQ
# (viaduct-e1-events-dlq), VIADUCT_MAX_RECEIVE (5), VIADUCT_VISIBILITY_TIMEOUT (60),
# INFRA_START_TIMEOUT (60 s), VIADUCT_DB (viaduct).
set -euo pipefail

LOG_TAG=infra
# shellcheck source=scripts/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

ROOT=$VIADUCT_ROOT
INFRA_DIR=$ROOT/infra
LOCAL_DIR=$ROOT/.local
LOG_DIR=$LOCAL_DIR/logs
ENV_FILE=$LOCAL_DIR/infra.env
STATE_FILE=$LOCAL_DIR/infra.state
FAUXQS_PID_FILE=$LOCAL_DIR/fauxqs.pid
PG_PID_FILE=$LOCAL_DIR/postgres.pid
LOCK_FILE=$LOCAL_DIR/infra.lock

PG_BIN=/usr/lib/postgresql/15/bin
PG_TMP_PATTERN=/tmp/viaduct-pg.
START_TIMEOUT=${INFRA_START_TIMEOUT:-60}

BUCKET=${VIADUCT_BUCKET:-viaduct-inbox}
INBOX_PREFIX=${VIADUCT_INBOX_PREFIX-inbox/}
QUEUE=${VIADUCT_QUEUE:-viaduct-e1-events}
DLQ=${VIADUCT_DLQ:-viaduct-e1-events-dlq}
MAX_RECEIVE=${VIADUCT_MAX_RECEIVE:-5}
VISIBILITY_TIMEOUT=${VIADUCT_VISIBILITY_TIMEOUT:-60}
DB_NAME=${VIADUCT_DB:-viaduct}
# What the running launcher was started with: a change restarts it on the next `up`.
LAUNCHER_SIGNATURE="$BUCKET|$INBOX_PREFIX|$QUEUE|$DLQ|$MAX_RECEIVE|$VISIBILITY_TIMEOUT"

# State of the last `up` (read from STATE_FILE).
PG_DIR='' PG_PORT='' PG_PID='' FAUXQS_PORT='' FAUXQS_PID='' FAUXQS_SIGNATURE=''

load_state() {
  PG_DIR='' PG_PORT='' PG_PID='' FAUXQS_PORT='' FAUXQS_PID='' FAUXQS_SIGNATURE=''
  if [[ -f $STATE_FILE ]]; then
    # shellcheck disable=SC1090
    . "$STATE_FILE"
  fi
  [[ -f $PG_PID_FILE ]] && PG_PID=$(<"$PG_PID_FILE")
  [[ -f $FAUXQS_PID_FILE ]] && FAUXQS_PID=$(<"$FAUXQS_PID_FILE")
  return 0
}

save_state() {
  mkdir -p "$LOCAL_DIR"
  {
    printf 'PG_DIR=%q\n' "$PG_DIR"
    printf 'PG_PORT=%q\n' "$PG_PORT"
    printf 'FAUXQS_PORT=%q\n' "$FAUXQS_PORT"
    printf 'FAUXQS_SIGNATURE=%q\n' "$FAUXQS_SIGNATURE"
  } >"$STATE_FILE.tmp"
  mv "$STATE_FILE.tmp" "$STATE_FILE"
  if [[ -n $PG_PID ]]; then echo "$PG_PID" >"$PG_PID_FILE"; else rm -f "$PG_PID_FILE"; fi
  if [[ -n $FAUXQS_PID ]]; then echo "$FAUXQS_PID" >"$FAUXQS_PID_FILE"; else rm -f "$FAUXQS_PID_FILE"; fi
}

# One infra.sh at a time per work tree.
take_lock() {
  mkdir -p "$LOCAL_DIR"
  if have flock; then
    exec 9>"$LOCK_FILE"
    flock -w 120 9 || die "another scripts/infra.sh holds $LOCK_FILE"
  fi
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL

# Runs a PostgreSQL binary as the postgres user (initdb refuses root), from a directory it can read.
as_pg() {
  if [[ ${EUID:-$(id -u)} -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@" 9>&-)
  else
    (cd / && "$@" 9>&-)
  fi
}

pg_running() {
  [[ -n $PG_DIR && -n $PG_PORT ]] || return 1
  pid_alive "$PG_PID" "$PG_DIR" || return 1
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1
}

pg_postmaster_pid() {
  [[ -f $1/postmaster.pid ]] && head -n1 "$1/postmaster.pid" | tr -d '[:space:]'
}

pg_stop() {
  local dir=$PG_DIR pid=$PG_PID
  [[ -n $dir && -d $dir ]] && pid=$(pg_postmaster_pid "$dir" || echo "$pid")
  # The postmaster's command line names its data directory: never stop another cluster.
  if pid_alive "$pid" "${dir:-postgres}"; then
    log "stopping PostgreSQL (pid $pid, $dir)"
    if [[ -n $dir && -d $dir ]]; then
      as_pg "$PG_BIN/pg_ctl" -D "$dir" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    fi
    # SIGINT is PostgreSQL's fast shutdown; stop_pid escalates to KILL if needed.
    stop_pid "$pid" PostgreSQL 30 INT
  fi
  if [[ -n $dir && -d $dir ]]; then
    if [[ $dir == "$PG_TMP_PATTERN"* ]]; then
      # Keep the server log: it lives in the cluster directory.
      if [[ -f $dir/server.log ]]; then
        mkdir -p "$LOG_DIR"
        rm -f "$LOG_DIR/postgres.log"
        cp "$dir/server.log" "$LOG_DIR/postgres.log" 2>/dev/null && chmod 644 "$LOG_DIR/postgres.log" || true
      fi
      rm -rf -- "$dir"
    else
      warn "not removing $dir (not a directory made by this script)"
    fi
  fi
  PG_DIR='' PG_PORT='' PG_PID=''
}

pg_start() {
  ensure_apt_packages "$PG_BIN/initdb" postgresql
  [[ -x $PG_BIN/pg_ctl ]] || die "$PG_BIN/pg_ctl missing"
  if [[ ${EUID:-$(id -u)} -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    die "user postgres missing (it comes with the postgresql package)"
  fi

  PG_PORT=$(pick_port "${PGPORT_PREFERRED:-55432}")
  PG_DIR=$(mktemp -d "${PG_TMP_PATTERN}XXXXXX")
  chmod 700 "$PG_DIR"
  [[ ${EUID:-$(id -u)} -eq 0 ]] && chown postgres:postgres "$PG_DIR"
  log "PostgreSQL 15: initdb in $PG_DIR"
  as_pg "$PG_BIN/initdb" -D "$PG_DIR" -A trust -E UTF8 --locale=C.UTF-8 -U postgres --no-sync \
    >"$PG_DIR.initdb.log" 2>&1 || { cat "$PG_DIR.initdb.log" >&2; rm -f "$PG_DIR.initdb.log"; die "initdb failed"; }
  rm -f "$PG_DIR.initdb.log"

  mkdir -p "$LOG_DIR"
  rm -f "$LOG_DIR/postgres.log"
  ln -s "$PG_DIR/server.log" "$LOG_DIR/postgres.log"
  # The port was free when picked; another `up` (a second checkout, a parallel run) may take it first.
  local attempt
  for attempt in 1 2 3; do
    log "PostgreSQL 15: starting on 127.0.0.1:$PG_PORT"
    if as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -t "$START_TIMEOUT" \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=256MB" \
        start >/dev/null; then
      break
    fi
    if (( attempt < 3 )) && grep -q "Address already in use" "$PG_DIR/server.log" 2>/dev/null; then
      warn "port $PG_PORT was taken meanwhile; trying another"
      PG_PORT=$(pick_port $(( PG_PORT + 1 )))
      continue
    fi
    tail -n 30 "$PG_DIR/server.log" >&2 2>/dev/null || true
    pg_stop
    die "PostgreSQL did not start (log above)"
  done
  PG_PID=$(pg_postmaster_pid "$PG_DIR")
  save_state
  as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$DB_NAME" \
    || die "createdb $DB_NAME failed"
  log "PostgreSQL 15: ready (pid $PG_PID, database $DB_NAME)"
}

# ---------------------------------------------------------------------------------------------
# fauxqs

fauxqs_running() {
  [[ -n $FAUXQS_PORT ]] || return 1
  pid_alive "$FAUXQS_PID" launcher.mjs || return 1
  http_ok "http://127.0.0.1:$FAUXQS_PORT/health"
}

fauxqs_stop() {
  if pid_alive "$FAUXQS_PID" launcher.mjs; then
    log "stopping fauxqs launcher (pid $FAUXQS_PID)"
    stop_pid "$FAUXQS_PID" "fauxqs launcher" 10 TERM
  fi
  FAUXQS_PID='' FAUXQS_PORT='' FAUXQS_SIGNATURE=''
}

# npm ci in infra/ when node_modules is missing or was installed from another lock file.
ensure_node_modules() {
  have node || die "node is not installed"
  have npm || die "npm is not installed"
  local stamp=$INFRA_DIR/node_modules/.viaduct-lock.sha256 want
  want=$(cat "$INFRA_DIR/package.json" "$INFRA_DIR/package-lock.json" | sha256sum | cut -d' ' -f1)
  if [[ -f $stamp && $(<"$stamp") == "$want" && -f $INFRA_DIR/node_modules/fauxqs/package.json ]]; then
    return 0
  fi
  log "installing infra/ npm packages (npm ci)"
  npm ci --prefix "$INFRA_DIR" --no-audit --no-fund --loglevel=error </dev/null >&2 \
    || die "npm ci in $INFRA_DIR failed"
  echo "$want" >"$stamp"
}

# Prints the URLs fauxqs reports for the queues named as arguments, one a line, or fails.
fauxqs_queue_urls() {
  local base=http://127.0.0.1:$FAUXQS_PORT name json url
  if have curl; then
    for name in "$@"; do
      json=$(curl -fsS -m 5 "$base/_fauxqs/queues/$name") || return 1
      url=$(grep -o '"url":"[^"]*"' <<<"$json" | head -n1 | cut -d'"' -f4)
      [[ -n $url ]] || return 1
      echo "$url"
    done
  else
    node -e '
      const [base, ...names] = process.argv.slice(1);
      Promise.all(names.map((n) =>
        fetch(`${base}/_fauxqs/queues/${encodeURIComponent(n)}`, { signal: AbortSignal.timeout(5000) })
          .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`${n}: HTTP ${r.status}`))))
          .then((q) => q.url)))
        .then((urls) => console.log(urls.join("\n")), (e) => { console.error(String(e)); process.exit(1); });
    ' "$base" "$@"
  fi
}

# Starts the launcher in the background; fauxqs_wait waits until it answers.
fauxqs_spawn() {
  ensure_node_modules
  FAUXQS_PORT=$(pick_port "${FAUXQS_PORT_PREFERRED:-4566}")
  mkdir -p "$LOG_DIR"
  : >"$LOG_DIR/fauxqs.log"
  log "fauxqs: starting launcher on 127.0.0.1:$FAUXQS_PORT (log $LOG_DIR/fauxqs.log)"
  # setsid: own session, so the caller's process group or terminal going away leaves it running.
  # 9>&-: the launcher must not inherit the lock on infra.lock.
  FAUXQS_PORT=$FAUXQS_PORT FAUXQS_BIND=127.0.0.1 \
  VIADUCT_BUCKET=$BUCKET VIADUCT_INBOX_PREFIX=$INBOX_PREFIX VIADUCT_QUEUE=$QUEUE VIADUCT_DLQ=$DLQ \
  VIADUCT_MAX_RECEIVE=$MAX_RECEIVE VIADUCT_VISIBILITY_TIMEOUT=$VISIBILITY_TIMEOUT \
    setsid nohup node "$INFRA_DIR/launcher.mjs" >>"$LOG_DIR/fauxqs.log" 2>&1 </dev/null 9>&- &
  FAUXQS_PID=$!
  FAUXQS_SIGNATURE=$LAUNCHER_SIGNATURE
  save_state
}

fauxqs_wait() {
  local log_file=$LOG_DIR/fauxqs.log deadline=$(( $(date +%s) + START_TIMEOUT ))
  until grep -q "^fauxqs ready on http://127.0.0.1:$FAUXQS_PORT\$" "$log_file" 2>/dev/null \
        && http_ok "http://127.0.0.1:$FAUXQS_PORT/health"; do
    if ! kill -0 "$FAUXQS_PID" 2>/dev/null; then
      tail -n 30 "$log_file" >&2 || true
      FAUXQS_PID='' FAUXQS_PORT='' FAUXQS_SIGNATURE=''
      save_state
      die "fauxqs launcher exited during start (log above, $log_file)"
    fi
    if (( $(date +%s) >= deadline )); then
      tail -n 30 "$log_file" >&2 || true
      fauxqs_stop
      save_state
      die "fauxqs did not answer on http://127.0.0.1:$FAUXQS_PORT within ${START_TIMEOUT}s (log above)"
    fi
    sleep 0.05
  done
  pid_alive "$FAUXQS_PID" launcher.mjs || die "pid $FAUXQS_PID is not the launcher"
  log "fauxqs: ready (pid $FAUXQS_PID)"
}

# ---------------------------------------------------------------------------------------------
# Env file

# Single-quoted shell word.
shq() { local q="'" s=$1; s=${s//$q/$q\\$q$q}; printf "'%s'" "$s"; }

write_env() {
  local urls queue_url dlq_url service_url=http://127.0.0.1:$FAUXQS_PORT
  urls=$(fauxqs_queue_urls "$QUEUE" "$DLQ") || die "fauxqs does not know queues $QUEUE and $DLQ"
  { read -r queue_url; read -r dlq_url; } <<<"$urls"
  mkdir -p "$LOCAL_DIR"
  {
    echo "# Written by scripts/infra.sh up on $(date -u +%Y-%m-%dT%H:%M:%SZ). Use: . $ENV_FILE"
    local name value
    for name in VIADUCT_TEST_POSTGRES ConnectionStrings__Viaduct PGHOST PGPORT PGUSER PGDATABASE \
                Aws__ServiceUrl VIADUCT_TEST_AWS_SERVICE_URL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY \
                AWS_REGION AWS_DEFAULT_REGION E1__Bucket E1__InboxPrefix E1__Queue VIADUCT_TEST_DLQ_URL \
                VIADUCT_INFRA_PIDS; do
      case $name in
        VIADUCT_TEST_POSTGRES) value="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres" ;;
        ConnectionStrings__Viaduct) value="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$DB_NAME" ;;
        PGHOST) value=127.0.0.1 ;;
        PGPORT) value=$PG_PORT ;;
        PGUSER) value=postgres ;;
        PGDATABASE) value=$DB_NAME ;;
        Aws__ServiceUrl|VIADUCT_TEST_AWS_SERVICE_URL) value=$service_url ;;
        AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY) value=test ;;
        AWS_REGION|AWS_DEFAULT_REGION) value=us-east-1 ;;
        E1__Bucket) value=$BUCKET ;;
        E1__InboxPrefix) value=$INBOX_PREFIX ;;
        E1__Queue) value=$queue_url ;;
        VIADUCT_TEST_DLQ_URL) value=$dlq_url ;;
        VIADUCT_INFRA_PIDS) value="$PG_PID $FAUXQS_PID" ;;
      esac
      printf 'export %s=%s\n' "$name" "$(shq "$value")"
    done
  } >"$ENV_FILE.tmp"
  mv "$ENV_FILE.tmp" "$ENV_FILE"
}

# ---------------------------------------------------------------------------------------------
# Commands

# On a failed `up`, stop what that `up` started (what it reused keeps running).
UP_OK=0 UP_STARTED_FAUXQS=0 UP_STARTED_PG=0
up_cleanup() {
  [[ $UP_OK -eq 1 ]] && return 0
  [[ $UP_STARTED_FAUXQS -eq 1 || $UP_STARTED_PG -eq 1 ]] || return 0
  warn "up failed: stopping what it started (logs in $LOG_DIR)"
  [[ $UP_STARTED_FAUXQS -eq 1 ]] && fauxqs_stop
  [[ $UP_STARTED_PG -eq 1 ]] && pg_stop
  save_state
  rm -f "$ENV_FILE"
}

cmd_up() {
  local t0; t0=$(now_ms)
  take_lock
  load_state
  trap up_cleanup EXIT

  # The launcher boots (node, ~0.5 s) while PostgreSQL runs initdb.
  if fauxqs_running && [[ $FAUXQS_SIGNATURE == "$LAUNCHER_SIGNATURE" ]]; then
    log "fauxqs already runs (pid $FAUXQS_PID, port $FAUXQS_PORT): reusing it"
  else
    if [[ -n $FAUXQS_PID ]]; then
      log "fauxqs recorded but not healthy or started with other settings: restarting it"
      fauxqs_stop
      save_state
    fi
    UP_STARTED_FAUXQS=1
    fauxqs_spawn
  fi

  if pg_running; then
    log "PostgreSQL already runs (pid $PG_PID, port $PG_PORT): reusing it"
  else
    if [[ -n $PG_DIR || -n $PG_PID ]]; then
      log "PostgreSQL recorded but not healthy: cleaning up"
      pg_stop
      save_state
    fi
    UP_STARTED_PG=1
    pg_start
  fi

  if [[ $UP_STARTED_FAUXQS -eq 1 ]]; then
    fauxqs_wait
  fi
  save_state
  write_env
  UP_OK=1
  log "up in $(( $(now_ms) - t0 )) ms: PostgreSQL 127.0.0.1:$PG_PORT, S3/SQS http://127.0.0.1:$FAUXQS_PORT"
  echo "$ENV_FILE"
}

cmd_down() {
  local t0; t0=$(now_ms)
  take_lock
  load_state
  fauxqs_stop
  pg_stop
  rm -f "$ENV_FILE" "$STATE_FILE" "$PG_PID_FILE" "$FAUXQS_PID_FILE"
  log "down in $(( $(now_ms) - t0 )) ms"
}

cmd_status() {
  load_state
  local rc=0
  if pg_running; then
    log "PostgreSQL: running, pid $PG_PID, 127.0.0.1:$PG_PORT, cluster $PG_DIR"
  elif pid_alive "$PG_PID" "${PG_DIR:-postgres}"; then
    log "PostgreSQL: process $PG_PID exists but does not answer on port ${PG_PORT:-?}"; rc=3
  else
    log "PostgreSQL: not running${PG_DIR:+ (stale cluster dir $PG_DIR)}"; rc=3
  fi
  if fauxqs_running; then
    log "fauxqs: running, pid $FAUXQS_PID, http://127.0.0.1:$FAUXQS_PORT (log $LOG_DIR/fauxqs.log)"
  elif pid_alive "$FAUXQS_PID" launcher.mjs; then
    log "fauxqs: process $FAUXQS_PID exists but does not answer on port ${FAUXQS_PORT:-?}"; rc=3
  else
    log "fauxqs: not running"; rc=3
  fi
  if [[ -f $ENV_FILE ]]; then log "env file: $ENV_FILE"; else log "env file: none"; fi
  return "$rc"
}

cmd_env() {
  [[ -f $ENV_FILE ]] || die "no env file; run scripts/infra.sh up"
  echo "$ENV_FILE"
}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2
}

main() {
  case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    env) cmd_env ;;
    restart) cmd_down; cmd_up ;;
    -h|--help|help) usage ;;
    *) usage; exit 2 ;;
  esac
}

main "$@"
