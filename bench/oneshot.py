#!/usr/bin/env python3
# oneshot.py: xbar as a user meets it from a script -- one process per call -- beside SciPy's one-shot process.
"""Process-level benchmark (issue: fast from the first call).

  /usr/bin/python3 bench/oneshot.py [--sizes 64,256,512,1024] [--repeats 3] [--out bench/results/oneshot-DATE]

For each size N: a seeded N x N crossbar (cells U[1e-6, 1e-4] S, inputs U[0, 0.2] V, the default
circuit: 2.5 ohm wires, left drive, bottom sense) written as .npy files, then the wall time of

  ./xbar solve --conductances G.npy --inputs V.npy --out I.npy     (JVM start, reading, solve, writing)
  python3 bench/scipy_crossbar.py solve G.npy V.npy I.npy         (Python start, imports, assembly, splu)

each a fresh process, median of --repeats, and the agreement of the two outputs. Also the wall time
of `./xbar --help`. Writes OUT.json and OUT.md with the machine. Run ./xbar once before (it builds).
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def wall(cmd, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if done.returncode != 0:
            raise SystemExit("%s failed (%d): %s" % (" ".join(cmd), done.returncode, done.stderr.strip()))
    return statistics.median(times), times


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="64,256,512,1024")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--out", default=os.path.join(ROOT, "bench", "results",
                                                 "oneshot-" + datetime.date.today().isoformat()))
    a = p.parse_args()
    xbar = os.path.join(ROOT, "xbar")
    scipy_peer = [sys.executable, os.path.join(ROOT, "bench", "scipy_crossbar.py"), "solve"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        help_s, _ = wall([xbar, "--help"], a.repeats)
        for n in [int(s) for s in a.sizes.split(",")]:
            rng = np.random.default_rng(n)
            g, v = os.path.join(tmp, "G%d.npy" % n), os.path.join(tmp, "V%d.npy" % n)
            np.save(g, rng.uniform(1e-6, 1e-4, (n, n)))
            np.save(v, rng.uniform(0, 0.2, n))
            ix, isp = os.path.join(tmp, "Ix.npy"), os.path.join(tmp, "Is.npy")
            x_s, x_all = wall([xbar, "solve", "--conductances", g, "--inputs", v, "--out", ix], a.repeats)
            s_s, s_all = wall(scipy_peer + [g, v, isp, "--r-wl", "2.5", "--r-bl", "2.5"], a.repeats)
            i_x, i_s = np.load(ix), np.load(isp)
            rows.append(dict(size=n, xbar_s=x_s, xbar_runs=x_all, scipy_s=s_s, scipy_runs=s_all,
                             scipy_over_xbar=s_s / x_s,
                             agreement=float(np.max(np.abs(i_x - i_s) / np.abs(i_s)))))
            print(json.dumps(rows[-1]), flush=True)
    machine = "%s, %d cores, %s" % (platform.processor() or platform.machine(), os.cpu_count(), platform.platform())
    result = dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(), machine=machine,
                  repeats=a.repeats, help_s=help_s, rows=rows)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out + ".json", "w") as f:
        json.dump(result, f, indent=2)
    with open(a.out + ".md", "w") as f:
        f.write("# One-shot processes: `./xbar solve` vs SciPy (`bench/oneshot.py`)\n\n")
        f.write("%s; %s; median of %d fresh processes each; wall time, JVM or Python start, file reading and "
                "writing included. `./xbar --help`: %.2f s.\n\n" % (result["date"], machine, a.repeats, help_s))
        f.write("| N x N | ./xbar solve | SciPy splu process | SciPy / xbar | max relative difference |\n")
        f.write("|---:|---:|---:|---:|---:|\n")
        for r in rows:
            f.write("| %d | %.2f s | %.2f s | %.1fx | %.1e |\n" % (r["size"], r["xbar_s"], r["scipy_s"],
                                                                 r["scipy_over_xbar"], r["agreement"]))
    print("written %s.json and %s.md" % (a.out, a.out))


if __name__ == "__main__":
    main()
