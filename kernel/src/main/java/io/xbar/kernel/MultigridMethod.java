// MultigridMethod: nodal equations of a crossbar with wires on both layers, solved by multigrid-preconditioned CG.
package io.xbar.kernel;

/**
 * The crossbar with {@code r_wl > 0} and {@code r_bl > 0}: 2MN unknowns on the {@link GridLevel}
 * layout. Nodes held by a zero driver or sense resistance are pinned (identity rows; their
 * couplings move to the right-hand side), so every zero resistance is an exact short.
 */
final class MultigridMethod implements NodalMethod<MultigridMethod.Work> {
    private final int m;
    private final int n;
    private final Circuit circuit;
    private double[] cell; // g' row-major (new cells: reprogram)
    private final double[] cellU; // g' in word-line layout, J*m + I
    private final GridLevel fine;
    private final Multigrid multigrid;
    private double normA;
    /** With max|V|, the scale of the currents: see {@link ConjugateGradient#currentConductance}. */
    private double maxCell;
    private final int[] drivenColumns;
    private final SolverOptions options;
    private final LineKernels kernels;
    /** Made by {@link #withCells}: the coarse levels are another crossbar's, only the finest level is this one's. */
    private final boolean coarseShared;

    MultigridMethod(int m, int n, Circuit circuit, double[] cell, SolverOptions options, LineKernels kernels) {
        this.m = m;
        this.n = n;
        this.circuit = circuit;
        this.cell = cell;
        this.cellU = wordLineLayout(m, n, cell, kernels);
        this.maxCell = ConjugateGradient.currentConductance(cell, circuit);
        this.options = options;
        this.kernels = kernels;
        this.drivenColumns = drivenColumns(n, circuit.drive());
        this.fine = new GridLevel(m, n, kernels);
        this.normA = assemble();
        fine.finish();
        this.multigrid = new Multigrid(fine, kernels);
        this.coarseShared = false;
    }

    /** {@code cell} (row-major, {@code i * n + j}) in word-line layout ({@code j * m + i}). */
    private static double[] wordLineLayout(int m, int n, double[] cell, LineKernels kernels) {
        double[] out = new double[m * n];
        Parallel.range(m, 8, (long) m * n, (from, to) -> kernels.transpose(m, n, from, to, cell, 0, n, out, 0, m));
        return out;
    }

    /**
     * The same crossbar with the cells at {@code cell} (scaled as this one's), its CG preconditioned by
     * <em>this</em> crossbar's coarse multigrid levels under its own finest level (smoother and
     * residual on the new cells): Newton's linearized crossbars (cells at
     * {@code g cosh(d/v0)}, spectrally within a few tens of percent of the cells at {@code g}) cost only
     * the fine operator (O(MN)) instead of a new hierarchy (Galerkin products). The system solved, its
     * residual and its stopping rule are those of the new cells; only the coarse levels are shared.
     */
    MultigridMethod withCells(double[] cell) {
        return new MultigridMethod(this, cell);
    }

    private MultigridMethod(MultigridMethod base, double[] cell) {
        this.m = base.m;
        this.n = base.n;
        this.circuit = base.circuit;
        this.cell = cell;
        this.cellU = wordLineLayout(m, n, cell, base.kernels);
        this.maxCell = ConjugateGradient.currentConductance(cell, circuit);
        this.options = base.options;
        this.kernels = base.kernels;
        this.drivenColumns = base.drivenColumns;
        this.fine = new GridLevel(m, n, kernels);
        this.normA = assemble();
        fine.finish();
        if (!java.util.Arrays.equals(fine.uPinned, base.fine.uPinned)
                || !java.util.Arrays.equals(fine.wPinned, base.fine.wPinned)) {
            throw new IllegalArgumentException("cells open where the preconditioner's are not");
        }
        this.multigrid = new Multigrid(base.multigrid, fine);
        this.coarseShared = true;
    }

    /**
     * Puts new cells into a crossbar made by {@link #withCells}, in place: the finest level is assembled
     * and factored again into its own arrays, exactly as {@link #withCells} would build it (the same
     * operator to the bit), and the workspaces made for it stay valid. Newton's next linearized crossbar
     * then allocates nothing (a 256x256 workspace and fine level are about 30 MB). Only for a crossbar
     * that nothing else uses or solves on meanwhile (Newton's own, one solve at a time).
     */
    void reprogram(double[] newCell) {
        if (!coarseShared || newCell.length != m * n) {
            throw new IllegalStateException("only a crossbar made by withCells is reprogrammed in place");
        }
        this.cell = newCell;
        kernels.transpose(m, n, 0, m, newCell, 0, n, cellU, 0, m);
        this.maxCell = ConjugateGradient.currentConductance(newCell, circuit);
        // Pinned nodes, chain couplings and wires do not depend on the cells: only the cell terms change.
        this.normA = cellTerms();
        fine.refactor();
    }

    static int[] drivenColumns(int n, Drive drive) {
        if (drive == Drive.BOTH && n > 1) {
            return new int[] {0, n - 1};
        }
        return new int[] {drive.atFirstColumn() ? 0 : n - 1};
    }

    /**
     * Fills the finest operator; returns {@code ||A||_inf} over free nodes (twice the largest free
     * diagonal). A node is pinned by its line position alone (a zero driver resistance at a driven
     * column, a zero sense resistance at a sensed row), so each layer is filled line by line,
     * contiguously, split across the workers.
     */
    private double assemble() {
        boolean pinSource = circuit.source() == 0;
        boolean pinSense = circuit.sense() == 0;
        double gw = 1.0 / circuit.wordLine();
        double gb = 1.0 / circuit.bitLine();
        boolean[] columnPinned = new boolean[n];
        for (int j = 0; j < n; j++) {
            columnPinned[j] = pinSource && circuit.drive().sourcesAt(j, n) > 0;
        }
        boolean[] rowPinned = new boolean[m];
        for (int i = 0; i < m; i++) {
            rowPinned[i] = pinSense && circuit.senseAt().amplifiersAt(i, m) > 0;
        }
        // The structure: pinned nodes and the wire couplings between free neighbours.
        Parallel.range(n, 1, (long) m * n, (from, to) -> {
            for (int j = from; j < to; j++) {
                boolean linked = j > 0 && !columnPinned[j] && !columnPinned[j - 1];
                java.util.Arrays.fill(fine.uPinned, j * m, (j + 1) * m, columnPinned[j]);
                if (linked) {
                    java.util.Arrays.fill(fine.uOff, j * m, (j + 1) * m, -gw);
                }
            }
        });
        Parallel.range(m, 1, (long) m * n, (from, to) -> {
            for (int i = from; i < to; i++) {
                boolean linked = i > 0 && !rowPinned[i] && !rowPinned[i - 1];
                java.util.Arrays.fill(fine.wPinned, i * n, (i + 1) * n, rowPinned[i]);
                if (linked) {
                    java.util.Arrays.fill(fine.wOff, i * n, (i + 1) * n, -gb);
                }
            }
        });
        fine.cross[0] = new double[m * n];
        return cellTerms();
    }

    /**
     * The entries of the finest level that depend on the cells, written in place over a level whose
     * pinned nodes are set: the diagonals ({@code g' + wires + driver or sense}; 1 on pinned nodes)
     * and the cell couplings ({@code -g'} between two free nodes). Returns {@code ||A||_inf} over free
     * nodes. {@link #assemble} and {@link #reprogram} both fill the level through it, so a crossbar
     * reprogrammed in place is the same operator, to the bit, as one built anew.
     */
    private double cellTerms() {
        double gw = 1.0 / circuit.wordLine();
        double gb = 1.0 / circuit.bitLine();
        double gs = circuit.source() == 0 ? 0 : 1.0 / circuit.source();
        double gsense = circuit.sense() == 0 ? 0 : 1.0 / circuit.sense();
        Drive drive = circuit.drive();
        Sense sense = circuit.senseAt();
        double[] c = fine.cross[0];
        boolean[] rowPinned = new boolean[m];
        for (int i = 0; i < m; i++) {
            rowPinned[i] = fine.wPinned[i * n];
        }
        double[] columnMax = new double[n];
        double[] rowMax = new double[m];
        // Word lines: column j holds u(i, j) at j * m + i.
        Parallel.range(n, 1, (long) m * n, (from, to) -> {
            for (int j = from; j < to; j++) {
                int ends = drive.sourcesAt(j, n);
                boolean pinned = fine.uPinned[j * m];
                double max = 0;
                for (int i = 0, u = j * m; i < m; i++, u++) {
                    double diag = cellU[u] + (j > 0 ? gw : 0) + (j + 1 < n ? gw : 0) + ends * gs;
                    fine.uDiag[u] = pinned ? 1 : diag;
                    if (!pinned) {
                        max = Math.max(max, diag);
                    }
                    c[u] = pinned || rowPinned[i] ? 0 : -cellU[u];
                }
                columnMax[j] = max;
            }
        });
        // Bit lines: row i holds w(i, j) at i * n + j.
        Parallel.range(m, 1, (long) m * n, (from, to) -> {
            for (int i = from; i < to; i++) {
                int senses = sense.amplifiersAt(i, m);
                boolean pinned = rowPinned[i];
                double max = 0;
                for (int j = 0, w = i * n; j < n; j++, w++) {
                    double diag = cell[w] + (i > 0 ? gb : 0) + (i + 1 < m ? gb : 0) + senses * gsense;
                    fine.wDiag[w] = pinned ? 1 : diag;
                    if (!pinned) {
                        max = Math.max(max, diag);
                    }
                }
                rowMax[i] = max;
            }
        });
        double maxDiag = 0;
        for (double d : columnMax) {
            maxDiag = Math.max(maxDiag, d);
        }
        for (double d : rowMax) {
            maxDiag = Math.max(maxDiag, d);
        }
        return 2 * maxDiag;
    }

    /** Right-hand side for input voltages {@code v}: driver currents, pinned values and their couplings. */
    private void rightHandSide(double[] v, double[] source, double[] b) {
        java.util.Arrays.fill(b, 0);
        int mn = m * n;
        if (source != null) {
            // A cell source leaves its word-line node and enters its bit-line node; pinned nodes absorb it.
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = source[i * n + j];
                    if (!fine.uPinned[j * m + i]) {
                        b[j * m + i] -= s;
                    }
                    if (!fine.wPinned[i * n + j]) {
                        b[mn + i * n + j] += s;
                    }
                }
            }
        }
        boolean pinSource = circuit.source() == 0;
        double gs = pinSource ? 0 : 1.0 / circuit.source();
        double gw = 1.0 / circuit.wordLine();
        for (int e = 0; e < drivenColumns.length; e++) {
            int col = drivenColumns[e];
            for (int i = 0; i < m; i++) {
                int u = col * m + i;
                if (!pinSource) {
                    int ends = circuit.drive().sourcesAt(col, n);
                    b[u] = ends * gs * v[i];
                    continue;
                }
                b[u] = v[i];
                for (int nb : new int[] {col - 1, col + 1}) {
                    if (nb >= 0 && nb < n && !fine.uPinned[nb * m + i]) {
                        b[nb * m + i] += gw * v[i];
                    }
                }
                if (!fine.wPinned[i * n + col]) {
                    b[mn + i * n + col] += cell[i * n + col] * v[i];
                }
            }
        }
    }

    /** Scratch of one solving thread, with the CG problem bound to it (built once, no allocation per solve). */
    final class Work {
        final double[] b = new double[2 * m * n];
        final double[] x = new double[2 * m * n];
        final Multigrid.Workspace mg = multigrid.workspace();
        final ConjugateGradient cg = new ConjugateGradient(2 * m * n, options, kernels);
        /** The input voltages of the solve in progress (read by the branch residual). */
        double[] v;
        /** The cell sources of the solve in progress, row-major and in word-line layout, or null. */
        double[] source;
        /** The next solve starts from {@code x} as set by {@link #startFrom} (Newton's warm start). */
        boolean warm;
        /** The next solve is a Newton step ({@link #newtonStep}), which may stop at {@link #reduction}. */
        boolean newtonStep;
        /** The residual reduction a Newton step may stop at; 0: the full stopping rule. */
        double reduction;
        /** Allocated on first use: linear solves never need it. */
        double[] sourceU;
        /** The system CG solves; made again when {@link #reprogram} changed {@code ||A||}. */
        ConjugateGradient.Problem problem = problem();

        ConjugateGradient.Problem problem() {
            return new ConjugateGradient.Problem("multigrid-preconditioned CG",
                    (p, y) -> fine.multiply(p, y, mg.transposed[0]),
                    (xx, r) -> branchResidual(v, source, sourceU, xx, r, mg.transposed[0]),
                    (r, z) -> multigrid.precondition(r, z, mg), normA);
        }
    }

    @Override
    public Work workspace() {
        return new Work();
    }

    @Override
    public ConjugateGradient.Stats solve(double[] v, double[] source, double[] currents, double[] u, double[] w, Work ws) {
        int mn = m * n;
        // This solve's Newton-step settings, cleared at once so that nothing can leave them on the workspace.
        boolean newtonStep = ws.newtonStep;
        double reduction = ws.reduction;
        ws.newtonStep = false;
        ws.reduction = 0;
        if (Double.doubleToRawLongBits(ws.problem.normA()) != Double.doubleToRawLongBits(normA)) {
            ws.problem = ws.problem(); // cells reprogrammed since this workspace was made
        }
        rightHandSide(v, source, ws.b);
        if (source != null) {
            if (ws.sourceU == null) {
                ws.sourceU = new double[mn];
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    ws.sourceU[j * m + i] = source[i * n + j];
                }
            }
        }
        ws.source = source;
        if (!ws.warm) {
            java.util.Arrays.fill(ws.x, 0);
        }
        ws.warm = false;
        for (int k = 0; k < mn; k++) {
            if (fine.uPinned[k]) {
                ws.x[k] = ws.b[k];
            }
        }
        ws.v = v;
        ConjugateGradient.Stats stats;
        try {
            double scale = maxCell * LineKernels.maxAbs(v);
            if (newtonStep && reduction > 0) {
                // An inexact Newton step: no per-column continuation (Newton judges the columns).
                stats = ws.cg.solve(ws.problem, ws.b, ws.x, scale, reduction, true);
            } else {
                stats = ws.cg.solve(ws.problem, ws.b, ws.x, scale, 0, newtonStep);
                // Each column is judged against its own current: when a column carries less than the
                // largest cell current (cells far more conductive than the wires, or nearly idle columns),
                // CG continues from the exact residual until the KCL imbalance is small beside it too.
                outputs(ws.x, source, currents, null, null, ws.mg.transposed[0]);
                double smallest = smallestNonzero(currents);
                if (smallest < scale) {
                    ConjugateGradient.Stats more = ws.cg.solve(ws.problem, ws.b, ws.x, smallest, 0, newtonStep);
                    stats = new ConjugateGradient.Stats(more.residual(), stats.iterations() + more.iterations());
                }
            }
        } finally {
            ws.v = null;
            ws.source = null;
        }
        outputs(ws.x, source, currents, u, w, ws.mg.transposed[0]);
        return stats;
    }

    @Override
    public void startFrom(double[] u, double[] w, Work ws) {
        int mn = m * n;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                ws.x[j * m + i] = fine.uPinned[j * m + i] ? 0 : u[i * n + j];
                ws.x[mn + i * n + j] = fine.wPinned[i * n + j] ? 0 : w[i * n + j];
            }
        }
        ws.warm = true;
    }

    @Override
    public void newtonStep(double reduction, Work ws) {
        ws.newtonStep = true;
        ws.reduction = reduction;
    }

    /** The smallest nonzero magnitude in {@code v}; {@code +Infinity} when every entry is 0. */
    static double smallestNonzero(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double d : v) {
            if (d != 0) {
                m = Math.min(m, Math.abs(d));
            }
        }
        return m;
    }

    /**
     * {@code r = b - A x} from branch currents: every cell, wire, driver and sense resistor
     * contributes {@code G * (voltage difference)}, with pinned nodes at their fixed values. This is
     * exact to rounding of each branch current, while {@code b - A x} in matrix form loses
     * {@code eps * G_wire * |V|} to cancellation on very conductive wires. Each layer reads the
     * other transposed into its own layout ({@code t}), so every loop streams contiguously.
     */
    private void branchResidual(double[] v, double[] source, double[] sourceU, double[] x, double[] r,
                                GridLevel.Scratch t) {
        int mn = m * n;
        double gw = 1.0 / circuit.wordLine();
        double gb = 1.0 / circuit.bitLine();
        double gs = circuit.source() == 0 ? 0 : 1.0 / circuit.source();
        double gsense = circuit.sense() == 0 ? 0 : 1.0 / circuit.sense();
        Drive drive = circuit.drive();
        Sense sense = circuit.senseAt();
        fine.bitLayerAsWordLines(x, mn, t);
        fine.wordLayerAsBitLines(x, 0, t);
        double[] wu = t.u;
        double[] uw = t.w;
        int ldu = fine.uStride;
        int ldw = fine.wStride;
        Parallel.range(n, 1, mn, (from, to) -> {
            for (int j = from; j < to; j++) {
                double toDriver = drive.sourcesAt(j, n) * gs;
                double toLeft = j > 0 ? gw : 0;
                double toRight = j + 1 < n ? gw : 0;
                int k0 = j * m;
                int left = j > 0 ? k0 - m : k0; // a zero conductance makes the neighbour irrelevant
                int right = j + 1 < n ? k0 + m : k0;
                int cellAt = ldu + j * ldu; // w(I,J) in t.u
                for (int i = 0; i < m; i++) {
                    double u = x[k0 + i];
                    double flow = cellU[k0 + i] * (u - wu[cellAt + i]) + toLeft * (u - x[left + i])
                            + toRight * (u - x[right + i]);
                    if (source != null) {
                        flow += sourceU[k0 + i];
                    }
                    r[k0 + i] = toDriver * (v[i] - u) - flow;
                }
            }
        });
        Parallel.range(m, 1, mn, (from, to) -> {
            for (int i = from; i < to; i++) {
                double toSense = sense.amplifiersAt(i, m) * gsense;
                double up = i > 0 ? gb : 0;
                double down = i + 1 < m ? gb : 0;
                int k0 = mn + i * n;
                int above = i > 0 ? k0 - n : k0;
                int below = i + 1 < m ? k0 + n : k0;
                int cellAt = ldw + i * ldw; // u(I,J) in t.w
                int c0 = i * n;
                for (int j = 0; j < n; j++) {
                    double w = x[k0 + j];
                    double flow = toSense * w - cell[c0 + j] * (uw[cellAt + j] - w) + up * (w - x[above + j])
                            + down * (w - x[below + j]);
                    if (source != null) {
                        flow -= source[c0 + j];
                    }
                    r[k0 + j] = -flow;
                }
            }
        });
        // Pinned nodes hold their value exactly: no equation, no residual.
        for (int k : fine.uPinnedList) {
            r[k] = 0;
        }
        for (int k : fine.wPinnedList) {
            r[mn + k] = 0;
        }
    }

    /** {@code I[j] = sum_i g'(i,j) (u(i,j) - w(i,j))}, and the node voltages in row-major order on request. */
    private void outputs(double[] x, double[] source, double[] currents, double[] u, double[] w, GridLevel.Scratch t) {
        int mn = m * n;
        java.util.Arrays.fill(currents, 0);
        fine.wordLayerAsBitLines(x, 0, t);
        int ld = fine.wStride;
        for (int i = 0; i < m; i++) {
            int k0 = i * n;
            int uAt = ld + i * ld;
            for (int j = 0; j < n; j++) {
                currents[j] += cell[k0 + j] * (t.w[uAt + j] - x[mn + k0 + j]);
            }
            if (source != null) {
                for (int j = 0; j < n; j++) {
                    currents[j] += source[k0 + j];
                }
            }
            if (u != null) {
                System.arraycopy(t.w, uAt, u, k0, n);
                System.arraycopy(x, mn + k0, w, k0, n);
            }
        }
    }
}
