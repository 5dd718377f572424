#!/usr/bin/env bash
# What the WAF stage costs a request on the gateway's core (issue 13), by the shared method
# (/work/shared/bench/README.md, "WAF cost"): one gateway with two routes, `/waf/` inspected
# (block mode, paranoia 1) and `/` not; the same benign API request through each,
# interleaved; CPU per request on core 0 (and the gateway's own), and the difference.
# nginx + ModSecurity 3 + Debian's CRS (PL1) is measured the same way in the same run: one
# nginx with `modsecurity on` in `location /waf/` only.
#
# Requests (the bytes of bench/waf/tools/bench_requests.cpp, the in-process `waf_cpu`'s):
#   get   GET /api/orders?status=shipped&page=2 with a browser's headers, a JWT and cookies
#   json  the same headers, POST /api/orders with a 4,108-byte JSON order
#
# Knobs (environment): REPS=5 DURATION=10s WARMUP=2s CONNECTIONS=64 CASES="get json"
#   SYSTEMS="centinela nginx-modsec" CENTINELA_BIN=path (skip the Release build)
#   KEEP_RUNDIR=1 (keep configs and logs)
# Layout as bench/run.sh: the gateway alone on core 0; origin (nginx answering 200 to
# everything) and wrk on core 1. Ports 18850-18853.
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
CASES=${CASES:-get json}
SYSTEMS=${SYSTEMS:-centinela nginx-modsec}
ORIGIN_PORT=18850
declare -A PORT=([centinela]=18851 [nginx-modsec]=18852)
ADMIN_PORT=18853
MODSEC_MODULE=/usr/lib/nginx/modules/ngx_http_modsecurity_module.so
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

for name in $SYSTEMS; do
  [ -n "${PORT[$name]:-}" ] || die "unknown system '$name' (known: centinela nginx-modsec)"
done
for tool in wrk taskset curl "$NGINX"; do
  command -v "$tool" >/dev/null || die "$tool missing (make deps)"
done
for port in $ORIGIN_PORT "${PORT[@]}" $ADMIN_PORT; do
  port_busy "$port" && die "port $port is in use (another bench run?)"
done

want_centinela=0
[[ " $SYSTEMS " == *" centinela "* ]] && want_centinela=1
build_centinela
[ "$want_centinela" = 1 ] || SYSTEMS=${SYSTEMS//centinela/}
if [[ " $SYSTEMS " == *" nginx-modsec "* ]] && [ ! -f "$MODSEC_MODULE" ]; then
  say "WARNING: no $MODSEC_MODULE (libnginx-mod-http-modsecurity): nginx-modsec skipped"
  SYSTEMS=${SYSTEMS//nginx-modsec/}
fi
SYSTEMS=$(echo "$SYSTEMS" | xargs)
[ -n "$SYSTEMS" ] || die "nothing to measure"

start_run_dir centinela-waf-cost waf-cost-

# The requests, as wrk scripts: the headers of bench_requests.cpp and its JSON order.
"$PYTHON" - "$ROOT/bench/waf/tools/bench_requests.cpp" "$RUNDIR" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
rundir = sys.argv[2]
order = re.search(r'R"json\((.*?)\)json"', src, re.S).group(1)
jwt = "".join(re.findall(r'"([^"]*)"', re.search(r'kJwt =(.*?);', src, re.S).group(1)))
fields = re.search(r'browser_headers\(\) \{(.*?)\n\}', src, re.S).group(1)
headers = []
for name, value in re.findall(r'\{"([^"]+)",\s*((?:kJwt)|(?:"[^"]*"\s*)+)\}', fields):
    headers.append((name, jwt if value == "kJwt" else "".join(re.findall(r'"([^"]*)"', value))))
open(rundir + "/order.json", "w").write(order)
def lua(method, body):
    out = ['wrk.method = "%s"' % method]
    for name, value in headers:
        out.append('wrk.headers["%s"] = "%s"' % (name, value.replace('\\', '\\\\').replace('"', '\\"')))
    if body:
        out.append('local f = assert(io.open("%s/order.json", "rb"))' % rundir)
        out.append('wrk.body = f:read("*a")\nf:close()')
        out.append('wrk.headers["Content-Type"] = "application/json"')
    return "\n".join(out) + "\n"
open(rundir + "/get.lua", "w").write(lua("GET", False))
open(rundir + "/json.lua", "w").write(lua("POST", True))
PY
declare -A TARGET=([get]="/api/orders?status=shipped&page=2" [json]="/api/orders")

# The origin: 200 and a small JSON body for any method and path.
cat >"$RUNDIR/origin.conf" <<EOF
worker_processes 1;
daemon off;
pid $RUNDIR/origin.pid;
error_log $RUNDIR/origin.error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_timeout 75s;
    keepalive_requests 1000000;
    client_body_temp_path $RUNDIR/tmp/origin_body;
    default_type application/json;
    server { listen 127.0.0.1:$ORIGIN_PORT; location / { return 200 '{"ok":true}'; } }
}
EOF

# centinela: `/waf/` inspected, everything else not; the same upstream and keep-alive.
cat >"$RUNDIR/centinela.yaml" <<EOF
server:
  listen: ["127.0.0.1:${PORT[centinela]}"]
  workers: 1
  limits: {idle_timeout: 75s}
admin:
  listen: "127.0.0.1:$ADMIN_PORT"
upstreams:
  origin:
    servers: ["127.0.0.1:$ORIGIN_PORT"]
    max_idle_per_worker: 64
routes:
  - name: waf
    match: {prefix: "/waf/"}
    upstream: origin
    waf: {mode: block, paranoia: 1}
  - name: plain
    match: {prefix: "/"}
    upstream: origin
EOF

# nginx + ModSecurity: the ModSecurity settings of bench/waf (recommended settings, CRS at
# PL1) in `location /waf/` only.
sed -e "s|RUNDIR|$RUNDIR|g" -e "s|PARANOIA|1|g" bench/waf/configs/modsecurity.conf \
  >"$RUNDIR/modsecurity.conf"
cat >"$RUNDIR/nginx-modsec.conf" <<EOF
load_module $MODSEC_MODULE;
worker_processes 1;
daemon off;
pid $RUNDIR/nginx-modsec.pid;
error_log $RUNDIR/nginx-modsec.error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_timeout 75s;
    keepalive_requests 1000000;
    client_max_body_size 1m;
    client_body_buffer_size 1m;
    client_body_temp_path $RUNDIR/tmp/nginx_body;
    proxy_temp_path $RUNDIR/tmp/nginx_proxy;
    fastcgi_temp_path $RUNDIR/tmp/nginx_fastcgi;
    uwsgi_temp_path $RUNDIR/tmp/nginx_uwsgi;
    scgi_temp_path $RUNDIR/tmp/nginx_scgi;
    upstream origin { server 127.0.0.1:$ORIGIN_PORT; keepalive 64; }
    server {
        listen 127.0.0.1:${PORT[nginx-modsec]} backlog=4096;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        location /waf/ {
            modsecurity on;
            modsecurity_rules_file $RUNDIR/modsecurity.conf;
            proxy_pass http://origin;
        }
        location / { proxy_pass http://origin; }
    }
}
EOF

declare -A PID
taskset -c "$HARNESS_CORE" "$NGINX" -c "$RUNDIR/origin.conf" -p "$RUNDIR" &
pids+=($!)
for name in $SYSTEMS; do
  if [ "$name" = centinela ]; then
    "$CENTINELA_BIN" check -c "$RUNDIR/centinela.yaml" >/dev/null || die "centinela check failed"
    taskset -c "$SUT_CORE" "$CENTINELA_BIN" run -c "$RUNDIR/centinela.yaml" \
      >"$RUNDIR/centinela.log" 2>&1 &
  else
    taskset -c "$SUT_CORE" "$NGINX" -c "$RUNDIR/nginx-modsec.conf" -p "$RUNDIR" \
      >"$RUNDIR/nginx-modsec.log" 2>&1 &
  fi
  PID[$name]=$!
  pids+=($!)
done

# Ready, and really inspecting: each benign request passes both routes, an injection in the
# query is refused on `/waf/` and passes on `/`.
status_of() {  # system path [curl args...]
  local name=$1 path=$2
  shift 2
  curl -s -o /dev/null -w '%{http_code}' "$@" "http://127.0.0.1:${PORT[$name]}$path" || true
}
curl_args() {  # case → curl arguments with the case's headers (and body)
  "$PYTHON" - "$RUNDIR/$1.lua" <<'PY'
import re, sys
for name, value in re.findall(r'wrk.headers\["([^"]+)"\] = "((?:[^"\\]|\\.)*)"', open(sys.argv[1]).read()):
    print("-H"); print("%s: %s" % (name, value.replace('\\"', '"').replace('\\\\', '\\')))
PY
  [ "$1" = json ] && printf '%s\n' --data-binary "@$RUNDIR/order.json"
  return 0
}
for name in $SYSTEMS; do
  for _ in $(seq 1 150); do
    [ "$(status_of "$name" /waf/ready)" = 200 ] && break
    sleep 0.2
  done
  for case in $CASES; do
    mapfile -t args < <(curl_args "$case")
    for prefix in "" /waf; do
      got=$(status_of "$name" "$prefix${TARGET[$case]}" "${args[@]}")
      [ "$got" = 200 ] || die "$name: the benign $case request to '$prefix${TARGET[$case]}' answered $got, not 200"
    done
  done
  attack="/api/orders?q=1%20UNION%20SELECT%20password%20FROM%20users--"
  [ "$(status_of "$name" "/waf$attack")" = 403 ] || die "$name: the injection on /waf/ was not refused"
  [ "$(status_of "$name" "$attack")" = 200 ] || die "$name: the injection on / did not pass"
done

RESULTS=$OUT/results.tsv
printf 'rep\tsystem\tcase\troute\treq_s\trequests\tcpu_us\town_us\tbad\tload1\n' >"$RESULTS"
measure() {  # rep system case route(waf|plain)
  local rep=$1 name=$2 case=$3 route=$4 raw=$OUT/wrk-$2-$3-$4-$1.txt
  local prefix="" && [ "$route" = waf ] && prefix=/waf
  local url="http://127.0.0.1:${PORT[$name]}$prefix${TARGET[$case]}"
  local before after own_before own_after
  own_before=$(sut_cpu_ticks "${PID[$name]}")
  before=$(core_busy_ticks)
  taskset -c "$HARNESS_CORE" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --timeout 30s -s "$RUNDIR/$case.lua" "$url" \
    >"$raw" 2>&1 || true
  after=$(core_busy_ticks)
  own_after=$(sut_cpu_ticks "${PID[$name]}")
  local rps requests bad
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$raw")
  requests=$(awk '/requests in/ { print $1 }' "$raw")
  bad=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { for (i = 4; i <= NF; i += 2) n += $i } END { print n + 0 }' "$raw")
  if [ -z "$rps" ] || [ -z "$requests" ]; then rps=nan requests=0; fi
  local cpu own load1
  cpu=$(us_per_request $((after - before)) "$requests")
  own=$(us_per_request $((own_after - own_before)) "$requests")
  load1=$(cut -d' ' -f1 /proc/loadavg)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rep" "$name" "$case" "$route" "$rps" \
    "$requests" "$cpu" "$own" "$bad" "$load1" >>"$RESULTS"
  say "rep $rep $name $case /$route: $rps req/s, $cpu µs CPU/req (own $own), load $load1$([ "$bad" = 0 ] || echo ", $bad errors or non-2xx")"
}

for name in $SYSTEMS; do
  for case in $CASES; do
    for prefix in "" /waf; do
      taskset -c "$HARNESS_CORE" wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" --timeout 30s -s "$RUNDIR/$case.lua" \
        "http://127.0.0.1:${PORT[$name]}$prefix${TARGET[$case]}" >/dev/null 2>&1 || true
    done
  done
done
say "measuring: $REPS repetitions of [$SYSTEMS] × [$CASES] × [plain waf], wrk -t1 -c$CONNECTIONS -d$DURATION"
for rep in $(seq 1 "$REPS"); do
  for case in $CASES; do
    for name in $SYSTEMS; do
      measure "$rep" "$name" "$case" plain
      measure "$rep" "$name" "$case" waf
    done
  done
done

"$PYTHON" bench/waf_cost_summary.py "$RESULTS" >"$OUT/summary.md"
{
  echo
  echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC'), $REPS interleaved repetitions, wrk -t1 -c$CONNECTIONS -d$DURATION"
  echo "nginx: $("$NGINX" -v 2>&1 | sed 's/.*: //'); centinela: $([ "$want_centinela" = 1 ] && "$CENTINELA_BIN" version 2>/dev/null | head -n 1 || echo 'not measured')"
} >>"$OUT/summary.md"
cat "$OUT/summary.md"
say "raw wrk output and results.tsv in $OUT"
