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

`./xbar` is measured two ways: plain (`XBAR_DAEMON=0`: a JVM per call) and through the warm daemon
(started with `./xbar daemon start`, which returns once its warm-up is done), plus the first call
that finds no daemon and starts one (the plain run with a daemon starting beside it). The daemon is
stopped at the end. SciPy at 1024x1024 (80 s a process) runs once unless --scipy-repeats-1024 says more.
The load average is recorded before and after: other users of the machine change every figure.
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


def wall(cmd, repeats, env=None):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - t0)
        if done.returncode != 0:
            raise SystemExit("%s failed (%d): %s" % (" ".join(cmd), done.returncode, done.stderr.strip()))
    return statistics.median(times), times


def load():
    return open("/proc/loadavg").read().split()[:3]


def xbar_env(daemon):
    env = dict(os.environ)
    env.pop("XBAR_JAVA_OPTS", None)
    env["XBAR_DAEMON"] = "1" if daemon else "0"
    return env


def daemon(cmd):
    done = subprocess.run([os.path.join(ROOT, "xbar"), "daemon", cmd], cwd=ROOT, capture_output=True, text=True,
                          env=xbar_env(True))
    return done.stdout.strip()


def cpu_seconds(pid):
    """User + system CPU time of a process so far (all its threads), from /proc: a figure the load does not inflate."""
    try:
        fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="64,256,512,1024")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--scipy-repeats-1024", type=int, default=1)
    p.add_argument("--out", default=os.path.join(ROOT, "bench", "results",
                                                 "oneshot-" + datetime.date.today().isoformat()))
    a = p.parse_args()
    xbar = os.path.join(ROOT, "xbar")
    scipy_peer = [sys.executable, os.path.join(ROOT, "bench", "scipy_crossbar.py"), "solve"]
    rows = []
    load_before = load()
    plain, warm = xbar_env(False), xbar_env(True)
    sizes = [int(s) for s in a.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        inputs = {}
        for n in sizes:
            rng = np.random.default_rng(n)
            g, v = os.path.join(tmp, "G%d.npy" % n), os.path.join(tmp, "V%d.npy" % n)
            np.save(g, rng.uniform(1e-6, 1e-4, (n, n)))
            np.save(v, rng.uniform(0, 0.2, n))
            inputs[n] = (g, v)
        ix, isp, idm = os.path.join(tmp, "Ix.npy"), os.path.join(tmp, "Is.npy"), os.path.join(tmp, "Id.npy")

        def solve(n, out):
            return [xbar, "solve", "--conductances", inputs[n][0], "--inputs", inputs[n][1], "--out", out]

        # The first call with no daemon: it runs plainly and starts one.
        daemon("stop")
        first_s, _ = wall(solve(sizes[0], idm), 1, warm)
        daemon("stop")
        t0 = time.perf_counter()
        started = daemon("start")
        start_s = time.perf_counter() - t0
        print("daemon started and warmed up in %.1f s: %s" % (start_s, started.splitlines()[0] if started else "?"),
              flush=True)
        pid = int(started.split()[1]) if started.startswith("daemon ") else 0
        help_plain, _ = wall([xbar, "--help"], a.repeats, plain)
        help_daemon, _ = wall([xbar, "--help"], a.repeats, warm)
        for n in sizes:
            g, v = inputs[n]
            x_s, x_all = wall(solve(n, ix), a.repeats, plain)
            c0 = cpu_seconds(pid)
            d_s, d_all = wall(solve(n, idm), a.repeats, warm)
            d_cpu = (cpu_seconds(pid) - c0) / a.repeats
            s_s, s_all = wall(scipy_peer + [g, v, isp, "--r-wl", "2.5", "--r-bl", "2.5"],
                              a.scipy_repeats_1024 if n >= 1024 else a.repeats)
            i_x, i_d, i_s = np.load(ix), np.load(idm), np.load(isp)
            rows.append(dict(size=n, xbar_s=x_s, xbar_runs=x_all, daemon_s=d_s, daemon_runs=d_all, daemon_cpu_s=d_cpu,
                             scipy_s=s_s, scipy_runs=s_all, scipy_over_xbar=s_s / x_s, scipy_over_daemon=s_s / d_s,
                             daemon_equals_plain=bool(np.array_equal(i_x, i_d)),
                             agreement=float(np.max(np.abs(i_x - i_s) / np.abs(i_s)))))
            print(json.dumps(rows[-1]), flush=True)
        status = daemon("status")
        daemon("stop")
    machine = "%s, %d cores, %s" % (platform.processor() or platform.machine(), os.cpu_count(), platform.platform())
    result = dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(), machine=machine,
                  repeats=a.repeats, help_s=help_plain, help_daemon_s=help_daemon, first_call_s=first_s,
                  first_call_size=sizes[0], daemon_start_and_warmup_s=start_s, daemon_status=status,
                  load_before=load_before, load_after=load(), rows=rows)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out + ".json", "w") as f:
        json.dump(result, f, indent=2)
    with open(a.out + ".md", "w") as f:
        f.write("# One-shot processes: `./xbar solve` vs SciPy (`bench/oneshot.py`)\n\n")
        f.write("%s; %s; median of %d fresh processes each (SciPy at 1024: %d); wall time, JVM or Python "
                "start, file reading and writing included. Load average before %s, after %s (the machine is "
                "shared).\n\n" % (result["date"], machine, a.repeats, a.scipy_repeats_1024,
                                   " ".join(load_before), " ".join(result["load_after"])))
        f.write("| N x N | ./xbar solve, warm daemon | daemon CPU per call | plain (XBAR_DAEMON=0) | SciPy splu process "
                "| SciPy / daemon | SciPy / plain | daemon = plain (bytes) | max relative difference |\n")
        f.write("|---:|---:|---:|---:|---:|---:|---:|:---:|---:|\n")
        for r in rows:
            f.write("| %d | %.3f s | %.3f s | %.2f s | %.2f s | %.1fx | %.1fx | %s | %.1e |\n" % (
                r["size"], r["daemon_s"], r["daemon_cpu_s"], r["xbar_s"], r["scipy_s"], r["scipy_over_daemon"],
                r["scipy_over_xbar"],
                "yes" if r["daemon_equals_plain"] else "NO", r["agreement"]))
        f.write("\n`./xbar --help`: %.3f s through the daemon, %.2f s plain.\n" % (help_daemon, help_plain))
        f.write("The first call with no daemon running (%dx%d; it runs plainly and starts the daemon beside it): "
                "%.2f s.\n" % (sizes[0], sizes[0], first_s))
        f.write("`./xbar daemon start` (start and warm-up until it listens): %.1f s.\n" % start_s)
    print("written %s.json and %s.md" % (a.out, a.out))


if __name__ == "__main__":
    main()
