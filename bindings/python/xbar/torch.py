"""PyTorch layers whose matrix-vector products run on xbar's crossbars with parasitics.

``convert(model, **settings)`` returns a copy of ``model`` whose ``nn.Linear`` and ``nn.Conv2d``
layers are :class:`AnalogLinear` and :class:`AnalogConv2d`: each layer's weights are quantized,
bit-sliced, tiled and placed on crossbars (the mapping, device and circuit keywords of
:func:`xbar.map_layer`), and every forward pass reads them out as ``xbar mvm`` does (quantized
inputs, bit-serial DAC, ADC, the exact effective transfer matrix of every tile). The transfer
matrices are computed once when the weights are programmed, so a forward pass costs GEMMs, not
circuit solves. The bias is added digitally, after the read-out.

Training (hardware-aware): in ``train()`` mode the forward pass runs on the crossbars and the
backward pass is straight-through to the float weights (the gradient of ``x @ W.T``). The layer
re-programs its crossbars from the float weights after every ``reprogram_every`` optimizer steps
(default 1; a step is any in-place change of the weight tensor); in ``eval()`` mode any change
re-programs before the next forward pass. CPU tensors, any batch size; ``state_dict`` holds the
float weights and the settings, and round-trips.
"""

import copy
import warnings

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

import xbar
from xbar import _jvm

__all__ = ["AnalogLinear", "AnalogConv2d", "convert"]


class _Analog(nn.Module):
    """What both analog layers share: the settings, the programmed layer, when to re-program, the read-out."""

    def _init_analog(self, settings, reprogram_every):
        if int(reprogram_every) < 1:
            raise ValueError("reprogram_every must be >= 1 optimizer steps, got %r" % (reprogram_every,))
        self.settings = dict(settings)
        self.reprogram_every = int(reprogram_every)
        self._layer = None
        self._programmed_version = None
        self._steps = 0
        self._last_version = None
        # Checks the settings now (a bad keyword fails here, not at the first forward pass).
        xbar.map_layer(np.zeros((1, 1)), **self.settings)

    def _matrix(self):
        """The K x N_out matrix the crossbars hold (y = x . W)."""
        raise NotImplementedError

    def program(self):
        """Maps the current float weights onto the crossbars (and computes every tile's transfer matrix)."""
        w = self._matrix().detach().to(torch.float64).cpu().numpy()
        self._layer = xbar.map_layer(w, **self.settings)
        self._programmed_version = self.weight._version
        self._last_version = self.weight._version
        self._steps = 0
        return self

    def _programmed(self):
        version = self.weight._version
        if self._layer is None:
            return self.program()._layer
        if version != self._programmed_version:
            if not self.training:
                return self.program()._layer
            if version != self._last_version:  # one more optimizer step since the last forward pass
                self._steps += 1
                self._last_version = version
            if self._steps >= self.reprogram_every:
                return self.program()._layer
        return self._layer

    def _mvm(self, x2d):
        """``x2d @ W`` (K columns in, N_out out) on the crossbars, straight-through for the gradient."""
        layer = self._programmed()
        with torch.no_grad():
            y = torch.from_numpy(layer.mvm(x2d.detach().to(torch.float64).cpu().numpy())).to(x2d.dtype)
        if torch.is_grad_enabled() and (x2d.requires_grad or self.weight.requires_grad):
            digital = x2d @ self._matrix()
            return digital + (y - digital).detach()
        return y

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_layer"] = None  # a copy (deepcopy, pickle) programs its own crossbars on first use
        return state

    def get_extra_state(self):
        return {"settings": dict(self.settings), "reprogram_every": self.reprogram_every}

    def set_extra_state(self, state):
        self.settings = dict(state["settings"])
        self.reprogram_every = int(state["reprogram_every"])
        self._layer = None  # the loaded weights are programmed before the next forward pass

    def _settings_repr(self):
        return ", ".join("%s=%r" % kv for kv in self.settings.items())


class AnalogLinear(_Analog):
    """``nn.Linear`` on crossbars: ``y = xbar(x . W.T) + b``."""

    def __init__(self, in_features, out_features, bias=True, reprogram_every=1, **settings):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        self.bias = nn.Parameter(torch.zeros(out_features)) if bias else None
        nn.init.kaiming_uniform_(self.weight, a=5 ** 0.5)
        self._init_analog(settings, reprogram_every)

    @classmethod
    def from_linear(cls, linear, reprogram_every=1, **settings):
        layer = cls(linear.in_features, linear.out_features, linear.bias is not None, reprogram_every, **settings)
        with torch.no_grad():
            layer.weight.copy_(linear.weight)
            if linear.bias is not None:
                layer.bias.copy_(linear.bias)
        return layer.to(linear.weight.dtype)

    def _matrix(self):
        return self.weight.t()

    def forward(self, x):
        if x.shape[-1] != self.in_features:
            raise ValueError("AnalogLinear: input has %d features, the layer takes %d" % (x.shape[-1], self.in_features))
        lead = x.shape[:-1]
        y = self._mvm(x.reshape(-1, self.in_features))
        if self.bias is not None:
            y = y + self.bias
        return y.reshape(*lead, self.out_features)

    def extra_repr(self):
        return "in_features=%d, out_features=%d, bias=%s, %s" % (self.in_features, self.out_features,
                                                                 self.bias is not None, self._settings_repr())


class AnalogConv2d(_Analog):
    """``nn.Conv2d`` (``groups=1``, zero padding) on crossbars: im2col patches times the ``C*kh*kw x out`` matrix."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, bias=True,
                 reprogram_every=1, **settings):
        super().__init__()
        pair = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v, v)  # noqa: E731
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = pair(kernel_size), pair(stride)
        self.padding, self.dilation = pair(padding), pair(dilation)
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, *self.kernel_size))
        self.bias = nn.Parameter(torch.zeros(out_channels)) if bias else None
        nn.init.kaiming_uniform_(self.weight, a=5 ** 0.5)
        self._init_analog(settings, reprogram_every)

    @classmethod
    def from_conv(cls, conv, reprogram_every=1, **settings):
        if conv.groups != 1 or conv.padding_mode != "zeros" or isinstance(conv.padding, str):
            raise ValueError("AnalogConv2d supports groups=1, zero padding given as numbers; this layer has groups=%d, "
                             "padding=%r, padding_mode=%r" % (conv.groups, conv.padding, conv.padding_mode))
        layer = cls(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding, conv.dilation,
                    conv.bias is not None, reprogram_every, **settings)
        with torch.no_grad():
            layer.weight.copy_(conv.weight)
            if conv.bias is not None:
                layer.bias.copy_(conv.bias)
        return layer.to(conv.weight.dtype)

    def _matrix(self):
        return self.weight.reshape(self.out_channels, -1).t()

    def forward(self, x):
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ValueError("AnalogConv2d: input has shape %s; the layer takes B x %d x H x W"
                             % (tuple(x.shape), self.in_channels))
        b, _, h, w = x.shape
        kh, kw = self.kernel_size
        oh = (h + 2 * self.padding[0] - self.dilation[0] * (kh - 1) - 1) // self.stride[0] + 1
        ow = (w + 2 * self.padding[1] - self.dilation[1] * (kw - 1) - 1) // self.stride[1] + 1
        cols = F.unfold(x, self.kernel_size, self.dilation, self.padding, self.stride)  # B x (C*kh*kw) x L
        patches = cols.transpose(1, 2).reshape(b * oh * ow, -1)
        y = self._mvm(patches).reshape(b, oh * ow, self.out_channels).transpose(1, 2)
        y = y.reshape(b, self.out_channels, oh, ow)
        if self.bias is not None:
            y = y + self.bias.view(1, -1, 1, 1)
        return y

    def extra_repr(self):
        return "%d, %d, kernel_size=%s, stride=%s, padding=%s, %s" % (
            self.in_channels, self.out_channels, self.kernel_size, self.stride, self.padding, self._settings_repr())


def convert(model, reprogram_every=1, **settings):
    """A copy of ``model`` whose ``Linear`` and ``Conv2d`` layers run on xbar crossbars (``model`` is unchanged).

    Keywords: those of :func:`xbar.map_layer` (mapping, device, circuit, and the programming keywords
    ``stuck_on stuck_off program_noise drift_time drift_nu drift_nu_sigma seed``), and ``reprogram_every``
    for training. The first converted layer uses ``seed``, every further one a seed derived from it
    (in the order the layers are visited), so each layer's crossbars get their own faults, noise and drift. Layers that cannot run on crossbars (for example a grouped convolution) stay digital,
    with a warning that names them.
    """
    if not isinstance(model, nn.Module):
        raise ValueError("convert takes a torch.nn.Module, got %s" % type(model).__name__)
    xbar.map_layer(np.zeros((1, 1)), **settings)  # bad keywords fail before any copy is made
    converted = copy.deepcopy(model)
    digital = []
    count = [0]

    def own_seed():
        # Each layer's crossbars get their own stuck cells, noise and drift: layer 0 keeps ``seed``,
        # the others a seed derived from it (DeviceVariability.forLayer), recorded in their settings.
        k = count[0]
        count[0] += 1
        if k == 0:
            return settings
        seed = _jvm.call(_jvm.bridge().layerSeed, _jvm.flags(settings), k)
        return dict(settings, seed=int(seed))

    def swap(parent, prefix):
        for name, child in parent.named_children():
            path = prefix + name
            if isinstance(child, (AnalogLinear, AnalogConv2d)):
                continue
            if type(child) is nn.Linear:
                setattr(parent, name, AnalogLinear.from_linear(child, reprogram_every, **own_seed()))
            elif type(child) is nn.Conv2d:
                try:
                    setattr(parent, name, AnalogConv2d.from_conv(child, reprogram_every, **own_seed()))
                except ValueError as e:
                    digital.append("%s (%s)" % (path, e))
            elif isinstance(child, (nn.Conv1d, nn.Conv3d, nn.ConvTranspose2d, nn.Bilinear, nn.RNNBase,
                                    nn.MultiheadAttention)):
                digital.append("%s (%s is not supported)" % (path, type(child).__name__))
            else:
                swap(child, path + ".")

    if type(converted) is nn.Linear or type(converted) is nn.Conv2d:
        holder = nn.Sequential(converted)
        swap(holder, "")
        converted = holder[0]
    else:
        swap(converted, "")
    if digital:
        warnings.warn("xbar.torch.convert: left digital: " + "; ".join(digital), stacklevel=2)
    return converted
