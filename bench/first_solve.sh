#!/usr/bin/env bash
# Runs the first-solve benchmark of issue 17: a fresh JVM per run, Java API (io.xbar.bench.FirstSolve) and
# Python (bench/first_solve.py), each setting in turn, --reps rounds, one JSON line per run with the load
# average before and after it. Settings are JVM option lists separated by ';' ("" is the defaults).
# Usage: bench/first_solve.sh [--reps 3] [--size 256] [--calls 31] [--apis java,python] [--no-build]
#                             [--settings ';-Dxbar.scalar=true'] > out.jsonl
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
reps=3 size=256 calls=31 apis=java,python build=1 settings=";-Dxbar.scalar=true"
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --calls) calls="$2"; shift 2 ;;
    --apis) apis="$2"; shift 2 ;;
    --settings) settings="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "first_solve.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$build" = 0 ] || ./mvnw -q -B -DskipTests -pl bench -am package >&2
JAVA="${XBAR_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
# The Java API's class path as Maven gives it to a project that depends on xbar-api (xbar-api, its
# dependencies in tree order, OpenBLAS last), after the bench jar; the rest of bench/target/lib after
# it. A class is looked up jar by jar in this order, so the order is part of what a first call costs.
lib=bench/target/lib
api_cp=""
for j in xbar-api xbar-kernel xbar-native javacpp openblas; do
  for f in "$lib"/$j*.jar; do
    case ":$api_cp:" in *":$f:"*) ;; *) [ -e "$f" ] && api_cp="$api_cp:$f" ;; esac
  done
done
export XBAR_CLASSPATH="$(ls bench/target/xbar-bench-*.jar | grep -v tests | head -n 1)$api_cp:$lib/*"
load() { cut -d' ' -f1 /proc/loadavg; }
IFS=';' read -r -a list <<< "$settings"
{ [ -n "$settings" ] && [ "${settings: -1}" != ";" ]; } || list+=("")
for ((r = 0; r < reps; r++)); do
  for s in "${list[@]}"; do
    read -r -a opts <<< "$s"
    for api in ${apis//,/ }; do
      before="$(load)"
      if [ "$api" = java ]; then
        line="$("$JAVA" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx8g -Xss16m \
                 "${opts[@]}" -cp "$XBAR_CLASSPATH" io.xbar.bench.FirstSolve "$size" "$calls" 2>/dev/null)"
      else
        jo=(); for o in "${opts[@]}"; do jo+=("--jvm-opt=$o"); done
        line="$("${XBAR_PYTHON:-/usr/bin/python3}" bench/first_solve.py --size "$size" --calls "$calls" "${jo[@]}" 2>/dev/null)"
      fi
      echo "{\"api_run\": \"$api\", \"setting\": \"$s\", \"load_before\": $before, \"load_after\": $(load), \"run\": $line}"
    done
  done
done
