#!/usr/bin/env bash
# Single-solve and transfer-matrix scaling with fitted exponents, memory peaks and machine limits; writes bench/results/scaling.{json,md}.
# Usage: bench/scaling.sh [--solve-sizes 64,...,4096] [--transfer-sizes 64,...,1024] [--coupling default|strong]
#                         [--stream-mib 256] [--dgemm-size 2048] [--out bench/results/PREFIX]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAVA="${XBAR_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
./mvnw -q -B -DskipTests -pl bench -am package
exec "$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx12g \
  -cp "bench/target/xbar-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" io.xbar.bench.Scaling "$@" \
  2> >(grep -v --line-buffered '^WARNING: Using incubator modules' >&2)
