#!/usr/bin/env bash
# Times `xbar spice solve`'s work and ngspice on the same exported 64/128/256 crossbars; writes bench/results/spice-vs-ngspice.md.
# Usage: bench/spice-vs-ngspice.sh [--sizes 64,128,256] [--ngspice-timeout SECONDS] [--out FILE.md]
# ngspice (apt-get install -y ngspice) needs minutes for 128x128 and far longer for 256x256 (its sparse solver's
# reordering grows steeply); the default timeout is one hour per run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAVA="${XBAR_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
./mvnw -q -B -DskipTests -pl bench -am package
CP="$(ls bench/target/xbar-bench-*.jar | head -n 1):bench/target/lib/*"
exec "$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx8g -cp "$CP" \
  io.xbar.bench.SpiceVsNgspice "$@" 2> >(grep -v --line-buffered '^WARNING: Using incubator modules' >&2)
