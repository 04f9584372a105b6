// ScalarLineKernels: plain-Java twin of the Vector API line kernels; always available, the reference in tests.
package io.xbar.kernel;

/** Scalar implementation of {@link LineKernels}; the inner loops run over lines (contiguous). */
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
                x[xOff + row + l] -= lower[row + l] * x[xOff + prev + l];
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
                x[xOff + row + l] = (x[xOff + row + l] - off[next + l] * x[xOff + next + l]) * invPivot[row + l];
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
                    s += off[row + l] * x[xOff + row - lines + l];
                }
                if (hasNext) {
                    s += off[row + lines + l] * x[xOff + row + lines + l];
                }
                y[yOff + row + l] = s;
            }
        }
    }

    @Override
    public double dot(double[] a, double[] b, int from, int to) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = from;
        for (; k + 3 < to; k += 4) {
            s0 += a[k] * b[k];
            s1 += a[k + 1] * b[k + 1];
            s2 += a[k + 2] * b[k + 2];
            s3 += a[k + 3] * b[k + 3];
        }
        for (; k < to; k++) {
            s0 += a[k] * b[k];
        }
        return (s0 + s1) + (s2 + s3);
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
            y[k] += alpha * x[k];
        }
    }

    @Override
    public void xpay(double[] x, double beta, double[] y, int from, int to) {
        for (int k = from; k < to; k++) {
            y[k] = x[k] + beta * y[k];
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
                y[yOff + i] = base[bOff + i] + alpha * (c0[c + i] * t[p + i]);
            }
            return;
        }
        for (int i = 0; i < count; i++) {
            double v = c0[c + i] * t[p + i] + c1[c + i] * t[p + i + 1] + c2[c + i] * t[q + i] + c3[c + i] * t[q + i + 1];
            y[yOff + i] = base[bOff + i] + alpha * v;
        }
    }
}
