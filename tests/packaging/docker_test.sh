#!/usr/bin/env bash
# The Dockerfile, built stage by stage where a Docker daemon answers (skipped,
# exit 77, elsewhere: this machine's CI has the client but no daemon), then
# run: the health check turns healthy and SIGTERM stops the container.
#   docker_test.sh SOURCE_DIR
set -euo pipefail
source="$1"
if ! docker info >/dev/null 2>&1; then
  echo "docker_test: no Docker daemon here; skipped"
  exit 77
fi
tag="centinela-test:$$"
trap 'docker rm -f "centinela-test-$$" >/dev/null 2>&1 || true; docker rmi -f "$tag" >/dev/null 2>&1 || true' EXIT
docker build -q --target build -t "$tag-build" "$source" >/dev/null
docker build -q -t "$tag" "$source" >/dev/null
docker rmi -f "$tag-build" >/dev/null 2>&1 || true
[ "$(docker run --rm --entrypoint id "$tag" -un)" = centinela ] || { echo "not a non-root user" >&2; exit 1; }
docker run --rm "$tag" version
docker run -d --name "centinela-test-$$" "$tag" >/dev/null
for _ in $(seq 1 90); do
  state="$(docker inspect -f '{{.State.Health.Status}}' "centinela-test-$$")"
  [ "$state" = healthy ] && break
  sleep 2
done
[ "$state" = healthy ] || { docker logs "centinela-test-$$" >&2; echo "health: $state" >&2; exit 1; }
docker stop -t 40 "centinela-test-$$" >/dev/null
[ "$(docker inspect -f '{{.State.ExitCode}}' "centinela-test-$$")" = 0 ] || exit 1
echo "docker_test: OK"
