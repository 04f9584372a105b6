// HubMethod: crossbars with one layer shorted (r_wl = 0 or r_bl = 0): each shorted line is one hub node.
package io.xbar.kernel;

/**
 * One layer of wires has zero resistance, so each of its lines is a single node (a hub); the other
 * layer is a set of tridiagonal chains. Hub {@code p} touches node {@code (p, l)} of every chain
 * {@code l} through its cell. With chain nodes stored position-major ({@code p*L + l}) the system is
 * <pre>
 *   [ A_l   -C  ] [x]   [b_l]        S = D_h - C^T A_l^-1 C      (P x P, SPD)
 *   [ -C^T  D_h ] [H] = [b_h]        S H = b_h + C^T A_l^-1 b_l,  x = A_l^-1 (b_l + C H)
 * </pre>
 * solved by Jacobi-preconditioned CG on {@code S} (each product is one sweep of chain solves),
 * or directly when the hubs are pinned by a zero driver/sense resistance.
 */
final class HubMethod implements NodalMethod<HubMethod.Work> {
    private final int m;
    private final int n;
    private final boolean hubsAreWordLines;
    private final int lines;     // L
    private final int positions; // P = number of hubs
    private final double[] cell; // g' row-major
    private final double[] diag;
    private final double[] off;
    private final boolean[] pinned;
    private final double[] lower;
    private final double[] invPivot;
    private final double[] coupling; // c(p,l) at p*L + l, zero where either end is pinned
    private final double[] hubDiag;
    private final boolean hubsPinned;
    private final double[] schurDiagonal;
    private final double normA;
    /** With max|V|, the scale of the currents: see {@link ConjugateGradient#currentConductance}. */
    private final double maxCell;
    private final Circuit circuit;
    private final SolverOptions options;
    private final LineKernels kernels;

    private HubMethod(int m, int n, boolean hubsAreWordLines, Circuit circuit, double[] cell, SolverOptions options,
                      LineKernels kernels) {
        this.m = m;
        this.n = n;
        this.hubsAreWordLines = hubsAreWordLines;
        this.circuit = circuit;
        this.cell = cell;
        this.maxCell = ConjugateGradient.currentConductance(cell, circuit);
        this.options = options;
        this.kernels = kernels;
        this.lines = hubsAreWordLines ? n : m;
        this.positions = hubsAreWordLines ? m : n;
        int size = m * n;
        diag = new double[size];
        off = new double[size];
        pinned = new boolean[size];
        coupling = new double[size];
        hubDiag = new double[positions];
        lower = new double[size];
        invPivot = new double[size];
        if (hubsAreWordLines) {
            hubsPinned = circuit.source() == 0;
            assembleBitLineChains();
        } else {
            hubsPinned = circuit.sense() == 0;
            assembleWordLineChains();
        }
        double maxDiag = 0;
        for (int k = 0; k < size; k++) {
            if (!pinned[k]) {
                maxDiag = Math.max(maxDiag, diag[k]);
            }
        }
        if (!hubsPinned) {
            for (double d : hubDiag) {
                maxDiag = Math.max(maxDiag, d);
            }
        }
        normA = 2 * maxDiag;
        kernels.factor(lines, positions, 0, lines, diag, off, lower, invPivot);
        schurDiagonal = hubsPinned ? null : schurDiagonal();
    }

    /** r_wl = 0: hubs are word lines (V through r_source), chains are bit lines (sense at 0 V). */
    static HubMethod shortedWordLines(int m, int n, Circuit c, double[] cell, SolverOptions o, LineKernels k) {
        return new HubMethod(m, n, true, c, cell, o, k);
    }

    /** r_bl = 0: hubs are bit lines (sense at 0 V through r_sense), chains are word lines. */
    static HubMethod shortedBitLines(int m, int n, Circuit c, double[] cell, SolverOptions o, LineKernels k) {
        return new HubMethod(m, n, false, c, cell, o, k);
    }

    private void assembleBitLineChains() {
        double gb = 1.0 / circuit.bitLine();
        boolean pinSense = circuit.sense() == 0;
        double gsense = pinSense ? 0 : 1.0 / circuit.sense();
        Sense sense = circuit.senseAt();
        int sources = circuit.drive().sources();
        double gs = hubsPinned ? 0 : 1.0 / circuit.source();
        for (int i = 0; i < m; i++) {
            int senses = sense.amplifiersAt(i, m);
            hubDiag[i] = sources * gs;
            for (int j = 0; j < n; j++) {
                int k = i * n + j;
                double g = cell[k];
                hubDiag[i] += g;
                pinned[k] = pinSense && senses > 0;
                diag[k] = pinned[k] ? 1 : g + (i > 0 ? gb : 0) + (i + 1 < m ? gb : 0) + senses * gsense;
                if (i > 0 && !pinned[k] && !pinned[k - n]) {
                    off[k] = -gb;
                }
                coupling[k] = pinned[k] || hubsPinned ? 0 : g;
            }
        }
    }

    private void assembleWordLineChains() {
        double gw = 1.0 / circuit.wordLine();
        boolean pinSource = circuit.source() == 0;
        double gs = pinSource ? 0 : 1.0 / circuit.source();
        Drive drive = circuit.drive();
        int senses = circuit.senseAt().amplifiers();
        double gsense = hubsPinned ? 0 : 1.0 / circuit.sense();
        for (int j = 0; j < n; j++) {
            int ends = drive.sourcesAt(j, n);
            hubDiag[j] = senses * gsense;
            for (int i = 0; i < m; i++) {
                int k = j * m + i;
                double g = cell[i * n + j];
                hubDiag[j] += g;
                pinned[k] = pinSource && ends > 0;
                diag[k] = pinned[k] ? 1 : g + (j > 0 ? gw : 0) + (j + 1 < n ? gw : 0) + ends * gs;
                if (j > 0 && !pinned[k] && !pinned[k - m]) {
                    off[k] = -gw;
                }
                coupling[k] = pinned[k] || hubsPinned ? 0 : g;
            }
        }
    }

    /** Right-hand sides of chains ({@code bl}, P*L) and hubs ({@code bh}, P, or pinned hub values). */
    private void rightHandSide(double[] v, double[] source, double[] bl, double[] bh) {
        rightHandSide(v, bl, bh);
        if (source == null) {
            return;
        }
        // A cell source leaves its word-line node and enters its bit-line node; pinned nodes absorb it.
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = source[i * n + j];
                if (hubsAreWordLines) {
                    if (!pinned[i * n + j]) {
                        bl[i * n + j] += s;
                    }
                    if (!hubsPinned) {
                        bh[i] -= s;
                    }
                } else {
                    if (!pinned[j * m + i]) {
                        bl[j * m + i] -= s;
                    }
                    if (!hubsPinned) {
                        bh[j] += s;
                    }
                }
            }
        }
    }

    private void rightHandSide(double[] v, double[] bl, double[] bh) {
        java.util.Arrays.fill(bl, 0);
        if (hubsAreWordLines) {
            int sources = circuit.drive().sources();
            for (int i = 0; i < m; i++) {
                if (hubsPinned) {
                    bh[i] = v[i];
                    for (int j = 0; j < n; j++) {
                        int k = i * n + j;
                        if (!pinned[k]) {
                            bl[k] += cell[k] * v[i];
                        }
                    }
                } else {
                    bh[i] = sources * v[i] / circuit.source();
                }
            }
            return;
        }
        java.util.Arrays.fill(bh, 0);
        boolean pinSource = circuit.source() == 0;
        double gw = 1.0 / circuit.wordLine();
        for (int col : MultigridMethod.drivenColumns(n, circuit.drive())) {
            int ends = circuit.drive().sourcesAt(col, n);
            for (int i = 0; i < m; i++) {
                int k = col * m + i;
                if (!pinSource) {
                    bl[k] = ends * v[i] / circuit.source();
                    continue;
                }
                bl[k] = v[i];
                for (int nb : new int[] {col - 1, col + 1}) {
                    if (nb >= 0 && nb < n && !pinned[nb * m + i]) {
                        bl[nb * m + i] += gw * v[i];
                    }
                }
                if (!hubsPinned) {
                    bh[col] += cell[i * n + col] * v[i];
                }
            }
        }
    }

    /** {@code diag(S)_p = D_h,p - sum_l c(p,l)^2 (A_l^-1)_pp}, with the inverse's diagonal from two-sided pivots. */
    private double[] schurDiagonal() {
        double[] s = hubDiag.clone();
        double[] forward = new double[positions];
        double[] backward = new double[positions];
        for (int l = 0; l < lines; l++) {
            for (int p = 0; p < positions; p++) {
                int k = p * lines + l;
                forward[p] = diag[k] - (p > 0 ? off[k] * off[k] / forward[p - 1] : 0);
            }
            for (int p = positions - 1; p >= 0; p--) {
                int k = p * lines + l;
                backward[p] = diag[k] - (p + 1 < positions ? off[k + lines] * off[k + lines] / backward[p + 1] : 0);
            }
            for (int p = 0; p < positions; p++) {
                int k = p * lines + l;
                double c = coupling[k];
                if (c != 0) {
                    s[p] -= c * c / (forward[p] + backward[p] - diag[k]);
                }
            }
        }
        return s;
    }

    /** Scratch of one solving thread, with the CG problem on the Schur complement bound to it. */
    final class Work {
        final double[] bl = new double[m * n];
        final double[] bh = new double[positions];
        final double[] x = new double[m * n];
        final double[] t = new double[m * n];
        final double[] hubs = new double[positions];
        final double[] schurRhs = new double[positions];
        final double[] rl = new double[m * n];
        final double[] rh = new double[positions];
        final double[] dx = new double[m * n];
        final double[] dh = new double[positions];
        final ConjugateGradient cg = new ConjugateGradient(positions, options, kernels);
        /** The solve in progress is a Newton step ({@link #newtonStep}): it returns what it reached rather than throwing. */
        boolean newtonStep;
        /** {@code S} applied through chain solves in {@code t}, Jacobi-preconditioned; residual {@code b - S h}. */
        final ConjugateGradient.Problem problem = new ConjugateGradient.Problem(
                "CG on the shorted-line Schur complement", (h, y) -> schur(h, y, t), null, (r, z) -> {
                    for (int p = 0; p < positions; p++) {
                        z[p] = r[p] / schurDiagonal[p];
                    }
                }, normA);
    }

    @Override
    public Work workspace() {
        return new Work();
    }

    /** {@code y = S h} using {@code t} as chain scratch. */
    private void schur(double[] h, double[] y, double[] t) {
        for (int p = 0; p < positions; p++) {
            int row = p * lines;
            double hp = h[p];
            for (int l = 0; l < lines; l++) {
                t[row + l] = coupling[row + l] * hp;
            }
        }
        kernels.solve(lines, positions, 0, lines, lower, invPivot, off, t, 0);
        for (int p = 0; p < positions; p++) {
            int row = p * lines;
            double s = 0;
            for (int l = 0; l < lines; l++) {
                s += coupling[row + l] * t[row + l];
            }
            y[p] = hubDiag[p] * h[p] - s;
        }
    }

    @Override
    public void newtonStep(double reduction, Work ws) {
        ws.newtonStep = true; // an exact solve here (direct line solves, CG on the hubs only)
    }

    @Override
    public ConjugateGradient.Stats solve(double[] v, double[] source, double[] currents, double[] u, double[] w, Work ws) {
        try {
            return solveOnce(v, source, currents, u, w, ws);
        } finally {
            ws.newtonStep = false;
        }
    }

    private ConjugateGradient.Stats solveOnce(double[] v, double[] source, double[] currents, double[] u, double[] w,
                                              Work ws) {
        rightHandSide(v, source, ws.bl, ws.bh);
        int iterations = solveSystem(ws.bl, ws.bh, ws.x, ws.hubs, ws);
        // Iterative refinement on branch currents: chains of very conductive wires lose
        // eps * G_wire * |V| in the direct line solves; each step recovers what rounding allows.
        double normR = branchResidual(v, source, ws.x, ws.hubs, ws.rl, ws.rh);
        // First to the largest cell current, then, if a column carries less, to the smallest
        // column current: each column's current is judged against itself.
        double scale = maxCell * LineKernels.maxAbs(v);
        boolean floor = false;
        for (int pass = 0; pass < 2 && !floor; pass++) {
            if (pass == 1) {
                outputs(ws.x, ws.hubs, source, currents, null, null);
                double smallest = MultigridMethod.smallestNonzero(currents);
                if (!(smallest < scale)) {
                    break;
                }
                scale = smallest;
            }
            double target = options.currentTolerance() * scale;
            for (int step = 0; step < 4 && normR > target; step++) {
                iterations += solveSystem(ws.rl, ws.rh, ws.dx, ws.dh, ws);
                for (int k = 0; k < ws.x.length; k++) {
                    ws.x[k] += ws.dx[k];
                }
                for (int p = 0; p < positions; p++) {
                    ws.hubs[p] += ws.dh[p];
                }
                double next = branchResidual(v, source, ws.x, ws.hubs, ws.rl, ws.rh);
                if (next > 0.5 * normR) {
                    normR = Math.min(normR, next);
                    floor = true;
                    break; // rounding floor
                }
                normR = next;
            }
        }
        double normX = Math.max(LineKernels.maxAbs(ws.x), LineKernels.maxAbs(ws.hubs));
        double normB = Math.max(LineKernels.maxAbs(ws.bl), LineKernels.maxAbs(ws.bh));
        double residual = ConjugateGradient.scaled(normR, normA, normX, normB);
        if (residual > SolverOptions.REQUIRED_RESIDUAL && !ws.newtonStep) {
            throw new ConvergenceException("shorted-line solve", residual, options.tolerance(), iterations);
        }
        outputs(ws.x, ws.hubs, source, currents, u, w);
        return new ConjugateGradient.Stats(residual, iterations);
    }

    /** Solves the chains-plus-hubs system for right-hand sides {@code bl, bh}; returns CG iterations. */
    private int solveSystem(double[] bl, double[] bh, double[] x, double[] hubs, Work ws) {
        int iterations = 0;
        if (hubsPinned) {
            System.arraycopy(bh, 0, hubs, 0, positions);
        } else {
            // S H = b_h + C^T A_l^-1 b_l
            System.arraycopy(bl, 0, ws.t, 0, ws.t.length);
            kernels.solve(lines, positions, 0, lines, lower, invPivot, off, ws.t, 0);
            for (int p = 0; p < positions; p++) {
                double s = bh[p];
                for (int l = 0; l < lines; l++) {
                    s += coupling[p * lines + l] * ws.t[p * lines + l];
                }
                ws.schurRhs[p] = s;
            }
            java.util.Arrays.fill(hubs, 0);
            iterations = ws.cg.solve(ws.problem, ws.schurRhs, hubs, LineKernels.maxAbs(ws.schurRhs), 0, ws.newtonStep)
                    .iterations();
        }
        // x = A_l^-1 (b_l + C H)
        for (int p = 0; p < positions; p++) {
            for (int l = 0; l < lines; l++) {
                int k = p * lines + l;
                x[k] = bl[k] + coupling[k] * hubs[p];
            }
        }
        kernels.solve(lines, positions, 0, lines, lower, invPivot, off, x, 0);
        return iterations;
    }

    /**
     * Branch-current residual of chains ({@code rl}) and hubs ({@code rh}) for inputs {@code v};
     * pinned nodes have none. Returns its largest magnitude.
     */
    private double branchResidual(double[] v, double[] source, double[] x, double[] hubs, double[] rl, double[] rh) {
        double max = 0;
        java.util.Arrays.fill(rh, 0);
        if (hubsAreWordLines) {
            double gb = 1.0 / circuit.bitLine();
            double gsense = circuit.sense() == 0 ? 0 : 1.0 / circuit.sense();
            double gsource = hubsPinned ? 0 : circuit.drive().sources() / circuit.source();
            Sense sense = circuit.senseAt();
            for (int i = 0; i < m; i++) {
                int senses = sense.amplifiersAt(i, m);
                double hub = hubs[i];
                double hubFlow = 0;
                for (int j = 0; j < n; j++) {
                    int k = i * n + j;
                    double wv = x[k];
                    double cellCurrent = cell[k] * (hub - wv) + (source == null ? 0 : source[k]);
                    hubFlow += cellCurrent;
                    if (pinned[k]) {
                        rl[k] = 0;
                        continue;
                    }
                    double out = senses * gsense * wv;
                    if (i > 0) {
                        out += gb * (wv - x[k - n]);
                    }
                    if (i + 1 < m) {
                        out += gb * (wv - x[k + n]);
                    }
                    rl[k] = cellCurrent - out;
                    max = Math.max(max, Math.abs(rl[k]));
                }
                if (!hubsPinned) {
                    rh[i] = gsource * (v[i] - hub) - hubFlow;
                    max = Math.max(max, Math.abs(rh[i]));
                }
            }
            return max;
        }
        double gw = 1.0 / circuit.wordLine();
        double gs = circuit.source() == 0 ? 0 : 1.0 / circuit.source();
        double gsense = hubsPinned ? 0 : circuit.senseAt().amplifiers() / circuit.sense();
        Drive drive = circuit.drive();
        for (int j = 0; j < n; j++) {
            int ends = drive.sourcesAt(j, n);
            double hub = hubs[j];
            double hubFlow = 0;
            for (int i = 0; i < m; i++) {
                int k = j * m + i;
                double uv = x[k];
                double cellCurrent = cell[i * n + j] * (uv - hub) + (source == null ? 0 : source[i * n + j]);
                hubFlow += cellCurrent;
                if (pinned[k]) {
                    rl[k] = 0;
                    continue;
                }
                double out = cellCurrent;
                if (j > 0) {
                    out += gw * (uv - x[k - m]);
                }
                if (j + 1 < n) {
                    out += gw * (uv - x[k + m]);
                }
                rl[k] = ends * gs * (v[i] - uv) - out;
                max = Math.max(max, Math.abs(rl[k]));
            }
            if (!hubsPinned) {
                rh[j] = hubFlow - gsense * hub;
                max = Math.max(max, Math.abs(rh[j]));
            }
        }
        return max;
    }

    private void outputs(double[] x, double[] hubs, double[] source, double[] currents, double[] u, double[] w) {
        java.util.Arrays.fill(currents, 0);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double uv;
                double wv;
                if (hubsAreWordLines) {
                    uv = hubs[i];
                    wv = x[i * n + j];
                } else {
                    uv = x[j * m + i];
                    wv = hubs[j];
                }
                currents[j] += cell[i * n + j] * (uv - wv) + (source == null ? 0 : source[i * n + j]);
                if (u != null) {
                    u[i * n + j] = uv;
                    w[i * n + j] = wv;
                }
            }
        }
    }
}
