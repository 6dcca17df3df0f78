#!/usr/bin/env bash
# The one test command: prepares .venv (and the MicroPython runner), then runs every test.
#
#   tools/test.sh [pytest arguments...]
#
# With CI=true the Debian packages of tools/ci-packages.txt are installed first, and a test whose
# peer program is missing fails instead of being skipped. The exit code is pytest's, except that
# "no tests collected" (pytest exit 5) is a failure too.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1
PY="${PYTHON:-python3}"

stamp_ok() {  # stamp_ok FILE TEXT: is FILE holding TEXT?
    [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]
}

if [ "${CI:-}" = "true" ]; then
    packages=$(sed -e 's/#.*//' tools/ci-packages.txt | xargs)
    echo "test.sh: installing Debian packages: $packages"
    export DEBIAN_FRONTEND=noninteractive
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -q || exit 1
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -q --no-install-recommends $packages || exit 1
fi

# Python environment: reinstall only when pyproject.toml changed since the last install.
want="test,sim $(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv || exit 1
fi
if ! stamp_ok .venv/.stamp-test "$want" || [ ! -x .venv/bin/pytest ]; then
    echo "test.sh: installing the project and its test dependencies into .venv"
    .venv/bin/python -m pip install -q --upgrade pip || exit 1
    .venv/bin/python -m pip install -q -e '.[test,sim]' || exit 1
    echo "$want" > .venv/.stamp-test
fi

# MicroPython runner (Node): install its locked packages when they changed.
if [ -f tools/mpy/package.json ]; then
    if ! command -v npm >/dev/null; then
        echo "test.sh: npm is missing (nodejs, see tools/ci-packages.txt)" >&2
        [ "${CI:-}" = "true" ] && exit 1
    else
        lock=tools/mpy/package-lock.json
        [ -f "$lock" ] || lock=tools/mpy/package.json
        want_js="$(sha256sum "$lock" | cut -d' ' -f1)"
        stamp=tools/mpy/node_modules/.stamp-npm
        if [ ! -d tools/mpy/node_modules ] || ! stamp_ok "$stamp" "$want_js"; then
            if [ -f tools/mpy/package-lock.json ]; then
                (cd tools/mpy && npm ci --no-audit --no-fund) || exit 1
            else
                (cd tools/mpy && npm install --no-audit --no-fund) || exit 1
            fi
            echo "$want_js" > "$stamp"
        fi
    fi
fi

# Web UI (web/dist, never committed): install its locked npm packages when they changed, then
# bundle it as ./flash.sh does; the browser and API tests serve this build.
if [ -f web/package.json ]; then
    if ! command -v npm >/dev/null; then
        echo "test.sh: npm is missing (nodejs, see tools/ci-packages.txt)" >&2
        [ "${CI:-}" = "true" ] && exit 1
    else
        want_web="$(sha256sum web/package-lock.json | cut -d' ' -f1)"
        if ! stamp_ok web/node_modules/.stamp-npm "$want_web"; then
            (cd web && npm ci --no-audit --no-fund --loglevel=error) || exit 1
            echo "$want_web" > web/node_modules/.stamp-npm
        fi
        (cd web && node build.mjs) || exit 1
    fi
fi

# A hung test must fail on its own instead of stalling the whole run (pytest-timeout). Most tests
# wait on a card, a simulator or a peer process, so one worker per core (pytest-xdist) nearly
# halves the run; TEST_WORKERS=0 runs them in this process.
.venv/bin/python -m pytest -q --timeout "${TEST_TIMEOUT:-300}" -n "${TEST_WORKERS:-2}" tests "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
    echo "test.sh: pytest collected no tests: that is a failure" >&2
    exit 1
fi
exit "$rc"
