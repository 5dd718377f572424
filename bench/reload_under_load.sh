#!/usr/bin/env bash
# Reloads and Redis failures under load (issue 11, point 11), the method of
# ../shared/bench/README.md "Reloads under load": centinela on core 0, the origin (Debian's
# nginx), redis-server and wrk on core 1; `wrk -t2 -c64 -d10s --timeout 2s` against /small
# while, in each phase:
#   reload   SIGHUP four times, 1.5 s apart
#   redis    the Redis that holds the rate limit and the L2 killed (SIGKILL) and restarted,
#            with a SIGHUP while it is down
#   dead     the same four SIGHUPs, the upstream having a second server that never answers
#            (a listener whose backlog is full: connects hang) and is marked down by active
#            health checks before the load starts
# The gateway's route has a Redis rate-limit policy (on_store_error: allow, a limit no run
# reaches) and `cache: {}` with cache.shared: redis. Each phase prints requests, timeouts
# (a request waiting > 2 s), non-2xx and socket errors, and how many reloads counted;
# the script exits 1 when any phase has a timeout, a non-2xx or an error.
#
# Knobs (environment): DURATION=10s CONNECTIONS=64 PHASES="reload redis dead"
#   CENTINELA_BIN=path (skip the Release build) KEEP_RUNDIR=1
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
PHASES=${PHASES:-reload redis dead}
SUT_CORE=0
HARNESS_CORE=1
ORIGIN_PORT=18760     # nginx, /small (no caching headers)
DEAD_PORT=18761       # a listener that never accepts
REDIS_PORT=18762
GATEWAY_PORT=18763
ADMIN_PORT=18764

say() { echo "reload-bench: $*" >&2; }
die() { say "$*"; exit 1; }

for tool in nginx wrk taskset curl python3 redis-server redis-cli; do
  command -v "$tool" >/dev/null || die "$tool is missing: run 'make deps'"
done
[ "$(nproc)" -ge 2 ] || die "needs 2 cores (gateway on core 0, harness on core 1)"
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in $ORIGIN_PORT $DEAD_PORT $REDIS_PORT $GATEWAY_PORT $ADMIN_PORT; do
  ! port_busy "$port" || die "port $port is in use"
done

if [ -z "${CENTINELA_BIN:-}" ]; then
  say "building centinela (Release) in build-release/"
  { [ -f build-release/build.ninja ] ||
    cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCENTINELA_BUILD_TESTS=OFF >/dev/null; } &&
    cmake --build build-release --target centinela >&2 || die "centinela did not build"
  CENTINELA_BIN=$ROOT/build-release/centinela
fi

RUNDIR=$(mktemp -d /tmp/centinela-reload-bench.XXXXXX)
chmod 755 "$RUNDIR"
mkdir -p "$RUNDIR/www" "$RUNDIR/tmp"
OUT=$ROOT/bench/out/reload-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"

pids=()
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${KEEP_RUNDIR:-0}" = 1 ]; then say "kept $RUNDIR"; else rm -rf "$RUNDIR"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

python3 -c 'import sys
head, tail = "{\"ok\":true,\"pad\":\"", "\"}\n"
sys.stdout.write(head + "x" * (100 - len(head) - len(tail)) + tail)' >"$RUNDIR/www/small"

cat >"$RUNDIR/origin.conf" <<EOF
worker_processes 1;
daemon off;
pid $RUNDIR/origin.pid;
error_log $RUNDIR/origin.error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_timeout 75s;
    keepalive_requests 100000;
    client_body_temp_path $RUNDIR/tmp/body;
    proxy_temp_path $RUNDIR/tmp/proxy;
    fastcgi_temp_path $RUNDIR/tmp/fastcgi;
    uwsgi_temp_path $RUNDIR/tmp/uwsgi;
    scgi_temp_path $RUNDIR/tmp/scgi;
    types { }
    default_type application/json;
    server {
        listen 127.0.0.1:$ORIGIN_PORT;
        root $RUNDIR/www;
        location / { add_header Cache-Control no-store; }
        location /cached/ { alias $RUNDIR/www/; expires 1s; }
    }
}
EOF

# Every other request is cacheable (/cached/small, max-age 1 s: L1, L2 and refreshes) and
# the rest go to the upstream each time (/small, no-store).
cat >"$RUNDIR/alternate.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", (n % 2 == 0) and "/cached/small" or "/small")
end
LUA

gateway_yaml() {  # servers (YAML flow list)
  cat <<EOF
server:
  listen: ["127.0.0.1:$GATEWAY_PORT"]
  limits: {idle_timeout: 75s}
admin:
  listen: "127.0.0.1:$ADMIN_PORT"
log:
  access: {path: $RUNDIR/access.json}
redis:
  url: "redis://127.0.0.1:$REDIS_PORT/0"
  timeout: 200ms
cache:
  shared: redis
rate_limit:
  store: redis
  on_store_error: allow
upstreams:
  origin:
    servers: $1
    health_check: {path: /small, interval: 1s, timeout: 500ms}
routes:
  - name: all
    match: {prefix: "/"}
    upstream: origin
    cache: {}
    rate_limit:
      - {name: per_ip, key: [ip], limit: 100000000, window: 1s}
EOF
}

start_redis() {
  taskset -c "$HARNESS_CORE" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 \
    --save "" --appendonly no --dir "$RUNDIR" --logfile "$RUNDIR/redis.log" &
  REDIS_PID=$!
  pids+=("$REDIS_PID")
  for _ in $(seq 1 100); do
    [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.1
  done
  die "redis-server did not answer"
}

# Connections to DEAD_PORT hang: the backlog is filled and nothing is ever accepted.
start_dead_server() {
  taskset -c "$HARNESS_CORE" python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(0)
fill = []
for _ in range(4):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(("127.0.0.1", int(sys.argv[1])))
    except BlockingIOError: pass
    fill.append(c)
time.sleep(3600)' "$DEAD_PORT" &
  pids+=("$!")
}

metric() {  # name{labels} → value
  curl -fsS "http://127.0.0.1:$ADMIN_PORT/metrics" | awk -v m="$1" '$1 == m { print $2 }'
}

start_gateway() {  # config
  "$CENTINELA_BIN" check -c "$1" >/dev/null || die "centinela check rejected $1"
  taskset -c "$SUT_CORE" "$CENTINELA_BIN" run -c "$1" >"$RUNDIR/gateway.out" 2>"$RUNDIR/gateway.err" &
  GATEWAY_PID=$!
  pids+=("$GATEWAY_PID")
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$GATEWAY_PORT/small" 2>/dev/null && return 0
    kill -0 "$GATEWAY_PID" 2>/dev/null || die "centinela exited (see $RUNDIR/gateway.err)"
    sleep 0.1
  done
  die "centinela did not answer"
}

stop_gateway() {
  kill -TERM "$GATEWAY_PID" 2>/dev/null || true
  wait "$GATEWAY_PID" 2>/dev/null || true
}

sighups() {  # count
  for _ in $(seq 1 "$1"); do
    kill -HUP "$GATEWAY_PID"
    sleep 1.5
  done
}

failures=0
run_phase() {  # name action...
  local name=$1 raw=$OUT/wrk-$1.txt
  shift
  local reloads_before
  reloads_before=$(metric 'centinela_config_reloads_total{result="success"}')
  taskset -c "$HARNESS_CORE" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 2s \
    -s "$RUNDIR/alternate.lua" "http://127.0.0.1:$GATEWAY_PORT/small" >"$raw" 2>&1 &
  local wrk_pid=$!
  sleep 2
  "$@"
  wait "$wrk_pid" || true
  local reloads_after requests timeouts errors non2xx
  reloads_after=$(metric 'centinela_config_reloads_total{result="success"}')
  requests=$(awk '/requests in/ { print $1 }' "$raw")
  timeouts=$(awk '/Socket errors:/ { print $NF }' "$raw")
  errors=$(awk '/Socket errors:/ { print $4 + $6 + $8 }' "$raw" | tr -d ',')
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$raw")
  timeouts=${timeouts:-0} errors=${errors:-0} non2xx=${non2xx:-0}
  local reloads=$(( ${reloads_after%.*} - ${reloads_before%.*} ))
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "${requests:-0}" "$timeouts" "$non2xx" "$errors" \
    "$reloads" >>"$OUT/results.tsv"
  say "$name: ${requests:-0} requests, $timeouts timeouts (> 2 s), $non2xx non-2xx, $errors socket errors, $reloads reloads counted"
  [ "$timeouts" = 0 ] && [ "$non2xx" = 0 ] && [ "$errors" = 0 ] || failures=$((failures + 1))
}

redis_outage() {
  kill -KILL "$REDIS_PID"
  wait "$REDIS_PID" 2>/dev/null || true
  sleep 1.5
  kill -HUP "$GATEWAY_PID"
  sleep 1.5
  start_redis
}

printf 'phase\trequests\ttimeouts\tnon2xx\tsocket_errors\treloads\n' >"$OUT/results.tsv"
taskset -c "$HARNESS_CORE" nginx -p "$RUNDIR" -e "$RUNDIR/origin.error.log" -c "$RUNDIR/origin.conf" &
pids+=("$!")
start_redis
say "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ " $PHASES " == *" reload "* || " $PHASES " == *" redis "* ]]; then
  gateway_yaml "[\"127.0.0.1:$ORIGIN_PORT\"]" >"$RUNDIR/gateway.yaml"
  start_gateway "$RUNDIR/gateway.yaml"
  [[ " $PHASES " != *" reload "* ]] || run_phase reload sighups 4
  [[ " $PHASES " != *" redis "* ]] || run_phase redis redis_outage
  stop_gateway
fi
if [[ " $PHASES " == *" dead "* ]]; then
  start_dead_server
  gateway_yaml "[\"127.0.0.1:$ORIGIN_PORT\", \"127.0.0.1:$DEAD_PORT\"]" >"$RUNDIR/gateway-dead.yaml"
  start_gateway "$RUNDIR/gateway-dead.yaml"
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$ADMIN_PORT/ready" | grep -q "\"127.0.0.1:$DEAD_PORT\",\"state\":\"down\"" && break
    sleep 0.1
  done
  curl -fsS "http://127.0.0.1:$ADMIN_PORT/ready" | grep -q "\"127.0.0.1:$DEAD_PORT\",\"state\":\"down\"" ||
    die "the dead server was never marked down"
  run_phase dead sighups 4
  stop_gateway
fi

say "results: $OUT/results.tsv"
column -t "$OUT/results.tsv" >&2 || cat "$OUT/results.tsv" >&2
[ "$failures" = 0 ] || { say "$failures phase(s) had timeouts, non-2xx or errors"; exit 1; }
