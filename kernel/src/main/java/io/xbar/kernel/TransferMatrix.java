// TransferMatrix: the exact effective transfer matrix T of a crossbar (I = V . T) by a row-by-row Schur sweep on OpenBLAS.
package io.xbar.kernel;

import io.xbar.blas.Blas;
import io.xbar.blas.Lapack;

/**
 * The exact {@code M x N} transfer matrix {@code T} of MODEL.md section 1: row {@code i} holds the
 * column currents for {@code V = e_i}, so that {@code I = V . T} for every input vector.
 *
 * <h2>Method</h2>
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
 * Cost {@code ~ M N^3 + M^2 N^2} flops in BLAS-3, memory {@code N^2 + O(MN)} doubles. Because the
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
 * form. OpenBLAS's thread count is process-wide: {@link #compute(double[], double[])} sets it to
 * {@link #threads()} for its duration and restores it.
 */
public final class TransferMatrix {
    /** Running products of ratios below this are zero to every digit that can matter (and avoid subnormals). */
    private static final double NEGLIGIBLE = 1e-200;
    /** Below this size OpenBLAS's threading costs more than it gains in the per-row factorizations. */
    private static final int THREADING_SIZE = 96;

    private final int rows;
    private final int cols;
    private final Circuit circuit;
    private final boolean transposed;
    private final int threads;

    // The working network: the crossbar itself or its reciprocal (rows and columns exchanged).
    private final int m;
    private final int n;
    private final double wordLine;   // conductances in siemens, +Infinity for a short
    private final double bitLine;
    private final double source;
    private final double sense;
    private final Drive drive;
    private final Sense senseAt;
    private final double access;

    // Workspaces, allocated once per shape.
    private final double[] schur;        // n x n, lower triangle: S_i, its factor, its inverse
    private final double[] carry;        // m x n, condensed right-hand sides in sweep order
    private final double[] result;       // m x n, T of the working network (null when it is the output)
    private final double[] work;         // m x n, transposed conductances (null when not transposed)
    private final double[] cell;         // n, effective cell conductances g' of one row
    private final double[] ground;       // n, conductance from a word-line node to its driven potential
    private final double[] left;         // n, chain conductance to ground through the left part
    private final double[] right;        // n, the same through the right part
    private final double[] ratio;        // n, ratios of neighbouring tridiagonal-inverse entries
    private final double[] product;      // n, running products of ratios (one row of K^-1 / K^-1_kk)
    private final double[] solution;     // n, u of a row for V = 1 and w = 0

    /**
     * Prepares the workspaces for crossbars of one shape and circuit.
     *
     * @throws IllegalArgumentException if the shape is smaller than 1x1 or too large, or the circuit is missing
     */
    public TransferMatrix(int rows, int cols, Circuit circuit) {
        this(rows, cols, circuit, 0);
    }

    /**
     * As {@link #TransferMatrix(int, int, Circuit)} with an explicit OpenBLAS thread count for
     * {@link #compute(double[], double[])}; {@code 0} chooses (1 for small crossbars, else all cores).
     */
    public TransferMatrix(int rows, int cols, Circuit circuit, int threads) {
        Checks.shape(rows, cols);
        if (threads < 0) {
            throw new IllegalArgumentException("BLAS thread count must be >= 0 (0 = automatic), got " + threads);
        }
        if (circuit == null) {
            throw new IllegalArgumentException("circuit must be given");
        }
        this.rows = rows;
        this.cols = cols;
        this.circuit = circuit;
        // Strictly cheaper only, so that ties keep the crossbar's own orientation.
        this.transposed = cost(cols, rows, circuit.wordLine(), circuit.drive() == Drive.BOTH)
                < cost(rows, cols, circuit.bitLine(), circuit.senseAt() == Sense.BOTH);
        if (transposed) {
            m = cols;
            n = rows;
            wordLine = CrossbarNetwork.conductanceOf(circuit.bitLine());
            bitLine = CrossbarNetwork.conductanceOf(circuit.wordLine());
            source = CrossbarNetwork.conductanceOf(circuit.sense());
            sense = CrossbarNetwork.conductanceOf(circuit.source());
            // Sense at the bottom row is a driver at the last working column, a driver at the first
            // column a sense amplifier at the first working row, and so on.
            drive = switch (circuit.senseAt()) {
                case TOP -> Drive.LEFT;
                case BOTTOM -> Drive.RIGHT;
                case BOTH -> Drive.BOTH;
            };
            senseAt = switch (circuit.drive()) {
                case LEFT -> Sense.TOP;
                case RIGHT -> Sense.BOTTOM;
                case BOTH -> Sense.BOTH;
            };
        } else {
            m = rows;
            n = cols;
            wordLine = CrossbarNetwork.conductanceOf(circuit.wordLine());
            bitLine = CrossbarNetwork.conductanceOf(circuit.bitLine());
            source = CrossbarNetwork.conductanceOf(circuit.source());
            sense = CrossbarNetwork.conductanceOf(circuit.sense());
            drive = circuit.drive();
            senseAt = circuit.senseAt();
        }
        access = circuit.access();
        this.threads = threads > 0 ? threads
                : n < THREADING_SIZE ? 1 : Math.max(1, Runtime.getRuntime().availableProcessors());
        schur = new double[n * n];
        carry = new double[m * n];
        result = transposed ? new double[m * n] : null;
        work = transposed ? new double[m * n] : null;
        cell = new double[n];
        ground = new double[n];
        left = new double[n];
        right = new double[n];
        ratio = new double[n];
        product = new double[n];
        solution = new double[n];
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
        Checks.conductances(rows, cols, conductances, "conductances");
        if (out == null || out.length != rows * cols) {
            throw new IllegalArgumentException("transfer output must have " + rows + "x" + cols + " = "
                    + (rows * cols) + " values, got " + (out == null ? "none" : out.length));
        }
        int before = Blas.threads();
        if (before != threads) {
            Blas.setThreads(threads);
        }
        try {
            double[] g = conductances;
            if (transposed) {
                transpose(conductances, rows, cols, work);
                g = work;
            }
            double[] t = transposed ? result : out;
            if (Double.isInfinite(bitLine)) {
                mergedBitLines(g, t);
            } else if (m == 1) {
                int ends = senseAt == Sense.BOTH ? 2 : 1;
                sweep(g, false, 0, sense * ends, carry);
                System.arraycopy(carry, 0, t, 0, n);
            } else if (senseAt == Sense.BOTTOM) {
                sweep(g, false, 0, sense, t);
            } else if (senseAt == Sense.TOP) {
                sweep(g, true, 0, sense, carry);
                reverseRowsInto(carry, t, false);
            } else {
                sweep(g, false, sense, sense, t);
                sweep(g, true, sense, sense, carry);
                reverseRowsInto(carry, t, true);
            }
            if (transposed) {
                transpose(result, m, n, out);
            }
        } finally {
            if (before != threads) {
                Blas.setThreads(before);
            }
        }
    }

    /**
     * One sweep of the working network toward the sense amplifier at its last row ({@code upward}
     * false) or its first row ({@code upward} true). Writes, in sweep order, the currents into that
     * amplifier for 1 V on each row into {@code out} ({@code m x n}).
     *
     * @param startSense sense conductance at the opposite end: 0 (none), finite, or +Infinity (pinned)
     * @param endSense   sense conductance at the measured end: finite {@code > 0} or +Infinity (pinned)
     */
    private void sweep(double[] g, boolean upward, double startSense, double endSense, double[] out) {
        int first = 0;
        if (Double.isInfinite(startSense)) {
            // The first row's bit-line nodes are held at 0 V: its own input cannot reach the far end.
            java.util.Arrays.fill(out, 0, n, 0.0);
            first = 1;
        }
        boolean pinnedEnd = Double.isInfinite(endSense);
        double gbl = bitLine;
        for (int t = first; t < m; t++) {
            int row = upward ? m - 1 - t : t;
            boolean last = t == m - 1;
            if (last && pinnedEnd) {
                // Its bit-line nodes are the (pinned) sense nodes: its cells feed the amplifier directly.
                eliminateWordLine(g, row, 0, 0, null, out, t * n);
                return;
            }
            double coef;
            double diagonal;
            if (t == first) {
                coef = 0;
                diagonal = first == 1 ? gbl : startSense;
            } else {
                // S_{t-1}^-1 is in the lower triangle of schur: A_t + g_bl I - g_bl^2 S_{t-1}^-1.
                coef = -gbl * gbl;
                diagonal = gbl;
            }
            diagonal += last ? endSense : gbl;
            eliminateWordLine(g, row, coef, diagonal, schur, out, t * n);
            Lapack.dpotrf(n, schur);
            int count = t - first + 1;
            // R <- alpha R S^-1 = alpha R L^-T L^-1 on all inputs passed so far.
            Blas.dtrsm(false, true, true, false, count, n, last ? endSense : gbl, schur, 0, n, out, first * n, n);
            Blas.dtrsm(false, true, false, false, count, n, 1.0, schur, 0, n, out, first * n, n);
            if (last || (pinnedEnd && t == m - 2)) {
                // Finite end: the rows are now g_sense w_end. Pinned end: g_bl w_{m-2}, the current
                // into the pinned row from above; its own row follows.
                continue;
            }
            Lapack.dpotri(n, schur);
        }
    }

    /** r_bl = 0: every bit line is one node, so all rows add into one {@code n x n} system. */
    private void mergedBitLines(double[] g, double[] out) {
        double ends = senseAt == Sense.BOTH ? 2 : 1;
        boolean pinned = Double.isInfinite(sense);
        for (int row = 0; row < m; row++) {
            if (pinned) {
                eliminateWordLine(g, row, 0, 0, null, out, row * n);
            } else {
                eliminateWordLine(g, row, row == 0 ? 0 : 1, row == 0 ? ends * sense : 0, schur, out, row * n);
            }
        }
        if (!pinned) {
            Lapack.dpotrf(n, schur);
            Blas.dtrsm(false, true, true, false, m, n, ends * sense, schur, 0, n, out, 0, n);
            Blas.dtrsm(false, true, false, false, m, n, 1.0, schur, 0, n, out, 0, n);
        }
    }

    /**
     * Eliminates the word line of working row {@code row} exactly. Writes the injection
     * {@code c} (bit-line currents for 1 V on the row's driver and 0 V on its bit-line nodes) into
     * {@code c[cOff..cOff+n)} and, if {@code s} is not null, updates the lower triangle of
     * {@code s} to {@code coef * s + A_row + diagonal * I} ({@code coef = 0} overwrites).
     */
    private void eliminateWordLine(double[] g, int row, double coef, double diagonal, double[] s, double[] c, int cOff) {
        double[] gc = cell;
        int base = row * n;
        for (int k = 0; k < n; k++) {
            double v = g[base + k];
            gc[k] = access == 0 ? v : v / (1 + v * access);
        }
        if (Double.isInfinite(wordLine)) {
            if (Double.isInfinite(source)) {
                pinnedWordLine(coef, diagonal, s, c, cOff);
            } else {
                mergedWordLine(coef, diagonal, s, c, cOff);
            }
        } else {
            chainWordLine(coef, diagonal, s, c, cOff);
        }
    }

    /** r_wl = r_source = 0: every word-line node sits at V; {@code A = D}, {@code c = g'}. */
    private void pinnedWordLine(double coef, double diagonal, double[] s, double[] c, int cOff) {
        System.arraycopy(cell, 0, c, cOff, n);
        if (s == null) {
            return;
        }
        for (int k = 0; k < n; k++) {
            int r = k * n;
            scaleRow(s, r, 0, k, coef);
            s[r + k] = (coef == 0 ? 0 : coef * s[r + k]) + cell[k] + diagonal;
        }
    }

    /**
     * r_wl = 0 with a driver resistance: one word-line node {@code U} tied to the driver by
     * {@code G = ends * g_source}; {@code A = D - g' g'^T / K}, {@code K = sum g' + G}.
     */
    private void mergedWordLine(double coef, double diagonal, double[] s, double[] c, int cOff) {
        double[] gc = cell;
        double tie = (drive == Drive.BOTH ? 2 : 1) * source;
        // others[k] = sum of the other cells, from prefix and suffix sums (no cancellation).
        double[] others = left;
        double prefix = 0;
        for (int k = 0; k < n; k++) {
            others[k] = prefix;
            prefix += gc[k];
        }
        double suffix = 0;
        for (int k = n - 1; k >= 0; k--) {
            others[k] += suffix;
            suffix += gc[k];
        }
        double total = prefix + tie;
        for (int k = 0; k < n; k++) {
            c[cOff + k] = gc[k] * (tie / total);
        }
        if (s == null) {
            return;
        }
        for (int k = 0; k < n; k++) {
            int r = k * n;
            double x = gc[k] / total;
            if (coef == 0) {
                for (int j = 0; j < k; j++) {
                    s[r + j] = -x * gc[j];
                }
            } else {
                for (int j = 0; j < k; j++) {
                    s[r + j] = coef * s[r + j] - x * gc[j];
                }
            }
            s[r + k] = (coef == 0 ? 0 : coef * s[r + k]) + x * (others[k] + tie) + diagonal;
        }
    }

    /**
     * r_wl > 0: the word line is a chain; nodes held by a zero-ohm driver are pinned, the others
     * form the tridiagonal {@code K} with off-diagonal {@code -b}, {@code b = g_wl}. With
     * {@code left[k]}, {@code right[k]} the conductance from node {@code k} to the driven potential
     * through itself and the chain on its left (right):
     * {@code 1/K^-1_kk = g'_k + rest_k}, {@code K^-1_jk = K^-1_kk * prod_{l=j}^{k-1} b/(b + left[l])}
     * for {@code j < k}; every term is positive, so nothing cancels.
     */
    private void chainWordLine(double coef, double diagonal, double[] s, double[] c, int cOff) {
        double[] gc = cell;
        double b = wordLine;
        boolean pinnedDriver = Double.isInfinite(source);
        int f0 = pinnedDriver && drive.atFirstColumn() ? 1 : 0;
        int f1 = pinnedDriver && drive.atLastColumn() ? n - 1 : n;
        if (f1 < f0) {
            f1 = f0;
        }
        // Conductance of each free node to the driven potential, apart from its cell: a driver
        // resistance at an end, or the wire to a pinned neighbour.
        for (int k = f0; k < f1; k++) {
            double h = 0;
            if (!pinnedDriver) {
                if (k == 0 && drive.atFirstColumn()) {
                    h += source;
                }
                if (k == n - 1 && drive.atLastColumn()) {
                    h += source;
                }
            } else {
                if (k - 1 >= 0 && k - 1 < f0) {
                    h += b;
                }
                if (k + 1 <= n - 1 && k + 1 >= f1) {
                    h += b;
                }
            }
            ground[k] = h;
        }
        for (int k = f0; k < f1; k++) {
            double fromLeft = k > f0 ? b * left[k - 1] / (b + left[k - 1]) : 0;
            left[k] = gc[k] + ground[k] + fromLeft;
        }
        for (int k = f1 - 1; k >= f0; k--) {
            double fromRight = k < f1 - 1 ? b * right[k + 1] / (b + right[k + 1]) : 0;
            right[k] = gc[k] + ground[k] + fromRight;
        }
        for (int k = f0; k < f1 - 1; k++) {
            ratio[k] = b / (b + left[k]);
        }
        // K u = ground (1 V on the driver, w = 0): forward and back substitution, all terms positive.
        double[] u = solution;
        for (int k = f0; k < f1; k++) {
            u[k] = ground[k] + (k > f0 ? ratio[k - 1] * u[k - 1] : 0);
        }
        for (int k = f1 - 1; k >= f0; k--) {
            u[k] = k == f1 - 1 ? u[k] / left[k] : (u[k] + b * u[k + 1]) / (b + left[k]);
        }
        for (int k = 0; k < n; k++) {
            c[cOff + k] = k >= f0 && k < f1 ? gc[k] * u[k] : gc[k];
        }
        if (s == null) {
            return;
        }
        double[] pr = product;
        int lo = f0;
        for (int k = 0; k < n; k++) {
            int r = k * n;
            if (k < f0 || k >= f1) {
                scaleRow(s, r, 0, k, coef);
                s[r + k] = (coef == 0 ? 0 : coef * s[r + k]) + gc[k] + diagonal;
                continue;
            }
            double fromLeft = k > f0 ? b * left[k - 1] / (b + left[k - 1]) : 0;
            double fromRight = k < f1 - 1 ? b * right[k + 1] / (b + right[k + 1]) : 0;
            // 1/K^-1_kk - g'_k: what the node sees apart from its cell, a sum of positive terms.
            double rest = ground[k] + fromLeft + fromRight;
            double kinv = 1 / (gc[k] + rest);
            double x = gc[k] * kinv;
            scaleRow(s, r, 0, lo, coef);
            if (k > f0) {
                double q = ratio[k - 1];
                pr[k - 1] = 1.0;
                if (coef == 0) {
                    for (int j = lo; j < k; j++) {
                        double p = pr[j] * q;
                        pr[j] = p;
                        s[r + j] = -x * p * gc[j];
                    }
                } else {
                    for (int j = lo; j < k; j++) {
                        double p = pr[j] * q;
                        pr[j] = p;
                        s[r + j] = coef * s[r + j] - x * p * gc[j];
                    }
                }
                while (lo < k && pr[lo] < NEGLIGIBLE) {
                    lo++;
                }
            }
            s[r + k] = (coef == 0 ? 0 : coef * s[r + k]) + x * rest + diagonal;
        }
    }

    /** {@code s[r+from..r+to) *= coef}, or zeroes them for {@code coef = 0}. */
    private static void scaleRow(double[] s, int r, int from, int to, double coef) {
        if (coef == 0) {
            java.util.Arrays.fill(s, r + from, r + to, 0.0);
        } else if (coef != 1) {
            for (int j = from; j < to; j++) {
                s[r + j] *= coef;
            }
        }
    }

    /** Rows of {@code src} (sweep order, first row = last physical row) into {@code dst}, replacing or adding. */
    private void reverseRowsInto(double[] src, double[] dst, boolean add) {
        for (int t = 0; t < m; t++) {
            int from = t * n;
            int to = (m - 1 - t) * n;
            if (add) {
                for (int j = 0; j < n; j++) {
                    dst[to + j] += src[from + j];
                }
            } else {
                System.arraycopy(src, from, dst, to, n);
            }
        }
    }

    /** {@code dst (c x r) = src (r x c)^T}, row-major, in cache-sized blocks. */
    private static void transpose(double[] src, int r, int c, double[] dst) {
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

    /**
     * Flops of the sweep over a network of {@code m} rows and {@code n} columns: a merged bit line
     * ({@code r_bl = 0}) is one {@code n x n} system, otherwise each sweep is
     * {@code m n^3 + m^2 n^2}; sense amplifiers at both ends need two sweeps.
     */
    private static double cost(int m, int n, double bitLineOhms, boolean bothEnds) {
        double mm = m;
        double nn = n;
        if (bitLineOhms == 0) {
            return 3 * mm * nn * nn + nn * nn * nn / 3;
        }
        int sweeps = bothEnds && m > 1 ? 2 : 1;
        return sweeps * (mm * nn * nn * nn + mm * mm * nn * nn);
    }
}
