#!/usr/bin/env python3
# first_solve.py: the first in-process solves of a fresh JVM from Python, against the warm solve (issue 17, secondary target).
"""  XBAR_CLASSPATH=... /usr/bin/python3 bench/first_solve.py [--size 256] [--calls 40] [--jvm-opt OPT ...]

One fresh Python process (run it once per setting): starts the JVM (timed apart), then `--calls`
times `xbar.Crossbar(G).solve(V)` with new seeded conductances each call (programming and solve, as a
user's loop does), and prints one JSON line: JVM start, the first call, calls 2-5, the warm median
(the last 10 calls) and first / warm. `--jvm-opt` adds options to the JVM the script starts itself
with the binding's own options (for example -Dxbar.scalar=true). bench/python_inprocess.sh builds the
class path this needs (XBAR_CLASSPATH).
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bindings", "python"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--size", type=int, default=256)
    p.add_argument("--calls", type=int, default=40)
    p.add_argument("--jvm-opt", action="append", default=[])
    a = p.parse_args()
    import jpype
    import xbar
    from xbar import _jvm
    t0 = time.perf_counter()
    jpype.startJVM(_jvm._find_java(), "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                   "-Xmx" + _jvm._heap(), "-Xss16m", *a.jvm_opt, classpath=_jvm._classpath(), convertStrings=True)
    _jvm.bridge()
    jvm_s = time.perf_counter() - t0
    rng = np.random.default_rng(a.size)
    n = a.size
    times = []
    for _ in range(a.calls):
        g = rng.uniform(1e-6, 1e-4, (n, n))
        v = rng.uniform(0, 0.2, n)
        t0 = time.perf_counter()
        xbar.Crossbar(g).solve(v)
        times.append(time.perf_counter() - t0)
    warm = statistics.median(times[-10:])
    print(json.dumps(dict(size=n, jvm_opts=a.jvm_opt, jvm_start_s=jvm_s, first_s=times[0], calls_2_to_5_s=times[1:5],
                          warm_median_s=warm, first_over_warm=times[0] / warm,
                          load_average=list(os.getloadavg()), all_s=times)))


if __name__ == "__main__":
    main()
