// SchurSweep: the row-by-row exact elimination of a crossbar network, for unit inputs (transfer matrix) or given voltage vectors.
package io.xbar.kernel;

import io.xbar.blas.Blas;
import io.xbar.blas.Lapack;

import java.util.Arrays;
import java.util.concurrent.RecursiveAction;

/**
 * The exact elimination behind {@link TransferMatrix} (method described there), on one network
 * orientation. Rows are swept toward a sense amplifier; each row's word line is eliminated in
 * closed form ({@code A_i}, {@code c_i}), the bit-line Schur complement is carried in the lower
 * triangle of {@code schur} ({@code dpotrf}, {@code dpotri}) and the condensed right-hand sides
 * are carried with two {@code dtrsm} per row. Right-hand sides are either the unit inputs (one row
 * per word line: the transfer matrix) or a batch of voltage vectors (the currents directly).
 *
 * <p>Conductances of the network elements are in siemens, {@code +Infinity} for a short. Not
 * thread-safe: the workspaces are reused.
 */
final class SchurSweep {
    /** Running products of ratios below this are zero to every digit that can matter (and avoid subnormals). */
    private static final double NEGLIGIBLE = 1e-200;

    /** Below this many flops per carry a second thread costs more than it saves. */
    private static final double PIPELINE_WORK = 1 << 18;

    private final int m;
    private final int n;
    private final double wordLine;
    private final double bitLine;
    private final double source;
    private final double sense;
    private final Drive drive;
    private final Sense senseAt;
    private final Circuit circuit;       // read only for the effective cell conductance g'

    private final double[] schur;        // n x n, lower triangle: S_i, its factor, its inverse
    private final double[] cell;         // n, effective cell conductances g' of one row
    private final double[] ground;       // n, conductance from a word-line node to its driven potential
    private final double[] left;         // n, chain conductance to the driven potential through the left part
    private final double[] right;        // n, the same through the right part
    private final double[] ratio;        // n, ratios of neighbouring tridiagonal-inverse entries
    private final double[] product;      // n, running products of ratios (one row of K^-1 / K^-1_kk)
    private final double[] solution;     // n, u of a row for V = 1 and w = 0
    private final double[] injection;    // n, c of one row (vector mode)
    private double[] carry = new double[0];
    private double[] factor = new double[0];  // n x n copy of the Cholesky factor for the helper thread
    private final CarryTask task = new CarryTask();
    private boolean pipelined;
    private java.util.function.DoubleConsumer progress;

    /** Reports the fraction of rows swept (toward the last end) while a sweep runs; null for none. */
    void progress(java.util.function.DoubleConsumer p) {
        progress = p;
    }

    /**
     * With {@code on}, each row's carry runs on a helper thread beside the inverse (use with
     * single-threaded BLAS: two independent calls keep two cores busy without BLAS's own threading).
     */
    void pipelined(boolean on) {
        pipelined = on;
        if (on && factor.length < n * n) {
            factor = new double[n * n];
        }
    }

    SchurSweep(int m, int n, double wordLine, double bitLine, double source, double sense, Drive drive,
               Sense senseAt, Circuit circuit) {
        if ((long) n * n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a dense " + n + "x" + n + " Schur complement does not fit one array;"
                    + " crossbar " + m + "x" + n + " is too wide for the row sweep");
        }
        this.m = m;
        this.n = n;
        this.wordLine = wordLine;
        this.bitLine = bitLine;
        this.source = source;
        this.sense = sense;
        this.drive = drive;
        this.senseAt = senseAt;
        this.circuit = circuit;
        schur = new double[n * n];
        cell = new double[n];
        ground = new double[n];
        left = new double[n];
        right = new double[n];
        ratio = new double[n];
        product = new double[n];
        solution = new double[n];
        injection = new double[n];
    }

    /** The network of a crossbar in its own orientation. */
    static SchurSweep of(int rows, int cols, Circuit c) {
        return new SchurSweep(rows, cols, CrossbarNetwork.conductanceOf(c.wordLine()),
                CrossbarNetwork.conductanceOf(c.bitLine()), CrossbarNetwork.conductanceOf(c.source()),
                CrossbarNetwork.conductanceOf(c.sense()), c.drive(), c.senseAt(), c);
    }

    /**
     * The reciprocal network of a crossbar (rows and columns exchanged): word lines become bit
     * lines and drivers sense amplifiers; its transfer matrix is the crossbar's, transposed.
     */
    static SchurSweep reciprocal(int rows, int cols, Circuit c) {
        Drive d = switch (c.senseAt()) {
            case TOP -> Drive.LEFT;
            case BOTTOM -> Drive.RIGHT;
            case BOTH -> Drive.BOTH;
        };
        Sense s = switch (c.drive()) {
            case LEFT -> Sense.TOP;
            case RIGHT -> Sense.BOTTOM;
            case BOTH -> Sense.BOTH;
        };
        return new SchurSweep(cols, rows, CrossbarNetwork.conductanceOf(c.bitLine()),
                CrossbarNetwork.conductanceOf(c.wordLine()), CrossbarNetwork.conductanceOf(c.sense()),
                CrossbarNetwork.conductanceOf(c.source()), d, s, c);
    }

    /**
     * Flops of one elimination of an {@code m x n} network with {@code rhs} right-hand sides
     * carried ({@code rhs = m} for the transfer matrix): a merged bit line ({@code r_bl = 0}) is
     * one {@code n x n} system, otherwise each sweep costs {@code m n^3 + 2 m n^2 rhs_avg}; sense
     * amplifiers at both ends need two sweeps.
     */
    static double cost(int m, int n, double bitLineOhms, boolean bothEnds, double rhs, boolean unitInputs) {
        double mm = m;
        double nn = n;
        if (bitLineOhms == 0) {
            return 3 * mm * nn * nn + nn * nn * nn / 3 + 2 * nn * nn * rhs;
        }
        int sweeps = bothEnds && m > 1 ? 2 : 1;
        // Unit inputs join the carry one row at a time, so on average half of them are carried.
        double carried = unitInputs ? rhs / 2 : rhs;
        return sweeps * (mm * nn * nn * nn + 2 * mm * nn * nn * carried);
    }

    /** The transfer matrix of this network into {@code out} ({@code m x n}, row-major), from row-major {@code m x n} cells. */
    void transfer(double[] g, double[] out) {
        run(g, null, m, out);
    }

    /** Column currents {@code batch x n} of the voltage vectors {@code v} ({@code batch x m}) into {@code out}. */
    void currents(double[] g, double[] v, int batch, double[] out) {
        run(g, v, batch, out);
    }

    private void run(double[] g, double[] v, int batch, double[] out) {
        Arrays.fill(out, 0, batch * n, 0.0);
        if (batch == 0) {
            return;
        }
        if (senseAt != Sense.BOTTOM && m > 1 && !Double.isInfinite(bitLine) && carry.length < batch * n) {
            // The sweep toward the top needs its own buffer (the bottom sweep works in out).
            carry = new double[batch * n];
        }
        boolean unit = v == null;
        if (Double.isInfinite(bitLine)) {
            mergedBitLines(g, v, batch, out);
        } else if (m == 1) {
            int ends = senseAt.amplifiers();
            sweep(g, v, batch, false, 0, sense * ends, out);
        } else if (senseAt == Sense.BOTTOM) {
            sweep(g, v, batch, false, 0, sense, out);
        } else if (senseAt == Sense.TOP) {
            Arrays.fill(carry, 0, batch * n, 0.0);
            sweep(g, v, batch, true, 0, sense, carry);
            addRows(carry, out, batch, unit);
        } else {
            sweep(g, v, batch, false, sense, sense, out);
            Arrays.fill(carry, 0, batch * n, 0.0);
            sweep(g, v, batch, true, sense, sense, carry);
            addRows(carry, out, batch, unit);
        }
    }

    /**
     * One sweep toward the sense amplifier at the last row ({@code upward} false) or the first
     * row ({@code upward} true), accumulating into {@code out} the currents into that amplifier:
     * per unit input in sweep order ({@code v == null}, {@code m x n}) or per vector
     * ({@code batch x n}). {@code out} must be zero on entry.
     *
     * @param startSense sense conductance at the opposite end: 0 (none), finite, or +Infinity (pinned)
     * @param endSense   sense conductance at the measured end: finite {@code > 0} or +Infinity (pinned)
     */
    private void sweep(double[] g, double[] v, int batch, boolean upward, double startSense, double endSense,
                       double[] out) {
        boolean unit = v == null;
        // A pinned first row holds its bit-line nodes at 0 V: its own input cannot reach the far end.
        int first = Double.isInfinite(startSense) ? 1 : 0;
        boolean pinnedEnd = Double.isInfinite(endSense);
        double gbl = bitLine;
        // A helper's carry of row t-1 may still run while row t is eliminated and factored: it
        // touches only the rows carried before t and the factor copy.
        boolean pending = false;
        try {
            for (int t = first; t < m; t++) {
                if (progress != null && m >= 100 && t % (m / 100) == 0) {
                    progress.accept((double) t / m);
                }
                int row = upward ? m - 1 - t : t;
                boolean last = t == m - 1;
                if (last && pinnedEnd) {
                    // Its bit-line nodes are the pinned sense nodes: its cells feed the amplifier directly.
                    eliminateWordLine(g, row, 0, 0, null, unit ? out : injection, unit ? t * n : 0);
                    if (!unit) {
                        pending = finish(pending);
                        addInput(v, batch, row, out);
                    }
                    break;
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
                eliminateWordLine(g, row, coef, diagonal, schur, unit ? out : injection, unit ? t * n : 0);
                if (!unit) {
                    pending = finish(pending);
                    addInput(v, batch, row, out);
                }
                Lapack.dpotrf(n, schur);
                pending = finish(pending);
                int from = unit ? first : 0;
                int count = unit ? t - first + 1 : batch;
                double alpha = last ? endSense : gbl;
                // Finite end: the carried rows become g_sense w_end. Pinned end: after row m-2 they are
                // g_bl w_{m-2}, the current into the pinned row from above; that row's own cells follow.
                boolean inverse = !(last || (pinnedEnd && t == m - 2));
                if (inverse && pipelined && (double) count * n * n >= PIPELINE_WORK) {
                    // The carry and the inverse both need only the factor. The helper carries the
                    // first rows; this thread inverts (2/3 n^3 flops, as much as n/3 carried rows),
                    // carries the rest, then eliminates and factors the next row (about n/6 rows):
                    // both threads do about the same work.
                    System.arraycopy(schur, 0, factor, 0, n * n);
                    int helperRows = Math.min(count, (count + n / 2 + 1) / 2);
                    task.set(out, from, helperRows, alpha);
                    Parallel.execute(task);
                    pending = true;
                    Lapack.dpotri(n, schur);
                    if (helperRows < count) {
                        carryRows(factor, out, from + helperRows, count - helperRows, alpha);
                    }
                } else {
                    carryRows(schur, out, from, count, alpha);
                    if (inverse) {
                        Lapack.dpotri(n, schur);
                    }
                }
            }
            pending = finish(pending);
        } finally {
            if (pending) {
                // Failing elsewhere: let the helper stop touching our arrays before they are reused;
                // the failure already propagating is the one to report.
                task.join();
            }
        }
    }

    /** {@code R <- alpha R S^-1 = alpha R L^-T L^-1} on {@code count} carried rows from {@code from}. */
    private void carryRows(double[] l, double[] out, int from, int count, double alpha) {
        Blas.dtrsm(false, true, true, false, count, n, alpha, l, 0, n, out, from * n, n);
        Blas.dtrsm(false, true, false, false, count, n, 1.0, l, 0, n, out, from * n, n);
    }

    /** Waits for the helper's carry (if {@code pending}) and rethrows its failure; returns false. */
    private boolean finish(boolean pending) {
        if (pending) {
            task.join();
            RuntimeException failure = task.failure;
            if (failure != null) {
                task.failure = null;
                throw failure;
            }
        }
        return false;
    }

    /**
     * The carry of one row on the factor copy, run on a worker of the kernel's pool. Reused for
     * every row ({@link #reinitialize}); a failure is kept and rethrown by {@link #finish} as thrown.
     */
    private final class CarryTask extends RecursiveAction {
        private double[] out;
        private int from;
        private int count;
        private double alpha;
        private RuntimeException failure;

        void set(double[] out, int from, int count, double alpha) {
            reinitialize();
            this.out = out;
            this.from = from;
            this.count = count;
            this.alpha = alpha;
        }

        @Override
        protected void compute() {
            try {
                carryRows(factor, out, from, count, alpha);
            } catch (RuntimeException e) {
                failure = e;
            }
        }
    }

    /** r_bl = 0: every bit line is one node, so all rows add into one {@code n x n} system. */
    private void mergedBitLines(double[] g, double[] v, int batch, double[] out) {
        boolean unit = v == null;
        double ends = senseAt.amplifiers();
        boolean pinned = Double.isInfinite(sense);
        for (int row = 0; row < m; row++) {
            double[] c = unit ? out : injection;
            int off = unit ? row * n : 0;
            if (pinned) {
                eliminateWordLine(g, row, 0, 0, null, c, off);
            } else {
                eliminateWordLine(g, row, row == 0 ? 0 : 1, row == 0 ? ends * sense : 0, schur, c, off);
            }
            if (!unit) {
                addInput(v, batch, row, out);
            }
        }
        if (!pinned) {
            Lapack.dpotrf(n, schur);
            Blas.dtrsm(false, true, true, false, batch, n, ends * sense, schur, 0, n, out, 0, n);
            Blas.dtrsm(false, true, false, false, batch, n, 1.0, schur, 0, n, out, 0, n);
        }
    }

    /** {@code out[b] += v[b][row] * injection} for every vector: input {@code row} enters the carry. */
    private void addInput(double[] v, int batch, int row, double[] out) {
        for (int b = 0; b < batch; b++) {
            double x = v[b * m + row];
            if (x != 0) {
                int o = b * n;
                for (int j = 0; j < n; j++) {
                    out[o + j] += x * injection[j];
                }
            }
        }
    }

    /** Adds a second sweep's result: unit inputs come in sweep order (first row = last physical row). */
    private void addRows(double[] src, double[] dst, int batch, boolean reversed) {
        for (int r = 0; r < batch; r++) {
            int from = r * n;
            int to = (reversed ? m - 1 - r : r) * n;
            for (int j = 0; j < n; j++) {
                dst[to + j] += src[from + j];
            }
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
            gc[k] = circuit.cellConductance(v);
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
        double tie = drive.sources() * source;
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
                h = drive.sourcesAt(k, n) * source;
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
            Arrays.fill(s, r + from, r + to, 0.0);
        } else if (coef != 1) {
            for (int j = from; j < to; j++) {
                s[r + j] *= coef;
            }
        }
    }
}
