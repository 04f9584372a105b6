"""xbar for Python: exact crossbar solves, transfer matrices and mapped layers, in process.

MODEL.md section 7. NumPy in, NumPy out; keyword names follow the command-line flags with ``_``
(``r_wl``, ``drive``, ``tile=(256, 256)``, ``mapping="optimized"``, ``g_on``, ...), and every
setting is parsed and checked by the same code as ``./xbar``, so errors carry the command line's
one-line message: ``ValueError`` for a bad argument, :class:`XbarError` otherwise.

    import numpy as np, xbar
    xb = xbar.Crossbar(G, r_wl=2.5, r_bl=2.5)      # G: M x N siemens
    I = xb.solve(V)                                 # V: M or B x M volts -> N or B x N amperes
    T = xb.transfer()                               # I == V @ T
    layer = xbar.map_layer(W, mapping="mdm", tile=(128, 128))
    Y = layer.mvm(X); report = layer.nf(X); layer.save("mapped")
"""

import json

from . import _jvm
from ._jvm import XbarError

__all__ = ["Crossbar", "MappedLayer", "XbarError", "map_layer", "spice"]


class Crossbar:
    """An M x N crossbar programmed with conductances ``G`` (siemens), under the circuit of the keyword flags.

    Circuit keywords: ``r_wl r_bl r_source r_sense r_access`` (ohms), ``drive`` (left|right|both),
    ``sense`` (bottom|top|both); defaults as MODEL.md section 1. Also ``threads``, ``config``, and
    ``cell_model="sinh", v0=0.25`` for nonlinear cells (MODEL.md section 6; then no ``transfer()``).
    """

    def __init__(self, G, **circuit):
        j = _jvm.bridge()
        g, shape, _ = _jvm.matrix("G", G, "conductances must be a 2-D M x N matrix (rows = word lines, "
                                          "columns = bit lines)")
        self.shape = (int(shape[0]), int(shape[1]))
        self._java = _jvm.call(j.crossbar, g, self.shape[0], self.shape[1], _jvm.flags(circuit))

    def solve(self, V):
        """Output currents: ``V`` of M volts gives N amperes; a B x M batch gives B x N."""
        m, n = self.shape
        v, batch, _ = _jvm.vectors("V", V, m, "one voltage per row (word line)")
        out = _jvm.call(_jvm.bridge().solve, self._java, v, batch)
        return _jvm.array(out, (n,) if batch < 0 else (batch, n))

    def node_voltages(self, V):
        """The node voltages ``(u, w)`` of one input vector: word-line and bit-line nodes, each M x N volts."""
        m, n = self.shape
        v, batch, _ = _jvm.vectors("V", V, m, "one voltage per row (word line)")
        if batch >= 0:
            raise ValueError("V has shape (%d, %d); node_voltages takes one input vector of %d values"
                             % (batch, m, m))
        u, w = _jvm.call(_jvm.bridge().nodeVoltages, self._java, v)
        return _jvm.array(u, self.shape), _jvm.array(w, self.shape)

    def transfer(self):
        """The exact M x N transfer matrix ``T``: ``solve(V) == V @ T`` for every ``V``."""
        return _jvm.array(_jvm.call(_jvm.bridge().transfer, self._java), self.shape)

    def __repr__(self):
        return "xbar.Crossbar(%dx%d)" % self.shape


class MappedLayer:
    """A K x N_out weight matrix mapped onto crossbars (quantized, bit-sliced, tiled, placed), see :func:`map_layer`."""

    def __init__(self, java, inputs, outputs):
        self._java = java
        self.inputs = inputs
        self.outputs = outputs

    @property
    def tiles(self):
        """Number of crossbar tiles."""
        return int(self._java.tiles())

    def mvm(self, X):
        """``y = x . W`` as the crossbars compute it (equal to ``xbar mvm`` with the same flags): N_out or B x N_out."""
        x, batch, ints = _jvm.vectors("X", X, self.inputs, "one activation per weight row")
        y = _jvm.call(self._java.mvm, x, max(batch, 1), ints)
        return _jvm.array(y, (self.outputs,) if batch < 0 else (batch, self.outputs))

    def nf(self, X):
        """The nonideality report of ``xbar nf`` as a dict (``nf``, ``mvm_rel_error``, ``tiles``, settings)."""
        x, batch, ints = _jvm.vectors("X", X, self.inputs, "one activation per weight row")
        return json.loads(str(_jvm.call(self._java.nf, x, max(batch, 1), ints)))

    def save(self, directory):
        """Writes ``mapping.json`` and one ``tile_<r>_<c>.npy`` per tile into ``directory``, as ``xbar map``."""
        _jvm.call(self._java.save, str(directory))

    def __repr__(self):
        return "xbar.MappedLayer(%dx%d, %d tiles)" % (self.inputs, self.outputs, self.tiles)


def map_layer(W, calibration=None, **settings):
    """Maps a K x N_out weight matrix ``W`` onto crossbars, as ``xbar map``.

    Keywords: mapping (``mapping="naive"|"mdm"|"optimized"``, ``weight_bits``, ``cell_bits``, ``signed``,
    ``tile=(R, C)``, ``layout``, ``orientation``, ``row_order``, ``input_bits``, ``dac_bits``, ``adc_bits``,
    ``signed_inputs``), device (``g_on``, ``g_off``, ``v_read``), programming (``stuck_on``, ``stuck_off``,
    ``program_noise``, ``drift_time``, ``drift_nu``, ``drift_nu_sigma``, ``seed``; MODEL.md section 6,
    docs/devices.md) and circuit (as :class:`Crossbar`).
    ``calibration``: activations (K or B x K) whose row activities guide ``mapping="optimized"``.
    An integer-typed ``W`` (or ``X``) holds levels, as an integer ``.npy`` does for the command line.
    """
    j = _jvm.bridge()
    w, shape, ints = _jvm.matrix("W", W, "weights must be a 2-D K x N_out matrix (y = x . W)")
    k, n = int(shape[0]), int(shape[1])
    cal, cal_batch, cal_ints = None, 0, False
    if calibration is not None:
        cal, cal_batch, cal_ints = _jvm.vectors("calibration", calibration, k, "one activation per weight row")
        cal_batch = max(cal_batch, 1)
    java = _jvm.call(j.mapLayer, w, k, n, ints, _jvm.flags(settings), cal, cal_batch, cal_ints)
    return MappedLayer(java, k, n)


from . import spice  # noqa: E402  (needs the names above)
