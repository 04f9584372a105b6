"""xbar.torch: analog layers equal xbar's read-out, convert, training straight-through, re-programming, state_dict."""
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

import xbar  # noqa: E402
import xbar.torch as xt  # noqa: E402

SETTINGS = dict(mapping="mdm", tile=(32, 32), r_wl=2.5, r_bl=2.5)
PRECISE = dict(weight_bits=16, input_bits=16, r_wl=0, r_bl=0)


def test_analog_linear_is_the_mapped_layer_plus_the_bias():
    torch.manual_seed(0)
    lin = nn.Linear(50, 7)
    x = torch.rand(6, 50)
    analog = xt.AnalogLinear.from_linear(lin, **SETTINGS)
    want = xbar.map_layer(lin.weight.detach().double().numpy().T, **SETTINGS).mvm(x.double().numpy())
    got = analog(x)
    assert got.dtype == torch.float32 and got.shape == (6, 7)
    np.testing.assert_allclose(got.detach().numpy(), (want + lin.bias.detach().double().numpy()).astype(np.float32),
                               rtol=1e-6, atol=1e-7)
    assert analog(x[0]).shape == (7,) and analog(x.reshape(2, 3, 50)).shape == (2, 3, 7)


def test_analog_conv_matches_a_digital_conv_on_a_precise_ideal_device_and_differs_with_wires():
    torch.manual_seed(1)
    conv = nn.Conv2d(3, 8, 3, stride=2, padding=1)
    x = torch.rand(4, 3, 11, 9)
    digital = conv(x).detach()
    precise = xt.AnalogConv2d.from_conv(conv, **PRECISE)(x).detach()
    assert precise.shape == digital.shape == (4, 8, 6, 5)
    assert torch.max(torch.abs(precise - digital)) < 1e-3 * torch.max(torch.abs(digital))
    wired = xt.AnalogConv2d.from_conv(conv, weight_bits=16, input_bits=16, r_wl=20, r_bl=20)(x).detach()
    assert torch.max(torch.abs(wired - digital)) > 1e-2 * torch.max(torch.abs(digital))


def small_net():
    torch.manual_seed(2)
    return nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 10))


def test_convert_copies_and_replaces_linear_and_conv_layers():
    net = small_net()
    analog = xt.convert(net, **SETTINGS)
    assert type(net[0]) is nn.Conv2d and type(net[3]) is nn.Linear  # the original is unchanged
    assert isinstance(analog[0], xt.AnalogConv2d) and isinstance(analog[3], xt.AnalogLinear)
    x = torch.rand(5, 1, 8, 8)
    assert analog(x).shape == (5, 10)
    assert torch.argmax(analog(x), 1).tolist() == torch.argmax(net(x), 1).tolist()


def test_unsupported_layers_stay_digital_and_are_named():
    net = nn.Sequential(nn.Conv2d(4, 4, 3, groups=2), nn.Conv1d(2, 2, 1), nn.Linear(3, 3))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        analog = xt.convert(net)
    text = " ".join(str(w.message) for w in caught)
    assert "0 (" in text and "groups=2" in text and "Conv1d" in text
    assert type(analog[0]) is nn.Conv2d and isinstance(analog[2], xt.AnalogLinear)


def test_state_dict_round_trips():
    analog = xt.convert(small_net(), **SETTINGS)
    x = torch.rand(3, 1, 8, 8)
    y = analog(x).detach()
    other = xt.convert(nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(144, 10)))
    other.load_state_dict(analog.state_dict())
    assert other[0].settings == analog[0].settings
    assert torch.equal(other(x).detach(), y)


def test_training_is_straight_through_and_reprograms_every_k_steps():
    torch.manual_seed(3)
    lin = nn.Linear(20, 5)
    analog = xt.AnalogLinear.from_linear(lin, reprogram_every=3, **SETTINGS)
    x = torch.rand(8, 20)
    analog.train()
    analog(x).sum().backward()
    lin(x).sum().backward()
    assert torch.allclose(analog.weight.grad, lin.weight.grad) and torch.allclose(analog.bias.grad, lin.bias.grad)
    opt = torch.optim.SGD(analog.parameters(), lr=0.1)
    programmed = analog._layer
    seen = []
    for step in range(6):
        opt.zero_grad()
        analog(x).pow(2).sum().backward()
        opt.step()
        analog(x)
        seen.append(analog._layer is not programmed)
        programmed = analog._layer
    assert seen == [False, False, True, False, False, True]
    analog.eval()
    with torch.no_grad():
        analog.weight.add_(0.01)
    before = analog._layer
    analog(x)
    assert analog._layer is not before  # eval: any change re-programs


@pytest.mark.parametrize("make, words", [
    (lambda: xt.convert(small_net(), mapping="best"), "--mapping"),
    (lambda: xt.convert("not a model"), "torch.nn.Module"),
    (lambda: xt.AnalogLinear(3, 2, reprogram_every=0), "reprogram_every"),
    (lambda: xt.AnalogLinear(3, 2)(-torch.ones(1, 3)), "--signed-inputs"),
    (lambda: xt.AnalogLinear(3, 2)(torch.ones(1, 4)), "4 features"),
    (lambda: xt.AnalogLinear(3, 2)(torch.full((1, 3), float("nan"))), "not finite"),
])
def test_bad_use_is_a_value_error(make, words):
    with pytest.raises(ValueError) as e:
        make()
    assert words in str(e.value)


def test_signed_inputs_take_negative_activations():
    lin = nn.Linear(3, 2)
    y = xt.AnalogLinear.from_linear(lin, signed_inputs=True, **PRECISE)(-torch.ones(1, 3)).detach()
    assert torch.allclose(y, lin(-torch.ones(1, 3)).detach(), rtol=1e-3, atol=1e-4)
