// Multigrid: Galerkin hierarchy of two-layer crossbar grids and the symmetric W-cycle used as CG preconditioner.
package io.xbar.kernel;

/**
 * Geometric multigrid for the crossbar operator. Smoother: one or two block Gauss-Seidel sweeps over the
 * two layers, each layer solved exactly line by line (word lines, then bit lines; reversed after
 * the coarse correction, so the cycle is symmetric and can precondition CG). Cycle: the finest level
 * corrects from level 1 once; every level from {@link #W_FROM} = 2 on is cycled {@link #CYCLE_INDEX} = 2
 * times per visit (the {@link Tuning} defaults), so below the finest level the cycle is a W-cycle; the
 * coarsest level is solved exactly. Coarse spaces: word lines are interpolated linearly along the
 * row and aggregated in pairs across rows; bit lines the other way round; a direction whose linear prolongation would lose rank on the
 * free nodes is not coarsened ({@link #independentOnFree}). The Galerkin products {@code P^T A P} keep every level in the form of
 * {@link GridLevel} (chains plus a four-point coupling stencil). The coarsest level (at most
 * {@value #COARSEST_CELLS} cells) is solved by a small dense Cholesky, in Java: at that size a
 * native call costs more than the arithmetic.
 *
 * <p>Why it converges for every parameter range: the line solves remove all error that varies
 * quickly along a line, and the cross-layer sweep removes error that varies quickly across lines
 * (a bit line sees it as a quickly varying signal); only error smooth in both directions is left,
 * and that is what the coarse grid represents.
 */
final class Multigrid {
    /** Coarsest level when it has at most this many cells (2x that many unknowns for Cholesky). */
    static final int COARSEST_CELLS = 64;
    /**
     * Smoothing sweeps before and after each coarse correction ({@link Tuning#smoothingSweeps}; 0
     * chooses by size): two up to {@value #TWO_SWEEP_CELLS} cells, where the extra sweep saves CG
     * iterations (3 instead of 5 on a 256x256 default crossbar), one above, where it costs more than
     * the iteration it saves (5 iterations instead of 4 at 1024x1024, less time overall).
     */
    static final int SWEEPS = Tuning.get().smoothingSweeps();
    static final int TWO_SWEEP_CELLS = 1 << 17;
    /** Coarse-grid cycles per level ({@link Tuning#cycleIndex}): 1 is a V-cycle, 2 (default) a W-cycle. */
    static final int CYCLE_INDEX = Tuning.get().cycleIndex();
    /** First level corrected by {@link #CYCLE_INDEX} cycles ({@link Tuning#cycleFromLevel}); finer levels use one. */
    static final int W_FROM = Tuning.get().cycleFromLevel();

    final GridLevel[] levels;
    private final int sweeps;
    /** Prolongations between level k+1 and k: u uses (rowAggregate x colLinear), w (rowLinear x colAggregate). */
    private final Interpolation[] rowAggregate;
    private final Interpolation[] rowLinear;
    private final Interpolation[] colAggregate;
    private final Interpolation[] colLinear;
    private final double[] coarseFactor;
    private final int coarseUnknowns;

    Multigrid(GridLevel finest, LineKernels kernels) {
        this.sweeps = SWEEPS > 0 ? SWEEPS : finest.cells <= TWO_SWEEP_CELLS ? 2 : 1;
        java.util.List<GridLevel> list = new java.util.ArrayList<>();
        java.util.List<Interpolation[]> transfers = new java.util.ArrayList<>();
        GridLevel level = finest;
        list.add(level);
        while (level.cells > COARSEST_CELLS) {
            // A direction is coarsened only where its linear prolongation stays independent on the free nodes.
            boolean rows = level.m > 1 && independentOnFree(Interpolation.linear(level.m), level.wPinned, level.n);
            boolean cols = level.n > 1 && independentOnFree(Interpolation.linear(level.n), level.uPinned, level.m);
            if (!rows && !cols) {
                break;
            }
            Interpolation[] t = {
                rows ? Interpolation.aggregate(level.m) : Interpolation.identity(level.m),
                rows ? Interpolation.linear(level.m) : Interpolation.identity(level.m),
                cols ? Interpolation.aggregate(level.n) : Interpolation.identity(level.n),
                cols ? Interpolation.linear(level.n) : Interpolation.identity(level.n)};
            level = galerkin(level, t[0], t[1], t[2], t[3], kernels);
            list.add(level);
            transfers.add(t);
        }
        levels = list.toArray(new GridLevel[0]);
        int k = transfers.size();
        rowAggregate = new Interpolation[k];
        rowLinear = new Interpolation[k];
        colAggregate = new Interpolation[k];
        colLinear = new Interpolation[k];
        for (int i = 0; i < k; i++) {
            rowAggregate[i] = transfers.get(i)[0];
            rowLinear[i] = transfers.get(i)[1];
            colAggregate[i] = transfers.get(i)[2];
            colLinear[i] = transfers.get(i)[3];
        }
        GridLevel coarsest = levels[levels.length - 1];
        coarseUnknowns = 2 * coarsest.cells;
        coarseFactor = dense(coarsest);
        DenseCholesky.factor(coarseUnknowns, coarseFactor);
    }

    /**
     * Whether the linear prolongation {@code p} of one direction, restricted to the free fine points
     * of every line, has independent columns (position {@code q} of line {@code l} is at
     * {@code q * lines + l}: the bit-line rows of the w layer, the word-line columns of the u layer).
     * Otherwise {@code P^T A P} is singular, only semidefinite: pinned nodes drop out of the Galerkin
     * sums, and a line of three points pinned at both ends (three columns driven at both ends, or
     * three rows sensed at both, with a zero resistance) keeps one free point, the midpoint, which
     * both coarse points interpolate with weight 1/2. Their difference is a null vector; the coarse
     * line factors and the coarsest Cholesky break down, and CG stops after one iteration. Such a
     * direction is left uncoarsened. Coarse points form a path: a free fine point with one coarse
     * point anchors it, one with two links them; the columns are independent iff every linked run
     * that a free point reaches holds an anchor.
     */
    static boolean independentOnFree(Interpolation p, boolean[] pinned, int lines) {
        boolean[] reached = new boolean[p.coarse];
        boolean[] anchored = new boolean[p.coarse];
        boolean[] linked = new boolean[p.coarse]; // coarse c and c + 1 share a free fine point
        for (int l = 0; l < lines; l++) {
            java.util.Arrays.fill(reached, false);
            java.util.Arrays.fill(anchored, false);
            java.util.Arrays.fill(linked, false);
            for (int q = 0; q < p.fine; q++) {
                if (pinned[q * lines + l]) {
                    continue;
                }
                reached[p.first[q]] = true;
                if (p.second[q] < 0) {
                    anchored[p.first[q]] = true;
                } else {
                    reached[p.second[q]] = true;
                    linked[Math.min(p.first[q], p.second[q])] = true;
                }
            }
            boolean anchor = false;
            for (int c = 0; c < p.coarse; c++) {
                anchor |= anchored[c];
                if (!linked[c]) { // a run ends at c
                    if (reached[c] && !anchor) {
                        return false;
                    }
                    anchor = false;
                }
            }
        }
        return true;
    }

    /**
     * {@code base}'s hierarchy with another finest level of the same shape and pinned nodes (Newton's
     * linearized cells): its smoother and residual use {@code finest}, the coarse levels stay
     * {@code base}'s. The cycle stays symmetric, so it still preconditions CG.
     */
    Multigrid(Multigrid base, GridLevel finest) {
        this.levels = base.levels.clone();
        this.levels[0] = finest;
        this.sweeps = base.sweeps;
        this.rowAggregate = base.rowAggregate;
        this.rowLinear = base.rowLinear;
        this.colAggregate = base.colAggregate;
        this.colLinear = base.colLinear;
        this.coarseFactor = base.coarseFactor;
        this.coarseUnknowns = base.coarseUnknowns;
    }

    /** Per-solve scratch: right-hand side and solution of every level. */
    final class Workspace {
        final double[][] b = new double[levels.length][];
        final double[][] x = new double[levels.length][];
        /** u-layer residual {@code -C w} of each level before restriction. */
        final double[][] residual = new double[levels.length][];
        final double[][] scratch = new double[levels.length][];
        final double[][] saved = new double[levels.length][];
        final double[][] original = new double[levels.length][];
        /** Transposed-layer scratch of each level ({@link GridLevel.Scratch}). */
        final GridLevel.Scratch[] transposed = new GridLevel.Scratch[levels.length];

        Workspace() {
            for (int k = 0; k < levels.length; k++) {
                b[k] = new double[2 * levels[k].cells];
                x[k] = new double[2 * levels[k].cells];
                residual[k] = new double[levels[k].cells];
                scratch[k] = new double[levels[k].cells];
                transposed[k] = levels[k].scratch();
                if (k > 0) {
                    saved[k] = new double[2 * levels[k].cells];
                    original[k] = new double[2 * levels[k].cells];
                }
            }
        }
    }

    Workspace workspace() {
        return new Workspace();
    }

    /** {@code z = M^{-1} r}: one symmetric cycle (W below the finest level) from a zero initial guess. */
    void precondition(double[] r, double[] z, Workspace ws) {
        System.arraycopy(r, 0, ws.b[0], 0, r.length);
        cycle(0, ws);
        System.arraycopy(ws.x[0], 0, z, 0, z.length);
    }

    private void cycle(int k, Workspace ws) {
        GridLevel a = levels[k];
        double[] b = ws.b[k];
        double[] x = ws.x[k];
        int mn = a.cells;
        if (k == levels.length - 1) {
            System.arraycopy(b, 0, x, 0, 2 * mn);
            DenseCholesky.solve(coarseUnknowns, coarseFactor, x);
            return;
        }
        // Pre-smoothing, forward sweeps: u = Au^-1 (b_u - C w), then w = Aw^-1 (b_w - C^T u); w = 0 at first.
        double[] previous = ws.residual[k]; // w before the last bit-line solve, then the u residual
        GridLevel.Scratch t = ws.transposed[k];
        for (int sweep = 0; sweep < sweeps; sweep++) {
            if (sweep == 0) {
                System.arraycopy(b, 0, x, 0, mn);
            } else {
                a.crossToWordLines(x, mn, b, 0, -1.0, x, 0, t);
            }
            a.solveWordLines(x, 0);
            if (sweep == sweeps - 1) {
                if (sweep == 0) {
                    java.util.Arrays.fill(previous, 0);
                } else {
                    System.arraycopy(x, mn, previous, 0, mn);
                }
            }
            a.crossToBitLines(x, 0, b, mn, -1.0, x, mn, t);
            a.solveBitLines(x, mn);
        }
        // Residual: r_w = 0 exactly after the bit-line solve; r_u = b_u - Au u - C w = -C (w - w_previous).
        for (int i = 0; i < mn; i++) {
            previous[i] = x[mn + i] - previous[i];
        }
        double[] bc = ws.b[k + 1];
        java.util.Arrays.fill(bc, 0);
        restrictCrossResidual(k, a, previous, ws.scratch[k], t, bc);
        coarseCorrection(k + 1, ws);
        prolongAdd(k, a, levels[k + 1], ws.x[k + 1], x);
        // Post-smoothing, backward sweeps: w = Aw^-1 (b_w - C^T u), then u = Au^-1 (b_u - C w).
        for (int sweep = 0; sweep < sweeps; sweep++) {
            a.crossToBitLines(x, 0, b, mn, -1.0, x, mn, t);
            a.solveBitLines(x, mn);
            a.crossToWordLines(x, mn, b, 0, -1.0, x, 0, t);
            a.solveWordLines(x, 0);
        }
    }

    /**
     * Approximate solve on level {@code k}: one cycle, or {@link #CYCLE_INDEX} cycles from level
     * {@link #W_FROM} on, each on the residual the previous ones left; the coarsest level is solved
     * exactly once.
     */
    private void coarseCorrection(int k, Workspace ws) {
        cycle(k, ws);
        if (k == levels.length - 1) {
            return;
        }
        double[] b = ws.b[k];
        double[] x = ws.x[k];
        double[] saved = ws.saved[k];
        double[] original = ws.original[k];
        int cycles = k >= W_FROM ? CYCLE_INDEX : 1;
        for (int c = 1; c < cycles; c++) {
            System.arraycopy(x, 0, saved, 0, x.length);
            System.arraycopy(b, 0, original, 0, b.length);
            levels[k].multiply(saved, b, ws.transposed[k]);
            for (int i = 0; i < b.length; i++) {
                b[i] = original[i] - b[i];
            }
            cycle(k, ws);
            for (int i = 0; i < x.length; i++) {
                x[i] += saved[i];
            }
            System.arraycopy(original, 0, b, 0, b.length);
        }
    }

    /**
     * {@code bc_u = P_u^T (-C dw)}, {@code bc_w = 0}; {@code dw} is the last bit-line change (w layout),
     * {@code r} scratch of at least {@code a.cells}. Pinned nodes need no test: their couplings are
     * zero, so {@code r} is exactly zero there.
     */
    private void restrictCrossResidual(int k, GridLevel a, double[] dw, double[] r, GridLevel.Scratch t, double[] bc) {
        java.util.Arrays.fill(r, 0, a.cells, 0);
        a.crossToWordLines(dw, 0, r, 0, -1.0, r, 0, t);
        Interpolation pi = rowAggregate[k];
        Interpolation pj = colLinear[k];
        int mc = pi.coarse;
        for (int j = 0; j < a.n; j++) {
            int j1 = pj.second[j];
            // Without a second coarse point, add a zero-weight copy of the first (exact: 0 * v = 0).
            restrictLine(pi, r, j * a.m, bc, pj.first[j] * mc, pj.firstWeight[j], (j1 >= 0 ? j1 : pj.first[j]) * mc,
                    j1 >= 0 ? pj.secondWeight[j] : 0);
        }
    }

    /**
     * One fine line's part of a restriction: {@code bc[c0 + I] += w0 * (R r)[I]} and the same at
     * {@code c1} with {@code w1}, where {@code R} sums the line's pairs (aggregation) or is the identity.
     */
    private static void restrictLine(Interpolation along, double[] r, int f, double[] bc, int c0, double w0, int c1,
                                     double w1) {
        int count = along.fine;
        if (along.coarse == count) {
            for (int i = 0; i < count; i++) {
                double v = r[f + i];
                bc[c0 + i] += w0 * v;
                bc[c1 + i] += w1 * v;
            }
            return;
        }
        int pairs = count / 2;
        for (int ic = 0; ic < pairs; ic++) {
            double v = r[f + 2 * ic] + r[f + 2 * ic + 1];
            bc[c0 + ic] += w0 * v;
            bc[c1 + ic] += w1 * v;
        }
        if (count % 2 == 1) {
            double v = r[f + count - 1];
            bc[c0 + pairs] += w0 * v;
            bc[c1 + pairs] += w1 * v;
        }
    }

    /**
     * {@code x += P xc} on both layers. Pinned nodes may take a correction here: they are
     * decoupled identity rows, so nothing reads them before the post-smoothing's line solve puts
     * them back at their exact value.
     */
    private void prolongAdd(int k, GridLevel a, GridLevel c, double[] xc, double[] x) {
        Interpolation pi = rowAggregate[k];
        Interpolation pj = colLinear[k];
        for (int j = 0; j < a.n; j++) {
            int j1 = pj.second[j];
            prolongLine(pi, xc, pj.first[j] * c.m, pj.firstWeight[j], (j1 >= 0 ? j1 : pj.first[j]) * c.m,
                    j1 >= 0 ? pj.secondWeight[j] : 0, x, j * a.m);
        }
        Interpolation qi = rowLinear[k];
        Interpolation qj = colAggregate[k];
        for (int i = 0; i < a.m; i++) {
            int i1 = qi.second[i];
            prolongLine(qj, xc, c.cells + qi.first[i] * c.n, qi.firstWeight[i],
                    c.cells + (i1 >= 0 ? i1 : qi.first[i]) * c.n, i1 >= 0 ? qi.secondWeight[i] : 0, x, a.cells + i * a.n);
        }
    }

    /** One fine line of a prolongation: {@code x[f + i] += w0 xc[c0 + P(i)] + w1 xc[c1 + P(i)]}, P aggregation or identity. */
    private static void prolongLine(Interpolation along, double[] xc, int c0, double w0, int c1, double w1, double[] x,
                                    int f) {
        int count = along.fine;
        if (along.coarse == count) {
            for (int i = 0; i < count; i++) {
                x[f + i] += w0 * xc[c0 + i] + w1 * xc[c1 + i];
            }
            return;
        }
        int pairs = count / 2;
        for (int ic = 0; ic < pairs; ic++) {
            double v = w0 * xc[c0 + ic] + w1 * xc[c1 + ic];
            x[f + 2 * ic] += v;
            x[f + 2 * ic + 1] += v;
        }
        if (count % 2 == 1) {
            x[f + count - 1] += w0 * xc[c0 + pairs] + w1 * xc[c1 + pairs];
        }
    }

    /**
     * The coarse operator {@code P^T A P} of {@code a}. Split across the workers by fine row pairs
     * (word-line chains and couplings: a coarse row takes only its own two fine rows) and fine
     * column pairs (bit-line chains), so no two workers add to the same coarse entry; every entry
     * receives its terms in the same order as a sequential pass, so the result does not depend on
     * the number of threads.
     */
    private static GridLevel galerkin(GridLevel a, Interpolation rowAgg, Interpolation rowLin,
                                      Interpolation colAgg, Interpolation colLin, LineKernels kernels) {
        int mc = rowAgg.coarse;
        int nc = colLin.coarse;
        GridLevel c = new GridLevel(mc, nc, kernels);
        double[][] cross = new double[4][];
        boolean[] touched = new boolean[4];
        for (int k = 0; k < 4; k++) {
            cross[k] = new double[c.cells];
        }
        long work = 4L * a.cells;
        // Word lines and couplings: rows aggregate (no coupling between rows), columns interpolate linearly.
        Parallel.range(a.m, 2, work, (from, to) -> {
            for (int i = from; i < to; i++) {
                int ic = rowAgg.first[i];
                for (int j = 0; j < a.n; j++) {
                    int f = j * a.m + i;
                    if (a.uPinned[f]) {
                        continue;
                    }
                    accumulateChain(c.uDiag, c.uOff, mc, ic, colLin, j, j, a.uDiag[f], true);
                    if (j > 0 && !a.uPinned[f - a.m]) {
                        accumulateChain(c.uDiag, c.uOff, mc, ic, colLin, j - 1, j, a.uOff[f], false);
                    }
                }
            }
            // u(i,j) -> coarse u via (rowAgg, colLin); w(i+a, j+b) -> coarse w via (rowLin, colAgg). A
            // coupling that touches a pinned node is zero (GridLevel.finish checks it), so v != 0 suffices.
            for (int k = 0; k < 4; k++) {
                double[] cf = a.cross[k];
                if (cf == null) {
                    continue;
                }
                for (int j = 0; j < a.n; j++) {
                    int wj = j + GridLevel.COL_OFFSET[k];
                    if (wj < 0) {
                        continue;
                    }
                    int jw = colAgg.first[wj];
                    for (int i = from; i < to; i++) {
                        int wi = i + GridLevel.ROW_OFFSET[k];
                        if (wi >= a.m) {
                            continue;
                        }
                        double v = cf[j * a.m + i];
                        if (v == 0) {
                            continue;
                        }
                        int iu = rowAgg.first[i];
                        addCross(cross, touched, c, iu, colLin.first[j], colLin.firstWeight[j], rowLin, wi, jw, v);
                        if (colLin.second[j] >= 0) {
                            addCross(cross, touched, c, iu, colLin.second[j], colLin.secondWeight[j], rowLin, wi, jw, v);
                        }
                    }
                }
            }
        });
        // Bit lines: columns aggregate, rows interpolate linearly.
        Parallel.range(a.n, 2, work, (from, to) -> {
            for (int j = from; j < to; j++) {
                int jc = colAgg.first[j];
                for (int i = 0; i < a.m; i++) {
                    int f = i * a.n + j;
                    if (a.wPinned[f]) {
                        continue;
                    }
                    accumulateChain(c.wDiag, c.wOff, nc, jc, rowLin, i, i, a.wDiag[f], true);
                    if (i > 0 && !a.wPinned[f - a.n]) {
                        accumulateChain(c.wDiag, c.wOff, nc, jc, rowLin, i - 1, i, a.wOff[f], false);
                    }
                }
            }
        });
        for (int k = 0; k < 4; k++) {
            if (touched[k]) {
                c.cross[k] = cross[k];
            }
        }
        c.finish();
        return c;
    }

    private static void addCross(double[][] cross, boolean[] touched, GridLevel c, int iu, int ju, double wu,
                                 Interpolation rowLin, int wi, int jw, double v) {
        addCrossEntry(cross, touched, c, iu, ju, rowLin.first[wi], jw, wu * rowLin.firstWeight[wi] * v);
        if (rowLin.second[wi] >= 0) {
            addCrossEntry(cross, touched, c, iu, ju, rowLin.second[wi], jw, wu * rowLin.secondWeight[wi] * v);
        }
    }

    /** Adds {@code v} to the coarse coupling of u(iu, ju) with w(iw, jw); {@code touched[k]} marks the offsets used. */
    private static void addCrossEntry(double[][] cross, boolean[] touched, GridLevel c, int iu, int ju, int iw,
                                      int jw, double v) {
        int da = iw - iu;
        int db = jw - ju;
        for (int k = 0; k < 4; k++) {
            if (GridLevel.ROW_OFFSET[k] == da && GridLevel.COL_OFFSET[k] == db) {
                touched[k] = true;
                cross[k][ju * c.m + iu] += v;
                return;
            }
        }
        throw new IllegalStateException("coarse coupling offset (" + da + "," + db + ") outside the stencil");
    }

    /**
     * Adds the Galerkin image of one fine chain entry: the diagonal ({@code p == q}) or the
     * coupling between positions {@code p} and {@code q = p + 1} of line {@code line}.
     */
    private static void accumulateChain(double[] diag, double[] off, int lines, int line, Interpolation along,
                                        int p, int q, double value, boolean isDiagonal) {
        for (int s = 0; s < 2; s++) {
            int ps = s == 0 ? along.first[p] : along.second[p];
            if (ps < 0) {
                continue;
            }
            double pw = s == 0 ? along.firstWeight[p] : along.secondWeight[p];
            for (int t = 0; t < 2; t++) {
                int qt = t == 0 ? along.first[q] : along.second[q];
                if (qt < 0) {
                    continue;
                }
                double v = pw * (t == 0 ? along.firstWeight[q] : along.secondWeight[q]) * value;
                int lo = Math.min(ps, qt);
                int hi = Math.max(ps, qt);
                if (lo == hi) {
                    diag[lo * lines + line] += isDiagonal ? v : 2 * v;
                } else if (isDiagonal) {
                    // A diagonal entry feeds both symmetric couplings; pairs (s,t) and (t,s) each add half.
                    off[hi * lines + line] += 0.5 * v;
                } else {
                    off[hi * lines + line] += v;
                }
            }
        }
    }

    /** Dense symmetric matrix of the coarsest level, u unknowns first (J*m+I) then w (I*n+J). */
    private static double[] dense(GridLevel a) {
        int n2 = 2 * a.cells;
        double[] d = new double[n2 * n2];
        for (int j = 0; j < a.n; j++) {
            for (int i = 0; i < a.m; i++) {
                int k = j * a.m + i;
                d[k * n2 + k] = a.uDiag[k];
                if (j > 0) {
                    int p = k - a.m;
                    d[k * n2 + p] = a.uOff[k];
                    d[p * n2 + k] = a.uOff[k];
                }
            }
        }
        for (int i = 0; i < a.m; i++) {
            for (int j = 0; j < a.n; j++) {
                int k = a.cells + i * a.n + j;
                d[k * n2 + k] = a.wDiag[i * a.n + j];
                if (i > 0) {
                    int p = k - a.n;
                    d[k * n2 + p] = a.wOff[i * a.n + j];
                    d[p * n2 + k] = a.wOff[i * a.n + j];
                }
            }
        }
        for (int s = 0; s < 4; s++) {
            double[] c = a.cross[s];
            if (c == null) {
                continue;
            }
            for (int j = 0; j < a.n; j++) {
                for (int i = 0; i < a.m; i++) {
                    int wi = i + GridLevel.ROW_OFFSET[s];
                    int wj = j + GridLevel.COL_OFFSET[s];
                    if (wi >= a.m || wj < 0) {
                        continue;
                    }
                    int u = j * a.m + i;
                    int w = a.cells + wi * a.n + wj;
                    d[u * n2 + w] += c[u];
                    d[w * n2 + u] += c[u];
                }
            }
        }
        return d;
    }
}
