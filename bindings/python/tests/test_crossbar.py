"""xbar.Crossbar: solve, node voltages and transfer against an independent dense nodal solve, and its errors."""
import numpy as np
import pytest

import xbar
from conftest import dense_nodal_currents

RNG = np.random.default_rng(7)
G = RNG.uniform(1e-6, 1e-4, (9, 6))
V = RNG.uniform(0, 0.2, 9)
CIRCUIT = dict(r_wl=2.5, r_bl=3.0, r_source=1.5, r_sense=2.0)


def test_solve_matches_the_dense_nodal_system():
    got = xbar.Crossbar(G, **CIRCUIT).solve(V)
    want = dense_nodal_currents(G, V, 2.5, 3.0, 1.5, 2.0)
    assert got.shape == (6,)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=0)


def test_a_batch_gives_one_row_per_vector():
    xb = xbar.Crossbar(G, **CIRCUIT)
    batch = RNG.uniform(0, 0.2, (4, 9))
    got = xb.solve(batch)
    assert got.shape == (4, 6)
    for k in range(4):
        np.testing.assert_allclose(got[k], xb.solve(batch[k]), rtol=1e-12, atol=0)


def test_transfer_reproduces_solve_and_node_voltages_obey_the_cell_law():
    xb = xbar.Crossbar(G, **CIRCUIT)
    T = xb.transfer()
    assert T.shape == (9, 6)
    I = xb.solve(V)
    np.testing.assert_allclose(V @ T, I, rtol=1e-10, atol=0)
    u, w = xb.node_voltages(V)
    assert u.shape == w.shape == (9, 6)
    np.testing.assert_allclose(np.sum(G * (u - w), axis=0), I, rtol=1e-9, atol=0)


def test_an_ideal_circuit_gives_v_times_g():
    xb = xbar.Crossbar(G, r_wl=0, r_bl=0)
    np.testing.assert_allclose(xb.solve(V), V @ G, rtol=1e-13, atol=0)


def test_integer_and_float32_arrays_and_tensors_are_read_as_numbers():
    xb = xbar.Crossbar(G.astype(np.float32), drive="both", sense="both")
    assert xb.solve(np.zeros(9, dtype=np.int64)).tolist() == [0.0] * 6
    torch = pytest.importorskip("torch")
    np.testing.assert_array_equal(xb.solve(torch.tensor(V)), xb.solve(V))


@pytest.mark.parametrize("make, words", [
    (lambda: xbar.Crossbar(np.full((3, 3), np.nan)), "NaN"),
    (lambda: xbar.Crossbar(-G), "-"),
    (lambda: xbar.Crossbar(G[0]), "2-D"),
    (lambda: xbar.Crossbar(np.zeros((0, 3))), "shape"),
    (lambda: xbar.Crossbar(G.astype(complex)), "dtype"),
    (lambda: xbar.Crossbar(G, r_wl=-1), "--r-wl"),
    (lambda: xbar.Crossbar(G, drive="up"), "--drive"),
    (lambda: xbar.Crossbar(G, r_wll=1), "unknown flag --r-wll"),
    (lambda: xbar.Crossbar(G).solve(np.zeros(8)), "9 values"),
    (lambda: xbar.Crossbar(G).solve(np.full(9, np.inf)), "finite"),
    (lambda: xbar.Crossbar(G).node_voltages(np.zeros((2, 9))), "one input vector"),
])
def test_bad_arguments_are_value_errors_naming_the_problem(make, words):
    with pytest.raises(ValueError) as e:
        make()
    message = str(e.value)
    assert words in message
    assert "\n" not in message and "at io.xbar" not in message and "Exception" not in message


def test_no_jdk_25_names_java_home_and_xbar_java(tmp_path, monkeypatch):
    from xbar import _jvm
    old = tmp_path / "jdk-21"
    (old / "lib" / "server").mkdir(parents=True)
    (old / "lib" / "server" / "libjvm.so").write_bytes(b"")
    (old / "release").write_text('JAVA_VERSION="21.0.5"\n')
    monkeypatch.setattr(_jvm, "_JVM_DIR", str(tmp_path / "none"))
    monkeypatch.delenv("XBAR_JAVA", raising=False)
    monkeypatch.setenv("JAVA_HOME", str(old))
    with pytest.raises(_jvm.XbarError) as e:
        _jvm._find_java()
    message = str(e.value)
    assert "JDK 25 or newer" in message and "JAVA_HOME" in message and "XBAR_JAVA" in message
    assert str(old) in message  # where it looked


def test_an_unbuilt_checkout_says_how_to_build_it(tmp_path, monkeypatch):
    from xbar import _jvm
    monkeypatch.setattr(_jvm, "_TARGET", str(tmp_path))
    monkeypatch.delenv("XBAR_CLASSPATH", raising=False)
    with pytest.raises(_jvm.XbarError) as e:
        _jvm._classpath()
    assert "./mvnw -B -DskipTests -pl bindings/python -am package" in str(e.value)
