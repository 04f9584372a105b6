// NewtonSolve: the crossbar with nonlinear cells (CellModel), solved by damped Newton with the exact linear solver inside.
package io.xbar.kernel;

/**
 * Newton's method on the whole crossbar network when the cells follow a nonlinear law
 * {@code i = f(g, u - w)} ({@link CellModel}). At the iterate {@code x_k} every cell is replaced by
 * its linearization, its differential conductance in parallel with a fixed current:
 * <pre>
 *   i(d) ~ g_d d + s,    g_d = f'(d_k) = g cosh(d_k / v0),    s = f(d_k) - g_d d_k
 * </pre>
 * which is a linear crossbar (same structure, cells reprogrammed to {@code g_d}) with a current
 * source per cell: the linear solver ({@link ProgrammedCrossbar}, multigrid-preconditioned CG on wired
 * crossbars) gives the full Newton iterate {@code x'} in one solve, an inexact one while the residual is
 * far above the stopping bound ({@link #STEP_REDUCTION}), and one that returns what it reached rather
 * than throwing ({@link NodalMethod#newtonStep}): the line search judges the step. The step
 * {@code x_k + lambda (x' - x_k)} is damped by backtracking (halving {@code lambda}) until the 2-norm of
 * the nonlinear KCL residual falls (Armijo), so the iteration never diverges; the start is the
 * linear solution (cells at {@code g}).
 *
 * <p>Stopping rule, as the linear solver's (docs/solver.md): the nonlinear KCL residual {@code F},
 * computed branch by branch (every cell with its nonlinear current), scaled as
 * {@code ||F||_inf / (||J||_inf ||x||_inf + ||b||_inf)} must reach the solver tolerance ({@code 1e-12})
 * and the largest imbalance must be below {@code currentTolerance} times the largest cell current, then
 * below it times the smallest column current; or the residual stops falling (the rounding floor) at the
 * contract's {@code 1e-10}. Otherwise a {@link ConvergenceException} says what was reached.
 * Zero wire or periphery resistances merge or pin nodes exactly as in the linear solver; the residual
 * of a merged node is the sum over its parts.
 */
final class NewtonSolve {
    /** Newton iterations before giving up (a smooth monotone law converges in a handful). */
    static final int MAX_ITERATIONS = 60;
    /** Step halvings before the line search gives up. */
    private static final int MAX_HALVINGS = 40;
    private static final boolean TRACE = Tuning.get().trace();
    /**
     * Largest relative change of a cell's differential conductance for which the programmed
     * linearized crossbar may be kept (a chord step: its error shrinks by about this factor per step,
     * at the cost of one warm-started solve instead of a new programming and a solve). A chord step is
     * taken only when that factor brings the residual to the stopping rule's bounds in this one step:
     * otherwise a Newton step (quadratic) gets there in fewer steps, and reprogramming in place
     * ({@link MultigridMethod#reprogram}) costs less than a residual pass and a CG iteration.
     */
    static final double DRIFT = 0.02;
    /** A chord step must shrink the largest KCL imbalance by this factor, else the next step reprograms. */
    static final double CHORD_GAIN = 0.1;
    /**
     * Inexact Newton (Dembo, Eisenstat and Steihaug, SIAM J. Numer. Anal. 19, 1982): the linear start
     * is solved until its largest KCL imbalance fell by this factor from the inputs' (about one CG
     * iteration instead of the full rule's three), far below the nonlinear imbalance it leaves.
     */
    static final double START_REDUCTION = 1e-8;
    /**
     * A step taken while the largest KCL imbalance is more than {@link #LOOSE_ABOVE} times the stopping
     * bound solves its linearized crossbar until the imbalance fell by this factor, not to the full
     * rule: the step's own error (quadratic in the current one) is then the larger part anyway. Such a
     * step is a descent direction for the line search's 2-norm (the forcing term times the square
     * root of the node count stays below 1 up to 4096x4096).
     */
    static final double STEP_REDUCTION = 1e-4;
    /** Steps are inexact while the largest imbalance exceeds the stopping bound by this factor. */
    static final double LOOSE_ABOVE = 1e4;

    private final int m;
    private final int n;
    private final Circuit circuit;
    private final CellModel model;
    private final double[] g;
    private final CrossbarSolver linear;
    private final SolverOptions options;
    private final double v0;
    private final ProgrammedCrossbar owner;
    /** {@code Drive.sourcesAt(j, n)} per column and {@code Sense.amplifiersAt(i, m)} per row, for the residual pass. */
    private final int[] sourcesAt;
    private final int[] amplifiersAt;
    private final LineKernels kernels;
    /**
     * The linearized crossbar of the last solve, kept for the next (up to {@link ProgrammedCrossbar#KEEP_WORKSPACE_CELLS}
     * cells): its fine level and workspace, about 30 MB at 256x256, beside the 23 MB workspace the programmed
     * crossbar itself keeps. Freed with the programmed crossbar.
     */
    private final java.util.concurrent.atomic.AtomicReference<ProgrammedCrossbar> retired =
            new java.util.concurrent.atomic.AtomicReference<>();

    /**
     * @param linear the same structure with the linear cell model: programs the linearized crossbars
     * @param model  the sinh law (the one nonlinear law xbar knows)
     * @param g      small-signal cell conductances (S), row-major, checked; {@code r_access = 0}
     */
    /**
     * @param owner the programmed crossbar (cells at {@code g}) whose multigrid hierarchy preconditions
     *              the linearized crossbars' CG ({@link ProgrammedCrossbar#linearized}), or null
     */
    NewtonSolve(CrossbarSolver linear, CellModel model, double[] g, ProgrammedCrossbar owner) {
        this.owner = owner;
        this.m = linear.rows();
        this.n = linear.cols();
        this.circuit = linear.circuit();
        this.model = model;
        this.g = g;
        this.linear = linear;
        this.options = linear.options();
        if (model.kind() != CellModel.Kind.SINH) {
            throw new IllegalArgumentException("Newton's method is for the sinh cell model, got " + model);
        }
        this.v0 = model.v0();
        this.kernels = linear.kernels();
        this.sourcesAt = new int[n];
        for (int j = 0; j < n; j++) {
            sourcesAt[j] = circuit.drive().sourcesAt(j, n);
        }
        this.amplifiersAt = new int[m];
        for (int i = 0; i < m; i++) {
            amplifiersAt[i] = circuit.senseAt().amplifiersAt(i, m);
        }
    }

    /** The KCL state of one iterate: residual norms and the scale that judges them. */
    private record Kcl(double max, double norm2, double scaled) {
    }

    /**
     * Solves for one input vector; {@code start} is the linear solution (its node voltages).
     *
     * @throws ConvergenceException when the contract's residual cannot be reached
     */
    Solution solve(double[] v, Solution start, boolean nodeVoltages) {
        int mn = m * n;
        double[] u = start.wordLineVoltages().clone();
        double[] w = start.bitLineVoltages().clone();
        double[] tu = new double[mn];
        double[] tw = new double[mn];
        double[] gd = new double[mn];
        ProgrammedCrossbar linearized = null;
        // A small crossbar's last linearized crossbar, reprogrammed in place by this solve (null when
        // another solve holds it, or for large crossbars, whose fine level is not kept between solves).
        ProgrammedCrossbar recycled = retired.getAndSet(null);
        boolean lastStepGood = true;
        // Set once a step over the hierarchy programmed at g found no descent: from then on every step
        // of this solve programs its linearized crossbar in full (its own hierarchy).
        boolean ownHierarchy = false;
        // The last linearized crossbar over the shared hierarchy, kept for the next solve after a switch.
        ProgrammedCrossbar lastShared = null;
        int programmings = 0;
        double[] source = new double[mn];
        double[] currents = new double[n];
        double span;
        double top = 0;
        double bottom = 0;
        for (double x : v) {
            top = Math.max(top, x);
            bottom = Math.min(bottom, x);
        }
        span = top - bottom;
        double maxG = LineKernels.maxAbs(g);
        // The largest cell current the inputs can drive: judges the KCL imbalance in amperes.
        double largestCurrent = model.current(maxG, span);
        double[] trialCurrents = new double[n];
        // Every cell's current and differential conductance at the iterate, kept from its residual pass.
        double[] cellCurrent = new double[mn];
        double[] slope = new double[mn];
        double[] trialCellCurrent = new double[mn];
        double[] trialSlope = new double[mn];
        long s0 = System.nanoTime();
        Pass pass = new Pass(m, n, circuit.bitLine() == 0);
        Kcl kcl = residual(v, u, w, currents, cellCurrent, slope, pass);
        if (TRACE) {
            System.err.printf("newton start: residual pass %.2f ms, largest current %.3e%n", (System.nanoTime() - s0) / 1e6,
                    largestCurrent);
        }
        int iterations = start.iterations();
        int newton = 0;
        boolean perColumn = false;
        while (true) {
            double smallest = MultigridMethod.smallestNonzero(currents);
            double currentScale = perColumn ? Math.min(largestCurrent, smallest) : largestCurrent;
            if (TRACE) {
                System.err.printf("newton check: per-column %b scale %.3e target %.3e max %.3e%n", perColumn, currentScale,
                        options.currentTolerance() * currentScale, kcl.max);
            }
            if (kcl.scaled <= options.tolerance() && kcl.max <= options.currentTolerance() * currentScale) {
                if (!perColumn && smallest < largestCurrent) {
                    perColumn = true; // also judge each column against its own current
                    continue;
                }
                break;
            }
            if (newton == MAX_ITERATIONS) {
                if (kcl.scaled <= SolverOptions.REQUIRED_RESIDUAL) {
                    break;
                }
                throw new ConvergenceException("Newton solve of " + model + " cells", kcl.scaled,
                        SolverOptions.REQUIRED_RESIDUAL, newton);
            }
            newton++;
            if (TRACE) {
                System.err.printf("newton %d scaled=%.3e max=%.3e%n", newton, kcl.scaled, kcl.max);
            }
            // The linearized crossbar at the iterate: reprogrammed with the differential conductances
            // unless they moved by at most DRIFT since it was programmed and the chord step is expected
            // to meet the stopping rule at once (its error shrinks by about the drift), else kept (a
            // chord step: same matrix, sources from the current iterate). After a step that fell
            // short, always reprogrammed. Which step is taken never changes the stopping rule.
            double drift = 0;
            if (linearized != null) {
                for (int k = 0; k < mn; k++) {
                    if (gd[k] > 0) {
                        drift = Math.max(drift, Math.abs(slope[k] - gd[k]) / gd[k]);
                    }
                }
            }
            boolean chordFinishes = drift * kcl.max <= options.currentTolerance() * currentScale
                    && drift * kcl.scaled <= options.tolerance();
            boolean reprogram = linearized == null || drift > DRIFT || !chordFinishes || !lastStepGood;
            // Far from the bound, an inexact step; near it, or after a step that fell short, an exact one.
            boolean loose = lastStepGood && kcl.max > LOOSE_ABOVE * options.currentTolerance() * currentScale;
            long t0 = System.nanoTime();
            if (reprogram) {
                System.arraycopy(slope, 0, gd, 0, mn);
                // The previous linearized crossbar (of this solve, or kept from the last one) is rebuilt in place.
                ProgrammedCrossbar previous = linearized != null ? linearized : recycled;
                if (ownHierarchy && linearized != null && linearized.sharesHierarchy()) {
                    lastShared = linearized;
                }
                linearized = ownHierarchy ? ProgrammedCrossbar.linearized(null, linear.withNativeTwin(false), gd, null)
                        : ProgrammedCrossbar.linearized(owner, linear, gd, previous);
                recycled = null;
                if (TRACE) {
                    System.err.printf("newton %d linearized crossbar %s%n", newton,
                            previous == null ? "built" : "rebuilt in place");
                }
                programmings++;
            }
            // Only an iterative method can stop early (a shorted-line or bipartite crossbar solves exactly).
            loose = loose && linearized.stopsEarly();
            for (int k = 0; k < mn; k++) {
                source[k] = cellCurrent[k] - gd[k] * (u[k] - w[k]);
            }
            long t1 = System.nanoTime();
            Solution next = linearized.solveWithCellSources(v, source, u, w, loose ? STEP_REDUCTION : 0);
            if (TRACE) {
                System.err.printf("newton %d drift %.2e %s %.1f ms, %s solve %.1f ms (%d CG)%n", newton, drift,
                        reprogram ? "program" : "chord", (t1 - t0) / 1e6, loose ? "inexact" : "exact",
                        (System.nanoTime() - t1) / 1e6, next.iterations());
            }
            iterations += next.iterations();
            // An exact step whose linear solve met its rule: only after such a step can a stall, or a step
            // that finds no descent, be the rounding floor (inner solves return what they reached).
            boolean innerConverged = !loose && next.residual() <= SolverOptions.REQUIRED_RESIDUAL;
            double[] nu = next.wordLineVoltages();
            double[] nw = next.bitLineVoltages();
            double lambda = 1;
            Kcl trial = null;
            for (int h = 0; h <= MAX_HALVINGS; h++) {
                for (int k = 0; k < mn; k++) {
                    tu[k] = u[k] + lambda * (nu[k] - u[k]);
                    tw[k] = w[k] + lambda * (nw[k] - w[k]);
                }
                long r0 = System.nanoTime();
                trial = residual(v, tu, tw, trialCurrents, trialCellCurrent, trialSlope, pass);
                if (TRACE) {
                    System.err.printf("newton %d residual pass %.2f ms: scaled=%.3e max=%.3e%n", newton,
                            (System.nanoTime() - r0) / 1e6, trial.scaled, trial.max);
                }
                if (trial.norm2 <= (1 - 1e-4 * lambda) * kcl.norm2) {
                    break;
                }
                trial = null;
                lambda *= 0.5;
            }
            if (trial == null && (!reprogram || loose)) {
                // A chord or inexact step need not descend: take an exact Newton step from here.
                lastStepGood = false;
                continue;
            }
            if (trial == null && linearized.sharesHierarchy()
                    && (!innerConverged || kcl.scaled > SolverOptions.REQUIRED_RESIDUAL)) {
                // Far into the nonlinear range (cells at g cosh(d/v0), up to 1e16 g near the 40 v0 limit)
                // the hierarchy programmed at g may no longer precondition the Jacobian well enough for
                // a useful step: the same step again, on a crossbar programmed in full.
                ownHierarchy = true;
                lastStepGood = false;
                if (TRACE) {
                    System.err.printf("newton %d: no descent over the shared hierarchy, programming in full%n", newton);
                }
                continue;
            }
            if (trial == null) {
                // No step lowers the residual: the rounding floor, or a failure to say so.
                if (innerConverged && kcl.scaled <= SolverOptions.REQUIRED_RESIDUAL) {
                    break;
                }
                throw new ConvergenceException("Newton solve of " + model + " cells (line search)", kcl.scaled,
                        SolverOptions.REQUIRED_RESIDUAL, newton);
            }
            System.arraycopy(trialCurrents, 0, currents, 0, n);
            double[] swap = cellCurrent;
            cellCurrent = trialCellCurrent;
            trialCellCurrent = swap;
            swap = slope;
            slope = trialSlope;
            trialSlope = swap;
            swap = u;
            u = tu;
            tu = swap;
            swap = w;
            w = tw;
            tw = swap;
            // (Only an exact, converged step can show the rounding floor: an inexact one may gain little by design.)
            boolean stalled = innerConverged && trial.max > 0.5 * kcl.max && trial.scaled <= options.tolerance();
            // A chord step that gains less than a factor CHORD_GAIN is not worth repeating.
            lastStepGood = reprogram && !loose || trial.max <= CHORD_GAIN * kcl.max;
            kcl = trial;
            if (stalled && kcl.scaled <= SolverOptions.REQUIRED_RESIDUAL) {
                // Converged as far as double precision allows (the same floor rule as CG's).
                break;
            }
        }
        if ((long) mn <= ProgrammedCrossbar.KEEP_WORKSPACE_CELLS) {
            // Only a crossbar over the shared hierarchy can be rebuilt in place by the next solve.
            ProgrammedCrossbar keep = linearized != null && linearized.sharesHierarchy() ? linearized
                    : lastShared != null ? lastShared : recycled;
            if (keep != null) {
                retired.set(keep);
            }
        }
        return new Solution(currents, kcl.scaled, iterations, nodeVoltages ? u : null, nodeVoltages ? w : null);
    }

    /**
     * Scratch of one residual pass: the partial results of every row, combined in row order after the
     * rows ran on the worker pool, so that the pass gives the same bits for every thread count.
     */
    private static final class Pass {
        final double[] rowMax;
        final double[] rowSum2;
        final double[] rowDiag;
        final double[] rowB;
        final double[] rowX;
        /** Bit-line imbalance and diagonal of every node when bit lines are shorted (summed per column after). */
        final double[] bitF;
        final double[] bitD;

        Pass(int m, int n, boolean bitShort) {
            rowMax = new double[m];
            rowSum2 = new double[m];
            rowDiag = new double[m];
            rowB = new double[m];
            rowX = new double[m];
            bitF = bitShort ? new double[m * n] : null;
            bitD = bitShort ? new double[m * n] : null;
        }
    }

    /**
     * The nonlinear KCL residual (current into each free node from its branches), branch by branch. A
     * word line with {@code r_wl = 0} is one node (its residual the sum over the line), pinned when
     * {@code r_source = 0}; likewise bit lines. Nodes pinned by a zero driver or sense resistance have
     * none. Returns the largest magnitude, the 2-norm, and the scaled residual; every cell's current
     * goes to {@code cellCurrent} and its differential conductance {@code g cosh(d/v0)} to {@code slope}.
     * The rows run on the worker pool ({@link Parallel#range}); every sum is taken in the same order
     * whatever the thread count (per row, then over rows), so the result does not depend on it.
     */
    private Kcl residual(double[] v, double[] u, double[] w, double[] columns, double[] cellCurrent,
                         double[] slope, Pass pass) {
        boolean bitShort = circuit.bitLine() == 0;
        Parallel.range(m, 1, 8L * m * n, (from, to) -> residualRows(v, u, w, cellCurrent, slope, pass, from, to));
        boolean pinSense = circuit.sense() == 0;
        double max = 0;
        double sum2 = 0;
        double maxDiag = 0;
        double maxB = 0;
        double normX = 0;
        for (int i = 0; i < m; i++) {
            max = Math.max(max, pass.rowMax[i]);
            sum2 += pass.rowSum2[i];
            maxDiag = Math.max(maxDiag, pass.rowDiag[i]);
            maxB = Math.max(maxB, pass.rowB[i]);
            normX = Math.max(normX, pass.rowX[i]);
        }
        java.util.Arrays.fill(columns, 0);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                columns[j] += cellCurrent[i * n + j];
            }
        }
        if (bitShort && !pinSense) {
            double[] bitSum = new double[n];
            double[] bitDiag = new double[n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    bitSum[j] += pass.bitF[i * n + j];
                    bitDiag[j] += pass.bitD[i * n + j];
                }
            }
            for (int j = 0; j < n; j++) {
                max = Math.max(max, Math.abs(bitSum[j]));
                sum2 += bitSum[j] * bitSum[j];
                maxDiag = Math.max(maxDiag, bitDiag[j]);
            }
        }
        return new Kcl(max, Math.sqrt(sum2), ConjugateGradient.scaled(max, 2 * maxDiag, normX, maxB));
    }

    /** Rows {@code [from, to)} of {@link #residual}: cell currents and slopes, and each row's partial norms. */
    private void residualRows(double[] v, double[] u, double[] w, double[] cellCurrent, double[] slope, Pass pass,
                              int from, int to) {
        double gw = circuit.wordLine() == 0 ? 0 : 1 / circuit.wordLine();
        double gb = circuit.bitLine() == 0 ? 0 : 1 / circuit.bitLine();
        double gs = circuit.source() == 0 ? 0 : 1 / circuit.source();
        double gsense = circuit.sense() == 0 ? 0 : 1 / circuit.sense();
        boolean wordShort = circuit.wordLine() == 0;
        boolean bitShort = circuit.bitLine() == 0;
        boolean pinSource = circuit.source() == 0;
        boolean pinSense = circuit.sense() == 0;
        Drive drive = circuit.drive();
        for (int i = from; i < to; i++) {
            int senses = amplifiersAt[i];
            double max = 0;
            double sum2 = 0;
            double maxDiag = 0;
            double maxB = 0;
            double maxX = 0;
            double rowSum = 0;
            double rowDiag = 0;
            // Every cell of the row at once (one row per call, so the Vector API kernel's lanes and
            // tail fall on the same cells whatever the thread count).
            kernels.sinhCells(u, w, g, v0, cellCurrent, slope, i * n, i * n + n);
            maxX = Math.max(kernels.maxAbs(u, i * n, i * n + n), kernels.maxAbs(w, i * n, i * n + n));
            for (int j = 0; j < n; j++) {
                int k = i * n + j;
                double cell = cellCurrent[k]; // g v0 sinh(d / v0)
                double gc = slope[k]; // g cosh(d / v0)
                int ends = sourcesAt[j];
                boolean uPinned = pinSource && (wordShort || ends > 0);
                boolean wPinned = pinSense && (bitShort || senses > 0);
                // Word-line node u(i,j).
                double f = ends * gs * (v[i] - u[k]) - cell;
                double diag = gc + ends * gs;
                double b = ends * gs * Math.abs(v[i]);
                if (!wordShort) {
                    if (j > 0) {
                        f += gw * (u[k - 1] - u[k]);
                        diag += gw;
                        if (pinSource && sourcesAt[j - 1] > 0) {
                            b += gw * Math.abs(v[i]);
                        }
                    }
                    if (j + 1 < n) {
                        f += gw * (u[k + 1] - u[k]);
                        diag += gw;
                        if (pinSource && sourcesAt[j + 1] > 0) {
                            b += gw * Math.abs(v[i]);
                        }
                    }
                    if (!uPinned) {
                        max = Math.max(max, Math.abs(f));
                        sum2 += f * f;
                        maxDiag = Math.max(maxDiag, diag);
                        maxB = Math.max(maxB, b);
                    }
                } else {
                    rowSum += f;
                    rowDiag += diag;
                }
                // Bit-line node w(i,j).
                double fw = cell - senses * gsense * w[k];
                double dw = gc + senses * gsense;
                double bw = uPinned ? gc * Math.abs(v[i]) : 0;
                if (!bitShort) {
                    if (i > 0) {
                        fw += gb * (w[k - n] - w[k]);
                        dw += gb;
                    }
                    if (i + 1 < m) {
                        fw += gb * (w[k + n] - w[k]);
                        dw += gb;
                    }
                    if (!wPinned) {
                        max = Math.max(max, Math.abs(fw));
                        sum2 += fw * fw;
                        maxDiag = Math.max(maxDiag, dw);
                        maxB = Math.max(maxB, bw);
                    }
                } else {
                    pass.bitF[k] = fw;
                    pass.bitD[k] = dw;
                }
            }
            if (wordShort && !pinSource) {
                max = Math.max(max, Math.abs(rowSum));
                sum2 += rowSum * rowSum;
                maxDiag = Math.max(maxDiag, rowDiag);
                maxB = Math.max(maxB, drive.sources() * gs * Math.abs(v[i]));
            }
            pass.rowMax[i] = max;
            pass.rowSum2[i] = sum2;
            pass.rowDiag[i] = maxDiag;
            pass.rowB[i] = maxB;
            pass.rowX[i] = maxX;
        }
    }
}
