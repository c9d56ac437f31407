# shellcheck shell=bash
# Shared bash functions for Viaduct scripts. Source it; it defines functions and variables only.
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Repository root (the parent of scripts/).
VIADUCT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Messages go to stderr so that stdout stays usable by callers.
log()  { printf '%s: %s\n' "${LOG_TAG:-viaduct}" "$*" >&2; }
warn() { printf '%s: warning: %s\n' "${LOG_TAG:-viaduct}" "$*" >&2; }
die()  { printf '%s: error: %s\n' "${LOG_TAG:-viaduct}" "$*" >&2; exit 1; }

have() { command -v "$1" >/dev/null 2>&1; }

# Milliseconds since the epoch (for timings).
now_ms() { date +%s%3N; }

# Runs a command as root: directly when root, else through sudo -n.
as_root() {
  if [[ ${EUID:-$(id -u)} -eq 0 ]]; then
    "$@"
  elif have sudo; then
    sudo -n "$@"
  else
    die "need root (or passwordless sudo) to run: $*"
  fi
}

# pid_alive PID [PATTERN]: PID runs and, when PATTERN is given, its command line contains it.
pid_alive() {
  local pid=${1:-} pattern=${2:-}
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ -z $pattern ]] && return 0
  [[ -r /proc/$pid/cmdline ]] || return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$pattern"
}

# wait_pid_gone PID SECONDS: waits until PID no longer runs; returns 1 on timeout.
wait_pid_gone() {
  local pid=$1 deadline=$(( $(date +%s) + $2 ))
  while kill -0 "$pid" 2>/dev/null; do
    # A zombie child of ours counts as gone.
    if [[ -r /proc/$pid/stat ]] && [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]]; then
      return 0
    fi
    (( $(date +%s) < deadline )) || return 1
    sleep 0.1
  done
}

# stop_pid PID NAME [SECONDS] [SIGNAL]: SIGNAL (default TERM), wait, then KILL.
stop_pid() {
  local pid=$1 name=$2 secs=${3:-10} sig=${4:-TERM}
  kill -0 "$pid" 2>/dev/null || return 0
  kill -"$sig" "$pid" 2>/dev/null || true
  if ! wait_pid_gone "$pid" "$secs"; then
    warn "$name (pid $pid) did not stop after ${secs}s; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_pid_gone "$pid" 5 || warn "$name (pid $pid) is still there"
  fi
}

# port_free PORT: nothing accepts connections on 127.0.0.1:PORT (a wildcard listener counts).
port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pick_port PREFERRED: prints PREFERRED if free, else the next free one of the following 20,
# else a free port chosen by the kernel.
pick_port() {
  local port=$1 i
  for (( i = 0; i <= 20; i++ )); do
    if (( port + i <= 65535 )) && port_free $(( port + i )); then
      echo $(( port + i ))
      return 0
    fi
  done
  node -e '
    const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => console.log(p)); });
  '
}

# http_ok URL: the URL answers 2xx within 2 s.
http_ok() {
  if have curl; then
    curl -fsS -o /dev/null -m 2 "$1" 2>/dev/null
  else
    node -e '
      fetch(process.argv[1], { signal: AbortSignal.timeout(2000) })
        .then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));
    ' "$1"
  fi
}

# apt_get ARGS...: apt-get that waits for a dpkg/apt lock held by another process.
apt_get() {
  local attempt rc
  for attempt in $(seq 1 60); do
    rc=0
    DEBIAN_FRONTEND=noninteractive as_root apt-get -q -o DPkg::Lock::Timeout=300 \
      -o Dpkg::Use-Pty=0 "$@" </dev/null >&2 || rc=$?
    [[ $rc -eq 0 ]] && return 0
    # apt-get update does not honour DPkg::Lock::Timeout for the lists lock: retry on a lock.
    if pgrep -x 'apt-get|apt|dpkg|unattended-upgr' >/dev/null 2>&1 \
       || as_root fuser /var/lib/apt/lists/lock /var/lib/dpkg/lock-frontend >/dev/null 2>&1; then
      log "apt is busy (another process holds its lock); waiting (try $attempt/60)"
      sleep 5
      continue
    fi
    return "$rc"
  done
  return 1
}

# ensure_apt_packages FILE PACKAGE...: installs PACKAGEs when FILE is missing
# (one apt-get update first, then apt-get install -y).
APT_UPDATED=0
ensure_apt_packages() {
  local file=$1; shift
  [[ -e $file ]] && return 0
  log "$file is missing: installing $* from Debian"
  if [[ $APT_UPDATED -eq 0 ]]; then
    apt_get update || die "apt-get update failed"
    APT_UPDATED=1
  fi
  apt_get install -y --no-install-recommends "$@" || die "apt-get install $* failed"
  [[ -e $file ]] || die "$file still missing after installing $*"
}
