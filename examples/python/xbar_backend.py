#!/usr/bin/env python3
"""Using xbar as the circuit backend of a Python crossbar simulator, through .npy files and the CLI.

A Python simulator keeps its own model of a layer (weights -> conductances, activations -> volts)
and hands the circuit part to xbar: it saves NumPy arrays, runs `xbar solve` or `xbar transfer`,
and loads the result. Nothing but NumPy is needed on the Python side.

    python3 examples/python/xbar_backend.py        # runs the self-checking demo below

Which xbar is run: the command in $XBAR_CMD (split like a shell command line, for example
"java -cp ... io.xbar.cli.Main"), otherwise the `./xbar` launcher at the repository root.
"""

import os
import shlex
import subprocess
import sys
import tempfile

import numpy as np

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))


class XbarError(RuntimeError):
    """xbar refused the input (exit status 2) or failed; the message is its one-line explanation."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class XbarBackend:
    """Solves crossbars with parasitic resistance by calling the xbar command line.

    Circuit options are keyword arguments named like the flags, with '_' for '-':
    r_wl, r_bl, r_source, r_sense, r_access (ohms), drive ('left'|'right'|'both'),
    sense ('bottom'|'top'|'both'). Unset options take xbar's defaults (2.5 ohm wires, ideal periphery).
    """

    def __init__(self, command=None, **circuit):
        if command is None:
            env = os.environ.get("XBAR_CMD")
            command = shlex.split(env) if env else [os.path.join(REPO, "xbar")]
        self.command = list(command)
        self.circuit = circuit

    def _flags(self, overrides):
        options = dict(self.circuit, **overrides)
        flags = []
        for name, value in options.items():
            flags += ["--" + name.replace("_", "-"), str(value)]
        return flags

    def _run(self, args):
        done = subprocess.run(self.command + args, capture_output=True, text=True)
        if done.returncode != 0:
            lines = [l for l in done.stderr.splitlines() if l.strip()]
            raise XbarError(done.returncode, lines[-1] if lines else "xbar exited with %d" % done.returncode)
        return done.stdout

    def solve(self, conductances, voltages, **circuit):
        """Output currents I (A) for conductances G (M x N, siemens) and voltages V (M or B x M, volts).

        I has shape (N,) for a single vector and (B, N) for a batch, as `xbar solve` writes it.
        """
        with tempfile.TemporaryDirectory(prefix="xbar-") as tmp:
            g, v, out = (os.path.join(tmp, f) for f in ("G.npy", "V.npy", "I.npy"))
            np.save(g, np.asarray(conductances, dtype=np.float64))
            np.save(v, np.asarray(voltages))
            self._run(["solve", "--conductances", g, "--inputs", v, "--out", out] + self._flags(circuit))
            return np.load(out)

    def transfer(self, conductances, **circuit):
        """The exact M x N transfer matrix T of the crossbar: I = V @ T for every input V."""
        with tempfile.TemporaryDirectory(prefix="xbar-") as tmp:
            g, out = os.path.join(tmp, "G.npy"), os.path.join(tmp, "T.npy")
            np.save(g, np.asarray(conductances, dtype=np.float64))
            self._run(["transfer", "--conductances", g, "--out", out] + self._flags(circuit))
            return np.load(out)


def demo():
    """A tiny simulator step: a 64 x 32 layer, a batch of 8 inputs, with and without parasitics."""
    rng = np.random.default_rng(2024)
    g_on, g_off, v_read = 1e-4, 1e-6, 0.2
    levels = rng.integers(0, 2, size=(64, 32))                 # binary weights
    G = g_off + (g_on - g_off) * levels                          # programmed conductances
    V = v_read * rng.integers(0, 2, size=(8, 64)).astype(np.float64)  # one bit of 8 activations

    xbar = XbarBackend()
    ideal = V @ G

    # With every parasitic resistance 0 the crossbar computes V @ G (to rounding).
    exact = xbar.solve(G, V, r_wl=0, r_bl=0)
    assert exact.shape == (8, 32), exact.shape
    assert np.allclose(exact, ideal, rtol=1e-12, atol=0), np.abs(exact - ideal).max()

    # Default wires (2.5 ohm per segment): the outputs droop below the ideal product.
    real = xbar.solve(G, V)
    nf = (ideal - real)[ideal > 0] / ideal[ideal > 0]
    assert (nf > 0).all() and nf.max() < 0.5, (nf.min(), nf.max())

    # One vector in, one vector out.
    single = xbar.solve(G, V[3])
    assert single.shape == (32,) and np.allclose(single, real[3], rtol=1e-9), np.abs(single - real[3]).max()

    # The transfer matrix turns every further MVM on this crossbar into a product.
    T = xbar.transfer(G)
    assert T.shape == (64, 32), T.shape
    assert np.allclose(V @ T, real, rtol=1e-9, atol=1e-15), np.abs(V @ T - real).max()

    # Mistakes come back as one line naming the problem.
    bad = G.copy()
    bad[5, 7] = np.nan
    try:
        xbar.solve(bad, V)
        raise AssertionError("a NaN conductance was accepted")
    except XbarError as e:
        assert e.status == 2 and "[5, 7]" in str(e), e
        print("xbar refused a NaN conductance:", e)

    print("ideal MVM V @ G reproduced to rounding with zero parasitics")
    print("nonideality factor with 2.5 ohm wires: mean %.4f, max %.4f over %d outputs"
          % (nf.mean(), nf.max(), nf.size))
    print("transfer matrix reproduces the batch: max |V@T - I| = %.3g A" % np.abs(V @ T - real).max())
    return 0


if __name__ == "__main__":
    sys.exit(demo())
