// GridLevel: the two-layer crossbar operator on one multigrid level, A = [[Au, C], [C^T, Aw]].
package io.xbar.kernel;

/**
 * The nodal operator of a crossbar-shaped grid of {@code m x n} cells, finest or coarse:
 * <pre>
 *   A = [ Au  C  ]    Au: one tridiagonal chain per row (word lines),  u(I,J) at J*m + I
 *       [ C^T Aw ]    Aw: one tridiagonal chain per column (bit lines), w(I,J) at I*n + J
 * </pre>
 * {@code C} couples {@code u(I,J)} with {@code w(I+a, J+b)} for the four offsets
 * {@code (a,b) in {(0,0), (1,0), (0,-1), (1,-1)}}: on the finest level only {@code (0,0)} (the cell
 * itself, {@code -g'}); the Galerkin products of {@link Multigrid} keep the coarse levels in this
 * same form. Vectors of the level hold the u layer in {@code [0, mn)} and the w layer in
 * {@code [mn, 2mn)}.
 *
 * <p>Pinned nodes (held at a fixed potential by a zero resistance) are identity rows without
 * couplings; their interpolation weights are zero, so corrections never move them.
 */
final class GridLevel {
    static final int[] ROW_OFFSET = {0, 1, 0, 1};
    static final int[] COL_OFFSET = {0, 0, -1, -1};
    private static final int BLOCK = 64;

    final int m;
    final int n;
    final int cells;
    final double[] uDiag;
    final double[] uOff;
    final double[] wDiag;
    final double[] wOff;
    /** {@code cross[k][J*m + I]}: coupling of u(I,J) with w(I+ROW_OFFSET[k], J+COL_OFFSET[k]); null if all zero. */
    final double[][] cross;
    final boolean[] uPinned;
    final boolean[] wPinned;
    final double[] uLower;
    final double[] uInvPivot;
    final double[] wLower;
    final double[] wInvPivot;
    private final LineKernels kernels;

    GridLevel(int m, int n, LineKernels kernels) {
        this.m = m;
        this.n = n;
        this.cells = m * n;
        this.kernels = kernels;
        uDiag = new double[cells];
        uOff = new double[cells];
        wDiag = new double[cells];
        wOff = new double[cells];
        cross = new double[4][];
        uPinned = new boolean[cells];
        wPinned = new boolean[cells];
        uLower = new double[cells];
        uInvPivot = new double[cells];
        wLower = new double[cells];
        wInvPivot = new double[cells];
    }

    /** Turns empty rows (all-pinned support on a coarse level) into identity rows, then factors the chains. */
    void finish() {
        for (int k = 0; k < cells; k++) {
            if (uDiag[k] == 0) {
                uDiag[k] = 1;
                uPinned[k] = true;
            }
            if (wDiag[k] == 0) {
                wDiag[k] = 1;
                wPinned[k] = true;
            }
        }
        kernels.factor(m, n, 0, m, uDiag, uOff, uLower, uInvPivot);
        kernels.factor(n, m, 0, n, wDiag, wOff, wLower, wInvPivot);
    }

    /** {@code x_u := Au^{-1} x_u} for the u layer stored at {@code x[off ..]}. */
    void solveWordLines(double[] x, int off) {
        Parallel.range(m, 8, cells, (from, to) -> kernels.solve(m, n, from, to, uLower, uInvPivot, uOff, x, off));
    }

    /** {@code x_w := Aw^{-1} x_w}. */
    void solveBitLines(double[] x, int off) {
        Parallel.range(n, 8, cells, (from, to) -> kernels.solve(n, m, from, to, wLower, wInvPivot, wOff, x, off));
    }

    /** {@code y = A x} (both layers). */
    void multiply(double[] x, double[] y) {
        Parallel.range(m, 8, cells, (from, to) -> kernels.multiply(m, n, from, to, uDiag, uOff, x, 0, y, 0));
        Parallel.range(n, 8, cells, (from, to) -> kernels.multiply(n, m, from, to, wDiag, wOff, x, cells, y, cells));
        crossToWordLines(x, cells, y, 0, 1.0);
        crossToBitLines(x, 0, y, cells, 1.0);
    }

    /** {@code y_u += alpha * C x_w}; u layer of {@code y} at {@code yOff}, w layer of {@code x} at {@code xOff}. */
    void crossToWordLines(double[] x, int xOff, double[] y, int yOff, double alpha) {
        // Each part owns a range of word-line columns J of y: no two parts write the same entry.
        Parallel.range(n, BLOCK, cells, (from, to) -> crossToWordLines(x, xOff, y, yOff, alpha, from, to));
    }

    private void crossToWordLines(double[] x, int xOff, double[] y, int yOff, double alpha, int colFrom, int colTo) {
        for (int k = 0; k < 4; k++) {
            double[] c = cross[k];
            if (c == null) {
                continue;
            }
            int a = ROW_OFFSET[k];
            int b = COL_OFFSET[k];
            int iEnd = m - a;
            int jStart = Math.max(-b, colFrom);
            for (int j0 = jStart; j0 < colTo; j0 += BLOCK) {
                int j1 = Math.min(colTo, j0 + BLOCK);
                for (int i0 = 0; i0 < iEnd; i0 += BLOCK) {
                    int i1 = Math.min(iEnd, i0 + BLOCK);
                    for (int j = j0; j < j1; j++) {
                        int uRow = j * m;
                        int wCol = xOff + a * n + j + b;
                        for (int i = i0; i < i1; i++) {
                            y[yOff + uRow + i] += alpha * c[uRow + i] * x[wCol + i * n];
                        }
                    }
                }
            }
        }
    }

    /**
     * The same-cell coupling {@code cross[0]} in bit-line (w) layout, {@code I*n + J}; set on the
     * finest level, where it is the only coupling, so {@code C^T x} streams it contiguously.
     */
    double[] crossTransposed;

    /** {@code y_w += alpha * C^T x_u}. */
    void crossToBitLines(double[] x, int xOff, double[] y, int yOff, double alpha) {
        // Each part owns a range of bit-line rows of y (row I+a for source row I): split by target rows.
        Parallel.range(m, BLOCK, cells, (from, to) -> crossToBitLines(x, xOff, y, yOff, alpha, from, to));
    }

    private void crossToBitLines(double[] x, int xOff, double[] y, int yOff, double alpha, int rowFrom, int rowTo) {
        if (crossTransposed != null) {
            double[] ct = crossTransposed;
            for (int i0 = rowFrom; i0 < rowTo; i0 += BLOCK) {
                int i1 = Math.min(rowTo, i0 + BLOCK);
                for (int j0 = 0; j0 < n; j0 += BLOCK) {
                    int j1 = Math.min(n, j0 + BLOCK);
                    for (int i = i0; i < i1; i++) {
                        int wRow = i * n;
                        for (int j = j0; j < j1; j++) {
                            y[yOff + wRow + j] += alpha * ct[wRow + j] * x[xOff + j * m + i];
                        }
                    }
                }
            }
            return;
        }
        for (int k = 0; k < 4; k++) {
            double[] c = cross[k];
            if (c == null) {
                continue;
            }
            int a = ROW_OFFSET[k];
            int b = COL_OFFSET[k];
            // Target rows i + a in [rowFrom, rowTo): source rows i in [rowFrom - a, rowTo - a).
            int iStart = Math.max(0, rowFrom - a);
            int iEnd = Math.min(m - a, rowTo - a);
            int jStart = -b;
            for (int i0 = iStart; i0 < iEnd; i0 += BLOCK) {
                int i1 = Math.min(iEnd, i0 + BLOCK);
                for (int j0 = jStart; j0 < n; j0 += BLOCK) {
                    int j1 = Math.min(n, j0 + BLOCK);
                    for (int i = i0; i < i1; i++) {
                        int wRow = yOff + (i + a) * n + b;
                        for (int j = j0; j < j1; j++) {
                            y[wRow + j] += alpha * c[j * m + i] * x[xOff + j * m + i];
                        }
                    }
                }
            }
        }
    }
}
