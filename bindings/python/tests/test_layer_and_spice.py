"""xbar.map_layer and xbar.spice: equal to the command line with the same flags, and their errors."""
import json
import os

import numpy as np
import pytest

import xbar

RNG = np.random.default_rng(3)
W = RNG.laplace(0, 0.05, (70, 12))
X = np.maximum(RNG.normal(0, 1, (5, 70)), 0)
SETTINGS = dict(mapping="mdm", tile=(32, 32), r_wl=2.0, g_on=1e-5, g_off=1e-7)
FLAGS = ["--mapping", "mdm", "--tile", "32x32", "--r-wl", "2.0", "--g-on", "1e-05", "--g-off", "1e-07"]


def test_mvm_and_nf_equal_the_command_line(tmp_path, cli):
    np.save(tmp_path / "W.npy", W)
    np.save(tmp_path / "X.npy", X)
    status, _, err = cli("nf", "--weights", tmp_path / "W.npy", "--inputs", tmp_path / "X.npy", "--report",
                         tmp_path / "R.json", "--out", tmp_path / "Y.npy", *FLAGS)
    assert status == 0, err
    layer = xbar.map_layer(W, **SETTINGS)
    y = layer.mvm(X)
    assert y.shape == (5, 12)
    status, _, err = cli("mvm", "--weights", tmp_path / "W.npy", "--inputs", tmp_path / "X.npy", "--out",
                         tmp_path / "Ymvm.npy", *FLAGS)
    assert status == 0, err
    np.testing.assert_array_equal(y, np.load(tmp_path / "Ymvm.npy"))  # the same read-out as xbar mvm, bit for bit
    # nf reads every DAC cycle on its own (for the NF terms); the outputs agree to rounding.
    np.testing.assert_allclose(y, np.load(tmp_path / "Y.npy"), rtol=0, atol=1e-12 * np.abs(y).max())
    # One vector alone goes through a different BLAS kernel than a batch: the same to rounding.
    np.testing.assert_allclose(layer.mvm(X[2]), y[2], rtol=0, atol=1e-12 * np.abs(y[2]).max())
    report = layer.nf(X)
    want = json.loads((tmp_path / "R.json").read_text())
    assert report["nf"] == want["nf"] and report["mvm_rel_error"] == want["mvm_rel_error"]
    assert [t["nf"] for t in report["tiles"]] == [t["nf"] for t in want["tiles"]]
    assert layer.tiles == len(want["tiles"])


def test_save_writes_what_xbar_map_writes(tmp_path, cli):
    np.save(tmp_path / "W.npy", W)
    status, _, err = cli("map", "--weights", tmp_path / "W.npy", "--out", tmp_path / "cli", *FLAGS)
    assert status == 0, err
    xbar.map_layer(W, **SETTINGS).save(tmp_path / "py")
    names = sorted(os.listdir(tmp_path / "cli"))
    assert sorted(os.listdir(tmp_path / "py")) == names and "mapping.json" in names
    for name in names:
        if name.endswith(".npy"):
            np.testing.assert_array_equal(np.load(tmp_path / "py" / name), np.load(tmp_path / "cli" / name))
    assert json.loads((tmp_path / "py" / "mapping.json").read_text()) == json.loads(
        (tmp_path / "cli" / "mapping.json").read_text())


def test_integer_weights_are_levels_as_for_an_integer_npy(tmp_path, cli):
    levels = RNG.integers(-127, 128, (40, 6))
    x = RNG.integers(0, 256, (3, 40))
    np.save(tmp_path / "W.npy", levels)
    np.save(tmp_path / "X.npy", x)
    status, _, err = cli("mvm", "--weights", tmp_path / "W.npy", "--inputs", tmp_path / "X.npy", "--out",
                         tmp_path / "Y.npy", "--tile", "16x16")
    assert status == 0, err
    np.testing.assert_array_equal(xbar.map_layer(levels, tile=(16, 16)).mvm(x), np.load(tmp_path / "Y.npy"))


@pytest.mark.parametrize("make, words", [
    (lambda: xbar.map_layer(W, mapping="best"), "--mapping"),
    (lambda: xbar.map_layer(W, tile=(0, 4)), "--tile"),
    (lambda: xbar.map_layer(W, signed_inputs="yes"), "switch"),
    (lambda: xbar.map_layer(np.full((3, 3), np.nan)), "W"),
    (lambda: xbar.map_layer(W).mvm(np.zeros(69)), "70 values"),
    (lambda: xbar.map_layer(W).mvm(np.full(70, np.nan)), "X"),
    (lambda: xbar.map_layer(W, calibration=np.zeros(3)), "calibration"),
])
def test_bad_layer_arguments_are_value_errors(make, words):
    with pytest.raises(ValueError) as e:
        make()
    assert words in str(e.value) and "\n" not in str(e.value)


def test_spice_export_then_solve_gives_the_crossbar_currents(tmp_path):
    G = RNG.uniform(1e-6, 1e-4, (6, 5))
    V = RNG.uniform(0, 0.2, 6)
    path = tmp_path / "net.cir"
    xbar.spice.export(G, V, path, r_wl=1.0, r_bl=2.0)
    result = xbar.spice.solve(path)
    want = xbar.Crossbar(G, r_wl=1.0, r_bl=2.0).solve(V)
    got = [result["source_currents"]["vsense%d" % j] if "vsense%d" % j in result["source_currents"]
           else result["source_currents"]["VSENSE%d" % j] for j in range(5)]
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=0)


def test_spice_solve_warns_when_a_near_short_limits_a_source_current(tmp_path):
    net = tmp_path / "near.cir"
    net.write_text("near short\nV1 a 0 10\nR1 a b 1e-6\nR2 b 0 100k\n.op\n.end\n")
    with pytest.warns(RuntimeWarning, match="voltage source V1 is determined only to within"):
        result = xbar.spice.solve(net)
    assert abs(result["source_currents"]["V1"] + 1e-4) < 3e-9
    fine = tmp_path / "fine.cir"
    fine.write_text("fine\nV1 a 0 10\nR1 a b 1\nR2 b 0 100k\n.op\n.end\n")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        xbar.spice.solve(fine)


def test_spice_errors_name_the_file(tmp_path):
    bad = tmp_path / "bad.cir"
    bad.write_text("* title\nR1 a 0 -5\n.end\n")
    with pytest.raises(ValueError) as e:
        xbar.spice.solve(bad)
    assert "bad.cir" in str(e.value)
    with pytest.raises(ValueError):
        xbar.spice.solve(tmp_path / "missing.cir")
    with pytest.raises(ValueError):
        xbar.spice.export(np.ones((2, 2)) * 1e-5, np.zeros((2, 2)), tmp_path / "x.cir")
    assert not (tmp_path / "x.cir").exists()
