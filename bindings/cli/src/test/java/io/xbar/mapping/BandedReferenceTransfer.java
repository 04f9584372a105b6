// BandedReferenceTransfer: test-only independent transfer matrix by banded Cholesky of the full nodal system (small tiles).
package io.xbar.mapping;

import io.xbar.blas.Lapack;
import io.xbar.kernel.Circuit;

/**
 * Builds MODEL.md section 1's nodal system directly (2MN unknowns, u and w of a cell adjacent, so
 * the bandwidth is 2N), solves it for all M unit inputs at once with LAPACK's banded Cholesky and
 * reads the column currents off the cell branches. Zero source/sense resistances are exact
 * Dirichlet nodes; wire resistances must be positive. Meant for tiles up to about 64x64.
 */
final class BandedReferenceTransfer implements TransferFunction {

    @Override
    public double[] compute(int rows, int cols, Circuit c, double[] g) {
        if (c.wordLine() <= 0 || c.bitLine() <= 0) {
            throw new IllegalArgumentException("reference needs positive wire resistances");
        }
        int n = 2 * rows * cols;
        int kd = 2 * cols;
        double[] ab = new double[n * (kd + 1)];
        double[] b = new double[n * rows];
        boolean[] fixed = new boolean[n];
        double[] cell = new double[rows * cols];
        for (int k = 0; k < cell.length; k++) {
            cell[k] = c.cellConductance(g[k]);
        }
        for (int i = 0; i < rows; i++) {
            if (c.source() == 0) {
                if (c.drive().atFirstColumn()) {
                    fixed[u(i, 0, cols)] = true;
                }
                if (c.drive().atLastColumn()) {
                    fixed[u(i, cols - 1, cols)] = true;
                }
            }
        }
        for (int j = 0; j < cols; j++) {
            if (c.sense() == 0) {
                if (c.senseAt().atFirstRow()) {
                    fixed[w(0, j, cols)] = true;
                }
                if (c.senseAt().atLastRow()) {
                    fixed[w(rows - 1, j, cols)] = true;
                }
            }
        }
        // Fixed nodes: identity rows; value 1 for the driven word line of that right-hand side, 0 at sense nodes.
        for (int k = 0; k < n; k++) {
            if (fixed[k]) {
                add(ab, kd, k, k, 1);
                if ((k & 1) == 0) {
                    int i = k / 2 / cols;
                    b[i * n + k] = 1;
                }
            }
        }
        double gw = 1 / c.wordLine();
        double gb = 1 / c.bitLine();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                stamp(ab, b, fixed, kd, n, rows, cols, u(i, j, cols), w(i, j, cols), cell[i * cols + j]);
                if (j + 1 < cols) {
                    stamp(ab, b, fixed, kd, n, rows, cols, u(i, j, cols), u(i, j + 1, cols), gw);
                }
                if (i + 1 < rows) {
                    stamp(ab, b, fixed, kd, n, rows, cols, w(i, j, cols), w(i + 1, j, cols), gb);
                }
            }
            if (c.source() > 0) {
                if (c.drive().atFirstColumn()) {
                    ground(ab, b, kd, n, u(i, 0, cols), 1 / c.source(), i);
                }
                if (c.drive().atLastColumn()) {
                    ground(ab, b, kd, n, u(i, cols - 1, cols), 1 / c.source(), i);
                }
            }
        }
        if (c.sense() > 0) {
            for (int j = 0; j < cols; j++) {
                if (c.senseAt().atFirstRow()) {
                    ground(ab, b, kd, n, w(0, j, cols), 1 / c.sense(), -1);
                }
                if (c.senseAt().atLastRow()) {
                    ground(ab, b, kd, n, w(rows - 1, j, cols), 1 / c.sense(), -1);
                }
            }
        }
        Lapack.dpbsv(n, kd, rows, ab, b);
        double[] t = new double[rows * cols];
        for (int in = 0; in < rows; in++) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    t[in * cols + j] += cell[i * cols + j] * (b[in * n + u(i, j, cols)] - b[in * n + w(i, j, cols)]);
                }
            }
        }
        return t;
    }

    private static int u(int i, int j, int cols) {
        return 2 * (i * cols + j);
    }

    private static int w(int i, int j, int cols) {
        return 2 * (i * cols + j) + 1;
    }

    private static void add(double[] ab, int kd, int r, int c, double v) {
        int hi = Math.max(r, c);
        int lo = Math.min(r, c);
        ab[lo * (kd + 1) + (hi - lo)] += v;
    }

    /** Conductance {@code gc} between nodes p and q; a fixed end becomes a right-hand-side term. */
    private static void stamp(double[] ab, double[] b, boolean[] fixed, int kd, int n, int rows, int cols,
                              int p, int q, double gc) {
        if (gc == 0 || (fixed[p] && fixed[q])) {
            return;
        }
        if (!fixed[p]) {
            add(ab, kd, p, p, gc);
        }
        if (!fixed[q]) {
            add(ab, kd, q, q, gc);
        }
        if (!fixed[p] && !fixed[q]) {
            add(ab, kd, p, q, -gc);
            return;
        }
        int free = fixed[p] ? q : p;
        int node = fixed[p] ? p : q;
        if ((node & 1) == 0) {
            int i = node / 2 / cols;
            b[i * n + free] += gc; // the fixed driver node sits at 1 V for its own right-hand side only
        }
    }

    /** Conductance {@code gc} from {@code p} to an ideal source that is 1 V for right-hand side {@code input} (-1: ground). */
    private static void ground(double[] ab, double[] b, int kd, int n, int p, double gc, int input) {
        add(ab, kd, p, p, gc);
        if (input >= 0) {
            b[input * n + p] += gc;
        }
    }
}
