#!/usr/bin/env bash
# System calls per request, centinela against nginx, for HTTPS (HTTP/1.1 keep-alive) and h2
# pass-through (issue 16): where the kernel time of bench/tls.sh's CPU figures goes (also
# page faults and context switches, which are kernel time without a system call).
# Each system runs alone on core 0 (one worker), the origin and h2load on core 1, as in
# tls.sh. For each load, `perf stat` counts the system's system calls (tracepoints, every
# thread) over N1 and then N2 requests on the same number of connections and prints
# (count2 - count1) / (N2 - N1): connection set-up and handshakes cancel out.
#
#   bench/syscalls.sh [SYSTEM...]   systems: nginx centinela (default: both)
#   CENTINELA_BIN=path (default build/centinela)  N1=2000 N2=22000  CONNECTIONS=64
#   H2_STREAMS=10  SIZE=small|large  LOADS="https h2"  PORT_BASE=19000 (origin on it,
#   nginx on +2, centinela on +3 and its admin on +13)  KEEP=1 (keep the run directory)
# Loads: https = `h2load --h1 -c CONNECTIONS -m1` (one request at a time per connection,
# as wrk does), h2 = `h2load -c CONNECTIONS -m H2_STREAMS`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
BIN=${CENTINELA_BIN:-build/centinela}
N1=${N1:-2000}
N2=${N2:-22000}
CONNECTIONS=${CONNECTIONS:-64}
H2_STREAMS=${H2_STREAMS:-10}
SIZE=${SIZE:-small}
LOADS=${LOADS:-https h2}
SYSTEMS=${*:-nginx centinela}
B=${PORT_BASE:-19000}
ORIGIN=$B NGINX_PORT=$((B + 2)) CENTINELA_PORT=$((B + 3)) ADMIN_PORT=$((B + 13))
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
# The calls a proxy's request path makes; "all" is every system call.
CALLS="read write readv writev recvfrom sendto recvmsg sendmsg epoll_wait epoll_ctl
  timerfd_settime futex accept4 close ioctl getsockopt setsockopt sendfile64 pread64 pwrite64
  connect socket clock_nanosleep"

RUNDIR=$(mktemp -d /tmp/centinela-syscalls.XXXXXX)
chmod 755 "$RUNDIR"
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null; [ "${KEEP:-0}" = 1 ] || rm -rf "$RUNDIR"' EXIT
mkdir -p "$RUNDIR/www" "$RUNDIR/tmp"
python3 -c 'import json; print(json.dumps({"items": ["x" * 20] * 3})[:100].ljust(99))' \
  >"$RUNDIR/www/small"
python3 -c 'print("y" * 16383)' >"$RUNDIR/www/large"
sed -e "s#WWWDIR#$RUNDIR/www#g" -e "s#RUNDIR#$RUNDIR#g" \
  -e "s/18700/$ORIGIN/; s/18701/$((B + 1))/" bench/configs/origin.conf >"$RUNDIR/origin.conf"
taskset -c 1 "$NGINX" -p "$RUNDIR" -e "$RUNDIR/origin.err" -c "$RUNDIR/origin.conf" &
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=bench -keyout "$RUNDIR/tls.key" -out "$RUNDIR/tls.pem" 2>/dev/null
chmod 644 "$RUNDIR/tls.key"

# The same configurations as bench/tls.sh's *-https / *-h2 systems (one listener serves both).
subst=(-e "/^#/d" -e "s#RUNDIR#$RUNDIR#g" -e "s#SHMDIR#$RUNDIR/tmp#g" -e "s#NAME#sut#g"
  -e "s#ADMIN_PORT#$ADMIN_PORT#g" -e "s#UPSTREAM_PORT#$ORIGIN#g" -e "s#CERT#$RUNDIR/tls.pem#g"
  -e "s#KEY#$RUNDIR/tls.key#g")
sed "${subst[@]}" -e "s#PORT#$NGINX_PORT#g" -e "s#PROTOCOLS#TLSv1.2 TLSv1.3#g" \
  -e "s#TICKETS#on#g" -e "s#PROXY_CACHE#off#g" \
  -e "s#SECURITY_HEADERS#$ROOT/bench/configs/nginx-security-headers.conf#g" \
  bench/configs/nginx-tls.conf >"$RUNDIR/nginx.conf"
sed "${subst[@]}" -e "s#PORT#$CENTINELA_PORT#g" -e "s#MIN_VERSION#1.2#g" -e "s#TICKETS#true#g" \
  bench/configs/centinela-tls.yaml >"$RUNDIR/centinela.yaml"

events=(-e raw_syscalls:sys_enter)
for call in $CALLS; do events+=(-e "syscalls:sys_enter_$call"); done
# The calls that found nothing to do (EAGAIN): a read before there was anything to read.
events+=(-e raw_syscalls:sys_exit --filter 'ret == -11')
# Kernel time that is no system call: page faults (an allocator giving memory back and
# touching it again) and context switches.
events+=(-e page-faults -e context-switches)

cpu_ticks() {  # pid → "user system" clock ticks of the process (every thread)
  sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12, $13 }'
}
HZ=$(getconf CLK_TCK)

count() {  # pid load n → "name count" lines of the system calls made during the load
  local pid=$1 load=$2 n=$3 url=$4
  local args=(-n "$n" -c "$CONNECTIONS" -t 1)
  if [ "$load" = https ]; then args+=(--h1 -m 1); else args+=(-m "$H2_STREAMS"); fi
  local before
  before=$(cpu_ticks "$pid")
  perf stat -x, -o "$RUNDIR/perf.out" "${events[@]}" -p "$pid" &
  local perf=$!
  sleep 0.5
  taskset -c 1 h2load "${args[@]}" "$url" >"$RUNDIR/h2load.out" 2>&1
  grep -q "succeeded, 0 failed, 0 errored" "$RUNDIR/h2load.out" ||
    grep -q "$n succeeded" "$RUNDIR/h2load.out" || { cat "$RUNDIR/h2load.out" >&2; exit 1; }
  kill -INT "$perf"
  wait "$perf" 2>/dev/null || true
  cpu_ticks "$pid" | awk -v b="$before" '{ split(b, t, " "); print "~user_ticks", $1 - t[1]; print "~system_ticks", $2 - t[2] }'
  awk -F, '/sys_enter/ { sub(/.*:sys_enter_?/, "", $3); print ($3 == "" ? "all" : $3), $1 }
    /sys_exit/ { print "EAGAIN", $1 }
    $3 == "page-faults" || $3 == "context-switches" { print $3, $1 }' "$RUNDIR/perf.out" | sort
}

measure() {  # system pid url
  local system=$1 pid=$2 url=$3 load
  for load in $LOADS; do
    count "$pid" "$load" 200 "$url" >/dev/null  # warm: pooled upstream connections, buffers
    count "$pid" "$load" "$N1" "$url" >"$RUNDIR/c1"
    count "$pid" "$load" "$N2" "$url" >"$RUNDIR/c2"
    join "$RUNDIR/c1" "$RUNDIR/c2" | sort -k1,1 |
      awk -v s="$system" -v l="$load" -v d=$((N2 - N1)) \
        -v hz="$HZ" '$1 ~ /^~/ { printf "%s\t%s\t%s\t%.2f\n", s, l, substr($1, 2, length($1) - 7) "_us", ($3 - $2) * 1e6 / hz / d; next }
        { v = ($3 - $2) / d; if (v >= 0.005 || $1 == "all") printf "%s\t%s\t%s\t%.2f\n", s, l, $1, v }'
  done
}

wait_up() {
  for _ in $(seq 1 100); do
    curl -kfsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$1 did not answer" >&2
  exit 1
}

printf 'system\tload\tcall\tper_request\n'
for system in $SYSTEMS; do
  case $system in
    nginx)
      taskset -c 0 "$NGINX" -p "$RUNDIR" -e "$RUNDIR/nginx.err" -c "$RUNDIR/nginx.conf" &
      master=$!
      url=https://127.0.0.1:$NGINX_PORT/$SIZE
      wait_up "$url"
      measure nginx "$(pgrep -P "$master" | head -n1)" "$url"
      kill "$master"
      wait "$master" 2>/dev/null || true
      ;;
    centinela)
      taskset -c 0 "$BIN" run -c "$RUNDIR/centinela.yaml" >"$RUNDIR/centinela.out" 2>&1 &
      pid=$!
      url=https://127.0.0.1:$CENTINELA_PORT/$SIZE
      wait_up "$url"
      measure centinela "$pid" "$url"
      kill "$pid"
      wait "$pid" 2>/dev/null || true
      ;;
    *) echo "unknown system $system" >&2; exit 1 ;;
  esac
done
