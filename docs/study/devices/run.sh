#!/usr/bin/env bash
# The worked example of docs/devices.md: NF and MVM error of the trained-like 2304x256 layer (docs/mapping.md's)
# under stuck cells, programming noise and power-law drift, naive against optimized, with the real `xbar nf`.
# Usage: docs/study/devices/run.sh [WORKDIR]   (writes results.csv and results.json next to this script)
# ONLY_SETTINGS / ONLY_DEVICES (extended regular expressions) limit the run to the matching names.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
WORK="${1:-$(mktemp -d)}"
mkdir -p "$WORK/reports"
"$ROOT/xbar" --help >/dev/null   # builds on first use
JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
"$JAVA" -cp "$ROOT/kernel/target/xbar-kernel-0.1.0-SNAPSHOT.jar:$ROOT/bindings/cli/target/xbar-cli-0.1.0-SNAPSHOT.jar" \
  "$HERE/MakeLayer.java" "$WORK"
DAY=86400; MONTH=2592000; YEAR=31536000
DRIFT="--drift-nu 0.05 --drift-nu-sigma 0.02"
# name|device flags
SETTINGS=(
  "nominal|"
  "stuck 1%+1%, noise 5%|--stuck-on 0.01 --stuck-off 0.01 --program-noise 0.05"
  "stuck 1%+1%|--stuck-on 0.01 --stuck-off 0.01"
  "noise 5%|--program-noise 0.05"
  "drift 1 day|--drift-time $DAY $DRIFT"
  "drift 1 month|--drift-time $MONTH $DRIFT"
  "drift 1 year|--drift-time $YEAR $DRIFT"
  "stuck+noise, drift 1 year|--stuck-on 0.01 --stuck-off 0.01 --program-noise 0.05 --drift-time $YEAR $DRIFT"
)
# name|device point flags
DEVICES=("10 kOhm|" "100 kOhm|--g-on 1e-5 --g-off 1e-7")
echo "device,setting,mapping,nf,mvm_rel_error,seconds,command" > "$WORK/results.csv"
n=0
for dev in "${DEVICES[@]}"; do
  dname="${dev%%|*}"; dflags="${dev#*|}"
  [[ "$dname" =~ ${ONLY_DEVICES:-.} ]] || continue
  for s in "${SETTINGS[@]}"; do
    sname="${s%%|*}"; sflags="${s#*|}"
    [[ "$sname" =~ ${ONLY_SETTINGS:-.} ]] || continue
    for m in naive optimized; do
      n=$((n + 1))
      cmd="xbar nf --weights w.npy --inputs x.npy --report r$n.json --mapping $m --seed 1 $dflags $sflags"
      # shellcheck disable=SC2086
      "$ROOT/xbar" nf --weights "$WORK/w.npy" --inputs "$WORK/x.npy" --report "$WORK/reports/r$n.json" \
        --mapping "$m" --seed 1 $dflags $sflags
      python3 - "$WORK/reports/r$n.json" "$dname" "$sname" "$m" "$cmd" >> "$WORK/results.csv" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print('"%s","%s",%s,%.6f,%.6f,%.1f,"%s"' % (sys.argv[2], sys.argv[3], sys.argv[4], r["nf"], r["mvm_rel_error"], r["seconds"], sys.argv[5]))
PY
    done
  done
done
python3 - "$WORK" <<'PY'
import csv, json, sys, os
work = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(work, "results.csv"))))
for r in rows:
    for k in ("nf", "mvm_rel_error", "seconds"):
        r[k] = float(r[k])
json.dump({"layer": "TrainedLikeData.weights(2304, 256, 1), inputs TrainedLikeData.activations(64, 2304, 2, 1)",
           "settings": "8-bit differential weights, 1-bit cells, 256x256 tiles, r_wl = r_bl = 2.5 ohm, drive left, sense bottom, 8-bit inputs, 1-bit DAC, ideal ADC, v_read 0.2 V",
           "rows": rows}, open(os.path.join(work, "results.json"), "w"), indent=1)
PY
cp "$WORK/results.csv" "$WORK/results.json" "$HERE/"
echo "wrote $HERE/results.csv and $HERE/results.json"
