// ScalarTwinKernels: plain Java that computes bit for bit what VectorLineKernels computes (cold calls; issue 17).
package io.xbar.kernel;

/**
 * Scalar code with the Vector API kernels' exact arithmetic: the same fused multiply-adds
 * ({@link Math#fma}, as {@code DoubleVector.fma}), the same dot-product accumulation (two
 * accumulators of {@code lanes} lanes, added lane by lane, summed from lane 0), and the same split
 * between the lines a vector step handles and the tail left to {@link ScalarLineKernels}. Every
 * operation is a correctly rounded IEEE operation in both, so the results are identical whatever the
 * JIT has compiled, which lets {@link WarmingLineKernels} run this twin while the Vector API code
 * is still interpreted (where each vector operation allocates) without changing any result.
 * {@code LineKernelsTest} and {@code WarmingLineKernelsTest} hold the two identical.
 */
final class ScalarTwinKernels implements LineKernels {
    private static final ScalarLineKernels TAIL = ScalarLineKernels.INSTANCE;
    private final int lanes;

    /** The twin of a Vector API implementation whose species has {@code lanes} doubles. */
    ScalarTwinKernels(int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("lanes " + lanes);
        }
        this.lanes = lanes;
    }

    @Override
    public int lanes() {
        return lanes;
    }

    /** {@code from} plus the largest multiple of {@code lanes} not above {@code to - from} (as {@code loopBound}). */
    private int bound(int from, int to) {
        return from + (to - from) / lanes * lanes;
    }

    @Override
    public void factor(int lines, int positions, int from, int to, double[] diag, double[] off,
                       double[] lower, double[] invPivot) {
        // The vector factorization uses no fused operation: 1/d, o*p, 1/(d - m*o) round the same.
        TAIL.factor(lines, positions, from, to, diag, off, lower, invPivot);
    }

    @Override
    public void solve(int lines, int positions, int from, int to, double[] lower, double[] invPivot, double[] off,
                      double[] x, int xOff) {
        int bound = bound(from, to);
        for (int p = 1; p < positions; p++) {
            int row = p * lines;
            int prev = row - lines;
            for (int l = from; l < bound; l++) {
                x[xOff + row + l] = Math.fma(-lower[row + l], x[xOff + prev + l], x[xOff + row + l]);
            }
        }
        int last = (positions - 1) * lines;
        for (int l = from; l < bound; l++) {
            x[xOff + last + l] *= invPivot[last + l];
        }
        for (int p = positions - 2; p >= 0; p--) {
            int row = p * lines;
            int next = row + lines;
            for (int l = from; l < bound; l++) {
                x[xOff + row + l] = Math.fma(-off[next + l], x[xOff + next + l], x[xOff + row + l]) * invPivot[row + l];
            }
        }
        if (bound < to) {
            TAIL.solve(lines, positions, bound, to, lower, invPivot, off, x, xOff);
        }
    }

    @Override
    public void multiply(int lines, int positions, int from, int to, double[] diag, double[] off,
                         double[] x, int xOff, double[] y, int yOff) {
        int bound = bound(from, to);
        for (int p = 0; p < positions; p++) {
            int row = p * lines;
            boolean hasPrev = p > 0;
            boolean hasNext = p + 1 < positions;
            for (int l = from; l < bound; l++) {
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
        if (bound < to) {
            TAIL.multiply(lines, positions, bound, to, diag, off, x, xOff, y, yOff);
        }
    }

    @Override
    public double dot(double[] a, double[] b, int from, int to) {
        return dotFrom(new double[2 * lanes], a, b, from, to);
    }

    /**
     * The vector dot product's arithmetic over {@code [from, to)}, starting from the accumulators in
     * {@code acc} (lanes {@code 0..L-1} the first, {@code L..2L-1} the second), as after the vector
     * code's pair loop ran up to {@code from} ({@code VectorLineKernels.accumulatePairs}).
     */
    double dotFrom(double[] acc, double[] a, double[] b, int from, int to) {
        int bound = bound(from, to);
        int k = from;
        for (; k + lanes < bound; k += 2 * lanes) {
            for (int j = 0; j < lanes; j++) {
                acc[j] = Math.fma(a[k + j], b[k + j], acc[j]);
                acc[lanes + j] = Math.fma(a[k + lanes + j], b[k + lanes + j], acc[lanes + j]);
            }
        }
        for (; k < bound; k += lanes) {
            for (int j = 0; j < lanes; j++) {
                acc[j] = Math.fma(a[k + j], b[k + j], acc[j]);
            }
        }
        double s = 0;
        for (int j = 0; j < lanes; j++) {
            s += acc[j] + acc[lanes + j];
        }
        return s + TAIL.dot(a, b, bound, to);
    }

    @Override
    public double maxAbs(double[] a, int from, int to) {
        return TAIL.maxAbs(a, from, to); // a maximum is exact in any order
    }

    @Override
    public void axpy(double alpha, double[] x, double[] y, int from, int to) {
        int bound = bound(from, to);
        for (int k = from; k < bound; k++) {
            y[k] = Math.fma(alpha, x[k], y[k]);
        }
        TAIL.axpy(alpha, x, y, bound, to);
    }

    @Override
    public void xpay(double[] x, double beta, double[] y, int from, int to) {
        int bound = bound(from, to);
        for (int k = from; k < bound; k++) {
            y[k] = Math.fma(beta, y[k], x[k]);
        }
        TAIL.xpay(x, beta, y, bound, to);
    }

    @Override
    public void transpose(int rows, int cols, int rowFrom, int rowTo, double[] src, int srcOff, int srcStride,
                          double[] dst, int dstOff, int dstStride) {
        TAIL.transpose(rows, cols, rowFrom, rowTo, src, srcOff, srcStride, dst, dstOff, dstStride); // copies only
    }

    @Override
    public void couple(int count, double[] base, int bOff, double alpha, double[] c0, double[] c1, double[] c2,
                       double[] c3, int c, double[] t, int p, int q, double[] y, int yOff) {
        int bound = count / lanes * lanes;
        if (c1 == null) {
            for (int i = 0; i < bound; i++) {
                y[yOff + i] = Math.fma(alpha, c0[c + i] * t[p + i], base[bOff + i]);
            }
        } else {
            for (int i = 0; i < bound; i++) {
                double v = c0[c + i] * t[p + i];
                v = Math.fma(c1[c + i], t[p + i + 1], v);
                v = Math.fma(c2[c + i], t[q + i], v);
                v = Math.fma(c3[c + i], t[q + i + 1], v);
                y[yOff + i] = Math.fma(alpha, v, base[bOff + i]);
            }
        }
        if (bound < count) {
            TAIL.couple(count - bound, base, bOff + bound, alpha, c0, c1, c2, c3, c + bound, t, p + bound, q + bound,
                    y, yOff + bound);
        }
    }
}
