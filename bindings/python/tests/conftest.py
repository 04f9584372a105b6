"""Tests import the package from this checkout (bindings/python) and run the CLI from the same jars."""
import glob
import os
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import xbar  # noqa: E402
from xbar import _jvm  # noqa: E402


@pytest.fixture(scope="session")
def cli():
    """Runs `xbar ARGS...` as a separate process on the same jars; returns (exit status, stdout, stderr)."""
    java = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(_jvm._find_java()))), "bin", "java")
    cp = os.pathsep.join(_jvm._classpath())

    def run(*args, cwd=None):
        done = subprocess.run([java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                               "-Xmx1g", "-cp", cp, "io.xbar.cli.Main"] + [str(a) for a in args],
                              capture_output=True, text=True, cwd=cwd)
        return done.returncode, done.stdout, done.stderr

    return run


def dense_nodal_currents(G, V, r_wl, r_bl, r_source, r_sense):
    """Output currents from the full 2MN nodal system solved densely with NumPy (drive left, sense bottom, all r > 0)."""
    m, n = G.shape
    size = 2 * m * n
    A = np.zeros((size, size))
    b = np.zeros(size)
    u = lambda i, j: i * n + j  # noqa: E731
    w = lambda i, j: m * n + i * n + j  # noqa: E731

    def stamp(a, c, g):
        A[a, a] += g
        if c is not None:
            A[c, c] += g
            A[a, c] -= g
            A[c, a] -= g

    for i in range(m):
        for j in range(n):
            stamp(u(i, j), w(i, j), G[i, j])
            if j + 1 < n:
                stamp(u(i, j), u(i, j + 1), 1 / r_wl)
            if i + 1 < m:
                stamp(w(i, j), w(i + 1, j), 1 / r_bl)
        stamp(u(i, 0), None, 1 / r_source)
        b[u(i, 0)] += V[i] / r_source
    for j in range(n):
        stamp(w(m - 1, j), None, 1 / r_sense)
    x = np.linalg.solve(A, b)
    return np.array([x[w(m - 1, j)] / r_sense for j in range(n)])
