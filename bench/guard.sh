#!/usr/bin/env bash
# Regression guard: runs the quick JMH subset, compares with the last results in bench/results/, flags >20% slowdowns (repeated first).
# Usage: bench/guard.sh [--threshold 0.20] [--repeats 2] [--results bench/results] [--no-record] [--only REGEX]; exit 1 on a confirmed regression.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAVA="${XBAR_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
./mvnw -q -B -DskipTests -pl bench -am package
exec "$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "bench/target/xbar-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" io.xbar.bench.RegressionGuard "$@" \
  2> >(grep -v --line-buffered '^WARNING: Using incubator modules' >&2)
