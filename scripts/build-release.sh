#!/usr/bin/env bash
# The Release binary (make install, make deb, bench/): optimised across translation units
# (LTO) and by a profile of the traffic a gateway serves (PGO), in three steps:
#   1. build-pgo-gen/centinela, instrumented (CENTINELA_PGO=generate, no LTO: it only counts);
#   2. bench/pgo-train.sh sends it HTTP/1.1, HTTPS and h2 traffic (pass-through, cache hits,
#      compression, rate limits, the WAF) and it writes its profile as it exits;
#   3. build-release/centinela, built with that profile (CENTINELA_PGO=use) and LTO.
# Step 2 runs again only when the sources changed, and step 3 is then rebuilt from
# scratch (ninja does not know that the profile is an input of every object).
#
#   scripts/build-release.sh [TARGET...]   (default: centinela)
#   PGO=0: skip the profile (a plain LTO build, a few minutes shorter)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
GEN=build-pgo-gen
OUT=build-release
PROFILE=$ROOT/$GEN/profile
STAMP=$ROOT/$GEN/profile.stamp  # the sources the profile was taken from
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(centinela)
say() { echo "build-release: $*" >&2; }

configure() {  # dir, then cache settings; re-run each time so a changed setting applies
  local dir=$1
  shift
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCENTINELA_BUILD_TESTS=OFF "$@" >/dev/null
}

# What the profile depends on: the sources as committed and as edited. Not the binary:
# it embeds the commit id, and a commit that changes no source must not cost a training
# run and a rebuild from scratch. Outside a git checkout: the instrumented binary.
sources_fingerprint() {
  if git rev-parse --verify -q HEAD:src >/dev/null 2>&1; then
    { git rev-parse HEAD:src HEAD:CMakeLists.txt; git diff HEAD -- src CMakeLists.txt; } |
      sha256sum | cut -d' ' -f1
  else
    sha256sum "$GEN/centinela" | cut -d' ' -f1
  fi
}

pgo=use
if [ "${PGO:-1}" = 0 ]; then
  pgo=off
elif ! command -v h2load >/dev/null || { ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; }; then
  say "WARNING: no h2load or nginx for the training run (make deps): building without PGO"
  pgo=off
fi

if [ "$pgo" = use ]; then
  configure "$GEN" -DCENTINELA_LTO=OFF -DCENTINELA_PGO=generate -DCENTINELA_PGO_DIR="$PROFILE"
  cmake --build "$GEN" --target centinela
  fingerprint=$(sources_fingerprint)
  if [ ! -d "$PROFILE" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$fingerprint" ]; then
    say "training run (bench/pgo-train.sh)"
    rm -rf "$PROFILE" "$STAMP"
    if bash bench/pgo-train.sh "$GEN/centinela" &&
       [ -n "$(find "$PROFILE" -name '*.gcda' -print -quit 2>/dev/null)" ]; then
      echo "$fingerprint" >"$STAMP"
      # Every object of the Release build reads the new profile.
      if [ -f "$OUT/build.ninja" ]; then cmake --build "$OUT" --target clean >/dev/null; fi
    else
      say "WARNING: the training run failed or wrote no profile: building without PGO"
      rm -rf "$PROFILE"
      pgo=off
    fi
  fi
fi
if [ "$pgo" = use ]; then
  configure "$OUT" -DCENTINELA_PGO=use -DCENTINELA_PGO_DIR="$PROFILE"
else
  configure "$OUT" -DCENTINELA_PGO=off
fi
cmake --build "$OUT" --target "${targets[@]}"
