// CrossbarSolver: the structure of a crossbar (shape, circuit options, solver settings), reused across programmings.
package io.xbar.kernel;

/**
 * Entry point of the exact crossbar solver. A {@code CrossbarSolver} holds what does not depend
 * on the cell values: the shape, the circuit (wire, driver, sense and access resistances; drive
 * and sense sides), the method chosen for it and the solver settings. {@link #program} attaches
 * conductances and builds everything that depends on them (line factorizations, the multigrid
 * hierarchy); the returned {@link ProgrammedCrossbar} then solves any number of input vectors.
 *
 * <pre>{@code
 * ProgrammedCrossbar xbar = CrossbarSolver.create(256, 256, Circuit.DEFAULT).program(g);
 * double[] currents = xbar.solve(v).currents();
 * }</pre>
 *
 * <p>Methods, all exact to the reported KCL residual:
 * <ul>
 *   <li>wires on both layers ({@code r_wl, r_bl > 0}): CG preconditioned by a line-smoothed
 *       Galerkin multigrid cycle ({@link Multigrid}: one correction from the finest level, W-cycles
 *       below it); O(MN) memory and work per iteration;</li>
 *   <li>one layer shorted ({@code r_wl = 0} or {@code r_bl = 0}): every shorted line is one node;
 *       CG on the Schur complement of those nodes, each product a sweep of line solves;</li>
 *   <li>both shorted: the bipartite network of M word-line and N bit-line nodes, solved densely
 *       by Cholesky (LAPACK).</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class CrossbarSolver {
    private final int rows;
    private final int cols;
    private final Circuit circuit;
    private final SolverOptions options;
    /** The line kernels of the Java solver; null for the default ({@link LineKernels#get}), resolved on first use. */
    private final LineKernels kernels;
    private final CellModel cellModel;
    /** Single solves may run in the compiled twin ({@link NativeCrossbar}); tests turn it off to compare. */
    private final boolean nativeTwin;

    private CrossbarSolver(int rows, int cols, Circuit circuit, SolverOptions options, LineKernels kernels) {
        this(rows, cols, circuit, options, kernels, CellModel.LINEAR, true);
    }

    private CrossbarSolver(int rows, int cols, Circuit circuit, SolverOptions options, LineKernels kernels,
                           CellModel cellModel, boolean nativeTwin) {
        Checks.shape(rows, cols);
        if (circuit == null) {
            throw new IllegalArgumentException("circuit must be given");
        }
        if (options == null) {
            throw new IllegalArgumentException("solver options must be given");
        }
        this.rows = rows;
        this.cols = cols;
        this.circuit = circuit;
        this.options = options;
        this.kernels = kernels;
        if (cellModel == null) {
            throw new IllegalArgumentException("cell model must be given (linear or sinh)");
        }
        if (!cellModel.isLinear() && circuit.access() != 0) {
            throw new IllegalArgumentException("r_access = " + circuit.access() + " ohm with the " + cellModel.kind().flagName()
                    + " cell model: a nonlinear cell behind an access transistor is not supported (r_access must be 0)");
        }
        this.cellModel = cellModel;
        this.nativeTwin = nativeTwin;
    }

    /**
     * Starts loading the compiled twin of the multigrid solve ({@link NativeCrossbar}) on a background
     * thread, once per JVM, so that the first solve finds it ready; the first {@link #create} does the
     * same. For bindings that start a JVM to solve in it (the Python binding calls it at JVM start).
     */
    public static void preloadNativeTwin() {
        NativeMultigrid.loadInBackground();
    }

    /** A solver for {@code rows x cols} crossbars of the given circuit, default options. */
    public static CrossbarSolver create(int rows, int cols, Circuit circuit) {
        // The default kernels are looked up when the Java solver first needs them: choosing them
        // initializes the Vector API (tens of milliseconds in a fresh JVM), which a crossbar that the
        // compiled twin solves never needs. The twin's library starts loading now, beside the caller's
        // checks and scaling of the conductances.
        NativeMultigrid.loadInBackground();
        return new CrossbarSolver(rows, cols, circuit, SolverOptions.DEFAULT, null);
    }

    public CrossbarSolver withOptions(SolverOptions o) {
        return new CrossbarSolver(rows, cols, circuit, o, kernels, cellModel, nativeTwin);
    }

    /** The same solver on the given line kernels (tests hold scalar and vector results equal). */
    public CrossbarSolver withKernels(LineKernels k) {
        return new CrossbarSolver(rows, cols, circuit, options, k, cellModel, nativeTwin);
    }

    /**
     * The same solver for cells following {@code model} (MODEL.md section 6). A nonlinear model is
     * solved by Newton's method ({@link NewtonSolve}) and has no transfer matrix.
     *
     * @throws IllegalArgumentException for a nonlinear model with {@code r_access > 0} (not supported)
     */
    public CrossbarSolver withCellModel(CellModel model) {
        return new CrossbarSolver(rows, cols, circuit, options, kernels, model, nativeTwin);
    }

    /** The cells' current-voltage law ({@link CellModel#LINEAR} unless {@link #withCellModel} said otherwise). */
    public CellModel cellModel() {
        return cellModel;
    }

    /**
     * Programs the crossbar: {@code conductances} are the row-major {@code rows x cols} cell
     * conductances {@code g >= 0} in siemens (finite; 0 is an open cell). The array is read
     * while programming and not kept, so later changes to it do not reach the crossbar.
     *
     * @throws IllegalArgumentException on a bad array, or conductances outside the range {@link Scaling} accepts
     */
    public ProgrammedCrossbar program(double[] conductances) {
        Checks.conductances(rows, cols, conductances, "conductances");
        return new ProgrammedCrossbar(this, conductances);
    }

    /**
     * Heap bytes of one programmed {@code rows x cols} crossbar and one solve on the multigrid path
     * (the largest): about 44 doubles per cell (docs/solver.md) and the conductances.
     */
    public static double bytesNeeded(int rows, int cols) {
        return Double.BYTES * 46.0 * rows * cols;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public Circuit circuit() {
        return circuit;
    }

    public SolverOptions options() {
        return options;
    }

    LineKernels kernels() {
        return kernels != null ? kernels : LineKernels.get();
    }

    /**
     * The same solver with the compiled twin of the multigrid solve allowed or not ({@link NativeCrossbar}:
     * the same bits; tests compare the two).
     */
    CrossbarSolver withNativeTwin(boolean allowed) {
        return new CrossbarSolver(rows, cols, circuit, options, kernels, cellModel, allowed);
    }

    boolean nativeTwin() {
        return nativeTwin;
    }
}
