#!/usr/bin/env bash
# Instructions and heap allocations per request, counted by valgrind's callgrind:
# repeatable on this noisy machine, where wall-clock figures drift by ±20 %.
# Each case runs centinela (one worker) under callgrind twice, with N1 and N2
# requests on one keep-alive connection, and reports (run2 - run1) / (N2 - N1),
# so start-up and shutdown cancel out.
#
#   bench/callgrind.sh [CASE...]   cases: pass small-hit gzip-hit pass-nolive pass-tls (default: all)
#     pass-nolive: pass with admin.live_stats: false (pass − pass-nolive: what the
#     dashboard's live statistics cost a request, issue 15)
#     pass-noadmin (not in the default list): pass without an admin listener (nothing
#     could read the live statistics, so none are recorded: ≈ pass-nolive)
#     pass-tls: pass over HTTPS, TLS 1.3 with an ECDSA P-256 certificate made here;
#     the one handshake cancels out with start-up
#     pass-tls-nolog: pass-tls without the access log, like the nginx cases
#     pass-nolog: pass without the access log (against nginx-pass)
#     pass-h2 (not in the default list): pass-tls-nolog over h2 (ALPN), driven by
#     h2load -c1 -m10 (ten streams at a time on one connection)
#     hit-tls-nolog, hit-h2 (not in the default list): cache hits over HTTPS and h2, no log
#     nginx-pass, nginx-pass-tls, nginx-pass-h2, nginx-hit, nginx-hit-tls, nginx-hit-h2 (not in
#     the default list): Debian's nginx (one process, master_process off) proxying (or
#     answering from proxy_cache) the same way as bench/configs/nginx-tls.conf, no log;
#     its instructions, for comparison (its allocations are its malloc calls: pools, mostly)
#   CENTINELA_BIN=path (default build/centinela)  N1=200 N2=1200  KEEP=1 (keep outputs)
#   SIZE=small|large (the 100 B or 16 KiB body; default small)
#   CLIENTS=1: with more, h2load drives the requests over that many connections at once
#     (--h1 for HTTP/1.1 cases; h2 cases keep -m10 a connection), so per-request costs that
#     depend on concurrency (Asio's frame recycling, batching) show
#   PORT_BASE=18800: the origins listen on it and +1, the proxy on +30, its admin on +31
#     (another number lets two runs share the machine)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=${CENTINELA_BIN:-build/centinela}
N1=${N1:-200}
N2=${N2:-1200}
CASES=${*:-pass small-hit gzip-hit pass-nolive pass-tls}
command -v valgrind >/dev/null || { echo "valgrind missing" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

RUNDIR=$(mktemp -d /tmp/centinela-callgrind.XXXXXX)
chmod 755 "$RUNDIR"
trap 'kill $(jobs -p) 2>/dev/null || true; [ "${KEEP:-0}" = 1 ] || rm -rf "$RUNDIR"' EXIT
mkdir -p "$RUNDIR/www" "$RUNDIR/tmp"
python3 -c 'import json; print(json.dumps({"items": ["x" * 20] * 3})[:100].ljust(99))' \
  >"$RUNDIR/www/small"
python3 -c 'print("y" * 16383)' >"$RUNDIR/www/large"
SIZE=${SIZE:-small}
B=${PORT_BASE:-18800}
ORIGIN=$B ORIGIN_CACHED=$((B + 1)) PROXY=$((B + 30)) PROXY_ADMIN=$((B + 31))
sed -e "s#WWWDIR#$RUNDIR/www#g" -e "s#RUNDIR#$RUNDIR#g" \
  -e "s/18700/$ORIGIN/; s/18701/$ORIGIN_CACHED/" bench/configs/origin.conf >"$RUNDIR/origin.conf"
"$NGINX" -p "$RUNDIR" -e "$RUNDIR/origin.err" -c "$RUNDIR/origin.conf" &
sleep 0.5

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=bench -keyout "$RUNDIR/tls.key" -out "$RUNDIR/tls.pem" 2>/dev/null

config() {  # $1 = case
  local upstream=$ORIGIN extra="" live=true listen="\"127.0.0.1:$PROXY\"" log="{access: {path: $RUNDIR/access.json}}"
  local admin=yes
  local tls="{address: \"127.0.0.1:$PROXY\", tls: {cert: $RUNDIR/tls.pem, key: $RUNDIR/tls.key}}"
  case $1 in
    pass) ;;
    pass-nolive) live=false ;;
    pass-noadmin) admin=no ;;
    pass-nolog) log="{access: off}" ;;
    pass-tls) listen=$tls ;;
    pass-tls-nolog) listen=$tls log="{access: off}" ;;
    pass-h2) listen="${tls%\}}, http2: true}" log="{access: off}" ;;
    small-hit) upstream=$ORIGIN_CACHED; extra="    cache: {}" ;;
    gzip-hit) upstream=$ORIGIN_CACHED; extra=$'    cache: {}\n    compression: {min_size: 64}' ;;
    hit-tls-nolog) listen=$tls log="{access: off}" upstream=$ORIGIN_CACHED extra="    cache: {}" ;;
    hit-h2) listen="${tls%\}}, http2: true}" log="{access: off}" upstream=$ORIGIN_CACHED extra="    cache: {}" ;;
    *) echo "unknown case $1" >&2; exit 1 ;;
  esac
  cat <<YAML
server: {listen: [$listen], workers: 1}
$([ $admin = yes ] && echo "admin: {listen: \"127.0.0.1:$PROXY_ADMIN\", live_stats: $live}" || true)
log: $log
cache: {memory: 64MiB}
upstreams:
  origin: {servers: ["127.0.0.1:$upstream"], max_idle_per_worker: 64}
routes:
  - name: all
    match: {prefix: "/"}
    upstream: origin
$extra
YAML
}

# Sends $2 (+1 warm-up, so a cache case measures hits only) requests for $3 on
# one keep-alive connection.
drive() {
  python3 - "$@" <<'PY'
import socket, ssl, sys
port, n, path, gzip = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
s = socket.create_connection(("127.0.0.1", port))
if sys.argv[5] == "1":
    s = ssl._create_unverified_context().wrap_socket(s)
req = (f"GET {path} HTTP/1.1\r\nHost: bench\r\n"
       + ("Accept-Encoding: gzip\r\n" if gzip else "") + "\r\n").encode()
buf = b""
for _ in range(n + 1):
    s.sendall(req)
    while b"\r\n\r\n" not in buf:
        buf += s.recv(65536)
    head, _, rest = buf.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v)
    while len(rest) < length:
        rest += s.recv(65536)
    buf = rest[length:]
PY
}

# Total instructions, and allocation calls from a callgrind output: calls into
# operator new and the C allocators (aligned_alloc too: Asio's coroutine frames
# come from it) made by code that is not itself an allocator. With mimalloc
# linked, callgrind names these functions by whichever of mimalloc's aliases
# it meets first (mi_aligned_alloc for operator new, mi_new_nothrow, ...), so
# its mi_ entry points count as well, and its internal calls do not.
count() {
  python3 - "$1" <<'PY'
import re, sys
names, total, allocs, fn, cfn = {}, 0, 0, "", None
allocator = re.compile(r"(malloc|calloc|realloc|aligned_alloc|posix_memalign|memalign|"
                       r"operator new|mi_(new|malloc|calloc|realloc|zalloc|aligned_alloc|"
                       r"heap_malloc|heap_zalloc|heap_calloc|heap_realloc))")
internal = re.compile(r"(_?mi_|malloc|calloc|realloc|aligned_alloc|posix_memalign|memalign|"
                      r"operator new|_int_malloc|tcache)")
def name(line, prefix):
    m = re.match(prefix + r"=\((\d+)\)(?: (.*))?", line.strip())
    if m.group(2):
        names[m.group(1)] = m.group(2)
    return names.get(m.group(1), "")
for line in open(sys.argv[1], errors="replace"):
    if line.startswith(("summary:", "totals:")):
        total = int(line.split()[1])
    elif line.startswith("fn="):
        fn = name(line, "fn")
    elif line.startswith("cfn="):
        cfn = name(line, "cfn")
    elif line.startswith("calls=") and cfn is not None:
        if allocator.match(cfn) and not internal.match(fn):
            allocs += int(line[6:].split()[0])
        cfn = None
print(total, allocs)
PY
}

# The nginx peer: one process (no master), the proxying of bench/configs/nginx-tls.conf.
nginx_config() {  # $1 = case
  local listen="127.0.0.1:$PROXY" upstream=$ORIGIN cache=""
  [[ $1 == *-tls ]] && listen="127.0.0.1:$PROXY ssl"
  [[ $1 == *-h2 ]] && listen="127.0.0.1:$PROXY ssl http2"
  if [[ $1 == nginx-hit* ]]; then  # proxy_cache in memory-backed files, as in bench/configs
    upstream=$ORIGIN_CACHED
    cache="proxy_cache_path $RUNDIR/tmp/cache keys_zone=hits:10m; proxy_cache hits;"
  fi
  cat <<NGINX
worker_processes 1; daemon off; master_process off; pid $RUNDIR/nginx.pid;
error_log $RUNDIR/nginx.err warn;
events {}
http {
  access_log off; sendfile on; keepalive_timeout 75s; keepalive_requests 1000000;
  client_body_temp_path $RUNDIR/tmp/b; proxy_temp_path $RUNDIR/tmp/p;
  fastcgi_temp_path $RUNDIR/tmp/f; uwsgi_temp_path $RUNDIR/tmp/u; scgi_temp_path $RUNDIR/tmp/s;
  types {} default_type application/octet-stream;
  upstream origin { server 127.0.0.1:$upstream; keepalive 64; }
  $cache
  server {
    listen $listen; listen 127.0.0.1:$PROXY_ADMIN;
    ssl_certificate $RUNDIR/tls.pem; ssl_certificate_key $RUNDIR/tls.key;
    ssl_protocols TLSv1.2 TLSv1.3; ssl_session_cache off;
    location /health { return 200; }
    location / {
      proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection "";
      include $PWD/bench/configs/nginx-security-headers.conf;  # centinela's default fields
    }
  }
}
NGINX
}

measure() {  # $1 case, $2 requests → "instructions allocations"
  local out="$RUNDIR/cg.$1.$2" gz=0 tls=0
  [ "$1" = gzip-hit ] && gz=1
  [[ $1 == *-tls* ]] && tls=1
  if [[ $1 == nginx-* ]]; then
    nginx_config "$1" >"$RUNDIR/$1.conf"
    valgrind --tool=callgrind --callgrind-out-file="$out" "$NGINX" -p "$RUNDIR" -e "$RUNDIR/nginx.err" \
      -c "$RUNDIR/$1.conf" >"$RUNDIR/$1.$2.log" 2>&1 &
  else
    config "$1" >"$RUNDIR/$1.yaml"
    valgrind --tool=callgrind --callgrind-out-file="$out" "$BIN" run -c "$RUNDIR/$1.yaml" \
      >"$RUNDIR/$1.$2.log" 2>&1 &
  fi
  local pid=$!
  for _ in $(seq 100); do
    if [ "$1" = pass-noadmin ]; then  # no admin listener: the proxy's port accepting is enough
      (exec 3<>"/dev/tcp/127.0.0.1/$PROXY") 2>/dev/null && break
    else
      curl -s -o /dev/null "http://127.0.0.1:$PROXY_ADMIN/health" && break
    fi
    sleep 0.2
  done
  local clients=${CLIENTS:-1} scheme=http
  [[ $1 == *-tls* || $1 == *-h2 ]] && scheme=https
  if [[ $1 == *-h2 ]]; then  # +1 request, as drive sends
    h2load -n "$(($2 + 1))" -c"$clients" -m10 "https://127.0.0.1:$PROXY/$SIZE" >"$RUNDIR/$1.$2.h2load" 2>&1
    grep -q '^Application protocol: h2$' "$RUNDIR/$1.$2.h2load" || { echo "$1: no h2" >&2; exit 1; }
  elif [ "$clients" -gt 1 ]; then
    local accept=()
    [ "$gz" = 1 ] && accept=(-H "accept-encoding: gzip")
    h2load --h1 -n "$(($2 + clients))" -c"$clients" "${accept[@]}" "$scheme://127.0.0.1:$PROXY/$SIZE" \
      >"$RUNDIR/$1.$2.h2load" 2>&1
    grep -q "succeeded, 0 failed" "$RUNDIR/$1.$2.h2load" || { echo "$1: failed requests" >&2; exit 1; }
  else
    drive $PROXY "$2" "/$SIZE" "$gz" "$tls"
  fi
  kill -TERM "$pid"
  # nginx under valgrind with an h2 connection has been seen to miss the TERM; INT is its
  # fast shutdown too.
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" || true
  count "$out"
}

printf "%-12s %14s %16s\n" case "instr/request" "allocs/request"
for c in $CASES; do
  r1=$(measure "$c" "$N1")
  r2=$(measure "$c" "$N2")
  python3 -c "
a, b, n = list(map(int, '$r1'.split())), list(map(int, '$r2'.split())), $N2 - $N1
print('%-12s %14d %16.2f' % ('$c', (b[0] - a[0]) // n, (b[1] - a[1]) / n))"
done
