#!/usr/bin/env python3
# python_inprocess.py: xbar from Python in process (JPype) against the Java API in the same JVM, SciPy, and the digits CNN.
"""Benchmarks of the Python binding (issue targets; results are JSON in bench/results/).

  bench/python_inprocess.sh [--sizes 64,256] [--out bench/results/python-DATE.json]

1. Crossbar.solve from Python (NumPy in, NumPy out) at each size, once warm, beside the Java API's
   own time for the same call measured in the same JVM (io.xbar.bench.ApiTiming, a plain Java
   loop), and beside SciPy's sparse LU (assemble + splu + solve of the 2MN nodal system, one-shot
   per call as a Python simulator would do it). Medians over rounds; the default circuit
   (2.5 ohm wires), cells U[1e-6, 1e-4] S, inputs U[0, 0.2] V, seed 1.
2. xbar.torch.convert + one test-set pass (360 images) of the digits CNN of xbar.study with exact
   parasitics, from a trained model: the time a user waits.
Run it with the bench module's jars on the class path (XBAR_CLASSPATH), which the .sh wrapper sets.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "bindings", "python"))
sys.path.insert(0, HERE)

import xbar  # noqa: E402
from xbar import _jvm  # noqa: E402


def median_seconds(fn, reps, rounds):
    per = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        per.append((time.perf_counter() - t0) / reps)
    return statistics.median(per)


def solve_case(n, warm_calls, reps, rounds):
    import jpype
    import scipy.sparse.linalg as spla
    import scipy_crossbar as sc
    rng = np.random.default_rng(1)
    g = rng.uniform(1e-6, 1e-4, (n, n))
    v = rng.uniform(0, 0.2, n)
    xb = xbar.Crossbar(g)
    for _ in range(warm_calls):
        xb.solve(v)
    python_s = median_seconds(lambda: xb.solve(v), reps, rounds)
    timing = jpype.JClass("io.xbar.bench.ApiTiming")
    jv = jpype.JArray(jpype.JDouble)(v)
    java_s = timing.nanosPerSolve(xb._java, jv, reps, rounds) * 1e-9
    python_again_s = median_seconds(lambda: xb.solve(v), reps, rounds)  # after the Java loop, to bracket drift

    def scipy_solve():
        a_ff, b_f, free, x_pinned, gc, u, w = sc.assemble(g, 2.5, 2.5, 0.0, 0.0, 0.0)
        sol = spla.splu(a_ff.tocsc()).solve(np.asarray(b_f @ v))
        return sc.currents_from(sc.full_voltages(sol, free, x_pinned, v, 2 * n * n), gc, u, w)[0]

    agreement = float(np.max(np.abs(scipy_solve() - xb.solve(v))) / np.max(np.abs(xb.solve(v))))
    if agreement > 1e-9:
        raise SystemExit("xbar and SciPy disagree at %dx%d: max relative difference %.3g" % (n, n, agreement))
    scipy_s = median_seconds(scipy_solve, max(1, reps // 10), max(3, rounds // 2))
    python = min(python_s, python_again_s)
    return dict(size=n, python_s=python, python_first_round_s=python_s, python_second_round_s=python_again_s,
                java_api_s=java_s, overhead=python / java_s - 1, scipy_splu_s=scipy_s, speedup_vs_scipy=scipy_s / python,
                agreement_vs_scipy=agreement, reps=reps, rounds=rounds)


def digits_case(seed=0):
    import torch
    import xbar.study as study
    import xbar.torch as xt
    x_train, x_test, y_train, y_test = study.digits(seed)
    torch.manual_seed(seed)
    model = study.train(study.network(), x_train, y_train, 20, seed)
    t0 = time.perf_counter()
    analog = xt.convert(model, mapping="optimized")
    acc = study.accuracy(analog, x_test, y_test)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    analog = xt.convert(model, mapping="optimized")
    study.accuracy(analog, x_test, y_test)
    again = time.perf_counter() - t0
    return dict(convert_and_test_pass_s=first, convert_and_test_pass_again_s=again, accuracy=acc,
                digital_accuracy=study.accuracy(model, x_test, y_test), images=len(y_test))


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="64,256")
    p.add_argument("--out", default=None)
    args = p.parse_args(argv)
    _jvm.bridge()
    results = dict(machine=dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                                python=platform.python_version(), numpy=np.__version__, cores=os.cpu_count(),
                                load_average=os.getloadavg(), cpu=platform.processor() or platform.machine()),
                   solve=[], digits=None)
    for n in (int(s) for s in args.sizes.split(",")):
        warm, reps, rounds = (3000, 200, 9) if n <= 64 else (300, 20, 9)
        results["solve"].append(solve_case(n, warm, reps, rounds))
        print(json.dumps(results["solve"][-1]), flush=True)
    results["digits"] = digits_case()
    print(json.dumps(results["digits"]), flush=True)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
