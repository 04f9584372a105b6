"""cell_model="sinh", v0=...: nonlinear cells (MODEL.md section 6) through Crossbar, map_layer and spice.export."""
import numpy as np
import pytest

import xbar

RNG = np.random.default_rng(15)
G = RNG.uniform(1e-6, 1e-4, (10, 7))
V = RNG.uniform(0, 0.4, 10)


def test_ideal_circuit_is_the_closed_form():
    xb = xbar.Crossbar(G, cell_model="sinh", v0=0.2, r_wl=0, r_bl=0)
    want = (G * 0.2 * np.sinh(V[:, None] / 0.2)).sum(axis=0)
    np.testing.assert_allclose(xb.solve(V), want, rtol=1e-12, atol=0)


def test_node_voltages_obey_kcl_with_sinh_cells():
    v0, r = 0.25, 2.5
    xb = xbar.Crossbar(G, cell_model="sinh", v0=v0, r_wl=r, r_bl=r)
    u, w = xb.node_voltages(V)
    cell = G * v0 * np.sinh((u - w) / v0)
    # Interior word-line nodes: wire currents in, cell current out.
    left = (u[:, :-2] - u[:, 1:-1]) / r
    right = (u[:, 2:] - u[:, 1:-1]) / r
    kcl = left + right - cell[:, 1:-1]
    assert np.max(np.abs(kcl)) <= 1e-10 * np.max(np.abs(cell))
    np.testing.assert_allclose(xb.solve(V), cell.sum(axis=0), rtol=1e-9, atol=0)
    lin = xbar.Crossbar(G, r_wl=r, r_bl=r).solve(V)
    assert np.all(xb.solve(V) > lin)


def test_transfer_and_bad_values_are_refused():
    with pytest.raises(ValueError, match="no transfer matrix"):
        xbar.Crossbar(G, cell_model="sinh").transfer()
    for bad in (0, -0.1, float("nan")):
        with pytest.raises(ValueError, match="v0"):
            xbar.Crossbar(G, cell_model="sinh", v0=bad)
    with pytest.raises(ValueError, match="r-access"):
        xbar.Crossbar(G, cell_model="sinh", r_access=1000)
    with pytest.raises(ValueError, match="cell-model"):
        xbar.Crossbar(G, cell_model="tanh")


def test_layer_reports_the_cell_model(tmp_path):
    W = RNG.laplace(0, 0.05, (40, 5))
    X = np.maximum(RNG.normal(0, 1, (3, 40)), 0)
    layer = xbar.map_layer(W, tile=(16, 16), weight_bits=4, cell_model="sinh", v0=0.25)
    report = layer.nf(X)
    assert report["cell_model"] == "sinh" and report["v0"] == 0.25
    linear_layer = xbar.map_layer(W, tile=(16, 16), weight_bits=4)
    y, y_linear = layer.mvm(X), linear_layer.mvm(X)
    assert y.shape == (3, 5) and not np.allclose(y, y_linear, rtol=1e-6, atol=0)
    assert report["nf"] < linear_layer.nf(X)["nf"]  # sinh cells conduct more than g V
    path = tmp_path / "net.cir"
    xbar.spice.export(G, V, str(path), cell_model="sinh", v0=0.25)
    text = path.read_text()
    assert sum(line.startswith("Bcell_") for line in text.splitlines()) == G.size
