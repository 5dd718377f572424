#!/usr/bin/env bash
# Measures centinela against Debian's nginx the way /work/shared/bench/README.md describes:
# system under test alone on core 0, origin (nginx, static JSON) and wrk on core 1,
# systems interleaved, REPS repetitions, median (min..max) and CPU µs per request on core 0.
#
# Knobs (environment): REPS=3 DURATION=10s CONNECTIONS=64 SIZES="small large"
#   SYSTEMS="origin nginx-proxy nginx-proxy-log nginx-limit-req centinela centinela-limit
#            centinela-limit-redis" IDLE_CONNECTIONS=10000
#   CENTINELA_BIN=path (skip the Release build) KEEP_RUNDIR=1 (keep configs and logs)
#
# Systems: origin (direct, the harness ceiling); nginx-proxy, nginx-proxy-log (+ JSON access
# log), nginx-limit-req (+ limit_req, none rejected); centinela (access log, metrics),
# centinela-limit (+ one in-process rate-limit policy, none rejected), centinela-limit-redis
# (the policy counted in a redis-server this script starts on core 1, the harness core).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

REPS=${REPS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
WARMUP=${WARMUP:-2s}
SIZES=${SIZES:-small large}
SYSTEMS=${SYSTEMS:-origin nginx-proxy nginx-proxy-log nginx-limit-req centinela centinela-limit centinela-limit-redis}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-10000}
SUT_CORE=0
HARNESS_CORE=1

declare -A PORT=([origin]=18700 [nginx-proxy]=18710 [nginx-proxy-log]=18711 [nginx-limit-req]=18712
                 [centinela]=18730 [centinela-limit]=18732 [centinela-limit-redis]=18734)
declare -A ADMIN_PORT=([centinela]=18731 [centinela-limit]=18733 [centinela-limit-redis]=18735)
REDIS_PORT=18740  # the redis-server of centinela-limit-redis

say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }

for name in $SYSTEMS; do
  [ -n "${PORT[$name]:-}" ] || die "unknown system '$name' (known: ${!PORT[*]})"
done
is_centinela() { [[ $1 == centinela* ]]; }
uses_redis() { [ "$1" = centinela-limit-redis ]; }

for tool in nginx wrk taskset curl python3; do
  command -v "$tool" >/dev/null || die "$tool is missing: run 'make deps' (installs nginx-light and wrk)"
done
if [[ " $SYSTEMS " == *" centinela-limit-redis "* ]]; then
  for tool in redis-server redis-cli; do
    command -v "$tool" >/dev/null || die "$tool is missing: apt-get install redis-server (for centinela-limit-redis)"
  done
fi
[ "$(nproc)" -ge 2 ] || die "needs 2 cores (system under test on core 0, harness on core 1)"
NGINX=$(command -v nginx)
PYTHON=python3  # only the standard library is used

# --- centinela, built for speed in its own tree --------------------------------------
want_centinela=0
for name in $SYSTEMS; do is_centinela "$name" && want_centinela=1; done
if [ "$want_centinela" = 1 ] && [ -z "${CENTINELA_BIN:-}" ]; then
  say "building centinela (Release) in build-release/"
  if { [ -f build-release/build.ninja ] ||
       cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release \
         -DCENTINELA_BUILD_TESTS=OFF >/dev/null; } &&
     cmake --build build-release --target centinela; then
    CENTINELA_BIN=$ROOT/build-release/centinela
  else
    say "WARNING: centinela did not build; measuring the peers only"
    want_centinela=0
  fi
fi
if [ "$want_centinela" = 0 ]; then
  SYSTEMS=$(echo "$SYSTEMS" | tr ' ' '\n' | grep -v '^centinela' | xargs)
fi

# --- run directory, configs, content --------------------------------------------------
RUNDIR=$(mktemp -d /tmp/centinela-bench.XXXXXX)
chmod 755 "$RUNDIR"  # nginx workers run as nobody and must read the content
WWWDIR=$RUNDIR/www
mkdir -p "$WWWDIR" "$RUNDIR/tmp"
OUT=$ROOT/bench/out/$(date +%Y%m%d-%H%M%S)
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

# JSON bodies of exactly 100 B and 16 KiB.
json_of_size() {  # bytes
  "$PYTHON" - "$1" <<'PY'
import sys
size = int(sys.argv[1])
head, tail = '{"ok":true,"pad":"', '"}\n'
sys.stdout.write(head + "x" * (size - len(head) - len(tail)) + tail)
PY
}
json_of_size 100 >"$WWWDIR/small"
json_of_size 16384 >"$WWWDIR/large"

render() {  # template → file with the placeholders filled in
  sed -e "s#WWWDIR#$WWWDIR#g" -e "s#RUNDIR#$RUNDIR#g" -e "s#REDIS_PORT#$REDIS_PORT#g" \
    "bench/configs/$1" >"$RUNDIR/$1"
}
render origin.conf
for name in $SYSTEMS; do
  case $name in
    origin) ;;
    centinela*) render "$name.yaml" ;;
    *) render "$name.conf" ;;
  esac
done

# Idle clients need a descriptor each, in the client and in the server.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_ready() {  # name url pid
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null --max-time 1 "$2" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || die "$1 exited during start-up (see $RUNDIR/$1.error.log)"
    sleep 0.1
  done
  die "$1 did not answer $2"
}

declare -A PID
start_nginx() {  # name core
  "$NGINX" -t -q -p "$RUNDIR" -e "$RUNDIR/$1.error.log" -c "$RUNDIR/$1.conf" ||
    die "nginx rejected $RUNDIR/$1.conf"
  taskset -c "$2" "$NGINX" -p "$RUNDIR" -e "$RUNDIR/$1.error.log" -c "$RUNDIR/$1.conf" &
  PID[$1]=$!
  pids+=("$!")
  wait_ready "$1" "http://127.0.0.1:${PORT[$1]}/small" "$!"
}
start_centinela() {  # name
  "$CENTINELA_BIN" check -c "$RUNDIR/$1.yaml" >/dev/null ||
    die "centinela check rejected $RUNDIR/$1.yaml"
  taskset -c "$SUT_CORE" "$CENTINELA_BIN" run -c "$RUNDIR/$1.yaml" \
    >"$RUNDIR/$1.stdout.log" 2>"$RUNDIR/$1.error.log" &
  PID[$1]=$!
  pids+=("$!")
  wait_ready "$1" "http://127.0.0.1:${PORT[$1]}/small" "$!"
}
# Shares core 1 with the origin and wrk, as a remote Redis would cost centinela nothing but
# the round trip: core 0's figures are centinela's own.
start_redis() {
  taskset -c "$HARNESS_CORE" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 \
    --save "" --appendonly no --dir "$RUNDIR" --logfile "$RUNDIR/redis.log" &
  PID[redis]=$!
  pids+=("$!")
  for _ in $(seq 1 100); do
    [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && return 0
    kill -0 "${PID[redis]}" 2>/dev/null || die "redis-server exited during start-up (see $RUNDIR/redis.log)"
    sleep 0.1
  done
  die "redis-server did not answer on port $REDIS_PORT"
}
# A policy that is not in force would make the limit runs measure plain proxying: every
# centinela-limit* system must send the RateLimit fields before it is measured.
check_rate_limit_active() {  # name
  local headers
  headers=$(curl -fsS -D - -o /dev/null "http://127.0.0.1:${PORT[$1]}/small" | tr -d '\r')
  say "$1 answers: $(echo "$headers" | grep -i '^ratelimit' | paste -sd ';' | sed 's/;/; /g')"
  echo "$headers" | grep -qi '^ratelimit-policy: "per_ip"' && echo "$headers" | grep -qi '^ratelimit: "per_ip"' ||
    die "$1 sends no RateLimit fields: its policy is not in force"
  if uses_redis "$1"; then
    local calls
    calls=$(redis_script_calls)
    say "$1: redis-server has answered $calls script call(s) so far"
    [ "$calls" -gt 0 ] || die "$1 did not count in Redis"
  fi
}
redis_script_calls() {  # EVAL + EVALSHA calls answered, from INFO commandstats
  redis-cli -p "$REDIS_PORT" info commandstats | tr -d '\r' |
    awk -F'[:=,]' '/^cmdstat_eval(sha)?:/ { n += $3 } END { print n + 0 }'
}

for name in $SYSTEMS; do
  ports=("${PORT[$name]}")
  [ "$name" = origin ] && ports+=(18701)
  is_centinela "$name" && ports+=("${ADMIN_PORT[$name]}")
  uses_redis "$name" && ports+=("$REDIS_PORT")
  for port in "${ports[@]}"; do ! port_busy "$port" || die "port $port is in use"; done
done
[[ " $SYSTEMS " == *" origin "* ]] || ! port_busy 18700 || die "port 18700 is in use"

start_nginx origin "$HARNESS_CORE"
for name in $SYSTEMS; do uses_redis "$name" && start_redis; done
for name in $SYSTEMS; do
  case $name in
    origin) ;;
    centinela*) start_centinela "$name" ;;
    *) start_nginx "$name" "$SUT_CORE" ;;
  esac
done
for name in $SYSTEMS; do
  [[ $name == centinela-limit* ]] && check_rate_limit_active "$name"
done

# Every system must serve the same bytes before any number is worth taking.
for name in $SYSTEMS; do
  for size in $SIZES; do
    curl -fsS "http://127.0.0.1:${PORT[$name]}/$size" | cmp -s - "$WWWDIR/$size" ||
      die "$name does not serve /$size as the origin does"
  done
done

# --- measuring --------------------------------------------------------------------------
CLK_TCK=$(getconf CLK_TCK)
core_busy_ticks() {  # busy = every field but idle and iowait; guest time is already in user/nice
  awk -v cpu="cpu$SUT_CORE" '$1 == cpu { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}
to_ms() {  # wrk latency like 812.00us, 1.80ms, 1.02s
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
    printf "%.3f", n }'
}

RESULTS=$OUT/results.tsv
printf 'rep\tsystem\tsize\trps\tp50_ms\tp99_ms\trequests\tcpu_us_per_req\tbad\tload1\n' >"$RESULTS"

measure() {  # rep system size
  local rep=$1 name=$2 size=$3 raw=$OUT/wrk-$2-$3-$1.txt
  local url="http://127.0.0.1:${PORT[$name]}/$size"
  if ! kill -0 "${PID[$name]}" 2>/dev/null; then
    say "$name is no longer running"
    printf '%s\t%s\t%s\tnan\tnan\tnan\t0\tnan\t0\tnan\n' "$rep" "$name" "$size" >>"$RESULTS"
    return
  fi
  local before after
  before=$(core_busy_ticks)
  taskset -c "$HARNESS_CORE" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "$url" >"$raw" 2>&1 || true
  after=$(core_busy_ticks)
  local rps p50 p99 requests bad cpu
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$raw")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$raw")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$raw")")
  requests=$(awk '/requests in/ { print $1 }' "$raw")
  bad=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { for (i = 4; i <= NF; i += 2) n += $i } END { print n + 0 }' "$raw")
  [ -n "$rps" ] && [ -n "$requests" ] && [ "$requests" -gt 0 ] || {
    say "wrk failed against $name: $(tail -n 3 "$raw" | tr '\n' ' ')"
    rps=nan p50=nan p99=nan requests=0
  }
  cpu=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v n="${requests:-0}" \
    'BEGIN { if (n > 0) printf "%.2f", t * 1e6 / hz / n; else print "nan" }')
  local load1
  load1=$(cut -d' ' -f1 /proc/loadavg)  # 1-minute load average as the run ends
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$rep" "$name" "$size" "$rps" "$p50" "$p99" "$requests" "$cpu" "$bad" "$load1" >>"$RESULTS"
  say "rep $rep $name /$size: $rps req/s, p50 ${p50} ms, p99 ${p99} ms, ${cpu} µs CPU/req, load $load1$([ "$bad" = 0 ] || echo ", $bad errors or non-2xx")"
}

LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
say "load average at the start: $LOAD_AT_START"
say "warming up (${WARMUP} per system and size)"
for name in $SYSTEMS; do
  for size in $SIZES; do
    taskset -c "$HARNESS_CORE" wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" "http://127.0.0.1:${PORT[$name]}/$size" >/dev/null 2>&1 || true
  done
done

say "measuring: $REPS repetitions of [$SYSTEMS] × [$SIZES], wrk -t1 -c$CONNECTIONS -d$DURATION"
for rep in $(seq 1 "$REPS"); do
  for size in $SIZES; do
    for name in $SYSTEMS; do measure "$rep" "$name" "$size"; done
  done
done

# --- idle keep-alive connections ---------------------------------------------------------
MEMORY=$OUT/memory.tsv
printf 'system\tconnections\trss_before_kib\trss_after_kib\n' >"$MEMORY"
if [ "$IDLE_CONNECTIONS" -gt 0 ]; then
  for name in nginx-proxy centinela; do
    [[ " $SYSTEMS " == *" $name "* ]] || continue
    kill -0 "${PID[$name]}" 2>/dev/null || { say "$name is not running: no memory check"; continue; }
    # nginx's memory is its master plus worker; centinela is one process.
    mapfile -t sut_pids < <(echo "${PID[$name]}"; pgrep -P "${PID[$name]}" || true)
    say "memory: $IDLE_CONNECTIONS idle keep-alive connections to $name"
    read -r before after alive < <(taskset -c "$HARNESS_CORE" "$PYTHON" bench/idle_clients.py \
      --port "${PORT[$name]}" --path /small --count "$IDLE_CONNECTIONS" \
      $(printf -- '--pid %s ' "${sut_pids[@]}")) || { say "memory check failed for $name"; continue; }
    printf '%s\t%s\t%s\t%s\n' "$name" "$alive" "$before" "$after" >>"$MEMORY"
  done
fi

# --- report ------------------------------------------------------------------------------
{
  echo "Machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(uname -r)"
  echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC'), $REPS interleaved repetitions, wrk -t1 -c$CONNECTIONS -d$DURATION --latency"
  echo "Load average (1/5/15 min) at the start: $LOAD_AT_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "nginx: $("$NGINX" -v 2>&1 | sed 's/.*: //'); centinela: $([ "$want_centinela" = 1 ] && "$CENTINELA_BIN" version 2>/dev/null | head -n 1 || echo 'not measured')"
  echo
  "$PYTHON" bench/summarize.py "$RESULTS"
  if [[ " $SYSTEMS " == *" centinela-limit-redis "* ]] && kill -0 "${PID[redis]}" 2>/dev/null; then
    echo
    echo "Redis (centinela-limit-redis): $(redis_script_calls) script calls answered in all;" \
      "its measured runs completed $(awk -F'\t' '$2 == "centinela-limit-redis" { n += $7 } END { print n + 0 }' "$RESULTS")" \
      "requests (warm-up and start-up checks come on top)."
  fi
  if [ "$(wc -l <"$MEMORY")" -gt 1 ]; then
    echo
    echo "| idle keep-alive connections | held | RSS before | RSS after | per connection |"
    echo "|---|---|---|---|---|"
    tail -n +2 "$MEMORY" | while IFS=$'\t' read -r name alive before after; do
      awk -v n="$name" -v c="$alive" -v b="$before" -v a="$after" 'BEGIN {
        printf "| %s | %d | %.1f MiB | %.1f MiB | %s |\n", n, c, b / 1024, a / 1024,
          (c > 0 ? sprintf("%.0f B", (a - b) * 1024 / c) : "–") }'
    done
  fi
} | tee "$OUT/summary.md"
say "raw wrk output and results.tsv in $OUT"
