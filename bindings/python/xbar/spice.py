"""SPICE netlists from Python: ``export`` an ngspice-ready crossbar netlist, ``solve`` a linear DC netlist."""

import json
import os
import warnings

from . import _jvm


def export(G, V, path, **circuit):
    """Writes the ``.op`` netlist of crossbar ``G`` (M x N siemens) driven by ``V`` (M volts) to ``path``.

    ``i(VSENSE<j>)`` in ngspice equals ``Crossbar(G, **circuit).solve(V)[j]``. Circuit keywords as
    :class:`xbar.Crossbar`. The file appears complete or not at all.
    """
    j = _jvm.bridge()
    g, shape, _ = _jvm.matrix("G", G, "conductances must be a 2-D M x N matrix (rows = word lines, "
                                      "columns = bit lines)")
    m, n = int(shape[0]), int(shape[1])
    v, batch, _ = _jvm.vectors("V", V, m, "one voltage per row (word line)")
    if batch >= 0 and batch != 1:
        raise ValueError("V has %d vectors; a netlist takes one input vector of %d values" % (batch, m))
    _jvm.call(j.spiceExport, g, m, n, v, os.fspath(path), _jvm.flags(circuit))


def solve(path):
    """Solves a linear DC netlist (R, V, I elements) as ``xbar spice solve``: a dict with ``node_voltages``
    and ``source_currents`` (ngspice sign convention)."""
    out, warning = _jvm.call(_jvm.bridge().spiceSolve, os.fspath(path))
    if str(warning):
        # For example a near-short in series with a source: the numbers are written, with how far to trust them.
        warnings.warn(str(warning), RuntimeWarning, stacklevel=2)
    return json.loads(str(out))
