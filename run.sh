#!/usr/bin/env bash
# One entry point for a fresh machine with Python 3.11:
#   ./run.sh demo   install everything, then materialise the demo month (2017-05) end to end
#   ./run.sh test   install everything, then run the test suite
# Anything after the command is passed on (to `shopkpi materialize` or to pytest).
set -euo pipefail
cd "$(dirname "$0")"

VENV="${SHOPKPI_VENV:-.venv}"

find_python() {
  for candidate in python3.11 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "run.sh: Python 3.11 is required (python3.11 not found)" >&2
  return 1
}

install() {
  if [ ! -x "$VENV/bin/python" ]; then
    "$(find_python)" -m venv "$VENV"
  fi
  # constraints.txt pins the versions CI tested; pyproject.toml keeps the compatible ranges.
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[$1]"
  # pip compiles the libraries it installs, not this editable package: compile it too, so that a
  # process need not (where PYTHONDONTWRITEBYTECODE keeps Python from caching it, ~0.2 s a process).
  "$VENV/bin/python" -m compileall -q shopkpi shopkpi_simulator benchmarks >/dev/null
}

# The Spark engine's tests run a local Spark (pyspark), which needs a Java 17 runtime.
ensure_java() {
  if command -v java >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
  else
    echo "run.sh: java not found and not root: the Spark tests will be skipped" >&2
  fi
}

# The HTML report test drives Debian's headless Chromium; a CJK font makes its screenshots readable.
ensure_chromium() {
  if command -v chromium >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
  else
    echo "run.sh: chromium not found and not root: the HTML report test will be skipped" >&2
  fi
}

command="${1:-}"; shift || true
case "$command" in
  demo)
    install test
    exec "$VENV/bin/shopkpi" demo "$@"
    ;;
  test)
    install test,spark
    ensure_chromium
    ensure_java
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  *)
    echo "usage: ./run.sh demo|test [args...]" >&2
    exit 2
    ;;
esac
