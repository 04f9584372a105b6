// TransferMatrix: the exact effective transfer matrix T of a crossbar (I = V . T), by nested dissection or a row-by-row Schur sweep on OpenBLAS.
package io.xbar.kernel;

import io.xbar.blas.Blas;

/**
 * The exact {@code M x N} transfer matrix {@code T} of MODEL.md section 1: row {@code i} holds the
 * column currents for {@code V = e_i}, so that {@code I = V . T} for every input vector.
 *
 * <h2>Methods</h2>
 * Two exact eliminations, chosen per shape and circuit ({@link Method#AUTO}) or forced:
 * <ul>
 *   <li><b>Nested dissection</b> ({@link NestedDissection}, the default wherever word and bit
 *       lines are resistive and the crossbar is larger than about 50x50): the network is
 *       Kron-reduced onto its terminals domain by domain, about {@code 95 n^3} flops for
 *       {@code n x n} in BLAS-3 merges (timings: docs/performance.md).</li>
 *   <li><b>Row sweep</b> ({@link SchurSweep}, below; every circuit, including zero-ohm lines),
 *       {@code ~ 2 n^4} flops.</li>
 * </ul>
 *
 * <h2>Row sweep</h2>
 * The {@code 2MN} nodes are taken row by row; row {@code i} holds its word-line nodes {@code u_i}
 * and its bit-line nodes {@code w_i}, and only {@code w_i} couples to the neighbouring rows
 * ({@code -g_bl I}). Per row:
 * <ol>
 *   <li>the word line is eliminated exactly: its tridiagonal system {@code K_i} (wire, cells,
 *       driver) gives the dense {@code N x N} term {@code A_i = D_i - D_i K_i^-1 D_i} on
 *       {@code w_i} and the injection {@code c_i = D_i K_i^-1 b_i} of input {@code i}, both in
 *       {@code O(N^2)} from the closed form of a tridiagonal inverse (only positive terms are
 *       added, so no cancellation);</li>
 *   <li>the bit-line Schur complement is carried toward the sense amplifier:
 *       {@code S_i = A_i + g_bl I - g_bl^2 S_{i-1}^-1 + g_bl I} (Cholesky {@code dpotrf},
 *       inverse {@code dpotri}), together with the condensed right-hand sides of all inputs
 *       already passed, {@code R <- g_bl R S_i^-1} (two {@code dtrsm});</li>
 *   <li>at the sense row the condensed system gives the sense-amplifier currents of all inputs
 *       at once.</li>
 * </ol>
 * Cost {@code ~ M N^3 + M^2 N^2} flops in BLAS-3, memory {@code 2 N^2 + O(MN)} doubles. Because the
 * network is reciprocal, {@code T} of a crossbar is the transpose of {@code T} of the crossbar with
 * rows and columns exchanged (word lines become bit lines, drivers become sense amplifiers); the
 * cheaper orientation is used. Sense amplifiers at both ends take one sweep toward each end.
 *
 * <p>Zero resistances are exact: {@code r_wl = 0} merges a word line into one node (a rank-one
 * {@code A_i}), {@code r_bl = 0} merges each bit line (one {@code N x N} system for all rows),
 * {@code r_source = 0} and {@code r_sense = 0} pin the nodes they touch (Dirichlet elimination).
 *
 * <p>An instance keeps the workspaces of one shape and circuit and can be reused for many tiles;
 * it is not thread-safe. The static {@link #compute(int, int, Circuit, double[])} is the one-shot
 * form. Parallelism: with {@link #threads()} {@code >= 2} each row's carry runs on a helper thread
 * beside the inverse of that row's Schur complement, both as single-threaded OpenBLAS calls
 * (OpenBLAS's own threads spin-wait and lose badly on shared cores). OpenBLAS's thread count is
 * process-wide: {@link #compute(double[], double[])} sets it for its duration and restores it
 * ({@link Tuning#transferBlasThreads} uses OpenBLAS threading instead).
 */
public final class TransferMatrix {
    /** Below this size OpenBLAS's threading costs more than it gains in the per-row factorizations. */
    private static final int THREADING_SIZE = 96;
    private static final boolean PIPELINE = !Tuning.get().transferBlasThreads();
    /** {@link Tuning#transferMethod}: forces one method where it applies. */
    private static final Method METHOD = Tuning.get().transferMethod();

    private final int rows;
    private final int cols;
    private final Circuit circuit;
    private final boolean transposed;
    private final boolean nestedMethod;
    private final boolean heapLimited;
    private final int threads;
    // Built for the circuit scaled by 2^-exponent (see Scaling); rebuilt when conductances need another scale.
    private int exponent;
    private SchurSweep sweep;            // null when nested dissection is used
    private NestedDissection nested;
    private final double[] result;       // T of the reciprocal network (null when not transposed)
    private final double[] work;         // transposed conductances (null when not transposed)

    /**
     * Prepares the workspaces for crossbars of one shape and circuit.
     *
     * @throws IllegalArgumentException if the shape is smaller than 1x1 or too large, or the circuit is missing
     */
    public TransferMatrix(int rows, int cols, Circuit circuit) {
        this(rows, cols, circuit, 0);
    }

    /**
     * As {@link #TransferMatrix(int, int, Circuit)} with an explicit thread count for
     * {@link #compute(double[], double[])}; {@code 0} chooses (1 for small crossbars, else all cores).
     */
    public TransferMatrix(int rows, int cols, Circuit circuit, int threads) {
        this(rows, cols, circuit, threads, Method.AUTO);
    }

    /** How the transfer matrix is computed. */
    public enum Method {
        /** Nested dissection where it applies and is cheaper, else the row sweep (the default). */
        AUTO,
        /** Nested dissection; needs {@code r_wl > 0} and {@code r_bl > 0}. */
        NESTED,
        /** The row-by-row Schur sweep (every circuit). */
        SWEEP
    }

    /**
     * As {@link #TransferMatrix(int, int, Circuit, int)} with the method forced.
     *
     * @throws IllegalArgumentException for {@link Method#NESTED} on a circuit with a zero-ohm word or bit line
     */
    public TransferMatrix(int rows, int cols, Circuit circuit, int threads, Method method) {
        Checks.shape(rows, cols);
        if (circuit == null) {
            throw new IllegalArgumentException("circuit must be given");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("BLAS thread count must be >= 0 (0 = automatic), got " + threads);
        }
        if (method == null) {
            throw new IllegalArgumentException("method must be given");
        }
        if (method == Method.NESTED && (circuit.wordLine() <= 0 || circuit.bitLine() <= 0)) {
            throw new IllegalArgumentException("nested dissection needs r_wl > 0 and r_bl > 0, got r_wl = "
                    + circuit.wordLine() + ", r_bl = " + circuit.bitLine());
        }
        this.rows = rows;
        this.cols = cols;
        this.circuit = circuit;
        int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
        this.nestedMethod = switch (method) {
            case AUTO -> useNested(rows, cols, circuit);
            case NESTED -> true;
            case SWEEP -> false;
        };
        this.heapLimited = method == Method.AUTO && !nestedMethod && preferNested(rows, cols, circuit);
        if (nestedMethod) {
            this.transposed = false;
            this.threads = threads > 0 ? threads : cores;
        } else {
            // Strictly cheaper only, so that ties keep the crossbar's own orientation.
            this.transposed = flops(cols, rows, circuit.wordLine(), circuit.drive() == Drive.BOTH)
                    < flops(rows, cols, circuit.bitLine(), circuit.senseAt() == Sense.BOTH);
            int n = transposed ? rows : cols;
            this.threads = threads > 0 ? threads : n < THREADING_SIZE ? 1 : cores;
        }
        // Scaled for the wires alone until the first conductances arrive (only the wires' scale is known).
        Scaling wires = Scaling.of(1, 1, circuit, new double[1]);
        build(wires);
        result = transposed ? new double[rows * cols] : null;
        work = transposed ? new double[rows * cols] : null;
    }

    /** (Re)builds the elimination for the scaled circuit. */
    private void build(Scaling s) {
        exponent = s.exponent();
        Circuit c = s.circuit();
        if (nestedMethod) {
            nested = new NestedDissection(rows, cols, c, threads);
        } else {
            sweep = transposed ? SchurSweep.reciprocal(rows, cols, c) : SchurSweep.of(rows, cols, c);
        }
    }

    /**
     * The exact transfer matrix of one crossbar: row-major {@code rows x cols}, row {@code i} the
     * column currents (amperes) for 1 V on word line {@code i} and 0 V on the others.
     *
     * @param conductances row-major {@code rows x cols} cell conductances {@code g >= 0} (siemens)
     * @throws IllegalArgumentException on a bad shape, a missing circuit, or a NaN, infinite or negative conductance
     */
    public static double[] compute(int rows, int cols, Circuit circuit, double[] conductances) {
        return new TransferMatrix(rows, cols, circuit).compute(conductances);
    }

    /** Estimated flops of one transfer matrix of this shape and circuit (the method and orientation used). */
    public static double flops(int rows, int cols, Circuit circuit) {
        if (useNested(rows, cols, circuit)) {
            return NestedDissection.cost(rows, cols, circuit);
        }
        return sweepFlops(rows, cols, circuit);
    }

    private static double sweepFlops(int rows, int cols, Circuit circuit) {
        return Math.min(flops(rows, cols, circuit.bitLine(), circuit.senseAt() == Sense.BOTH),
                flops(cols, rows, circuit.wordLine(), circuit.drive() == Drive.BOTH));
    }

    /**
     * Nested dissection needs resistive word and bit lines (a zero-ohm line is a merged node,
     * which the row sweep handles exactly) and {@link #nestedBytes} of heap (else the row sweep runs
     * and {@link #heapLimited()} says so); it is used where it
     * needs fewer flops than the row sweep (from about 50x50 for square crossbars; measured: the
     * sweep is faster at 48x48 and below, nested dissection from 64x64, 2 cores, 2026-12-02), or
     * always with {@code -Dxbar.transfer.method=nested} ({@link Tuning#transferMethod}).
     */
    static boolean useNested(int rows, int cols, Circuit circuit) {
        return preferNested(rows, cols, circuit)
                && (METHOD == Method.NESTED || nestedBytes(rows, cols) <= heapBudget());
    }

    /** The heap nested dissection may fill: the JVM's, or {@code -Dxbar.transfer.heap=BYTES} (tests of the fallback). */
    static double heapBudget() {
        String budget = System.getProperty("xbar.transfer.heap");
        return budget == null ? Runtime.getRuntime().maxMemory() : Double.parseDouble(budget);
    }

    /** Nested dissection applies and is the cheaper method, memory aside. */
    private static boolean preferNested(int rows, int cols, Circuit circuit) {
        if (circuit.wordLine() <= 0 || circuit.bitLine() <= 0 || METHOD == Method.SWEEP) {
            return false;
        }
        return METHOD == Method.NESTED || NestedDissection.cost(rows, cols, circuit) < sweepFlops(rows, cols, circuit);
    }

    /**
     * Heap bytes nested dissection needs for an {@code rows x cols} transfer matrix: the peak working
     * set of its last merge, {@code 12 (i^2 + i p + p^2)} bytes with {@code i = 2 max(M, N)} eliminated
     * and {@code p = 2 (M + N)} kept nodes (about 2.5 times what 1024x1024 was measured to need),
     * plus the {@code M x N} arrays of one call (conductances, their scaled copy, {@code T}).
     * 4096x4096: about 6.0 GB; 20000x20000: about 144 GB.
     */
    public static double nestedBytes(int rows, int cols) {
        return NestedDissection.bytes(rows, cols) + 3.0 * Double.BYTES * rows * cols;
    }

    /**
     * Heap bytes of the row sweep: {@code 2 n^2} doubles for the Schur complement and its inverse
     * ({@code n} the swept width) and about six {@code M x N} arrays.
     */
    public static double sweepBytes(int rows, int cols) {
        double n = Math.max(rows, cols);
        return Double.BYTES * (2 * n * n + 6.0 * rows * cols);
    }

    /**
     * True when nested dissection would be used but does not fit the heap
     * ({@link #nestedBytes} {@code > Runtime.maxMemory()}), so the much slower row sweep runs
     * instead (see {@link #sweepSlowdown}); the caller should say so.
     */
    public boolean heapLimited() {
        return heapLimited;
    }

    /** Work of the row sweep over that of nested dissection for this shape and circuit (0 when nested dissection does not apply). */
    public double sweepSlowdown() {
        return preferNested(rows, cols, circuit) ? sweepFlops(rows, cols, circuit) / NestedDissection.cost(rows, cols, circuit) : 0;
    }

    /** True when the transfer matrix is computed by nested dissection, false for the row sweep. */
    public boolean nestedDissection() {
        return nestedMethod;
    }

    private static double flops(int m, int n, double bitLineOhms, boolean bothEnds) {
        return SchurSweep.cost(m, n, bitLineOhms, bothEnds, m, true);
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

    /** OpenBLAS threads used during {@link #compute(double[], double[])}: 1 below a size where threading pays, else all cores. */
    public int threads() {
        return threads;
    }

    /** True when the reciprocal (rows and columns exchanged) network is swept because it is cheaper. */
    public boolean sweepsTransposed() {
        return transposed;
    }

    /** {@link #compute(double[], double[])} into a new array. */
    public double[] compute(double[] conductances) {
        double[] out = new double[rows * cols];
        compute(conductances, out);
        return out;
    }

    /**
     * Computes {@code T} into {@code out} (row-major {@code rows x cols}); {@code conductances} is
     * not modified.
     *
     * @throws IllegalArgumentException on a bad conductance array or an output of the wrong length
     */
    public void compute(double[] conductances, double[] out) {
        compute(conductances, out, null);
    }

    /**
     * As {@link #compute(double[], double[])}, calling {@code progress} with the fraction of the
     * work done (in {@code [0, 1]}, increasing, at most about 100 times, from any thread).
     */
    public void compute(double[] conductances, double[] out, java.util.function.DoubleConsumer progress) {
        Checks.conductances(rows, cols, conductances, "conductances");
        if (out == null || out.length != rows * cols) {
            throw new IllegalArgumentException("transfer output must have " + rows + "x" + cols + " = "
                    + (rows * cols) + " values, got " + (out == null ? "none" : out.length));
        }
        // T scales with the conductances: computed at 2^a times them (exact), then scaled back.
        Scaling s = Scaling.of(rows, cols, circuit, conductances, exponent);
        s.checkTransfer();
        if (s.exponent() != exponent) {
            build(s);
        }
        double[] scaled = s.cells();
        // Two or more cores: single-threaded BLAS calls side by side (independent subtrees, or the
        // carry beside the inverse) unless measured otherwise; OpenBLAS's own threads spin and
        // lose badly on shared cores.
        boolean pipeline = threads > 1 && (nested != null || PIPELINE);
        int blasThreads = pipeline ? 1 : threads;
        if (sweep != null) {
            sweep.pipelined(pipeline);
            sweep.progress(progress);
        }
        int before = Blas.threads();
        if (before != blasThreads) {
            Blas.setThreads(blasThreads);
        }
        try {
            if (nested != null) {
                nested.transfer(scaled, out, progress);
            } else if (transposed) {
                transpose(scaled, rows, cols, work);
                sweep.transfer(work, result);
                transpose(result, cols, rows, out);
            } else {
                sweep.transfer(scaled, out);
            }
            Scaling.scale(out, -exponent);
        } finally {
            if (sweep != null) {
                sweep.progress(null);
            }
            if (before != blasThreads) {
                Blas.setThreads(before);
            }
        }
    }

    /** {@code dst (c x r) = src (r x c)^T}, row-major, in cache-sized blocks. */
    static void transpose(double[] src, int r, int c, double[] dst) {
        final int block = 32;
        for (int i0 = 0; i0 < r; i0 += block) {
            int i1 = Math.min(r, i0 + block);
            for (int j0 = 0; j0 < c; j0 += block) {
                int j1 = Math.min(c, j0 + block);
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) {
                        dst[j * r + i] = src[i * c + j];
                    }
                }
            }
        }
    }
}
