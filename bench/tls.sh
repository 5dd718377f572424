#!/usr/bin/env bash
# TLS and HTTP/2 against Debian's nginx (issue 16), the way bench/run.sh measures cleartext:
# system under test alone on core 0, origin (nginx, static JSON) and the load generator on
# core 1, systems interleaved, REPS repetitions, median (min..max), CPU µs per request on
# core 0 (and the system's own CPU). Certificates are made here with the openssl CLI.
#
# Knobs (environment): REPS=5 DURATION=10s WARMUP=2s CONNECTIONS=64 H2_STREAMS=10
#   SIZES="small large" SYSTEMS="..." (below) CENTINELA_BIN=path (skip the Release build)
#   KEEP_RUNDIR=1 (keep configs and logs)
#   CENTINELA_BIN_B=path: an A/B run — every centinela-X system gets a twin centinelab-X
#   (port + 100) run by that binary, measured interleaved with the rest (bench/README.md)
#
# Systems (nginx-X against centinela-X; nginx from bench/configs/nginx-tls.conf, centinela
# from centinela-tls.yaml, ECDSA P-256 certificate unless named -rsa):
#   *-https        pass-through, wrk over HTTPS, HTTP/1.1 keep-alive
#   *-https-cache  the same on cache hits (origin's cacheable server, 18701)
#   *-h2           pass-through, h2load -c CONNECTIONS -m H2_STREAMS over TLS, ALPN h2
#   *-h2-cache     the same on cache hits
#   *-hs-ecdsa, *-hs-rsa  full handshakes: TLS 1.3 only, no tickets, no session cache, wrk
#                  with `Connection: close` (a new connection per request) on cache hits of
#                  /small; RSA 2048 or ECDSA P-256. wrk resumes sessions whenever the server
#                  allows it, so the servers must not (see bench/README.md).
# A system that does not start, does not serve the origin's bytes, or (h2) does not
# negotiate h2 is reported as failed in summary.md; the others are measured regardless.
# (h2load falls back to HTTP/1.1 with pipelining when the server's ALPN answer is
# http/1.1: without the check a "h2" figure could be HTTP/1.1's.)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
SUT_CORE=0
HARNESS_CORE=1
PYTHON=python3
# shellcheck source=bench/lib.sh
source bench/lib.sh

REPS=${REPS:-5}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
CONNECTIONS=${CONNECTIONS:-64}
H2_STREAMS=${H2_STREAMS:-10}
SIZES=${SIZES:-small large}
HS_SIZE=small  # a handshake's cost does not depend on the body: one size is enough
ALL_SYSTEMS="nginx-https centinela-https nginx-https-cache centinela-https-cache
  nginx-h2 centinela-h2 nginx-h2-cache centinela-h2-cache
  nginx-hs-ecdsa centinela-hs-ecdsa nginx-hs-rsa centinela-hs-rsa"
SYSTEMS=$(echo "${SYSTEMS:-$ALL_SYSTEMS}" | xargs)
if [ -n "${CENTINELA_BIN_B:-}" ]; then
  [ -x "$CENTINELA_BIN_B" ] || die "CENTINELA_BIN_B=$CENTINELA_BIN_B is not an executable"
  SYSTEMS=$(for name in $SYSTEMS; do
    echo "$name"
    [[ $name != centinela-* ]] || echo "centinelab-${name#centinela-}"
  done | xargs)
fi

# Ports 18770-18799 (run.sh uses 18700-18753, reload_under_load.sh 18760-18764); a
# centinela's admin listener is its port + 10 (the /metrics the handshake check reads).
declare -A PORT=([nginx-https]=18770 [centinela-https]=18771
                 [nginx-https-cache]=18772 [centinela-https-cache]=18773
                 [nginx-h2]=18774 [centinela-h2]=18775 [nginx-h2-cache]=18776 [centinela-h2-cache]=18777
                 [nginx-hs-ecdsa]=18778 [centinela-hs-ecdsa]=18779
                 [nginx-hs-rsa]=18796 [centinela-hs-rsa]=18797)
for name in $SYSTEMS; do
  [[ $name != centinelab-* ]] || PORT[$name]=$((${PORT[centinela-${name#centinelab-}]} + 100))
  [ -n "${PORT[$name]:-}" ] || die "unknown system '$name' (known: $(echo "$ALL_SYSTEMS" | xargs))"
done
admin_port() { echo $((${PORT[$1]} + 10)); }
is_centinela() { [[ $1 == centinela* ]]; }
is_h2() { [[ $1 == *-h2* ]]; }
is_handshake() { [[ $1 == *-hs-* ]]; }
is_cache() { [[ $1 == *-cache || $1 == *-hs-* ]]; }
sizes_of() { if is_handshake "$1"; then echo "$HS_SIZE"; else echo "$SIZES"; fi; }

for tool in nginx wrk h2load openssl taskset curl "$PYTHON"; do
  command -v "$tool" >/dev/null || die "$tool is missing (make deps; h2load is in nghttp2-client)"
done
[ "$(nproc)" -ge 2 ] || die "needs 2 cores (system under test on core 0, harness on core 1)"
NGINX=$(command -v nginx)

# --- centinela: the Release build run.sh makes, unless CENTINELA_BIN names one ------------
want_centinela=0
for name in $SYSTEMS; do is_centinela "$name" && want_centinela=1; done
build_centinela
declare -A FAILED  # system → why it is not measured
if [ "$want_centinela" = 0 ]; then
  for name in $SYSTEMS; do is_centinela "$name" && FAILED[$name]="centinela not built"; done
fi

# --- run directory, certificates, configs, content ----------------------------------------
start_run_dir centinela-tlsbench tls-

# Self-signed, for 2 days, never kept: ECDSA P-256 (every system but *-hs-rsa) and RSA 2048.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=bench.localhost -keyout "$RUNDIR/ecdsa.key" -out "$RUNDIR/ecdsa.pem" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
  -subj /CN=bench.localhost -keyout "$RUNDIR/rsa.key" -out "$RUNDIR/rsa.pem" 2>/dev/null
chmod 644 "$RUNDIR"/*.key  # nginx's master reads them as root anyway; a test key

render() {  # name → RUNDIR/name.conf or .yaml from its template
  local name=$1 cert=ecdsa upstream=18700 cache=off protocols="TLSv1.2 TLSv1.3" minv=1.2 tickets=on
  [[ $name == *-rsa ]] && cert=rsa
  is_cache "$name" && upstream=18701 cache=anchors
  is_handshake "$name" && protocols=TLSv1.3 minv=1.3 tickets=off
  local subst=(-e "s#RUNDIR#$RUNDIR#g" -e "s#SHMDIR#$SHMDIR#g" -e "s#NAME#$name#g"
    -e "s#ADMIN_PORT#$(admin_port "$name")#g" -e "s#UPSTREAM_PORT#$upstream#g"
    -e "s#PORT#${PORT[$name]}#g" -e "s#CERT#$RUNDIR/$cert.pem#g" -e "s#KEY#$RUNDIR/$cert.key#g")
  if is_centinela "$name"; then
    local ctickets=true
    [ "$tickets" = off ] && ctickets=false
    sed -e '/^#/d' "${subst[@]}" -e "s#MIN_VERSION#$minv#g" -e "s#TICKETS#$ctickets#g" \
      bench/configs/centinela-tls.yaml >"$RUNDIR/$name.yaml"
    [ "$cache" = off ] || echo "    cache: {}" >>"$RUNDIR/$name.yaml"
  else
    sed -e '/^#/d' "${subst[@]}" -e "s#PROTOCOLS#$protocols#g" -e "s#TICKETS#$tickets#g" \
      -e "s#PROXY_CACHE#$cache#g" \
      -e "s#SECURITY_HEADERS#$ROOT/bench/configs/nginx-security-headers.conf#g" bench/configs/nginx-tls.conf >"$RUNDIR/$name.conf"
  fi
}
sed -e "s#WWWDIR#$WWWDIR#g" -e "s#RUNDIR#$RUNDIR#g" bench/configs/origin.conf >"$RUNDIR/origin.conf"
for name in $SYSTEMS; do render "$name"; done

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
for port in 18700 18701; do ! port_busy "$port" || die "port $port is in use"; done
for name in $SYSTEMS; do
  ! port_busy "${PORT[$name]}" || die "port ${PORT[$name]} ($name) is in use"
  ! is_centinela "$name" || ! port_busy "$(admin_port "$name")" || die "port $(admin_port "$name") is in use"
done

# --- start-up: a system that fails is marked, not fatal ----------------------------------
declare -A PID
url_of() { echo "https://127.0.0.1:${PORT[$1]}/$2"; }
wait_ready() {  # name url pid → 0 when it answers
  for _ in $(seq 1 100); do
    curl -kfsS -o /dev/null --max-time 1 "$2" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
start_system() {  # name
  local name=$1 log=$RUNDIR/$1.error.log
  if is_centinela "$name"; then
    "$CENTINELA_BIN" check -c "$RUNDIR/$name.yaml" >"$RUNDIR/$name.check.log" 2>&1 || {
      FAILED[$name]="centinela check rejected its config: $(tail -n 2 "$RUNDIR/$name.check.log" | tr '\n' ' ')"
      return
    }
    local bin=$CENTINELA_BIN
    [[ $name != centinelab-* ]] || bin=$CENTINELA_BIN_B
    taskset -c "$SUT_CORE" "$bin" run -c "$RUNDIR/$name.yaml" >"$RUNDIR/$name.stdout.log" 2>"$log" &
  else
    "$NGINX" -t -q -p "$RUNDIR" -e "$log" -c "$RUNDIR/$name.conf" 2>"$RUNDIR/$name.check.log" || {
      FAILED[$name]="nginx rejected its config: $(tail -n 2 "$RUNDIR/$name.check.log" | tr '\n' ' ')"
      return
    }
    taskset -c "$SUT_CORE" "$NGINX" -p "$RUNDIR" -e "$log" -c "$RUNDIR/$name.conf" &
  fi
  PID[$name]=$!
  pids+=("$!")
  wait_ready "$name" "$(url_of "$name" small)" "$!" ||
    FAILED[$name]="did not answer HTTPS at start-up ($(tail -n 2 "$log" | tr '\n' ' '))"
}

taskset -c "$HARNESS_CORE" "$NGINX" -p "$RUNDIR" -e "$RUNDIR/origin.error.log" -c "$RUNDIR/origin.conf" &
PID[origin]=$!
pids+=("$!")
for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://127.0.0.1:18700/small" 2>/dev/null && break; sleep 0.1; done
curl -fsS -o /dev/null "http://127.0.0.1:18701/small" || die "the origin did not start (see $RUNDIR/origin.error.log)"
for name in $SYSTEMS; do [ -n "${FAILED[$name]:-}" ] || start_system "$name"; done

# --- checks before any number is taken ----------------------------------------------------
# Same bytes as the origin; h2 systems must negotiate h2 with h2load itself (curl would fall
# back to HTTP/1.1 quietly); cache systems must answer X-Cache: HIT.
check_system() {  # name
  local name=$1 size answer
  for size in $(sizes_of "$name"); do
    curl -kfsS "$(url_of "$name" "$size")" | cmp -s - "$WWWDIR/$size" || {
      FAILED[$name]="does not serve /$size as the origin does"
      return
    }
  done
  if is_h2 "$name"; then
    answer=$(taskset -c "$HARNESS_CORE" h2load -n 1 -c 1 "$(url_of "$name" small)" 2>&1 || true)
    echo "$answer" >"$RUNDIR/$name.h2check.log"
    if ! echo "$answer" | grep -q '^Application protocol: h2$' ||
      ! echo "$answer" | grep -q '1 succeeded'; then
      FAILED[$name]="no HTTP/2: h2load says '$(echo "$answer" | grep -m1 -E '^Application protocol|No protocol|Abort|rror' || echo "$answer" | tail -n 1)'"
      return
    fi
  fi
  if is_cache "$name"; then
    for size in $(sizes_of "$name"); do
      for _ in 1 2 3; do
        answer=$(curl -kfsS -D - -o /dev/null "$(url_of "$name" "$size")" | tr -d '\r' |
          awk -F': ' 'tolower($1) == "x-cache" { print $2 }')
        [ "$answer" = HIT ] && break
      done
      [ "$answer" = HIT ] || { FAILED[$name]="does not serve /$size from its cache (X-Cache: '$answer')"; return; }
    done
  fi
}
for name in $SYSTEMS; do [ -n "${FAILED[$name]:-}" ] || check_system "$name"; done
FAILURES=$OUT/failures.tsv
printf 'system\treason\n' >"$FAILURES"
for name in $SYSTEMS; do
  [ -z "${FAILED[$name]:-}" ] || {
    say "FAILED $name: ${FAILED[$name]} — not measured"
    printf '%s\t%s\n' "$name" "${FAILED[$name]}" >>"$FAILURES"
  }
done
MEASURED=$(for name in $SYSTEMS; do [ -n "${FAILED[$name]:-}" ] || echo "$name"; done | xargs)

# --- measuring ----------------------------------------------------------------------------
RESULTS=$OUT/results.tsv
printf 'rep\tsystem\tsize\trps\tp50_ms\tp99_ms\trequests\tcpu_us_per_req\tbad\tload1\tsut_cpu_us_per_req\tmean_ms\thandshakes_per_req\n' >"$RESULTS"

# The load generator for a system: wrk for HTTP/1.1 (with Connection: close for the
# handshake systems), h2load for h2. $1 name, $2 duration, $3 size, $4 --latency or "".
load() {
  local url
  url=$(url_of "$1" "$3")
  if is_h2 "$1"; then
    taskset -c "$HARNESS_CORE" h2load -t1 -c"$CONNECTIONS" -m"$H2_STREAMS" -D "$2" "$url"
  elif is_handshake "$1"; then
    taskset -c "$HARNESS_CORE" wrk -t1 -c"$CONNECTIONS" -d"$2" ${4:+"$4"} -H 'Connection: close' "$url"
  else
    taskset -c "$HARNESS_CORE" wrk -t1 -c"$CONNECTIONS" -d"$2" ${4:+"$4"} "$url"
  fi
}
# centinela counts its handshakes (centinela_tls_handshakes_total): with one request per
# connection the handshake systems must show one per request.
handshakes() {  # name → total so far, or nothing (nginx)
  is_centinela "$1" || return 0
  curl -fsS "http://127.0.0.1:$(admin_port "$1")/metrics" 2>/dev/null |
    awk '/^centinela_tls_handshakes_total/ { n += $NF } END { print n + 0 }'
}
parse_wrk() {  # raw → "rps p50 p99 requests bad mean"
  local raw=$1
  echo "$(awk '/^Requests\/sec:/ { print $2 }' "$raw") \
$(to_ms "$(awk '$1 == "50%" { print $2 }' "$raw")") $(to_ms "$(awk '$1 == "99%" { print $2 }' "$raw")") \
$(awk '/requests in/ { print $1 }' "$raw") \
$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { for (i = 4; i <= NF; i += 2) n += $i } END { print n + 0 }' "$raw") \
$(to_ms "$(awk '$1 == "Latency" { print $2 }' "$raw")")"
}
# h2load gives no percentiles: the mean ("time for request") only. Requests are the
# succeeded ones; failed, errored, timed-out and 4xx/5xx answers are "bad".
parse_h2load() {  # raw → "rps nan nan requests bad mean"
  local raw=$1
  awk '
    /^finished in/ { rps = $4 + 0 }
    /^requests:/ { ok = $8; bad = $10 }  # failed: errored and timed-out ones included
    /^status codes:/ { bad += $7 + $9 }  # 4xx, 5xx
    /^time for request:/ { mean = $6 }
    END {
      m = mean + 0
      if (mean ~ /us$/) m /= 1000; else if (mean ~ /ms$/) m += 0; else if (mean ~ /s$/) m *= 1000
      printf "%s nan nan %s %d %.3f\n", (rps ? rps : "nan"), (ok ? ok : 0), bad, m }' "$raw"
}

measure() {  # rep name size
  local rep=$1 name=$2 size=$3 raw=$OUT/load-$2-$3-$1.txt
  if ! kill -0 "${PID[$name]}" 2>/dev/null; then
    say "$name is no longer running"
    printf '%s\t%s\t%s\tnan\tnan\tnan\t0\tnan\t0\tnan\tnan\tnan\tnan\n' "$rep" "$name" "$size" >>"$RESULTS"
    return
  fi
  local sut_before before hs_before after sut_after hs_after
  hs_before=$(handshakes "$name")
  sut_before=$(sut_cpu_ticks "${PID[$name]}")
  before=$(core_busy_ticks)
  load "$name" "$DURATION" "$size" --latency >"$raw" 2>&1 || true
  after=$(core_busy_ticks)
  sut_after=$(sut_cpu_ticks "${PID[$name]}")
  hs_after=$(handshakes "$name")
  local rps p50 p99 requests bad mean
  if is_h2 "$name"; then
    read -r rps p50 p99 requests bad mean < <(parse_h2load "$raw")
  else
    read -r rps p50 p99 requests bad mean < <(parse_wrk "$raw")
  fi
  [ -n "$rps" ] && [ "$rps" != nan ] && [ -n "$requests" ] && [ "$requests" -gt 0 ] || {
    say "the load generator failed against $name: $(grep -m2 -iE 'error|abort|protocol' "$raw" | tr '\n' ' ')"
    rps=nan p50=nan p99=nan requests=0 mean=nan
  }
  local cpu sut_cpu per_hs=nan load1
  cpu=$(us_per_request $((after - before)) "$requests")
  sut_cpu=$(us_per_request $((sut_after - sut_before)) "$requests")
  [ -z "$hs_before" ] || [ "$requests" = 0 ] ||
    per_hs=$(awk -v h=$((hs_after - hs_before)) -v n="$requests" 'BEGIN { printf "%.3f", h / n }')
  load1=$(cut -d' ' -f1 /proc/loadavg)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rep" "$name" "$size" "$rps" "$p50" \
    "$p99" "$requests" "$cpu" "$bad" "$load1" "$sut_cpu" "$mean" "$per_hs" >>"$RESULTS"
  say "rep $rep $name /$size: $rps req/s, p50 $p50 ms, p99 $p99 ms, mean $mean ms, $cpu µs CPU/req (own $sut_cpu)$(
    [ "$per_hs" = nan ] || echo ", $per_hs handshakes/req"), load $load1$([ "$bad" = 0 ] || echo ", $bad errors or non-2xx")"
}

LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
say "load average at the start: $LOAD_AT_START"
if [ -n "$MEASURED" ]; then
  say "warming up ($WARMUP per system and size)"
  for name in $MEASURED; do
    for size in $(sizes_of "$name"); do load "$name" "$WARMUP" "$size" "" >/dev/null 2>&1 || true; done
  done
  say "measuring: $REPS repetitions of [$MEASURED] × [$SIZES], $DURATION each"
fi
for rep in $(seq 1 "$REPS"); do
  for size in $SIZES; do
    for name in $MEASURED; do
      if [[ " $(sizes_of "$name") " == *" $size "* ]]; then measure "$rep" "$name" "$size"; fi
    done
  done
done

# --- report -------------------------------------------------------------------------------
{
  echo "Machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(uname -r)"
  echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC'), $REPS interleaved repetitions of $DURATION;" \
    "wrk -t1 -c$CONNECTIONS (HTTPS, HTTP/1.1 keep-alive; Connection: close for handshakes)," \
    "h2load -t1 -c$CONNECTIONS -m$H2_STREAMS (ALPN h2)"
  echo "Load average (1/5/15 min) at the start: $LOAD_AT_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "nginx: $("$NGINX" -v 2>&1 | sed 's/.*: //'); centinela: $([ "$want_centinela" = 1 ] &&
    "$CENTINELA_BIN" version 2>/dev/null | head -n 1 || echo 'not measured') (${CENTINELA_BIN:-});" \
    "$(openssl version | cut -d' ' -f1-2)"
  echo
  "$PYTHON" bench/tls_summary.py "$RESULTS" "$FAILURES"
} | tee "$OUT/summary.md"
say "raw load-generator output and results.tsv in $OUT"
