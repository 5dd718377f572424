#!/usr/bin/env bash
# The Debian package, built by CPack from this build tree as `make deb` builds
# it from build-release: its contents (binary, systemd unit, configuration as
# a conffile, man page, docs), its control data (dependencies from the
# binary's libraries, maintainer scripts that create the `centinela` user),
# and scripts/try-deb.sh: installed into a throw-away root, the binary starts
# from there and serves.
#   deb_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build="$1"
source="$2"
out="$(mktemp -d /tmp/centinela-deb-test.XXXXXX)"
trap 'rm -rf "$out"' EXIT
fail() { echo "deb_test: FAIL: $*" >&2; exit 1; }

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$out" >"$out/cpack.log" 2>&1 ||
  { cat "$out/cpack.log" >&2; fail "cpack"; }
deb="$(ls "$out"/centinela_*.deb)"

contents="$(dpkg-deb --contents "$deb")"
for path in ./usr/bin/centinela ./lib/systemd/system/centinela.service \
            ./etc/centinela/centinela.yaml ./usr/share/man/man1/centinela.1.gz \
            ./usr/share/doc/centinela/configuration.md ./usr/share/doc/centinela/operations.md \
            ./usr/share/doc/centinela/README.md; do
  grep -q " $path\$" <<<"$contents" || fail "missing $path in: $contents"
done
# Stripped for the package: a few MB, not the build's debug binary.
size="$(awk '$6 == "./usr/bin/centinela" {print $3}' <<<"$contents")"
[ "$size" -lt 30000000 ] || fail "the binary is not stripped ($size bytes)"

dpkg-deb --ctrl-tarfile "$deb" > "$out/control.tar"
mkdir "$out/control" && tar -xf "$out/control.tar" -C "$out/control"
grep -qx '/etc/centinela/centinela.yaml' "$out/control/conffiles" || fail "config not a conffile"
grep -q 'useradd --system' "$out/control/postinst" || fail "postinst creates no user"
depends="$(dpkg-deb --field "$deb" Depends)"
for lib in libhyperscan5 libpcre2-8-0 libyaml-cpp libssl3; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done

unit="$(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./lib/systemd/system/centinela.service)"
for line in 'Type=notify' 'ExecStart=/usr/bin/centinela run -c /etc/centinela/centinela.yaml' \
            'ExecReload=/bin/kill -HUP $MAINPID' 'ProtectSystem=strict' 'NoNewPrivileges=true' \
            'User=centinela'; do
  grep -qxF "$line" <<<"$unit" || fail "unit lacks '$line'"
done
if command -v systemd-analyze >/dev/null; then
  # Offline: the unit's syntax and directives (the man page is not installed here).
  mkdir -p "$out/unit" && printf '%s\n' "$unit" > "$out/unit/centinela.service"
  problems="$(systemd-analyze verify --man=no "$out/unit/centinela.service" 2>&1 |
              grep -v 'centinela: .*No such file\|Command .* is not executable' || true)"
  [ -z "$problems" ] || fail "systemd-analyze: $problems"
fi

bash "$source/scripts/try-deb.sh" "$deb"
