#!/usr/bin/env bash
# Build guide-rl/tests (docker/test.Dockerfile) without network access during the build: the
# context holds the source tree (with the test data in tests/data) and wheels of guide-rl[dev] and
# everything it needs (built here with pip, which reaches PyPI or its cache).
#
#   bash docker/build_test_image.sh [TAG]     (default tag: guide-rl/tests)
# Needs the sandbox base image (python -m sandbox.images builds it, offline if need be).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tag=${1:-guide-rl/tests}
python=${PYTHON:-python3}

base=$("$python" -m sandbox.images)
ctx=$(mktemp -d "${TMPDIR:-/tmp}/guide-rl-test-image.XXXXXX")
trap 'rm -rf "$ctx"' EXIT
mkdir "$ctx/src"
tar -C "$repo" --exclude=.git --exclude=.venv --exclude='__pycache__' --exclude='*.egg-info' \
    --exclude=.gl --exclude=.whl -cf - . | tar -C "$ctx/src" -xf -
echo "building wheels of guide-rl[dev] ..." >&2
"$python" -m pip wheel --quiet --wheel-dir "$ctx/wheels" "$repo[dev]" pip
docker build --quiet --force-rm --build-arg "BASE=$base" -t "$tag" -f "$repo/docker/test.Dockerfile" "$ctx"
echo "$tag"
