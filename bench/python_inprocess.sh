#!/usr/bin/env bash
# Runs bench/python_inprocess.py on the bench module's jars (xbar, xbar-python and io.xbar.bench.ApiTiming).
# Usage: bench/python_inprocess.sh [--sizes 64,256] [--out bench/results/python-inprocess-DATE.json]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
./mvnw -q -B -DskipTests -pl bench -am package
export XBAR_CLASSPATH="$(ls bench/target/xbar-bench-*.jar | head -n 1):bench/target/lib/*"
exec "${XBAR_PYTHON:-/usr/bin/python3}" bench/python_inprocess.py "$@" 2> >(grep -v --line-buffered '^WARNING' >&2)
