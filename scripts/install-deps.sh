#!/usr/bin/env bash
# Installs every Debian 12 package centinela needs to build, test, demo and benchmark.
# Idempotent: only missing packages are installed; `apt-get update` runs only then.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libyaml-cpp-dev libfmt-dev libhiredis-dev libssl-dev zlib1g-dev
  libbrotli-dev libzstd-dev
  # the allocator linked into the binary
  libmimalloc-dev
  # HTTP/2 for clients (issue 16): nghttp2's server session
  libnghttp2-dev
  # attack detection (issue 13): Hyperscan for the rule patterns, PCRE2 to confirm the
  # few it cannot express, Debian's OWASP CRS as the rules, libmodsecurity3 for the
  # compatibility engine
  libhyperscan-dev libpcre2-dev modsecurity-crs libmodsecurity-dev
  # tests
  libgtest-dev libgmock-dev redis-server prometheus curl
  # the HTTPS tests make their CA and certificates with the openssl CLI
  openssl
  # the dashboard's browser test (tests/browser): headless Chromium
  chromium
  # fuzzing (scripts/fuzz.sh): clang's libFuzzer and sanitizers
  clang libclang-rt-14-dev
  # demo origin (a FastAPI app, as our users write them)
  python3 python3-fastapi python3-uvicorn
  # the WebSocket origin of the integration tests (uvicorn serves WebSockets through it)
  python3-websockets
  # HTTP/2 tests: nghttp/h2load (clients, bench) and python3-h2 (raw-frame attack tests)
  nghttp2-client python3-h2
  # benchmark peers and load generator
  nginx-light wrk varnish
  # the WAF bench's peer: nginx + ModSecurity 3 + CRS
  libnginx-mod-http-modsecurity
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts these services on install; tests and benchmarks start their own.
for svc in redis-server nginx prometheus varnish varnishncsa; do
  if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || true; fi
  $SUDO service "$svc" stop >/dev/null 2>&1 || true
done
