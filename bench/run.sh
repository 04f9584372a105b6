#!/usr/bin/env bash
# Runs JMH benchmarks and records stamped JSON under bench/results/. See bench/README.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[ $# -ge 1 ] || { echo "usage: bench/run.sh <result-name> [JMH args: regex -f N -wi N -i N -p k=v ...]" >&2; exit 2; }
./mvnw -q -B -DskipTests -pl bench -am package
JAVA="${XBAR_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
exec "$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "bench/target/xbar-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" io.xbar.bench.BenchRunner "$@"
