#!/bin/sh
# Builds and runs the L1 hit-ratio simulation (S3-FIFO store against LRU on
# Zipf traces). Usage: bench/cache_sim/run.sh [requests] [keys]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../../src"
out="${TMPDIR:-/tmp}/centinela_cache_sim"
g++ -std=c++20 -O2 -DNDEBUG -I"$src" -o "$out" "$here/cache_sim.cpp" \
  "$src/cache/memory_store.cpp" "$src/cache/s3fifo_shard.cpp" "$src/cache/cache_entry.cpp"
exec "$out" "$@"
