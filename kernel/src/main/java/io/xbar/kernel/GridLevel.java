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
 * <p>Applying {@code C} means reading one layer in the other's layout: the other layer is first
 * transposed (8x8 register blocks, {@link LineKernels#transpose}) into a padded {@link Scratch},
 * then the coupling stencil streams every array contiguously.
 *
 * <p>Pinned nodes (held at a fixed potential by a zero resistance) are identity rows without
 * couplings: their residual is exactly zero, and a correction prolonged onto them is overwritten by
 * the next line solve before anything reads it (checked by {@code checkPinnedDecoupled}).
 */
final class GridLevel {
    static final int[] ROW_OFFSET = {0, 1, 0, 1};
    static final int[] COL_OFFSET = {0, 0, -1, -1};

    final int m;
    final int n;
    final int cells;
    final double[] uDiag;
    final double[] uOff;
    final double[] wDiag;
    final double[] wOff;
    /**
     * {@code cross[k][J*m + I]}: coupling of u(I,J) with w(I+ROW_OFFSET[k], J+COL_OFFSET[k]); null if
     * all zero until {@link #finish}, which fills in zeros so that every stencil is complete.
     */
    final double[][] cross;
    /** The same couplings seen from the w side, in w layout: {@code crossT[k][I*n + J]} couples w(I,J) with u(I-a, J-b). */
    final double[][] crossT = new double[4][];
    /** Row strides of the transposed scratch layers ({@link LineKernels#transposeStride}). */
    final int uStride;
    final int wStride;
    final boolean[] uPinned;
    final boolean[] wPinned;
    /** Indices of the pinned nodes of each layer (set by {@link #finish}). */
    int[] uPinnedList;
    int[] wPinnedList;
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
        this.uStride = LineKernels.transposeStride(m);
        this.wStride = LineKernels.transposeStride(n);
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
        int uCount = 0;
        int wCount = 0;
        for (int k = 0; k < cells; k++) {
            if (uDiag[k] == 0) {
                uDiag[k] = 1;
                uPinned[k] = true;
            }
            if (wDiag[k] == 0) {
                wDiag[k] = 1;
                wPinned[k] = true;
            }
            uCount += uPinned[k] ? 1 : 0;
            wCount += wPinned[k] ? 1 : 0;
        }
        uPinnedList = indices(uPinned, uCount);
        wPinnedList = indices(wPinned, wCount);
        // The finest level couples a node with its own cell only: cross[1..3] stay null there.
        boolean fullStencil = cross[1] != null || cross[2] != null || cross[3] != null;
        for (int k = 0; k < (fullStencil ? 4 : 1); k++) {
            if (cross[k] == null) {
                cross[k] = new double[cells];
            }
            crossT[k] = new double[cells];
            // crossT[k][(i + a) * n + j + b] = cross[k][j * m + i] for i + a < m and j + b >= 0: a transpose of
            // columns j >= -b, rows i < m - a, written at offset a * n + b.
            int a = ROW_OFFSET[k];
            int b = COL_OFFSET[k];
            double[] src = cross[k];
            double[] dst = crossT[k];
            int firstColumn = Math.max(0, -b);
            Parallel.range(n, 8, cells, (from, to) -> {
                int lo = Math.max(from, firstColumn);
                if (lo < to) {
                    kernels.transpose(n, m - a, lo, to, src, 0, m, dst, a * n + b, n);
                }
            });
        }
        checkPinnedDecoupled();
        factorChains();
    }

    /** The indices {@code k} with {@code flags[k]}, of which there are {@code count}. */
    private static int[] indices(boolean[] flags, int count) {
        int[] list = new int[count];
        int next = 0;
        for (int k = 0; k < flags.length && next < count; k++) {
            if (flags[k]) {
                list[next++] = k;
            }
        }
        return list;
    }

    /**
     * After new cells on a finest level that was {@link #finish}ed ({@link MultigridMethod#reprogram}: new
     * diagonals and {@code cross[0]}, the same pinned nodes and chains): the w-side couplings and the
     * line factors again, as {@link #finish} computes them.
     */
    void refactor() {
        kernels.transpose(n, m, 0, n, cross[0], 0, m, crossT[0], 0, n);
        factorChains();
    }

    /** {@code L D L^T} of every word line and bit line, split across the workers (each line on its own). */
    private void factorChains() {
        Parallel.range(m, 8, cells, (from, to) -> kernels.factor(m, n, from, to, uDiag, uOff, uLower, uInvPivot));
        Parallel.range(n, 8, cells, (from, to) -> kernels.factor(n, m, from, to, wDiag, wOff, wLower, wInvPivot));
    }

    /**
     * Pinned nodes must be decoupled identity rows: no chain or cross coupling touches them.
     * {@link Multigrid}'s restriction and prolongation rely on it (they skip no pinned node: the
     * residual is exactly zero there, and a prolonged correction is overwritten by the next line
     * solve before anything reads it).
     */
    private void checkPinnedDecoupled() {
        for (int k : uPinnedList) {
            int i = k % m;
            int j = k / m;
            boolean coupled = uOff[k] != 0 || j + 1 < n && uOff[k + m] != 0;
            for (int s = 0; s < 4 && !coupled; s++) {
                coupled = cross[s] != null && cross[s][k] != 0;
            }
            if (coupled) {
                throw new IllegalStateException("pinned word-line node (" + i + "," + j + ") is coupled");
            }
        }
        for (int k : wPinnedList) {
            int i = k / n;
            int j = k % n;
            boolean coupled = wOff[k] != 0 || i + 1 < m && wOff[k + n] != 0;
            for (int s = 0; s < 4 && !coupled; s++) {
                coupled = crossT[s] != null && crossT[s][k] != 0;
            }
            if (coupled) {
                throw new IllegalStateException("pinned bit-line node (" + i + "," + j + ") is coupled");
            }
        }
    }

    /** {@code x_u := Au^{-1} x_u} for the u layer stored at {@code x[off ..]}. */
    void solveWordLines(double[] x, int off) {
        Parallel.range(m, 8, cells, (from, to) -> kernels.solve(m, n, from, to, uLower, uInvPivot, uOff, x, off));
    }

    /** {@code x_w := Aw^{-1} x_w}. */
    void solveBitLines(double[] x, int off) {
        Parallel.range(n, 8, cells, (from, to) -> kernels.solve(n, m, from, to, wLower, wInvPivot, wOff, x, off));
    }

    /**
     * Per-solve scratch of a level: the other layer's values transposed into this layer's
     * layout, at the padded {@link LineKernels#transposeStride}, after one leading row of zeros. Padding lanes and
     * the leading row are never written, so stencil reads past a boundary see exact zeros.
     */
    static final class Scratch {
        /** The w layer in u layout: {@code w(I,J)} at {@code uStride + J*uStride + I}. */
        final double[] u;
        /** The u layer in w layout: {@code u(I,J)} at {@code wStride + I*wStride + J}. */
        final double[] w;

        private Scratch(GridLevel a) {
            u = new double[(a.n + 1) * a.uStride];
            w = new double[(a.m + 1) * a.wStride];
        }
    }

    Scratch scratch() {
        return new Scratch(this);
    }

    /** {@code y = A x} (both layers). */
    void multiply(double[] x, double[] y, Scratch s) {
        Parallel.range(m, 8, cells, (from, to) -> kernels.multiply(m, n, from, to, uDiag, uOff, x, 0, y, 0));
        Parallel.range(n, 8, cells, (from, to) -> kernels.multiply(n, m, from, to, wDiag, wOff, x, cells, y, cells));
        crossToWordLines(x, cells, y, 0, 1.0, y, 0, s);
        crossToBitLines(x, 0, y, cells, 1.0, y, cells, s);
    }

    /** Copies the w layer {@code x[xOff ..]} into {@code s.u} in u layout. */
    void bitLayerAsWordLines(double[] x, int xOff, Scratch s) {
        int ld = uStride;
        Parallel.range(m, 8, cells, (from, to) -> kernels.transpose(m, n, from, to, x, xOff, n, s.u, ld, ld));
    }

    /** Copies the u layer {@code x[xOff ..]} into {@code s.w} in w layout. */
    void wordLayerAsBitLines(double[] x, int xOff, Scratch s) {
        int ld = wStride;
        Parallel.range(n, 8, cells, (from, to) -> kernels.transpose(n, m, from, to, x, xOff, m, s.w, ld, ld));
    }

    /**
     * {@code y_u = base_u + alpha * C x_w}: the w layer of {@code x} at {@code xOff}, the u layers of
     * {@code base} and {@code y} at their offsets ({@code base} may be {@code y} itself). The w
     * layer is first transposed into {@code s.u}; the stencil then streams every array contiguously.
     */
    void crossToWordLines(double[] x, int xOff, double[] base, int baseOff, double alpha, double[] y, int yOff,
                          Scratch s) {
        bitLayerAsWordLines(x, xOff, s);
        Parallel.range(n, 1, cells, (from, to) -> wordLineStencil(s.u, base, baseOff, alpha, y, yOff, from, to));
    }

    private void wordLineStencil(double[] t, double[] base, int baseOff, double alpha, double[] y, int yOff,
                                 int colFrom, int colTo) {
        // u(I,J) couples with w(I,J), w(I+1,J), w(I,J-1), w(I+1,J-1); outside the grid t is zero.
        for (int j = colFrom; j < colTo; j++) {
            int here = uStride + j * uStride; // w(0, J) in t
            kernels.couple(m, base, baseOff + j * m, alpha, cross[0], cross[1], cross[2], cross[3], j * m, t, here,
                    here - uStride, y, yOff + j * m);
        }
    }

    /** {@code y_w = base_w + alpha * C^T x_u}, as {@link #crossToWordLines} with the layers swapped. */
    void crossToBitLines(double[] x, int xOff, double[] base, int baseOff, double alpha, double[] y, int yOff,
                         Scratch s) {
        wordLayerAsBitLines(x, xOff, s);
        Parallel.range(m, 1, cells, (from, to) -> bitLineStencil(s.w, base, baseOff, alpha, y, yOff, from, to));
    }

    private void bitLineStencil(double[] t, double[] base, int baseOff, double alpha, double[] y, int yOff,
                                int rowFrom, int rowTo) {
        // w(I,J) couples with u(I,J), u(I,J+1), u(I-1,J), u(I-1,J+1); outside the grid t is zero.
        for (int i = rowFrom; i < rowTo; i++) {
            int here = wStride + i * wStride; // u(I, 0) in t
            kernels.couple(n, base, baseOff + i * n, alpha, crossT[0], crossT[2], crossT[1], crossT[3], i * n, t, here,
                    here - wStride, y, yOff + i * n);
        }
    }
}
