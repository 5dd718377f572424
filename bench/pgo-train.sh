#!/usr/bin/env bash
# The training run of a profile-guided build (scripts/build-release.sh): sends an
# instrumented centinela (CENTINELA_PGO=generate) the traffic a gateway serves, so that the
# compiler learns which way the request path goes. Every kind of request the gateway's
# request path handles is in it, each a few thousand times: HTTP/1.1, HTTPS and h2;
# pass-through (small and large bodies), cache hits (plain and gzip/brotli), a rate-limited
# route, the WAF on benign GETs and JSON bodies and on attacks (403s), 404s from the origin;
# with the JSON access log on. The figures of bench/ are not part of it: it runs no wrk,
# measures nothing, and its requests are not the bench's (other paths, other headers).
#
#   bench/pgo-train.sh BIN   (BIN: the instrumented binary; its profile is written where it
#                             was built to write it, when it exits)
#   REQUESTS=4000 (per kind)  PORT_BASE=19700 (origin on it and +1, the gateway on +10..+12)
#   VERBOSE=1 (each kind's time and status codes)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
BIN=${1:?usage: bench/pgo-train.sh BIN}
N=${REQUESTS:-4000}
[ "$N" -ge 200 ] || { echo "pgo-train: REQUESTS must be at least 200" >&2; exit 1; }
B=${PORT_BASE:-19700}
ORIGIN=$B ORIGIN_CACHED=$((B + 1)) HTTP=$((B + 10)) HTTPS=$((B + 11)) ADMIN=$((B + 12))
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
for tool in h2load curl openssl "$NGINX"; do
  command -v "$tool" >/dev/null || { echo "pgo-train: $tool missing (make deps)" >&2; exit 1; }
done

RUNDIR=$(mktemp -d /tmp/centinela-pgo-train.XXXXXX)
chmod 755 "$RUNDIR"
cleanup() {
  [ -n "${gateway:-}" ] && kill "$gateway" 2>/dev/null
  [ -n "${origin:-}" ] && kill "$origin" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$RUNDIR"
}
trap cleanup EXIT
mkdir -p "$RUNDIR/www/api" "$RUNDIR/tmp"
python3 -c 'import json; print(json.dumps({"items": ["x" * 20] * 3})[:100].ljust(99))' \
  >"$RUNDIR/www/small"
python3 -c 'import json; print(json.dumps({"rows": [{"id": i, "name": "row %d" % i} for i in range(600)]})[:16383])' \
  >"$RUNDIR/www/large"
cp "$RUNDIR/www/small" "$RUNDIR/www/api/orders"
sed -e "s#WWWDIR#$RUNDIR/www#g" -e "s#RUNDIR#$RUNDIR#g" \
  -e "s/18700/$ORIGIN/; s/18701/$ORIGIN_CACHED/" bench/configs/origin.conf >"$RUNDIR/origin.conf"
"$NGINX" -p "$RUNDIR" -e "$RUNDIR/origin.err" -c "$RUNDIR/origin.conf" &
origin=$!
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=localhost -keyout "$RUNDIR/tls.key" -out "$RUNDIR/tls.pem" 2>/dev/null

cat >"$RUNDIR/centinela.yaml" <<EOF
server:
  listen:
    - "127.0.0.1:$HTTP"
    - address: "127.0.0.1:$HTTPS"
      tls: {cert: $RUNDIR/tls.pem, key: $RUNDIR/tls.key}
      http2: true
  workers: 1
admin:
  listen: "127.0.0.1:$ADMIN"
log:
  access:
    path: $RUNDIR/access.json
cache:
  memory: 64MiB
upstreams:
  origin:
    servers: ["127.0.0.1:$ORIGIN"]
    max_idle_per_worker: 1024
  cacheable:
    servers: ["127.0.0.1:$ORIGIN_CACHED"]
routes:
  - name: hit
    match: {prefix: "/hit/"}
    strip_prefix: true
    upstream: cacheable
    cache: {}
  - name: compressed
    match: {prefix: "/gz/"}
    strip_prefix: true
    upstream: cacheable
    cache: {}
    compression: {min_size: 64}
  - name: limited
    match: {prefix: "/limited/"}
    strip_prefix: true
    upstream: origin
    rate_limit: {name: per_ip, key: [ip], limit: 100000000, window: 1s}
  - name: api
    match: {prefix: "/api/"}
    upstream: origin
    waf: {mode: block, paranoia: 1}
  - name: all
    match: {prefix: "/"}
    upstream: origin
EOF
"$BIN" run -c "$RUNDIR/centinela.yaml" >"$RUNDIR/centinela.out" 2>&1 &
gateway=$!
for _ in $(seq 1 300); do
  curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$ADMIN/health" 2>/dev/null && break
  kill -0 "$gateway" 2>/dev/null || { cat "$RUNDIR/centinela.out" >&2; exit 1; }
  sleep 0.2
done
curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$ADMIN/health" ||
  { echo "pgo-train: the gateway did not answer in 60 s" >&2; cat "$RUNDIR/centinela.out" >&2; exit 1; }

cat >"$RUNDIR/order.json" <<'EOF'
{"order_id": "ord_2024_118734", "customer": {"name": "Siobhan O'Brien", "email": "s.obrien@example.com"}, "items": [{"sku": "MUG-CER-350", "name": "Ceramic mug \"Morning person\"", "quantity": 1}], "note": "Please leave it with the concierge - thanks & sorry for the long note; select the quickest carrier."}
EOF
printf '{"q": "1 UNION SELECT password FROM users--", "bio": "<script>alert(1)</script>"}' \
  >"$RUNDIR/attack.json"

ua=(-H "user-agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
  -H "accept: application/json, text/plain, */*" -H "accept-encoding: gzip, deflate, br")
drive() {  # what h2load args...
  local what=$1
  shift
  local t0=$SECONDS
  # Every request answered (h2load counts a 4xx as failed: the 404s and 403s are meant).
  if ! h2load -t 1 "$@" >"$RUNDIR/h2load.out" 2>&1 ||
     ! grep -Eq "requests: ([0-9]+) total, \1 started, \1 done, .* 0 errored, 0 timeout" \
       "$RUNDIR/h2load.out"; then
    echo "pgo-train: $what failed" >&2
    cat "$RUNDIR/h2load.out" >&2
    exit 1
  fi
  [ -z "${VERBOSE:-}" ] || echo "$what: $((SECONDS - t0)) s, $(grep -m1 "^status codes" "$RUNDIR/h2load.out")" >&2
}
for base in "http://127.0.0.1:$HTTP" "https://127.0.0.1:$HTTPS"; do
  for proto in h1 h2; do
    [ "$proto" = h2 ] && [[ $base == http:* ]] && continue
    p=(); m=10
    [ "$proto" = h1 ] && { p=(--h1); m=1; }
    for path in small large hit/small hit/large limited/small api/orders?status=shipped missing; do
      drive "$proto $base/$path" "${p[@]}" -n "$N" -c 32 -m "$m" "${ua[@]}" "$base/$path"
    done
    drive "$proto gzip hits" "${p[@]}" -n "$N" -c 32 -m "$m" "${ua[@]}" "$base/gz/large"
    drive "$proto JSON bodies" "${p[@]}" -n "$((N / 4))" -c 32 -m "$m" "${ua[@]}" \
      -H "content-type: application/json" -d "$RUNDIR/order.json" "$base/api/orders"
    drive "$proto attacks" "${p[@]}" -n "$((N / 10))" -c 8 -m "$m" "${ua[@]}" \
      -H "content-type: application/json" -d "$RUNDIR/attack.json" "$base/api/orders"
  done
done
# New connections and handshakes (a request each), and the admin API.
for _ in $(seq 1 50); do curl -ksS -o /dev/null "https://127.0.0.1:$HTTPS/hit/small"; done
curl -fsS -o /dev/null "http://127.0.0.1:$ADMIN/metrics"

# The profile is written as the gateway exits: a graceful stop, never a kill.
kill -TERM "$gateway"
wait "$gateway" || { echo "pgo-train: the gateway did not exit cleanly" >&2; exit 1; }
gateway=
echo "pgo-train: $(wc -l <"$RUNDIR/access.json") requests served"
