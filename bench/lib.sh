# shellcheck shell=bash
# Shared by bench/run.sh and bench/tls.sh (sourced, not run): messages, the run directory, the JSON bodies
# the origin serves, and the CPU accounting of the method (/work/shared/bench/README.md).
# The sourcing script sets SUT_CORE and PYTHON first.

say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }

# JSON bodies of exactly N bytes (100 B and 16 KiB in the method).
json_of_size() {  # bytes
  "$PYTHON" - "$1" <<'PY'
import sys
size = int(sys.argv[1])
head, tail = '{"ok":true,"pad":"', '"}\n'
sys.stdout.write(head + "x" * (size - len(head) - len(tail)) + tail)
PY
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

CLK_TCK=$(getconf CLK_TCK)
core_busy_ticks() {  # busy = every field but idle and iowait; guest time is already in user/nice
  awk -v cpu="cpu$SUT_CORE" '$1 == cpu { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}
# The system under test's own CPU (user + system, its processes: the one started and its
# children), in clock ticks. Unlike core 0's busy time it leaves out whatever else the
# machine runs on core 0 (other builds on a shared machine), so it drifts less.
sut_cpu_ticks() {  # pid
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    [ -r "/proc/$p/stat" ] || continue
    total=$((total + $(sed 's/.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }')))
  done
  echo "$total"
}
us_per_request() {  # ticks requests → µs per request, or nan
  awk -v t="$1" -v hz="$CLK_TCK" -v n="${2:-0}" \
    'BEGIN { if (n > 0) printf "%.2f", t * 1e6 / hz / n; else print "nan" }'
}
to_ms() {  # wrk latency like 812.00us, 1.80ms, 1.02s
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
    printf "%.3f", n }'
}

# The run's scratch directory (configs, content, caches), the systems' processes and
# their cleanup on exit. Sets RUNDIR, WWWDIR, SHMDIR (nginx's proxy_cache on tmpfs, as
# in the anchors), OUT (bench/out/PREFIX<time>) and `pids` (the caller appends each
# process it starts); writes the 100 B and 16 KiB bodies into WWWDIR.
start_run_dir() {  # mktemp-name out-prefix
  RUNDIR=$(mktemp -d "/tmp/$1.XXXXXX")
  chmod 755 "$RUNDIR"  # nginx workers run as nobody and must read the content
  WWWDIR=$RUNDIR/www
  SHMDIR=/dev/shm/$(basename "$RUNDIR")
  mkdir -p "$WWWDIR" "$RUNDIR/tmp" "$SHMDIR"
  OUT=$ROOT/bench/out/$2$(date +%Y%m%d-%H%M%S)
  mkdir -p "$OUT"
  pids=()
  trap stop_run EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  json_of_size 100 >"$WWWDIR/small"
  json_of_size 16384 >"$WWWDIR/large"
}
stop_run() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$SHMDIR"
  if [ "${KEEP_RUNDIR:-0}" = 1 ]; then say "kept $RUNDIR"; else rm -rf "$RUNDIR"; fi
  exit "$status"
}

# The Release build the runs measure, in build-release/ (unless CENTINELA_BIN names a
# binary): sets CENTINELA_BIN, or want_centinela=0 when it does not build.
build_centinela() {
  [ "$want_centinela" = 1 ] && [ -z "${CENTINELA_BIN:-}" ] || return 0
  say "building centinela (Release: LTO and PGO, scripts/build-release.sh) in build-release/"
  if bash scripts/build-release.sh centinela; then
    CENTINELA_BIN=$ROOT/build-release/centinela
  else
    say "WARNING: centinela did not build; measuring the others only"
    want_centinela=0
  fi
}
