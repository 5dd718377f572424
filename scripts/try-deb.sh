#!/usr/bin/env bash
# Installs a centinela .deb into a throw-away root with `dpkg --root` (its
# maintainer scripts run too, against that root: DPKG_ROOT), then starts the
# installed binary from there with the installed example configuration, on
# free ports, and checks that it serves: /health answers, a request reaches
# a stand-in origin through it, SIGTERM stops it with exit 0.
#
#   scripts/try-deb.sh [PACKAGE.deb]     (default: the newest build-release/centinela_*.deb)
#   KEEP_ROOT=1 keeps the root for a look around.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

deb="${1:-$(ls -t build-release/centinela_*.deb 2>/dev/null | head -1)}"
[ -n "$deb" ] && [ -f "$deb" ] || { echo "try-deb: no package; run 'make deb' or pass one" >&2; exit 2; }

root="$(mktemp -d /tmp/centinela-deb-root.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${KEEP_ROOT:-0}" = 1 ]; then echo "try-deb: root kept in $root"; else rm -rf "$root"; fi
}
trap cleanup EXIT
fail() { echo "try-deb: FAIL: $*" >&2; exit 1; }

# A root with an empty dpkg database and the account files the postinst edits.
mkdir -p "$root"/var/lib/dpkg/{info,updates,triggers} "$root"/var/log "$root"/etc "$root"/tmp
: > "$root/var/lib/dpkg/status"
: > "$root/var/lib/dpkg/available"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
printf 'root:*:19000:0:99999:7:::\n' > "$root/etc/shadow"
printf 'root:*::\n' > "$root/etc/gshadow"
chmod 600 "$root/etc/shadow" "$root/etc/gshadow"

echo "try-deb: installing $deb into $root"
# --force-depends: the root has no other packages (the host provides the
# libraries); --force-script-chrootless: the scripts run here with DPKG_ROOT.
force=(--force-depends --force-script-chrootless --force-unsafe-io)
[ "$(id -u)" -eq 0 ] || force+=(--force-not-root)
dpkg --root="$root" "${force[@]}" -i "$deb" >"$root/tmp/dpkg.out" 2>&1 ||
  { cat "$root/tmp/dpkg.out" >&2; fail "dpkg -i"; }

bin="$root/usr/bin/centinela"
[ -x "$bin" ] || fail "no $bin"
[ -f "$root/lib/systemd/system/centinela.service" ] || fail "no systemd unit"
[ -f "$root/usr/share/man/man1/centinela.1.gz" ] || fail "no man page"
grep -q '^centinela:' "$root/etc/passwd" || fail "postinst did not create the centinela user"
grep -q '^centinela:' "$root/etc/group" || fail "postinst did not create the centinela group"
[ "$(stat -c %a "$root/etc/centinela/centinela.yaml")" = 640 ] || fail "the config is not 0640"
dpkg --root="$root" -s centinela | grep -q '^Status: install ok installed' || fail "dpkg state"
echo "try-deb: $("$bin" version) installed; user: $(grep '^centinela:' "$root/etc/passwd")"

# The installed example, moved to free ports and into the root's /var.
read -r port admin_port origin_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
config="$root/tmp/centinela.yaml"
sed -e "s|\"0.0.0.0:8080\"|\"127.0.0.1:$port\"|" \
    -e "s|\"127.0.0.1:9901\"|\"127.0.0.1:$admin_port\"|" \
    -e "s|\"127.0.0.1:8000\"|\"127.0.0.1:$origin_port\"|" \
    -e "s|/var/log/centinela|$root/var/log/centinela|" \
    "$root/etc/centinela/centinela.yaml" > "$config"
mkdir -p "$root/var/log/centinela" "$root/srv/api"
echo '{"items": []}' > "$root/srv/api/items"
echo 'ok' > "$root/srv/health"  # the example's upstream health check
python3 -m http.server "$origin_port" --bind 127.0.0.1 --directory "$root/srv" >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$origin_port/health" >/dev/null && break; sleep 0.1; done

"$bin" check -c "$config" >/dev/null 2>&1 || { "$bin" check -c "$config"; fail "check"; }
"$bin" run -c "$config" >"$root/tmp/centinela.out" 2>&1 &
gateway=$!
pids+=($gateway)
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$admin_port/health" >/dev/null 2>&1 && break
  kill -0 "$gateway" 2>/dev/null || { cat "$root/tmp/centinela.out" >&2; fail "the gateway exited"; }
  sleep 0.1
done
curl -fs "http://127.0.0.1:$admin_port/health" >/dev/null || fail "/health did not answer"
body="$(curl -fsS "http://127.0.0.1:$port/api/items")" ||
  { cat "$root/tmp/centinela.out" >&2; fail "no answer through the gateway"; }
[ "$body" = '{"items": []}' ] || fail "unexpected body: $body"
[ -s "$root/var/log/centinela/access.log" ] || sleep 1
grep -q '"path":"/api/items"' "$root/var/log/centinela/access.log" || fail "no access log line"
kill -TERM "$gateway"
status=0
wait "$gateway" || status=$?
[ "$status" -eq 0 ] || fail "exit status $status after SIGTERM"
echo "try-deb: OK — served from $bin, stopped cleanly"
