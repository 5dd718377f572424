#!/usr/bin/env bash
# Measures centinela against Debian's nginx the way /work/shared/bench/README.md describes:
# system under test alone on core 0, origin (nginx, static JSON) and wrk on core 1,
# systems interleaved, REPS repetitions, median (min..max) and CPU µs per request on core 0.
#
# Knobs (environment): REPS=3 DURATION=10s CONNECTIONS=64 SIZES="small large"
#   SYSTEMS="origin nginx-proxy nginx-proxy-log nginx-limit-req centinela centinela-limit
#            centinela-limit-redis" IDLE_CONNECTIONS=10000
#   CENTINELA_BIN=path (skip the Release build) KEEP_RUNDIR=1 (keep configs and logs)
#   CACHE_OBJECTS=N (memory mode) L2_LATENCY=1 (L2 latency mode; L2_OBJECTS=2000)
#
# Systems: origin (direct, the harness ceiling); nginx-proxy, nginx-proxy-log (+ JSON access
# log), nginx-limit-req (+ limit_req, none rejected); centinela (access log, metrics),
# centinela-limit (+ one in-process rate-limit policy, none rejected), centinela-limit-redis
# (the policy counted in a redis-server this script starts on core 1, the harness core).
# centinela-nolive (issue 15; not in the default list): centinela with admin.live_stats: false,
# so centinela ÷ centinela-nolive is what the dashboard's live statistics cost a request.
# Cache hits (issue 3; not in the default list, name them in SYSTEMS): nginx-cache
# (proxy_cache on /dev/shm), nginx-cache-gzip (+ gzip on every hit), varnish-hit (Varnish,
# builtin VCL), centinela-cache (access log on), centinela-cache-nolog, centinela-cache-gzip
# (stored gzip variants). All of them use the origin's cacheable server (port 18701,
# Cache-Control: max-age=3600); each URL is fetched until it is a hit before measuring, and
# the *-gzip systems are measured with Accept-Encoding: gzip.
#
# Modes (run after the systems; with a mode and no SYSTEMS given, only the mode runs):
#   CACHE_OBJECTS=10000: a fresh centinela-cache alone, RSS before and after storing N
#     distinct 16 KiB objects (/large?i=1..N) → resident bytes per object beyond the body.
#   L2_LATENCY=1: two centinela-cache instances sharing one redis-server (cache.shared:
#     redis); L2_OBJECTS URLs stored through A, then p50 on B of L1-cold/L2-hit requests
#     against the p50 of the same URLs as L1 hits (one request at a time).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

REPS=${REPS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
WARMUP=${WARMUP:-2s}
SIZES=${SIZES:-small large}
CACHE_OBJECTS=${CACHE_OBJECTS:-0}
L2_LATENCY=${L2_LATENCY:-0}
L2_OBJECTS=${L2_OBJECTS:-2000}
if [ "$CACHE_OBJECTS" -gt 0 ] || [ "$L2_LATENCY" = 1 ]; then
  SYSTEMS=${SYSTEMS:-}  # no systems named: the mode on its own
else
  SYSTEMS=${SYSTEMS:-origin nginx-proxy nginx-proxy-log nginx-limit-req centinela centinela-limit centinela-limit-redis}
fi
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-10000}
SUT_CORE=0
HARNESS_CORE=1
PYTHON=python3  # only the standard library is used
# shellcheck source=bench/lib.sh
source bench/lib.sh

declare -A PORT=([origin]=18700 [nginx-proxy]=18710 [nginx-proxy-log]=18711 [nginx-limit-req]=18712
                 [nginx-cache]=18713 [nginx-cache-gzip]=18714 [varnish-hit]=18715
                 [centinela]=18730 [centinela-limit]=18732 [centinela-limit-redis]=18734
                 [centinela-cache]=18736 [centinela-cache-nolog]=18738 [centinela-cache-gzip]=18744
                 [centinela-nolive]=18752)
declare -A ADMIN_PORT=([centinela]=18731 [centinela-limit]=18733 [centinela-limit-redis]=18735
                       [centinela-cache]=18737 [centinela-cache-nolog]=18739 [centinela-cache-gzip]=18745
                       [centinela-cache-mem]=18751 [centinela-cache-l2a]=18747 [centinela-cache-l2b]=18749
                       [centinela-nolive]=18753)
# The modes' own instances, never in SYSTEMS.
PORT+=([centinela-cache-mem]=18750 [centinela-cache-l2a]=18746 [centinela-cache-l2b]=18748)
REDIS_PORT=18740     # the redis-server of centinela-limit-redis
L2_REDIS_PORT=18741  # the redis-server shared by the L2 mode's two instances

say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }

MODE_INSTANCES=" centinela-cache-mem centinela-cache-l2a centinela-cache-l2b "
for name in $SYSTEMS; do
  [ -n "${PORT[$name]:-}" ] && [[ $MODE_INSTANCES != *" $name "* ]] ||
    die "unknown system '$name' (known: origin nginx-proxy nginx-proxy-log nginx-limit-req nginx-cache nginx-cache-gzip varnish-hit centinela centinela-nolive centinela-limit centinela-limit-redis centinela-cache centinela-cache-nolog centinela-cache-gzip)"
done
is_centinela() { [[ $1 == centinela* ]]; }
uses_redis() { [ "$1" = centinela-limit-redis ]; }
is_varnish() { [[ $1 == varnish* ]]; }
is_cache() { [[ $1 == *-cache* || $1 == varnish-hit ]]; }  # measured as hits
is_gzip() { [[ $1 == *-gzip ]]; }                          # measured with Accept-Encoding: gzip
wrk_headers() {  # name → extra wrk arguments, one per line
  if is_gzip "$1"; then printf '%s\n' -H 'Accept-Encoding: gzip'; fi
}

for tool in nginx wrk taskset curl python3; do
  command -v "$tool" >/dev/null || die "$tool is missing: run 'make deps' (installs nginx-light and wrk)"
done
if [[ " $SYSTEMS " == *" centinela-limit-redis "* ]] || [ "$L2_LATENCY" = 1 ]; then
  for tool in redis-server redis-cli; do
    command -v "$tool" >/dev/null || die "$tool is missing: apt-get install redis-server (for centinela-limit-redis and L2_LATENCY)"
  done
fi
if [[ " $SYSTEMS " == *" varnish-hit "* ]]; then
  command -v varnishd >/dev/null || die "varnishd is missing: run 'make deps' (installs varnish)"
fi
[ "$(nproc)" -ge 2 ] || die "needs 2 cores (system under test on core 0, harness on core 1)"
NGINX=$(command -v nginx)

# --- centinela, built for speed in its own tree --------------------------------------
want_centinela=0
for name in $SYSTEMS; do is_centinela "$name" && want_centinela=1; done
[ "$CACHE_OBJECTS" -gt 0 ] || [ "$L2_LATENCY" = 1 ] && want_centinela=1
build_centinela
if [ "$want_centinela" = 0 ]; then
  SYSTEMS=$(echo "$SYSTEMS" | tr ' ' '\n' | grep -v '^centinela' | xargs)
  CACHE_OBJECTS=0 L2_LATENCY=0
fi

# --- run directory, configs, content --------------------------------------------------
start_run_dir centinela-bench ''

# cache.memory of the memory mode: room for every object (and headers) without eviction.
CACHE_MEMORY="$(( (CACHE_OBJECTS * 16 * 3 / 2 / 1024) > 256 ? (CACHE_OBJECTS * 16 * 3 / 2 / 1024) : 256 ))MiB"
render() {  # template → file with the placeholders filled in
  sed -e "s#WWWDIR#$WWWDIR#g" -e "s#RUNDIR#$RUNDIR#g" -e "s#SHMDIR#$SHMDIR#g" \
    -e "s#L2_REDIS_PORT#$L2_REDIS_PORT#g" -e "s#REDIS_PORT#$REDIS_PORT#g" \
    -e "s#CACHE_MEMORY#$CACHE_MEMORY#g" "bench/configs/$1" >"$RUNDIR/$1"
}
render origin.conf
for name in $SYSTEMS; do
  case $name in
    origin) ;;
    centinela*) render "$name.yaml" ;;
    varnish*) render "$name.vcl" ;;
    *) render "$name.conf" ;;
  esac
done
[ "$CACHE_OBJECTS" -gt 0 ] && render centinela-cache-mem.yaml
[ "$L2_LATENCY" = 1 ] && render centinela-cache-l2a.yaml && render centinela-cache-l2b.yaml

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
  "$CENTINELA_BIN" check -c "$RUNDIR/$1.yaml" >"$RUNDIR/$1.check.log" 2>&1 ||
    die "centinela check rejected $RUNDIR/$1.yaml: $(tail -n 5 "$RUNDIR/$1.check.log")"
  taskset -c "$SUT_CORE" "$CENTINELA_BIN" run -c "$RUNDIR/$1.yaml" \
    >"$RUNDIR/$1.stdout.log" 2>"$RUNDIR/$1.error.log" &
  PID[$1]=$!
  pids+=("$!")
  wait_ready "$1" "http://127.0.0.1:${PORT[$1]}/small" "$!"
}
# Varnish in the foreground (-F), its working directory (-n) in RUNDIR; the manager and
# its cache child both inherit core 0 from taskset.
start_varnish() {  # name
  taskset -c "$SUT_CORE" varnishd -F -n "$RUNDIR/$1" -a "127.0.0.1:${PORT[$1]}" \
    -f "$RUNDIR/$1.vcl" -s malloc,256m -p thread_pools=1 \
    >"$RUNDIR/$1.stdout.log" 2>"$RUNDIR/$1.error.log" &
  PID[$1]=$!
  pids+=("$!")
  wait_ready "$1" "http://127.0.0.1:${PORT[$1]}/small" "$!"
}
# Shares core 1 with the origin and wrk, as a remote Redis would cost centinela nothing but
# the round trip: core 0's figures are centinela's own.
start_redis() {  # [port] [name]: the rate-limit Redis unless told otherwise
  local port=${1:-$REDIS_PORT} name=${2:-redis}
  taskset -c "$HARNESS_CORE" redis-server --port "$port" --bind 127.0.0.1 \
    --save "" --appendonly no --dir "$RUNDIR" --logfile "$RUNDIR/$name.log" &
  PID[$name]=$!
  pids+=("$!")
  for _ in $(seq 1 100); do
    [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && return 0
    kill -0 "${PID[$name]}" 2>/dev/null || die "redis-server exited during start-up (see $RUNDIR/$name.log)"
    sleep 0.1
  done
  die "redis-server did not answer on port $port"
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

mode_instances=()
[ "$CACHE_OBJECTS" -gt 0 ] && mode_instances+=(centinela-cache-mem)
[ "$L2_LATENCY" = 1 ] && mode_instances+=(centinela-cache-l2a centinela-cache-l2b)
for name in $SYSTEMS "${mode_instances[@]}"; do
  ports=("${PORT[$name]}")
  [ "$name" = origin ] && ports+=(18701)
  is_centinela "$name" && ports+=("${ADMIN_PORT[$name]}")
  uses_redis "$name" && ports+=("$REDIS_PORT")
  for port in "${ports[@]}"; do ! port_busy "$port" || die "port $port is in use"; done
done
[[ " $SYSTEMS " == *" origin "* ]] || ! port_busy 18700 || die "port 18700 is in use"
[[ " $SYSTEMS " == *" origin "* ]] || ! port_busy 18701 || die "port 18701 is in use"
[ "$L2_LATENCY" = 0 ] || ! port_busy "$L2_REDIS_PORT" || die "port $L2_REDIS_PORT is in use"

start_nginx origin "$HARNESS_CORE"
for name in $SYSTEMS; do uses_redis "$name" && start_redis; done
for name in $SYSTEMS; do
  case $name in
    origin) ;;
    centinela*) start_centinela "$name" ;;
    varnish*) start_varnish "$name" ;;
    *) start_nginx "$name" "$SUT_CORE" ;;
  esac
done
for name in $SYSTEMS; do
  [[ $name == centinela-limit* ]] && check_rate_limit_active "$name"
done

# Every system must serve the same bytes before any number is worth taking (the *-gzip
# systems gzipped, and the same bytes once decoded).
for name in $SYSTEMS; do
  for size in $SIZES; do
    if is_gzip "$name"; then
      curl -fsS -D "$RUNDIR/$name-$size.head" --compressed -H 'Accept-Encoding: gzip' \
        "http://127.0.0.1:${PORT[$name]}/$size" |
        cmp -s - "$WWWDIR/$size" || die "$name does not serve /$size as the origin does"
      tr -d '\r' <"$RUNDIR/$name-$size.head" | grep -qix 'content-encoding: gzip' ||
        die "$name does not gzip /$size"
    else
      curl -fsS "http://127.0.0.1:${PORT[$name]}/$size" | cmp -s - "$WWWDIR/$size" ||
        die "$name does not serve /$size as the origin does"
    fi
  done
done

# A cache system is measured on hits: each URL is fetched (with the headers wrk will send)
# until the cache answers it, and must say so. nginx and centinela send X-Cache: HIT;
# Varnish's X-Varnish carries two transaction ids on a hit (this one and the storing one).
cache_answer() {  # name size → the hit indicator of one fresh request
  local headers
  mapfile -t headers < <(wrk_headers "$1")
  headers=$(curl -fsS -D - -o /dev/null "${headers[@]}" "http://127.0.0.1:${PORT[$1]}/$2" | tr -d '\r')
  if is_varnish "$1"; then
    echo "$headers" | awk -F': ' 'tolower($1) == "x-varnish" { print (split($2, ids, " ") == 2 ? "HIT" : "MISS (X-Varnish: " $2 ")") }'
  else
    echo "$headers" | awk -F': ' 'tolower($1) == "x-cache" { print $2 }'
  fi
}
warm_cache() {  # name
  local size answer
  for size in $SIZES; do
    for _ in 1 2 3; do
      answer=$(cache_answer "$1" "$size")
      [ "$answer" = HIT ] && break
    done
    [ "$answer" = HIT ] || die "$1 does not serve /$size from its cache (last answer: '${answer:-no X-Cache}')"
  done
  say "$1 serves $(echo $SIZES | sed 's#\([^ ]*\)#/\1#g') from its cache (HIT)"
}
for name in $SYSTEMS; do
  is_cache "$name" && warm_cache "$name"
done

# --- measuring --------------------------------------------------------------------------
RESULTS=$OUT/results.tsv
printf 'rep\tsystem\tsize\trps\tp50_ms\tp99_ms\trequests\tcpu_us_per_req\tbad\tload1\tsut_cpu_us_per_req\n' >"$RESULTS"

measure() {  # rep system size
  local rep=$1 name=$2 size=$3 raw=$OUT/wrk-$2-$3-$1.txt
  local url="http://127.0.0.1:${PORT[$name]}/$size"
  if ! kill -0 "${PID[$name]}" 2>/dev/null; then
    say "$name is no longer running"
    printf '%s\t%s\t%s\tnan\tnan\tnan\t0\tnan\t0\tnan\tnan\n' "$rep" "$name" "$size" >>"$RESULTS"
    return
  fi
  local before after headers sut_before sut_after
  mapfile -t headers < <(wrk_headers "$name")
  sut_before=$(sut_cpu_ticks "${PID[$name]}")
  before=$(core_busy_ticks)
  taskset -c "$HARNESS_CORE" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" "${headers[@]}" --latency "$url" >"$raw" 2>&1 || true
  after=$(core_busy_ticks)
  sut_after=$(sut_cpu_ticks "${PID[$name]}")
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
  cpu=$(us_per_request $((after - before)) "${requests:-0}")
  local sut_cpu="nan"
  [ "$name" = origin ] || sut_cpu=$(us_per_request $((sut_after - sut_before)) "${requests:-0}")
  local load1
  load1=$(cut -d' ' -f1 /proc/loadavg)  # 1-minute load average as the run ends
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$rep" "$name" "$size" "$rps" "$p50" "$p99" "$requests" "$cpu" "$bad" "$load1" "$sut_cpu" >>"$RESULTS"
  say "rep $rep $name /$size: $rps req/s, p50 ${p50} ms, p99 ${p99} ms, ${cpu} µs CPU/req (own ${sut_cpu}), load $load1$([ "$bad" = 0 ] || echo ", $bad errors or non-2xx")"
}

LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
say "load average at the start: $LOAD_AT_START"
[ -z "$SYSTEMS" ] || say "warming up (${WARMUP} per system and size)"
for name in $SYSTEMS; do
  mapfile -t headers < <(wrk_headers "$name")
  for size in $SIZES; do
    taskset -c "$HARNESS_CORE" wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" "${headers[@]}" "http://127.0.0.1:${PORT[$name]}/$size" >/dev/null 2>&1 || true
  done
done

[ -z "$SYSTEMS" ] || say "measuring: $REPS repetitions of [$SYSTEMS] × [$SIZES], wrk -t1 -c$CONNECTIONS -d$DURATION"
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

# --- cache modes: memory per object, L2 latency -----------------------------------------
MODES=$OUT/cache-modes.md
: >"$MODES"
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
cache_client() { taskset -c "$HARNESS_CORE" "$PYTHON" bench/cache_client.py "$@"; }
json_get() {  # json key... → value
  "$PYTHON" -c 'import json, sys
value = json.loads(sys.argv[1])
for key in sys.argv[2:]:
    value = value.get(key, 0) if isinstance(value, dict) else 0
print(value)' "$@"
}
cache_metrics() {  # name → the cache gauges and counters from its /metrics, one line
  curl -fsS "http://127.0.0.1:${ADMIN_PORT[$1]}/metrics" 2>/dev/null |
    grep -E '^centinela_cache_(entries|bytes|evictions)' | paste -sd ';' | sed 's/;/; /g' || true
}
stop_instance() {  # name: a mode's instance, once its figures are taken (frees its memory)
  kill -TERM "${PID[$1]}" 2>/dev/null || true
  wait "${PID[$1]}" 2>/dev/null || true
}

if [ "$CACHE_OBJECTS" -gt 0 ]; then
  name=centinela-cache-mem
  say "memory: $CACHE_OBJECTS distinct 16 KiB objects in a fresh centinela-cache (cache.memory $CACHE_MEMORY)"
  start_centinela "$name"
  # First allocations (connections, pools, buffers) happen before the baseline, with URLs
  # that are not counted (?w=N).
  cache_client fill --port "${PORT[$name]}" --query w --count 200 --expect-length 16384 >/dev/null
  sleep 1
  rss_before=$(rss_kib "${PID[$name]}")
  fill=$(cache_client fill --port "${PORT[$name]}" --query i --count "$CACHE_OBJECTS" --expect-length 16384)
  sleep 1
  rss_after=$(rss_kib "${PID[$name]}")
  # Every object must now be a hit, or the figure would not be per cached object.
  check=$(cache_client fill --port "${PORT[$name]}" --query i --count "$CACHE_OBJECTS" --expect-length 16384)
  echo "{\"fill\": $fill, \"check\": $check, \"rss_before_kib\": $rss_before, \"rss_after_kib\": $rss_after}" >"$OUT/cache-memory.json"
  hits=$(json_get "$check" x_cache HIT)
  failures=$(( $(json_get "$fill" failures) + $(json_get "$check" failures) ))
  metrics=$(cache_metrics "$name")
  say "memory: RSS $rss_before → $rss_after KiB; $hits of $CACHE_OBJECTS re-fetched as hits; $metrics"
  {
    echo "Cached objects ($CACHE_OBJECTS distinct \`/large?i=N\`, 16,384-byte bodies, fresh centinela-cache"
    echo "alone, \`cache.memory: $CACHE_MEMORY\`, no access log; baseline taken after 200 other objects):"
    echo
    echo "| objects | RSS before | RSS after | ΔRSS | bodies | overhead per object (target < 1 KiB) | re-fetched as HIT | failures |"
    echo "|---|---|---|---|---|---|---|---|"
    awk -v n="$CACHE_OBJECTS" -v b="$rss_before" -v a="$rss_after" -v h="$hits" -v f="$failures" 'BEGIN {
      delta = (a - b) * 1024; bodies = n * 16384; per = (delta - bodies) / n
      printf "| %d | %.1f MiB | %.1f MiB | %.1f MiB | %.1f MiB | %.0f B%s | %d | %d |\n", n, b / 1024, a / 1024,
        delta / 1048576, bodies / 1048576, per, (per < 1024 ? " (met)" : " (not met)"), h, f }'
    echo
    echo "Its cache metrics afterwards: ${metrics:-none}."
    echo
  } >>"$MODES"
  [ "$hits" = "$CACHE_OBJECTS" ] || say "WARNING: only $hits of $CACHE_OBJECTS objects were hits: the figure is not per cached object"
  stop_instance "$name"
fi

if [ "$L2_LATENCY" = 1 ]; then
  a=centinela-cache-l2a b=centinela-cache-l2b
  say "L2 latency: $L2_OBJECTS objects stored through $a, read through $b (redis-server on core 1)"
  start_redis "$L2_REDIS_PORT" redis-l2
  start_centinela "$a"
  start_centinela "$b"
  # B's connections and first allocations before anything is timed (URLs not reused: ?w=N).
  cache_client fill --port "${PORT[$b]}" --query w --count 200 --expect-length 16384 >/dev/null
  fill=$(cache_client fill --port "${PORT[$a]}" --query i --count "$L2_OBJECTS" --expect-length 16384)
  # Writes to Redis are asynchronous: wait until the key count stops growing.
  keys=0
  for _ in $(seq 1 100); do
    sleep 0.2
    now=$(redis-cli -p "$L2_REDIS_PORT" dbsize)
    [ "$now" -ge "$L2_OBJECTS" ] && [ "$now" = "$keys" ] && break
    keys=$now
  done
  say "L2 latency: $(json_get "$fill" requests) stored through $a; Redis holds $now keys"
  l2=$(cache_client latency --port "${PORT[$b]}" --query i --count "$L2_OBJECTS" --expect-length 16384)
  l1=$(cache_client latency --port "${PORT[$b]}" --query i --count "$L2_OBJECTS" --expect-length 16384)
  misses=$(( L2_OBJECTS < 500 ? L2_OBJECTS : 500 ))
  miss=$(cache_client latency --port "${PORT[$b]}" --query m --count "$misses" --expect-length 16384)
  echo "{\"fill\": $fill, \"l2_hit\": $l2, \"l1_hit\": $l1, \"miss\": $miss, \"redis_keys\": $now}" >"$OUT/cache-l2.json"
  l2_hits=$(json_get "$l2" x_cache HIT)
  [ "$l2_hits" = "$L2_OBJECTS" ] ||
    say "WARNING: only $l2_hits of $L2_OBJECTS requests to $b were hits: some went to the origin"
  {
    echo "L2 latency (two centinela-cache instances on core 0 sharing one redis-server on core 1;"
    echo "$L2_OBJECTS distinct \`/large?i=N\` stored through A, then fetched through B one request at a"
    echo "time on one keep-alive connection by a Python client on core 1, whose own time is in every figure):"
    echo
    echo "| requests to B | count | X-Cache | p50 ms | p90 ms | p99 ms | failures |"
    echo "|---|---|---|---|---|---|---|"
    for row in "L1 cold, L2 hit|$l2" "L1 hit (the same URLs again)|$l1" "miss (origin, ?m=N)|$miss"; do
      what=${row%%|*} result=${row#*|}
      echo "| $what | $(json_get "$result" requests) | $("$PYTHON" -c 'import json, sys; print(", ".join(f"{k} {v}" for k, v in json.loads(sys.argv[1])["x_cache"].items()))' "$result") | $(json_get "$result" p50_ms) | $(json_get "$result" p90_ms) | $(json_get "$result" p99_ms) | $(json_get "$result" failures) |"
    done
    awk -v l2="$(json_get "$l2" p50_ms)" -v l1="$(json_get "$l1" p50_ms)" 'BEGIN {
      d = l2 - l1
      printf "\nAn L2 hit adds %.3f ms at p50 over an L1 hit (target < 0.5 ms: %s).\n\n", d, (d < 0.5 ? "met" : "not met") }'
  } >>"$MODES"
  stop_instance "$b"
  stop_instance "$a"
fi

# --- report ------------------------------------------------------------------------------
{
  echo "Machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(uname -r)"
  if [ -n "$SYSTEMS" ]; then
    echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC'), $REPS interleaved repetitions, wrk -t1 -c$CONNECTIONS -d$DURATION --latency"
  else
    echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC'), modes only:$([ "$CACHE_OBJECTS" -gt 0 ] && echo " CACHE_OBJECTS=$CACHE_OBJECTS")$([ "$L2_LATENCY" = 1 ] && echo " L2_LATENCY=1 L2_OBJECTS=$L2_OBJECTS")"
  fi
  echo "Load average (1/5/15 min) at the start: $LOAD_AT_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "nginx: $("$NGINX" -v 2>&1 | sed 's/.*: //'); centinela: $([ "$want_centinela" = 1 ] && "$CENTINELA_BIN" version 2>/dev/null | head -n 1 || echo 'not measured')$(
    [[ " $SYSTEMS " != *" varnish-hit "* ]] || echo "; varnish: $(varnishd -V 2>&1 | head -n 1 | sed 's/^varnishd (\(varnish-[^ ]*\).*/\1/')")"
  echo
  [ "$(wc -l <"$RESULTS")" -le 1 ] || "$PYTHON" bench/summarize.py "$RESULTS"
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
  if [ -s "$MODES" ]; then
    echo
    cat "$MODES"
  fi
} | tee "$OUT/summary.md"
say "raw wrk output and results.tsv in $OUT"
