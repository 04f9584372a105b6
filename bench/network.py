#!/usr/bin/env python3
# network.py: xbar network measured on this machine: Spark local[2] against the same grid in process, the 3-layer target grid, a scale-out estimate.
"""Benchmark of `xbar network` (issue 16), with the real tool (./xbar, one process per run).

  /usr/bin/python3 bench/network.py [--out bench/results/network-DATE] [--repeats 2] [--batch 8]

1. A model of three ResNet-18 layers from the trained-like generator (`xbar network generate`):
   conv1 (147 x 64), layer2.0.conv1 (576 x 128), layer4.0.downsample (256 x 512), --batch input vectors.
2. Overhead: the grid --tiles 64,256 --wires 2.5 --mappings naive,mdm on `--master local[2]` and on
   `--master in-process --threads 2` (the same tasks on two threads, no Spark), alternated --repeats
   times; the ratio of the medians of the process wall times (target: within 1.3x).
3. The target grid: 3 layers x --tiles 64,256,512 x --wires 1,2.5 x --mappings naive,mdm,optimized on
   local[2]; its results are the worked study of docs/network.md.
4. A scale-out estimate for the full ResNet-18 grid (21 layers x 64,128,256,512 x 2 wires x 3
   mappings): tiles per configuration from the shapes, seconds per tile of each tile size measured
   in step 3, tasks as the planner cuts them, executors for one hour.
All runs at the non-saturated operating point (100 kOhm cells: --g-on 1e-5 --g-off 1e-7). The load
average is recorded before and after each run: the machine is shared.
"""
import argparse
import datetime
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
XBAR = os.path.join(ROOT, "xbar")
DEVICE = ["--g-on", "1e-5", "--g-off", "1e-7"]
LAYERS = "conv1,layer2.0.conv1,layer4.0.downsample"
RESNET18 = [("conv1", 147, 64)] + [("layer1.%d.conv%d" % (b, c), 576, 64) for b in (0, 1) for c in (1, 2)] + [
    ("layer2.0.conv1", 576, 128), ("layer2.0.conv2", 1152, 128), ("layer2.0.downsample", 64, 128),
    ("layer2.1.conv1", 1152, 128), ("layer2.1.conv2", 1152, 128),
    ("layer3.0.conv1", 1152, 256), ("layer3.0.conv2", 2304, 256), ("layer3.0.downsample", 128, 256),
    ("layer3.1.conv1", 2304, 256), ("layer3.1.conv2", 2304, 256),
    ("layer4.0.conv1", 2304, 512), ("layer4.0.conv2", 4608, 512), ("layer4.0.downsample", 256, 512),
    ("layer4.1.conv1", 4608, 512), ("layer4.1.conv2", 4608, 512), ("fc", 512, 1000)]


def load():
    return os.getloadavg()[0]


def run(args, label):
    before = load()
    start = time.time()
    p = subprocess.run([XBAR] + args, capture_output=True, text=True)
    wall = time.time() - start
    if p.returncode != 0:
        sys.exit("%s failed (%d): %s" % (label, p.returncode, p.stderr))
    print("%-40s %7.1f s  (load %.1f -> %.1f)" % (label, wall, before, load()), flush=True)
    return {"label": label, "wall_seconds": wall, "load_before": before, "load_after": load(), "args": args}


def tiles(k, n, t):
    per = t // 14  # 8-bit differential weights on 1-bit cells: 2 x 7 columns per output
    return math.ceil(k / t) * math.ceil(n / per)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "network-" + datetime.date.today().isoformat()))
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--batch", type=int, default=8)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="xbar-network-bench-")
    model = os.path.join(work, "model")
    run(["network", "generate", "--out", model, "--layers", LAYERS, "--batch", str(a.batch)], "generate")

    small = ["--tiles", "64,256", "--wires", "2.5", "--mappings", "naive,mdm"] + DEVICE
    runs = {"in-process": [], "local[2]": []}
    for r in range(a.repeats):
        for master, extra in (("in-process", ["--threads", "2"]), ("local[2]", [])):
            out = os.path.join(work, "small-%s-%d" % (master, r))
            res = run(["network", "--model", model, "--out", out, "--master", master, "--no-plots"] + small + extra,
                      "overhead grid on " + master)
            res["study_seconds"] = json.load(open(os.path.join(out, "results.json")))["wall_seconds"]
            runs[master].append(res)
    med = {m: statistics.median(x["wall_seconds"] for x in v) for m, v in runs.items()}
    ratio = med["local[2]"] / med["in-process"]

    grid = ["--tiles", "64,256,512", "--wires", "1,2.5", "--mappings", "naive,mdm,optimized"] + DEVICE
    study_dir = os.path.join(work, "study")
    target = run(["network", "--model", model, "--out", study_dir, "--master", "local[2]"] + grid, "target grid on local[2]")
    study = json.load(open(os.path.join(study_dir, "results.json")))
    rows = study["rows"]

    # Seconds per tile of each tile size, over the layer rows of the target grid (executor time).
    per_tile = {}
    for t in (64, 256, 512):
        sec = sum(r["seconds"] for r in rows if r["layer"] != "*" and r["tile_rows"] == t)
        n = sum(r["tiles"] for r in rows if r["layer"] != "*" and r["tile_rows"] == t)
        per_tile[t] = sec / n
    per_tile[128] = math.sqrt(per_tile[64] * per_tile[256])  # not measured: geometric mean of its neighbours
    full = {}
    total_seconds = 0
    total_tiles = 0
    for t in (64, 128, 256, 512):
        n = sum(tiles(k, o, t) for _, k, o in RESNET18)
        full[t] = {"tiles_per_configuration": n, "seconds_per_tile": per_tile[t],
                   "seconds_per_configuration": n * per_tile[t]}
        total_seconds += 6 * n * per_tile[t]  # 2 wires x 3 mappings
        total_tiles += 6 * n
    tasks = sum(6 * max(1, math.ceil(math.ceil(o / (t // 14)) /
                                     max(1, math.ceil(8 * 256 ** 3 / (math.ceil(k / t) * t ** 3)))))
                for t in (64, 128, 256, 512) for _, k, o in RESNET18)
    estimate = {
        "grid": "21 layers x tiles 64,128,256,512 x wires 2 x mappings 3 = 24 configurations",
        "per_tile_size": full,
        "tiles": total_tiles,
        "tasks_default_task_work_8": tasks,
        "core_seconds": total_seconds,
        "seconds_per_task": total_seconds / tasks,
        "executor_cores_for_one_hour": math.ceil(total_seconds / 3600 / 0.8),
        "assumptions": "one core per task (single-threaded OpenBLAS), 80% scheduling efficiency, seconds per tile as "
                       "measured here under the load recorded (128x128: geometric mean of 64 and 256)",
    }

    machine = {
        "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"),
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30, 1),
        "jdk": subprocess.run(["/usr/lib/jvm/temurin-25-jdk-amd64/bin/java", "-version"], capture_output=True,
                              text=True).stderr.splitlines()[0],
        "os": platform.platform(),
        "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
    }
    result = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine,
        "model": {"layers": LAYERS, "batch": a.batch, "generator": "xbar network generate (trained-like, seed 1)"},
        "device": DEVICE,
        "overhead": {"grid": small, "runs": runs, "median_wall_seconds": med, "local_over_in_process": ratio,
                     "target": "<= 1.3", "met": ratio <= 1.3},
        "target_grid": {"grid": grid, "run": target, "tasks": study["tasks"], "study_wall_seconds": study["wall_seconds"],
                        "rows": rows},
        "scale_out_estimate": estimate,
    }
    with open(a.out + ".json", "w") as f:
        json.dump(result, f, indent=2)
    print("local[2] / in-process = %.2f (target <= 1.3); target grid %.1f s; estimate %.0f core-hours, %d executor cores "
          "for one hour" % (ratio, target["wall_seconds"], total_seconds / 3600, estimate["executor_cores_for_one_hour"]))
    print("wrote " + a.out + ".json")


if __name__ == "__main__":
    main()
