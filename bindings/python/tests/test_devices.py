"""Programming variability from Python: map_layer keywords, seeded, recorded in mapping.json; convert gives layers own seeds."""
import json

import numpy as np
import pytest

import xbar

DEVICE = dict(stuck_on=0.02, stuck_off=0.03, program_noise=0.08, drift_time=86400.0, drift_nu=0.05, drift_nu_sigma=0.02,
              seed=11)


def _data():
    r = np.random.default_rng(3)
    return r.normal(size=(40, 5)), r.random((3, 40))


def test_map_layer_device_keywords_are_seeded_and_saved(tmp_path):
    w, x = _data()
    nominal = xbar.map_layer(w, tile=(32, 28))
    a = xbar.map_layer(w, tile=(32, 28), **DEVICE)
    b = xbar.map_layer(w, tile=(32, 28), **DEVICE)
    other = xbar.map_layer(w, tile=(32, 28), **dict(DEVICE, seed=12))
    np.testing.assert_array_equal(a.mvm(x), b.mvm(x))
    assert not np.array_equal(a.mvm(x), nominal.mvm(x))
    assert not np.array_equal(a.mvm(x), other.mvm(x))
    report = a.nf(x)
    assert report["device"]["seed"] == 11 and report["device"]["stuck_on"] == 0.02
    assert report["mvm_rel_error"] > nominal.nf(x)["mvm_rel_error"]
    a.save(str(tmp_path / "m"))
    m = json.loads((tmp_path / "m" / "mapping.json").read_text())
    assert m["device"] == {"stuck_on": 0.02, "stuck_off": 0.03, "program_noise": 0.08, "drift_time": 86400.0,
                           "drift_nu": 0.05, "drift_nu_sigma": 0.02, "seed": 11}
    # The saved tiles hold the varied conductances: some cells stuck at g_on = 1e-4 exactly.
    g = np.load(tmp_path / "m" / m["tiles"][0]["file"])
    assert np.count_nonzero(g == 1e-4) > 0


@pytest.mark.parametrize("bad, named", [(dict(stuck_on=float("nan")), "--stuck-on"), (dict(stuck_off=-0.1), "--stuck-off"),
                                        (dict(stuck_on=0.7, stuck_off=0.5), "at most 1"),
                                        (dict(program_noise=-1.0), "--program-noise"), (dict(drift_time=0.5), "--drift-time"),
                                        (dict(drift_nu_sigma=2.0), "--drift-nu-sigma"), (dict(seed=1.5), "--seed")])
def test_bad_device_keywords_are_value_errors_naming_the_flag(bad, named):
    w, _ = _data()
    with pytest.raises(ValueError, match=named.replace("-", "\\-")):
        xbar.map_layer(w, **bad)


def test_convert_gives_each_layer_its_own_seed():
    torch = pytest.importorskip("torch")
    from torch import nn
    import xbar.torch as xt
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(20, 20), nn.ReLU(), nn.Linear(20, 20))
    converted = xt.convert(model, tile=(32, 32), stuck_off=0.05, seed=5)
    seeds = [m.settings["seed"] for m in converted if isinstance(m, xt.AnalogLinear)]
    assert seeds[0] == 5 and len(set(seeds)) == 2
    again = xt.convert(model, tile=(32, 32), stuck_off=0.05, seed=5)
    x = torch.rand(2, 20)
    assert torch.equal(converted(x), again(x))
