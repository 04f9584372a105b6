#!/usr/bin/env python3
# scipy_crossbar.py: the SciPy peer of bench/peers.sh -- the crossbar's 2MN nodal system by scipy.sparse, solved by splu.
"""Solves a crossbar (MODEL.md section 1) with SciPy's sparse direct solver (SuperLU).

  scipy_crossbar.py solve    G.npy V.npy OUT.npy --r-wl R --r-bl R [--r-source R] [--r-sense R] [--r-access R]
  scipy_crossbar.py transfer G.npy OUT.npy     --r-wl R --r-bl R [...]

Nodes u(i,j) (word line) and w(i,j) (bit line), left drive, bottom sense. A zero source or sense
resistance pins its node (Dirichlet elimination, exact); wire resistances must be positive.
`solve` writes the N column currents, `transfer` the M x N transfer matrix T (I = V . T, from one
splu factorization, in symmetric mode since the system is SPD, and M solves, one per e_i). Times are measured here, inside Python, and printed
as one JSON line on stdout: assemble_s, factor_s, solve_s (medians over --repeats), unknowns, nnz_lu.
"""
import argparse
import json
import sys
import time

import numpy as np
import scipy
import scipy.sparse as sp
import scipy.sparse.linalg as spla


def assemble(g, r_wl, r_bl, r_source, r_sense, r_access):
    """The nodal matrix over free nodes, the coupling to the pinned drivers, and the output map.

    Returns (A_ff, B, C, gc): A_ff x_f = B @ V gives the free node voltages for inputs V (pinned
    sense nodes are at 0 V), and I = C @ x_f + (cell current of pinned u nodes) via gc.
    """
    m, n = g.shape
    gc = g / (1.0 + g * r_access)
    mn = m * n
    u = np.arange(mn).reshape(m, n)
    w = mn + u
    rows, cols, vals = [], [], []

    def branch(a, b, cond):
        cond = np.broadcast_to(cond, a.shape).ravel(); a = a.ravel(); b = b.ravel()
        rows.extend((a, b, a, b)); cols.extend((a, b, b, a)); vals.extend((cond, cond, -cond, -cond))

    branch(u[:, :-1], u[:, 1:], 1.0 / r_wl)
    branch(w[:-1, :], w[1:, :], 1.0 / r_bl)
    branch(u, w, gc)
    diag = np.zeros(2 * mn)
    pinned = np.zeros(2 * mn, dtype=bool)
    # Driver at u(i,0), sense amplifier (0 V) at w(M-1,j).
    if r_source > 0:
        diag[u[:, 0]] += 1.0 / r_source
    else:
        pinned[u[:, 0]] = True
    if r_sense > 0:
        diag[w[-1, :]] += 1.0 / r_sense
    else:
        pinned[w[-1, :]] = True
    a = sp.coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                      shape=(2 * mn, 2 * mn)).tocsr()
    a = a + sp.diags(diag)
    free = np.flatnonzero(~pinned)
    # Drive matrix D (2MN x M): node voltage contributions of V; pinned u(i,0) = V[i] exactly.
    d_rows = u[:, 0]
    if r_source > 0:
        b = sp.csr_matrix((np.full(m, 1.0 / r_source), (d_rows, np.arange(m))), shape=(2 * mn, m))
        x_pinned = None
    else:
        x_pinned = sp.csr_matrix((np.ones(m), (d_rows, np.arange(m))), shape=(2 * mn, m))
        b = -a[:, d_rows]
    a_ff = a[free][:, free].tocsc()
    b_f = b[free]
    return a_ff, b_f, free, x_pinned, gc, u, w


def currents_from(x_full, gc, u, w):
    """I[j] = sum_i g'(i,j) (u(i,j) - w(i,j)) for one or more node-voltage columns."""
    m, n = gc.shape
    mn = m * n
    if x_full.ndim == 1:
        x_full = x_full[:, None]
    uu = x_full[:mn].reshape(m, n, -1)
    ww = x_full[mn:].reshape(m, n, -1)
    return np.einsum('ij,ijk->kj', gc, uu - ww)  # K x N


def full_voltages(sol_f, free, x_pinned, v, size):
    """Scatters the free solution back and sets pinned drivers to V (sense nodes stay 0)."""
    k = sol_f.shape[1] if sol_f.ndim == 2 else 1
    x = np.zeros((size, k))
    x[free] = sol_f.reshape(len(free), k)
    if x_pinned is not None:
        x += x_pinned @ v.reshape(v.shape[0], k)
    return x


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('mode', choices=('solve', 'transfer'))
    p.add_argument('files', nargs='+')
    p.add_argument('--r-wl', type=float, default=2.5)
    p.add_argument('--r-bl', type=float, default=2.5)
    p.add_argument('--r-source', type=float, default=0.0)
    p.add_argument('--r-sense', type=float, default=0.0)
    p.add_argument('--r-access', type=float, default=0.0)
    p.add_argument('--repeats', type=int, default=1, help='factor + solve this many times, report the median')
    a = p.parse_args(argv)
    if not (a.r_wl > 0 and a.r_bl > 0):
        p.error('wire resistances must be positive (this peer does not merge shorted lines)')
    if min(a.r_source, a.r_sense, a.r_access) < 0:
        p.error('resistances must be >= 0')
    if a.mode == 'solve' and len(a.files) != 3:
        p.error('solve needs G.npy V.npy OUT.npy')
    if a.mode == 'transfer' and len(a.files) != 2:
        p.error('transfer needs G.npy OUT.npy')
    g = np.load(a.files[0]).astype(np.float64)
    if g.ndim != 2:
        p.error('conductances must be 2-D, got shape %s' % (g.shape,))
    m, n = g.shape
    if a.mode == 'solve':
        v = np.load(a.files[1]).astype(np.float64).ravel()
        if v.shape[0] != m:
            p.error('inputs must have %d values, got %d' % (m, v.shape[0]))
    else:
        v = np.eye(m)

    t0 = time.perf_counter()
    a_ff, b_f, free, x_pinned, gc, u, w = assemble(g, a.r_wl, a.r_bl, a.r_source, a.r_sense, a.r_access)
    rhs = b_f @ v  # dense: (free,) or (free, M)
    rhs = np.asarray(rhs)
    t1 = time.perf_counter()
    factor, solve = [], []
    for _ in range(max(1, a.repeats)):
        s0 = time.perf_counter()
        # The system is SPD: symmetric mode (ordering of A^T + A, diagonal pivots) fills in less
        # and solves faster than splu's default COLAMD with partial pivoting.
        lu = spla.splu(a_ff, permc_spec='MMD_AT_PLUS_A', diag_pivot_thresh=0.0, options=dict(SymmetricMode=True))
        s1 = time.perf_counter()
        if rhs.ndim == 1:
            sol = lu.solve(rhs)
        else:
            # One solve per input e_i: SuperLU's blocked multi-right-hand-side solve was slower here.
            sol = np.empty_like(rhs)
            for k in range(rhs.shape[1]):
                sol[:, k] = lu.solve(np.ascontiguousarray(rhs[:, k]))
        s2 = time.perf_counter()
        factor.append(s1 - s0)
        solve.append(s2 - s1)
    x = full_voltages(sol, free, x_pinned, v, 2 * m * n)
    out = currents_from(x, gc, u, w)
    residual = np.linalg.norm(a_ff @ sol - rhs, np.inf) / (
        abs(a_ff).sum(axis=1).max() * np.abs(sol).max() + np.abs(rhs).max())
    np.save(a.files[-1], out[0] if a.mode == 'solve' else out)
    print(json.dumps({
        'mode': a.mode, 'rows': m, 'cols': n, 'unknowns': int(len(free)),
        'assemble_s': t1 - t0, 'factor_s': float(np.median(factor)), 'solve_s': float(np.median(solve)),
        'repeats': len(factor),
        'nnz_lu': int(lu.L.nnz + lu.U.nnz), 'residual': float(residual),
        'scipy': scipy.__version__, 'numpy': np.__version__, 'python': sys.version.split()[0],
    }))


if __name__ == '__main__':
    main(sys.argv[1:])
