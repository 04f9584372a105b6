// ScalarLineKernels: plain-Java twin of the Vector API line kernels; always available, the reference in tests.
package io.xbar.kernel;

/**
 * Scalar implementation of {@link LineKernels}; the inner loops run over lines (contiguous). Every
 * method rounds exactly as {@link VectorLineKernels} does, lane for lane: the same fused
 * multiply-adds ({@link Math#fma}) where the vector code fuses, and the dot product's eight
 * partial sums ({@link #DOT_LANES}) added in the same fixed order. The two give bit-identical
 * results, so a one-shot process (scalar: no JIT warm-up) and a warm JVM (vectors) write the same
 * bytes, and results do not depend on how far the JIT has got.
 */
final class ScalarLineKernels implements LineKernels {
    static final ScalarLineKernels INSTANCE = new ScalarLineKernels();

    @Override
    public void factor(int lines, int positions, int from, int to, double[] diag, double[] off,
                       double[] lower, double[] invPivot) {
        for (int l = from; l < to; l++) {
            invPivot[l] = 1.0 / diag[l];
            lower[l] = 0;
        }
        for (int p = 1; p < positions; p++) {
            int row = p * lines;
            int prev = row - lines;
            for (int l = from; l < to; l++) {
                double m = off[row + l] * invPivot[prev + l];
                lower[row + l] = m;
                invPivot[row + l] = 1.0 / (diag[row + l] - m * off[row + l]);
            }
        }
    }

    @Override
    public void solve(int lines, int positions, int from, int to, double[] lower, double[] invPivot, double[] off,
                      double[] x, int xOff) {
        for (int p = 1; p < positions; p++) {
            int row = p * lines;
            int prev = row - lines;
            for (int l = from; l < to; l++) {
                x[xOff + row + l] = Math.fma(-lower[row + l], x[xOff + prev + l], x[xOff + row + l]);
            }
        }
        int last = (positions - 1) * lines;
        for (int l = from; l < to; l++) {
            x[xOff + last + l] *= invPivot[last + l];
        }
        for (int p = positions - 2; p >= 0; p--) {
            int row = p * lines;
            int next = row + lines;
            for (int l = from; l < to; l++) {
                x[xOff + row + l] = Math.fma(-off[next + l], x[xOff + next + l], x[xOff + row + l]) * invPivot[row + l];
            }
        }
    }

    @Override
    public void multiply(int lines, int positions, int from, int to, double[] diag, double[] off,
                         double[] x, int xOff, double[] y, int yOff) {
        for (int p = 0; p < positions; p++) {
            int row = p * lines;
            boolean hasPrev = p > 0;
            boolean hasNext = p + 1 < positions;
            for (int l = from; l < to; l++) {
                double s = diag[row + l] * x[xOff + row + l];
                if (hasPrev) {
                    s = Math.fma(off[row + l], x[xOff + row - lines + l], s);
                }
                if (hasNext) {
                    s = Math.fma(off[row + lines + l], x[xOff + row + lines + l], s);
                }
                y[yOff + row + l] = s;
            }
        }
    }

    /**
     * Partial sums of {@link #dot}: element {@code from + k} goes to sum {@code k % DOT_LANES} by a
     * fused multiply-add, and the sums are added by {@link #sumLanes}. Two 8-lane vectors or four
     * 4-lane vectors hold them in {@link VectorLineKernels}: independent accumulators, so the fused
     * multiply-adds of consecutive vectors do not wait for each other.
     */
    static final int DOT_LANES = 16;

    @Override
    public double dot(double[] a, double[] b, int from, int to) {
        double[] lanes = new double[DOT_LANES];
        int k = from;
        for (; k + DOT_LANES - 1 < to; k += DOT_LANES) {
            for (int l = 0; l < DOT_LANES; l++) {
                lanes[l] = Math.fma(a[k + l], b[k + l], lanes[l]);
            }
        }
        return dotTail(a, b, k, to, lanes);
    }

    /** Adds the elements {@code [k, to)} (fewer than {@link #DOT_LANES}, from lane 0) to {@code lanes}; returns the sum. */
    static double dotTail(double[] a, double[] b, int k, int to, double[] lanes) {
        for (int lane = 0; k < to; k++, lane++) {
            lanes[lane] = Math.fma(a[k], b[k], lanes[lane]);
        }
        return sumLanes(lanes);
    }

    /** The fixed order in which the partial sums of {@link #dot} are added: a pairwise tree. */
    static double sumLanes(double[] s) {
        double[] t = s.clone();
        for (int width = DOT_LANES / 2; width >= 1; width /= 2) {
            for (int l = 0; l < width; l++) {
                t[l] = t[l] + t[l + width];
            }
        }
        return t[0];
    }

    @Override
    public double maxAbs(double[] a, int from, int to) {
        double m = 0;
        for (int k = from; k < to; k++) {
            m = Math.max(m, Math.abs(a[k]));
        }
        return m;
    }

    @Override
    public void sinhCells(double[] u, double[] w, double[] g, double v0, double[] current, double[] slope, int from,
                          int to) {
        for (int k = from; k < to; k++) {
            double x = (u[k] - w[k]) / v0;
            double e = Math.exp(x);
            double ie = 1 / e;
            slope[k] = g[k] * (0.5 * (e + ie));
            double sh = Math.abs(x) < SINH_SERIES_BELOW ? LineKernels.sinhSeries(x) : 0.5 * (e - ie);
            current[k] = g[k] * v0 * sh;
        }
    }

    @Override
    public void axpy(double alpha, double[] x, double[] y, int from, int to) {
        for (int k = from; k < to; k++) {
            y[k] = Math.fma(alpha, x[k], y[k]);
        }
    }

    @Override
    public void xpay(double[] x, double beta, double[] y, int from, int to) {
        for (int k = from; k < to; k++) {
            y[k] = Math.fma(beta, y[k], x[k]);
        }
    }

    @Override
    public void transpose(int rows, int cols, int rowFrom, int rowTo, double[] src, int srcOff, int srcStride,
                          double[] dst, int dstOff, int dstStride) {
        // 16x16 tiles: each source and destination line is used while it is in cache.
        final int tile = 16;
        for (int r0 = rowFrom; r0 < rowTo; r0 += tile) {
            int r1 = Math.min(rowTo, r0 + tile);
            for (int c0 = 0; c0 < cols; c0 += tile) {
                int c1 = Math.min(cols, c0 + tile);
                for (int c = c0; c < c1; c++) {
                    int d = dstOff + c * dstStride;
                    for (int r = r0; r < r1; r++) {
                        dst[d + r] = src[srcOff + r * srcStride + c];
                    }
                }
            }
        }
    }

    @Override
    public void couple(int count, double[] base, int bOff, double alpha, double[] c0, double[] c1, double[] c2,
                       double[] c3, int c, double[] t, int p, int q, double[] y, int yOff) {
        if (c1 == null) {
            for (int i = 0; i < count; i++) {
                y[yOff + i] = Math.fma(alpha, c0[c + i] * t[p + i], base[bOff + i]);
            }
            return;
        }
        for (int i = 0; i < count; i++) {
            double v = c0[c + i] * t[p + i];
            v = Math.fma(c1[c + i], t[p + i + 1], v);
            v = Math.fma(c2[c + i], t[q + i], v);
            v = Math.fma(c3[c + i], t[q + i + 1], v);
            y[yOff + i] = Math.fma(alpha, v, base[bOff + i]);
        }
    }
}
