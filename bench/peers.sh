#!/usr/bin/env bash
# Times xbar, SciPy (splu) and ngspice (.op) on the same seeded crossbars and records bench/results/peers.{json,md}. See bench/README.md.
# Usage: bench/peers.sh [--sizes 64,128,256,512,1024] [--couplings default,strong] [--transfer-size 256|0]
#                       [--budget SECONDS] [--ngspice-budget SECONDS] [--no-scipy] [--no-ngspice] [--out bench/results/PREFIX]
# Installs nothing: a missing peer is named (with how to get it) and skipped. XBAR_PYTHON picks the interpreter.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAVA="${XBAR_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
# The first interpreter that has SciPy: $XBAR_PYTHON, python3 on the PATH, Debian's /usr/bin/python3.
PYTHON="${XBAR_PYTHON:-}"
if [ -z "$PYTHON" ]; then
  for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import scipy.sparse.linalg' >/dev/null 2>&1; then PYTHON="$p"; break; fi
  done
  PYTHON="${PYTHON:-python3}"
fi
./mvnw -q -B -DskipTests -pl bench -am package
exec "$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx6g \
  -cp "bench/target/xbar-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" io.xbar.bench.PeerComparison --python "$PYTHON" "$@" \
  2> >(grep -v --line-buffered '^WARNING: Using incubator modules' >&2)
