#!/usr/bin/env bash
# `make demo`: the demo origin on :9000, centinela on :8080 (admin :9901) in front of it.
# Runs until Ctrl-C; both processes are stopped on the way out.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Debian's interpreter: it has python3-fastapi and python3-uvicorn. A `python3` earlier on
# PATH (pyenv, a venv) usually does not.
PYTHON=/usr/bin/python3
GATEWAY=${CENTINELA_BIN:-build/centinela}
CONFIG=${CENTINELA_CONFIG:-examples/demo.yaml}
ORIGIN_PORT=9000

origin_pid=""
gateway_pid=""
cleanup() {
  trap - EXIT INT TERM
  # SIGTERM lets the gateway drain in-flight requests; wait for it before the origin goes.
  if [ -n "$gateway_pid" ] && kill -0 "$gateway_pid" 2>/dev/null; then
    kill -TERM "$gateway_pid" 2>/dev/null || true
    wait "$gateway_pid" 2>/dev/null || true
  fi
  if [ -n "$origin_pid" ] && kill -0 "$origin_pid" 2>/dev/null; then
    kill -TERM "$origin_pid" 2>/dev/null || true
    wait "$origin_pid" 2>/dev/null || true
  fi
  echo "demo: stopped"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_for() {  # url, what, pid: poll until the url answers, the process dies, or 60 s pass
  for _ in $(seq 1 600); do
    curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { echo "demo: $2 exited during start-up" >&2; return 1; }
    sleep 0.1
  done
  echo "demo: $2 did not answer $1 within 60 s" >&2
  return 1
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

[ -x "$GATEWAY" ] || { echo "demo: $GATEWAY not built; run 'make build'" >&2; exit 1; }
"$PYTHON" -c 'import fastapi, uvicorn' 2>/dev/null ||
  { echo "demo: $PYTHON lacks fastapi/uvicorn; run 'make deps'" >&2; exit 1; }
for port in "$ORIGIN_PORT" 8080 9901; do
  if port_busy "$port"; then echo "demo: port $port is already in use" >&2; exit 1; fi
done

# The first check on a machine compiles the WAF's rules (~15 s); later loads read
# them from the compile cache.
echo "demo: checking $CONFIG"
"$GATEWAY" check -c "$CONFIG"

echo "demo: starting the origin (FastAPI) on 127.0.0.1:$ORIGIN_PORT"
"$PYTHON" -m uvicorn demo_origin:app --app-dir examples --host 127.0.0.1 --port "$ORIGIN_PORT" \
  --no-access-log --log-level warning &
origin_pid=$!
wait_for "http://127.0.0.1:$ORIGIN_PORT/health" "the origin" "$origin_pid"

echo "demo: starting centinela with $CONFIG"
"$GATEWAY" run -c "$CONFIG" &
gateway_pid=$!
wait_for "http://127.0.0.1:9901/health" "centinela" "$gateway_pid"

# A short tour of attack detection, run before the gateway is handed over:
# an injection answered 403 with its incident_id and the incident recorded,
# then a scanner banned. X-Forwarded-For plays other clients (127.0.0.1 is
# a trusted proxy in demo.yaml), so the address you try things from keeps a
# clean score. DEMO_TOUR_ONLY=1: check what the tour saw and stop (a test
# runs it so).
tour_ok=1
tour() {
  local gw=http://127.0.0.1:8080 admin=http://127.0.0.1:9901 answer status body incident incidents codes bans
  echo
  echo "demo: tour 1/2 - an SQL injection in a query string, from client 203.0.113.7:"
  echo "  curl -i -H 'X-Forwarded-For: 203.0.113.7' \"$gw/api/search?q=1'%20OR%20'1'='1\""
  answer=$(curl -s -i --max-time 5 -H 'X-Forwarded-For: 203.0.113.7' "$gw/api/search?q=1'%20OR%20'1'='1" || true)
  status=$(printf '%s\n' "$answer" | head -1 | tr -d '\r')
  body=$(printf '%s\n' "$answer" | tail -1)
  echo "  -> $status"
  echo "  -> $body"
  incident=$(printf '%s' "$body" | sed -n 's/.*"incident_id":"\([^"]*\)".*/\1/p')
  [ "${status#HTTP/1.1 403}" != "$status" ] && [ -n "$incident" ] || tour_ok=0
  echo "  the incident, as the admin API lists it (curl -s $admin/admin/waf/incidents?limit=1):"
  incidents=$(curl -s --max-time 5 "$admin/admin/waf/incidents?limit=1" || true)
  echo "  -> $incidents"
  [ -n "$incident" ] && [ "${incidents#*"$incident"}" != "$incidents" ] || tour_ok=0

  echo
  echo "demo: tour 2/2 - a scanner (Nikto's User-Agent, client 203.0.113.10) probing for files:"
  codes=""
  for path in .env .git/config wp-login.php backup.sql admin.php phpinfo.php; do
    codes+="$(curl -s -o /dev/null --max-time 5 -w '%{http_code}' -A 'Nikto/2.1.6' \
      -H 'X-Forwarded-For: 203.0.113.10' "$gw/$path" || true) "
  done
  echo "  -> status codes: $codes(404s, then 403: banned)"
  [ "${codes% }" != "${codes% 403 }" ] || tour_ok=0
  bans=$(curl -s --max-time 5 "$admin/admin/bans" || true)
  echo "  the bans (curl -s $admin/admin/bans):"
  echo "  -> $bans"
  [ "${bans#*203.0.113.10}" != "$bans" ] || tour_ok=0
  if [ "$tour_ok" = 1 ]; then echo "demo: tour done"; else echo "demo: the tour did not see what it expected" >&2; fi
}
tour
if [ "${DEMO_TOUR_ONLY:-0}" = 1 ]; then
  [ "$tour_ok" = 1 ] && exit 0
  exit 1
fi

cat <<'TEXT'

  centinela is listening on http://127.0.0.1:8080 (admin on http://127.0.0.1:9901).
  Open http://127.0.0.1:9901/ in a browser for the live dashboard.
  Its access log (one JSON line per request) is printed below. Try, from another terminal:

    curl -i http://127.0.0.1:8080/api/articles          # proxied; note X-Request-ID, security
                                                         # headers, and no Server/X-Powered-By
    curl -i --http2-prior-knowledge http://127.0.0.1:8080/api/articles   # the same over HTTP/2
    curl -i http://127.0.0.1:8080/api/articles/42       # the origin's own 404
    curl -i http://127.0.0.1:8080/nope                  # no route: centinela's JSON 404
    curl -i http://127.0.0.1:8080/api/slow              # 2 s: logged with "speed":"slow"
    curl -i -H 'Authorization: Bearer alice' http://127.0.0.1:8080/api/users/me
    curl -i -X OPTIONS -H 'Origin: http://localhost:3000' \
         -H 'Access-Control-Request-Method: POST' http://127.0.0.1:8080/api/articles
    seq 30 | xargs -P 30 -I{} curl -s -o /dev/null -w '%{http_code} ' \
         http://127.0.0.1:8080/api/articles; echo       # 30 at once: 20 pass, then 429s
    curl -si http://127.0.0.1:8080/api/articles | grep -i ratelimit
    curl -si http://127.0.0.1:8080/api/articles/1 | grep -iE '^(x-cache|age|cache-status)'
                                                         # run twice: MISS, then HIT with Age
    curl -s -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download} bytes\n' \
         http://127.0.0.1:8080/api/large                # ~100 KiB of JSON, sent gzipped
    curl -s -X POST http://127.0.0.1:9901/admin/cache/purge -H 'Content-Type: application/json' -d '{"tags": ["article-1"]}'
    curl -s http://127.0.0.1:9901/metrics | grep centinela_cache_requests_total
    curl -s 'http://127.0.0.1:9901/admin/ratelimit?policy=per-ip-burst&key=127.0.0.1'
    curl -s http://127.0.0.1:9901/metrics | grep ^centinela_
    curl -s http://127.0.0.1:9901/health
    curl -s http://127.0.0.1:9901/ready

  Attack detection and bans (X-Forwarded-For plays another client: 127.0.0.1 is trusted):
    curl -i "http://127.0.0.1:8080/api/search?q=1'%20OR%20'1'='1"   # 403 with an incident_id
    curl -i http://127.0.0.1:8080/api/articles -H 'Content-Type: application/json' \
         -d '{"title": "<script>alert(1)</script>"}'             # a JSON body is inspected too
    curl -s -X POST http://127.0.0.1:8080/api/articles -H 'Content-Type: application/json' \
         -d '{"title": "Why SELECT * FROM users is slow, and what O'"'"'Brien did"}'  # prose passes
    for i in 1 2 3 4 5; do curl -s -o /dev/null -w '%{http_code} ' -H 'X-Forwarded-For: 203.0.113.9' \
         "http://127.0.0.1:8080/api/search?q=%3Cscript%3Ealert($i)%3C/script%3E"; done; echo
                                                         # 403s, then banned: 403 for any path
    curl -i -H 'X-Forwarded-For: 203.0.113.9' http://127.0.0.1:8080/api/articles  # "client temporarily banned"
    for p in .env .git/config wp-login.php backup.sql admin.php; do curl -s -o /dev/null \
         -w '%{http_code} ' -A 'Nikto/2.1.6' -H 'X-Forwarded-For: 203.0.113.10' \
         "http://127.0.0.1:8080/$p"; done; echo       # a scanner: 404s, then banned (403)
    curl -s http://127.0.0.1:9901/admin/waf/incidents?limit=3
    curl -s http://127.0.0.1:9901/admin/bans
    curl -s http://127.0.0.1:9901/admin/threat/top
    curl -s -X DELETE 'http://127.0.0.1:9901/admin/bans?ip=203.0.113.9'   # lift the ban

  Ctrl-C stops both.

TEXT

# Either process ending ends the demo; Ctrl-C lands in the INT trap above.
wait -n "$origin_pid" "$gateway_pid" || true
echo "demo: a process exited on its own" >&2
exit 1
