#!/usr/bin/env bash
# Install what the tests need (a venv, the pinned packages, Debian's Chromium) and run them all.
# --fast: ruff, then every test but the browser, slow and heavy ones (see tests/conftest.py),
# without installing Chromium, with JAX's persistent cache and a bytecode cache, so that a run
# after the first loads the programs and the modules the first compiled. Other arguments go
# to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
FAST=()
if [ "${1:-}" = "--fast" ]; then
  shift
  FAST=(-m "not browser and not slow and not heavy")
  export JAX_COMPILATION_CACHE_DIR="${OPTIVIZ_TEST_JAX_CACHE:-${TMPDIR:-/tmp}/optiviz-jax-tests}"
  export JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS=0 JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES=0
  # pytest, and each process a test starts, compiles the checkout's modules, and pytest
  # rewrites the test modules (4 s of CPU a process), unless their bytecode is kept: here
  # outside the checkout, and despite a PYTHONDONTWRITEBYTECODE of the environment.
  unset PYTHONDONTWRITEBYTECODE
  export PYTHONPYCACHEPREFIX="${TMPDIR:-/tmp}/optiviz-pycache"
fi
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
# pip runs when the pins or the package's metadata changed since its last success here (a
# no-op pip resolves every pin and re-installs the editable checkout: 10 s of CPU).
STAMP=.venv/.optiviz-installed
WANT="$(cat requirements.txt requirements-dev.txt pyproject.toml optiviz/pyproject.toml | sha256sum)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
  echo "$WANT" > "$STAMP"
fi
if [ ${#FAST[@]} = 0 ] && [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get install -y -q chromium >/dev/null 2>&1 || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q chromium >/dev/null; }
fi
if ! command -v redis-server >/dev/null; then  # tests/test_rooms.py starts its own on loopback
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get install -y -q redis-server >/dev/null 2>&1 || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q redis-server >/dev/null; }
fi
if [ ! -x /usr/sbin/nginx ] && ! command -v nginx >/dev/null; then  # tests/test_serve.py puts it before replicas
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get install -y -q nginx >/dev/null 2>&1 || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q nginx >/dev/null; }
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m pytest -q "${FAST[@]}" "$@"
