#!/usr/bin/env bash
# Fuzzes centinela's parsers of hostile input with libFuzzer (clang, with
# AddressSanitizer and UBSan): Cache-Control, JWTs, X-Forwarded-For,
# traceparent, the configuration file, request heads (pre-scan, request line,
# Transfer-Encoding, vetting), upstream response heads, Host / request-target
# normalisation, chunked request and response bodies, the L2 cache entry
# codec, Redis replies, SecLang rule files, @rx patterns (the pattern
# library's PCRE reader), the ModSecurity transformations, the deep decoders and the attack detectors.
# ctest already replays each target's seeds and 20,000 mutations of them on
# every `make test`; this goes further.
#
#   scripts/fuzz.sh [TARGET...]     default: every target, FUZZ_SECONDS (60) each
#
# Builds in build-fuzz. Each target starts from a copy of its seeds
# (tests/fuzz/corpus/NAME) in build-fuzz/corpus/NAME, which keeps what
# libFuzzer finds between runs; a crash leaves its input as
# build-fuzz/crash-* (replay it: build-fuzz/tests/fuzz/fuzz_NAME FILE).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
ALL="cache_control jwt client_ip traceparent config request_head request_target chunked_body response_body response_head entry_codec redis_reply seclang pattern_parse transform deep_decode detect waf_json waf_urlencoded waf_multipart"
TARGETS=${*:-$ALL}

bash scripts/install-deps.sh

if [ ! -f build-fuzz/build.ninja ]; then
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCENTINELA_FUZZ=ON
fi
targets=()
for name in $TARGETS; do targets+=("fuzz_$name"); done
cmake --build build-fuzz --target "${targets[@]}"

status=0
for name in $TARGETS; do
  corpus=build-fuzz/corpus/$name
  mkdir -p "$corpus"
  cp -n tests/fuzz/corpus/"$name"/* "$corpus"/
  echo "fuzz.sh: $name for ${FUZZ_SECONDS}s"
  if ! (cd build-fuzz && "tests/fuzz/fuzz_$name" -max_total_time="$FUZZ_SECONDS" \
          -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "corpus/$name"); then
    echo "fuzz.sh: $name FAILED (see build-fuzz/crash-* and the report above)" >&2
    status=1
  fi
done
exit $status
