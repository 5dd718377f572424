#!/usr/bin/env bash
# Regenerates docs/dashboard.png (the README's screenshot): runs the browser
# test, which drives the dashboard with known traffic in headless Chromium and
# saves BUILD/dashboard/dashboard.png, and copies it.
#   scripts/dashboard-screenshot.sh [BUILD_DIR]   (default: build)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
python3 "$root/tests/browser/dashboard_test.py" "$build/centinela" "$build/dashboard"
cp "$build/dashboard/dashboard.png" "$root/docs/dashboard.png"
echo "docs/dashboard.png updated"
