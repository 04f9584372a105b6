// ProgrammedCrossbar: a crossbar with its conductances written; solves input vectors and batches exactly.
package io.xbar.kernel;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A crossbar whose cells hold conductances; made by {@link CrossbarSolver#program}. Everything
 * that depends only on the conductances (line factorizations, the multigrid hierarchy, dense
 * factors) is built once here; each {@link #solve} then costs a few sweeps over the array.
 *
 * <p>Thread-safe: solves share only immutable state; each call uses its own scratch.
 */
public final class ProgrammedCrossbar {
    private final CrossbarSolver structure;
    private final int rows;
    private final int cols;
    /**
     * The Java solver; built on first need when {@link #twin} serves the solves (a batch beyond the
     * twin, Newton's linearized crossbars): a crossbar only ever solved natively never builds it.
     */
    private volatile NodalMethod<?> method;
    /** The compiled twin of the multigrid solve (same bits; {@link NativeCrossbar}), or null. */
    private final NativeCrossbar twin;
    private final Scaling scaling;
    /**
     * Crossbars up to this many cells (256x256, a workspace of about 23 MB) keep one workspace between
     * single solves; larger ones allocate it per solve, where that costs little beside the solve and
     * holding it would keep gigabytes alive.
     */
    static final int KEEP_WORKSPACE_CELLS = 1 << 16;
    /** A workspace kept between single solves ({@link #solveOnce}); {@code null} while a solve uses it, or not kept. */
    private final AtomicReference<Object> spare;
    /** Newton's method for nonlinear cells ({@link CellModel}); null for linear cells. */
    private final NewtonSolve newton;
    /** For Newton's linearized crossbars sharing a multigrid hierarchy ({@link #linearized}): whose it is; else null. */
    private final ProgrammedCrossbar base;

    ProgrammedCrossbar(CrossbarSolver structure, double[] conductances) {
        this.structure = structure;
        this.rows = structure.rows();
        this.cols = structure.cols();
        // Solved scaled by powers of two (exact): conductances near 1 here, voltages near 1 per solve.
        this.scaling = Scaling.of(rows, cols, structure.circuit(), conductances);
        CellModel model = structure.cellModel();
        this.twin = model.isLinear() && structure.nativeTwin()
                ? NativeCrossbar.of(rows, cols, scaling.circuit(), scaling.cells(), structure.options()) : null;
        // The twin keeps its own workspace; a Java workspace is kept only where Java solves (an
        // AtomicReference also costs a fresh JVM's first call some 4 ms of VarHandle set-up).
        this.spare = twin == null && (long) rows * cols <= KEEP_WORKSPACE_CELLS ? new AtomicReference<>() : null;
        this.method = twin == null ? javaMethod() : null;
        this.base = null;
        newton = model.isLinear() ? null
                : new NewtonSolve(structure.withCellModel(CellModel.LINEAR), model, conductances.clone(), this);
    }

    /** The Java solver the circuit calls for (built here; {@link #method()} keeps it). */
    private NodalMethod<?> javaMethod() {
        Circuit c = scaling.circuit();
        double[] cell = scaling.cells();
        boolean wordLinesShorted = c.wordLine() == 0;
        boolean bitLinesShorted = c.bitLine() == 0;
        if (wordLinesShorted && bitLinesShorted) {
            return new BipartiteMethod(rows, cols, c, cell);
        } else if (wordLinesShorted) {
            return HubMethod.shortedWordLines(rows, cols, c, cell, structure.options(), structure.kernels());
        } else if (bitLinesShorted) {
            return HubMethod.shortedBitLines(rows, cols, c, cell, structure.options(), structure.kernels());
        }
        return new MultigridMethod(rows, cols, c, cell, structure.options(), structure.kernels());
    }

    /** The Java solver, built on first call when the twin served the solves so far. */
    private NodalMethod<?> method() {
        NodalMethod<?> m = method;
        if (m == null) {
            synchronized (this) {
                m = method;
                if (m == null) {
                    m = javaMethod();
                    method = m;
                }
            }
        }
        return m;
    }

    /** True when its solves can stop at a residual reduction ({@link NodalMethod#newtonStep}): multigrid CG. */
    boolean stopsEarly() {
        return method() instanceof MultigridMethod;
    }

    /** True for a linearized crossbar preconditioned by another crossbar's multigrid hierarchy ({@link #linearized}). */
    boolean sharesHierarchy() {
        return base != null;
    }

    /** True when single solves of linear cells run in the compiled twin ({@link NativeCrossbar}). */
    boolean solvesNatively() {
        return twin != null;
    }

    /**
     * Newton's linearized crossbar: {@code base}'s structure with the cells at {@code conductances}
     * (linear cell model). On wired crossbars (multigrid) whose scaling holds, the new cells get their
     * own fine operator and CG reuses {@code base}'s multigrid hierarchy as preconditioner
     * ({@link MultigridMethod#withCells}); otherwise the crossbar is programmed in full. When
     * {@code previous} is such a crossbar (made here for the same {@code base}) that will not be used
     * again, its fine level and its workspace are reused ({@link MultigridMethod#reprogram}): the same
     * operator, without allocating. A linearized crossbar keeps its workspace between solves whatever
     * its size: it lives for one Newton solve (or is kept by {@link NewtonSolve} for the next one when
     * small).
     */
    static ProgrammedCrossbar linearized(ProgrammedCrossbar base, CrossbarSolver linear, double[] conductances,
                                         ProgrammedCrossbar previous) {
        if (base != null && base.method() instanceof MultigridMethod mg) {
            Scaling s = Scaling.of(base.rows, base.cols, linear.circuit(), conductances, base.scaling.exponent());
            if (s.exponent() == base.scaling.exponent()) {
                if (previous != null && previous.base == base && previous.method() instanceof MultigridMethod p) {
                    p.reprogram(s.cells());
                    return new ProgrammedCrossbar(linear, s, p, previous.spare, base);
                }
                return new ProgrammedCrossbar(linear, s, mg.withCells(s.cells()), new AtomicReference<>(), base);
            }
        }
        return new ProgrammedCrossbar(linear, conductances);
    }

    private ProgrammedCrossbar(CrossbarSolver structure, Scaling scaling, NodalMethod<?> method,
                               AtomicReference<Object> spare, ProgrammedCrossbar base) {
        if (!structure.cellModel().isLinear()) {
            throw new IllegalArgumentException("a linearized crossbar has linear cells");
        }
        this.structure = structure;
        this.rows = structure.rows();
        this.cols = structure.cols();
        this.spare = spare;
        this.scaling = scaling;
        this.method = method;
        this.twin = null;
        this.newton = null;
        this.base = base;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The solver (structure) this crossbar was programmed on. */
    public CrossbarSolver solver() {
        return structure;
    }

    /** Output currents for one input vector {@code v} (volts, length {@code rows}). */
    public Solution solve(double[] v) {
        return solve(v, false);
    }

    /**
     * Solves for one input vector.
     *
     * @param nodeVoltages also return the word-line and bit-line node voltages (row-major M x N)
     * @throws ConvergenceException if the KCL residual required by the contract cannot be reached
     * @throws IllegalArgumentException for a bad vector, or one whose currents could exceed the double range ({@link Scaling})
     */
    public Solution solve(double[] v, boolean nodeVoltages) {
        Checks.finiteBatch(v, 1, rows, "input voltages");
        if (newton != null) {
            structure.cellModel().checkVoltages(v, 0, rows, "input voltages");
            scaling.voltageExponent(v, 0, rows, "input voltages");
            // Newton from the linear solution (cells at their small-signal conductance), solved only
            // as far as Newton's first step needs (NewtonSolve.START_REDUCTION).
            return newton.solve(v, linearSolve(v, null, true, null, null, NewtonSolve.START_REDUCTION), nodeVoltages);
        }
        return linearSolve(v, null, nodeVoltages);
    }

    /**
     * The linear solve with an extra current {@code cellSource[i*N + j]} (A) through every cell from
     * word line to bit line (Newton's linearized cells), started from {@code startU}, {@code startW};
     * node voltages always returned. A step of Newton's method ({@link NodalMethod#newtonStep}):
     * {@code reduction > 0} makes it inexact, and it returns what it reached rather than throwing.
     */
    Solution solveWithCellSources(double[] v, double[] cellSource, double[] startU, double[] startW,
                                  double reduction) {
        return linearSolve(v, cellSource, true, startU, startW, reduction);
    }

    private Solution linearSolve(double[] v, double[] cellSource, boolean nodeVoltages) {
        return linearSolve(v, cellSource, nodeVoltages, null, null, -1);
    }

    /** {@code reduction >= 0}: a step of Newton's method ({@link NodalMethod#newtonStep}); {@code -1}: a plain solve. */
    private Solution linearSolve(double[] v, double[] cellSource, boolean nodeVoltages, double[] startU,
                                 double[] startW, double reduction) {
        int b = scaling.voltageExponent(v, 0, rows, "input voltages");
        double[] source = null;
        if (cellSource != null) {
            source = cellSource.clone();
            Scaling.scale(source, scaling.exponent() + b);
        }
        double[] scaled = v.clone();
        Scaling.scale(scaled, b);
        double[] currents = new double[cols];
        double[] u = nodeVoltages ? new double[rows * cols] : null;
        double[] w = nodeVoltages ? new double[rows * cols] : null;
        double[][] start = null;
        if (startU != null) {
            start = new double[][] {startU.clone(), startW.clone()};
            Scaling.scale(start[0], b);
            Scaling.scale(start[1], b);
        }
        ConjugateGradient.Stats s = source == null && start == null && twin != null
                ? twin.solve(scaled, currents, u, w) : null;
        if (s == null) {
            s = solveOnce(method(), spare, scaled, source, currents, u, w, start, reduction);
        }
        Scaling.scale(currents, -scaling.exponent() - b);
        Scaling.scale(u, -b);
        Scaling.scale(w, -b);
        return new Solution(currents, s.residual(), s.iterations(), u, w);
    }

    /**
     * One solve on the spare workspace when no other thread holds it, else on a new one: repeated
     * single solves (a simulator's loop, or Python calling in) then allocate nothing large (a 64x64
     * multigrid workspace is about 1.4 MB, whose allocation cost as much as a tenth of the solve).
     */
    @SuppressWarnings("unchecked")
    private static <W> ConjugateGradient.Stats solveOnce(NodalMethod<W> method, AtomicReference<Object> spare, double[] v,
                                                         double[] source, double[] currents, double[] u, double[] w,
                                                         double[][] start, double reduction) {
        Object held = spare == null ? null : spare.getAndSet(null);
        W ws = held == null ? method.workspace() : (W) held;
        if (start != null) {
            method.startFrom(start[0], start[1], ws);
        }
        if (reduction >= 0) {
            method.newtonStep(reduction, ws);
        }
        try {
            return method.solve(v, source, currents, u, w, ws);
        } finally {
            if (spare != null) {
                spare.set(ws);
            }
        }
    }

    /**
     * Output currents for a batch: {@code voltages} is row-major {@code batch x rows}, the result
     * row-major {@code batch x cols}. The vectors are split in {@code SolverOptions.threads()} pieces
     * solved on the kernel's worker pool ({@link Parallel}), each vector on one thread. Every vector
     * is checked ({@link Scaling#voltageExponent}) before any is solved.
     */
    public double[] currents(double[] voltages, int batch) {
        Checks.finiteBatch(voltages, batch, rows, "input voltages");
        int[] exponents = new int[batch];
        for (int b = 0; b < batch; b++) {
            exponents[b] = scaling.voltageExponent(voltages, b * rows, rows, "input voltages [" + b + "]");
            if (newton != null) {
                structure.cellModel().checkVoltages(voltages, b * rows, rows, "input voltages [" + b + "]");
            }
        }
        double[] out = new double[batch * cols];
        if (newton != null) {
            // One Newton solve per vector, the vectors side by side on the worker pool.
            Parallel.parts(batch, structure.options().threads(), (from, to) -> {
                double[] v = new double[rows];
                for (int b = from; b < to; b++) {
                    System.arraycopy(voltages, b * rows, v, 0, rows);
                    System.arraycopy(solve(v, false).currents(), 0, out, b * cols, cols);
                }
            });
            return out;
        }
        Parallel.parts(batch, structure.options().threads(),
                (from, to) -> solveRange(voltages, exponents, out, from, to));
        return out;
    }

    /**
     * The vectors {@code [from, to)} of a batch, one after the other: in the twin when it serves, else
     * (or from the first vector it cannot take) in Java, on a workspace made when first needed.
     */
    private void solveRange(double[] voltages, int[] exponents, double[] out, int from, int to) {
        double[] v = new double[rows];
        double[] currents = new double[cols];
        JavaSolves<?> java = null;
        for (int b = from; b < to; b++) {
            System.arraycopy(voltages, b * rows, v, 0, rows);
            Scaling.scale(v, exponents[b]);
            if (java != null || twin == null || twin.solve(v, currents, null, null) == null) {
                if (java == null) {
                    java = JavaSolves.of(method());
                }
                java.solve(v, currents);
            }
            Scaling.scale(currents, -scaling.exponent() - exponents[b]);
            System.arraycopy(currents, 0, out, b * cols, cols);
        }
    }

    /** A Java solver with the workspace of one solving thread. */
    private record JavaSolves<W>(NodalMethod<W> method, W workspace) {
        static <W> JavaSolves<W> of(NodalMethod<W> method) {
            return new JavaSolves<>(method, method.workspace());
        }

        void solve(double[] v, double[] currents) {
            method.solve(v, currents, null, null, workspace);
        }
    }
}
