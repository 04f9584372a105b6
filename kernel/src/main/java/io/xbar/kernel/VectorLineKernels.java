// VectorLineKernels: Vector API (jdk.incubator.vector) twin of ScalarLineKernels, loaded by name.
package io.xbar.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link LineKernels}: each step along a chain processes
 * {@code SPECIES.length()} lines at once; the lines left over run the scalar loop.
 */
final class VectorLineKernels implements LineKernels {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final LineKernels TAIL = ScalarLineKernels.INSTANCE;

    @Override
    public void factor(int lines, int positions, int from, int to, double[] diag, double[] off,
                       double[] lower, double[] invPivot) {
        int bound = from + S.loopBound(to - from);
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        for (int l = from; l < bound; l += S.length()) {
            one.div(DoubleVector.fromArray(S, diag, l)).intoArray(invPivot, l);
            DoubleVector.zero(S).intoArray(lower, l);
        }
        for (int p = 1; p < positions; p++) {
            int row = p * lines;
            int prev = row - lines;
            for (int l = from; l < bound; l += S.length()) {
                DoubleVector o = DoubleVector.fromArray(S, off, row + l);
                DoubleVector m = o.mul(DoubleVector.fromArray(S, invPivot, prev + l));
                m.intoArray(lower, row + l);
                one.div(DoubleVector.fromArray(S, diag, row + l).sub(m.mul(o))).intoArray(invPivot, row + l);
            }
        }
        if (bound < to) {
            TAIL.factor(lines, positions, bound, to, diag, off, lower, invPivot);
        }
    }

    @Override
    public void solve(int lines, int positions, int from, int to, double[] lower, double[] invPivot, double[] off,
                      double[] x, int xOff) {
        // Each sweep in a method of its own: small bodies keep every vector operation inlined
        // (an operation that is not inlined runs the Vector API's slow Java fallback).
        int bound = from + S.loopBound(to - from);
        for (int p = 1; p < positions; p++) {
            forwardStep(p * lines, lines, from, bound, lower, x, xOff);
        }
        int last = (positions - 1) * lines;
        for (int l = from; l < bound; l += S.length()) {
            DoubleVector.fromArray(S, x, xOff + last + l).mul(DoubleVector.fromArray(S, invPivot, last + l))
                    .intoArray(x, xOff + last + l);
        }
        for (int p = positions - 2; p >= 0; p--) {
            backwardStep(p * lines, lines, from, bound, invPivot, off, x, xOff);
        }
        if (bound < to) {
            TAIL.solve(lines, positions, bound, to, lower, invPivot, off, x, xOff);
        }
    }

    private static void forwardStep(int row, int lines, int from, int bound, double[] lower, double[] x, int xOff) {
        int prev = row - lines;
        for (int l = from; l < bound; l += S.length()) {
            DoubleVector xv = DoubleVector.fromArray(S, x, xOff + row + l);
            DoubleVector pv = DoubleVector.fromArray(S, x, xOff + prev + l);
            DoubleVector.fromArray(S, lower, row + l).neg().fma(pv, xv).intoArray(x, xOff + row + l);
        }
    }

    private static void backwardStep(int row, int lines, int from, int bound, double[] invPivot, double[] off,
                                     double[] x, int xOff) {
        int next = row + lines;
        for (int l = from; l < bound; l += S.length()) {
            DoubleVector xv = DoubleVector.fromArray(S, x, xOff + row + l);
            DoubleVector nv = DoubleVector.fromArray(S, x, xOff + next + l);
            DoubleVector.fromArray(S, off, next + l).neg().fma(nv, xv)
                    .mul(DoubleVector.fromArray(S, invPivot, row + l)).intoArray(x, xOff + row + l);
        }
    }

    @Override
    public void multiply(int lines, int positions, int from, int to, double[] diag, double[] off,
                         double[] x, int xOff, double[] y, int yOff) {
        int bound = from + S.loopBound(to - from);
        // Branch-free bodies per position kind: vectors merged across branches would be boxed.
        for (int p = 0; p < positions; p++) {
            int row = p * lines;
            boolean hasPrev = p > 0;
            boolean hasNext = p + 1 < positions;
            if (hasPrev && hasNext) {
                for (int l = from; l < bound; l += S.length()) {
                    DoubleVector s = DoubleVector.fromArray(S, diag, row + l).mul(DoubleVector.fromArray(S, x, xOff + row + l));
                    s = DoubleVector.fromArray(S, off, row + l).fma(DoubleVector.fromArray(S, x, xOff + row - lines + l), s);
                    s = DoubleVector.fromArray(S, off, row + lines + l)
                            .fma(DoubleVector.fromArray(S, x, xOff + row + lines + l), s);
                    s.intoArray(y, yOff + row + l);
                }
            } else if (hasNext) {
                for (int l = from; l < bound; l += S.length()) {
                    DoubleVector s = DoubleVector.fromArray(S, diag, row + l).mul(DoubleVector.fromArray(S, x, xOff + row + l));
                    s = DoubleVector.fromArray(S, off, row + lines + l)
                            .fma(DoubleVector.fromArray(S, x, xOff + row + lines + l), s);
                    s.intoArray(y, yOff + row + l);
                }
            } else if (hasPrev) {
                for (int l = from; l < bound; l += S.length()) {
                    DoubleVector s = DoubleVector.fromArray(S, diag, row + l).mul(DoubleVector.fromArray(S, x, xOff + row + l));
                    s = DoubleVector.fromArray(S, off, row + l).fma(DoubleVector.fromArray(S, x, xOff + row - lines + l), s);
                    s.intoArray(y, yOff + row + l);
                }
            } else {
                for (int l = from; l < bound; l += S.length()) {
                    DoubleVector.fromArray(S, diag, row + l).mul(DoubleVector.fromArray(S, x, xOff + row + l))
                            .intoArray(y, yOff + row + l);
                }
            }
        }
        if (bound < to) {
            TAIL.multiply(lines, positions, bound, to, diag, off, x, xOff, y, yOff);
        }
    }

    /**
     * The lane layout of {@link ScalarLineKernels#dot}: sixteen partial sums, as two 8-lane or four
     * 4-lane accumulators, added in its fixed order ({@link ScalarLineKernels#sumLanes}); never
     * {@code reduceLanes}, whose order is unspecified and differs between the interpreter and C2.
     */
    @Override
    public double dot(double[] a, double[] b, int from, int to) {
        double[] lanes = new double[ScalarLineKernels.DOT_LANES];
        int k = from;
        if (S.length() == 8) {
            DoubleVector acc0 = DoubleVector.zero(S);
            DoubleVector acc1 = DoubleVector.zero(S);
            for (; k + 15 < to; k += 16) {
                acc0 = DoubleVector.fromArray(S, a, k).fma(DoubleVector.fromArray(S, b, k), acc0);
                acc1 = DoubleVector.fromArray(S, a, k + 8).fma(DoubleVector.fromArray(S, b, k + 8), acc1);
            }
            acc0.intoArray(lanes, 0);
            acc1.intoArray(lanes, 8);
        } else if (S.length() == 4) {
            DoubleVector acc0 = DoubleVector.zero(S);
            DoubleVector acc1 = DoubleVector.zero(S);
            DoubleVector acc2 = DoubleVector.zero(S);
            DoubleVector acc3 = DoubleVector.zero(S);
            for (; k + 15 < to; k += 16) {
                acc0 = DoubleVector.fromArray(S, a, k).fma(DoubleVector.fromArray(S, b, k), acc0);
                acc1 = DoubleVector.fromArray(S, a, k + 4).fma(DoubleVector.fromArray(S, b, k + 4), acc1);
                acc2 = DoubleVector.fromArray(S, a, k + 8).fma(DoubleVector.fromArray(S, b, k + 8), acc2);
                acc3 = DoubleVector.fromArray(S, a, k + 12).fma(DoubleVector.fromArray(S, b, k + 12), acc3);
            }
            acc0.intoArray(lanes, 0);
            acc1.intoArray(lanes, 4);
            acc2.intoArray(lanes, 8);
            acc3.intoArray(lanes, 12);
        } else {
            return TAIL.dot(a, b, from, to);
        }
        return ScalarLineKernels.dotTail(a, b, k, to, lanes);
    }

    @Override
    public double maxAbs(double[] a, int from, int to) {
        int bound = from + S.loopBound(to - from);
        DoubleVector acc = DoubleVector.zero(S);
        for (int k = from; k < bound; k += S.length()) {
            acc = acc.max(DoubleVector.fromArray(S, a, k).abs());
        }
        return Math.max(acc.reduceLanes(VectorOperators.MAX), TAIL.maxAbs(a, bound, to));
    }

    @Override
    public void sinhCells(double[] u, double[] w, double[] g, double v0, double[] current, double[] slope, int from,
                          int to) {
        int bound = from + S.loopBound(to - from);
        // e^x by Math.exp, lane by lane, parked in slope: the Vector API's EXP is not Math.exp (an ulp
        // apart), and which of the two runs depends on whether this loop is compiled yet, so the bits of
        // a solve would depend on what ran before it. Math.exp gives the same bits in every tier.
        for (int k = from; k < bound; k++) {
            slope[k] = Math.exp((u[k] - w[k]) / v0);
        }
        DoubleVector volts = DoubleVector.broadcast(S, v0);
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        DoubleVector half = DoubleVector.broadcast(S, 0.5);
        for (int k = from; k < bound; k += S.length()) {
            DoubleVector x = DoubleVector.fromArray(S, u, k).sub(DoubleVector.fromArray(S, w, k)).div(volts);
            DoubleVector e = DoubleVector.fromArray(S, slope, k);
            DoubleVector ie = one.div(e);
            DoubleVector gk = DoubleVector.fromArray(S, g, k);
            gk.mul(e.add(ie).mul(half)).intoArray(slope, k);
            // sinhSeries, lane by lane in the same order of operations
            DoubleVector x2 = x.mul(x);
            DoubleVector p = DoubleVector.broadcast(S, 1.0 / 6227020800.0);
            p = p.mul(x2).add(1.0 / 39916800.0);
            p = p.mul(x2).add(1.0 / 362880.0);
            p = p.mul(x2).add(1.0 / 5040.0);
            p = p.mul(x2).add(1.0 / 120.0);
            p = p.mul(x2).add(1.0 / 6.0);
            DoubleVector series = x.add(x.mul(x2).mul(p));
            DoubleVector sh = e.sub(ie).mul(half).blend(series, x.abs().lt(SINH_SERIES_BELOW));
            gk.mul(volts).mul(sh).intoArray(current, k);
        }
        TAIL.sinhCells(u, w, g, v0, current, slope, bound, to);
    }

    @Override
    public void axpy(double alpha, double[] x, double[] y, int from, int to) {
        int bound = from + S.loopBound(to - from);
        DoubleVector av = DoubleVector.broadcast(S, alpha);
        for (int k = from; k < bound; k += S.length()) {
            av.fma(DoubleVector.fromArray(S, x, k), DoubleVector.fromArray(S, y, k)).intoArray(y, k);
        }
        TAIL.axpy(alpha, x, y, bound, to);
    }

    @Override
    public void xpay(double[] x, double beta, double[] y, int from, int to) {
        int bound = from + S.loopBound(to - from);
        DoubleVector bv = DoubleVector.broadcast(S, beta);
        for (int k = from; k < bound; k += S.length()) {
            bv.fma(DoubleVector.fromArray(S, y, k), DoubleVector.fromArray(S, x, k)).intoArray(y, k);
        }
        TAIL.xpay(x, beta, y, bound, to);
    }

    /** 8x8 register transposes need 8-lane double vectors (AVX-512); elsewhere the scalar twin runs. */
    private static final VectorSpecies<Double> S8 = DoubleVector.SPECIES_512;
    private static final boolean WIDE = S.length() == 8;
    /**
     * Lane indices for {@code selectFrom(a, b)} (0-7 pick from a, 8-15 from b) of the three
     * butterfly stages of an 8x8 transpose: interleave single lanes, then pairs, then quads.
     */
    private static final DoubleVector EVEN1 = lanes(0, 8, 2, 10, 4, 12, 6, 14);
    private static final DoubleVector ODD1 = lanes(1, 9, 3, 11, 5, 13, 7, 15);
    private static final DoubleVector EVEN2 = lanes(0, 1, 8, 9, 4, 5, 12, 13);
    private static final DoubleVector ODD2 = lanes(2, 3, 10, 11, 6, 7, 14, 15);
    private static final DoubleVector EVEN4 = lanes(0, 1, 2, 3, 8, 9, 10, 11);
    private static final DoubleVector ODD4 = lanes(4, 5, 6, 7, 12, 13, 14, 15);

    private static DoubleVector lanes(int... index) {
        double[] d = new double[index.length];
        for (int k = 0; k < d.length; k++) {
            d[k] = index[k];
        }
        return DoubleVector.fromArray(S8, d, 0);
    }

    @Override
    public void transpose(int rows, int cols, int rowFrom, int rowTo, double[] src, int srcOff, int srcStride,
                          double[] dst, int dstOff, int dstStride) {
        if (!WIDE) {
            TAIL.transpose(rows, cols, rowFrom, rowTo, src, srcOff, srcStride, dst, dstOff, dstStride);
            return;
        }
        int rowBound = rowFrom + ((rowTo - rowFrom) & ~7);
        int colBound = cols & ~7;
        for (int r0 = rowFrom; r0 < rowBound; r0 += 8) {
            for (int c0 = 0; c0 < colBound; c0 += 8) {
                transpose8(src, srcOff + r0 * srcStride + c0, srcStride, dst, dstOff + c0 * dstStride + r0, dstStride);
            }
        }
        if (colBound < cols) {
            // Columns left over (fewer than 8): transpose them as a block of their own.
            for (int c = colBound; c < cols; c++) {
                int d = dstOff + c * dstStride;
                for (int r = rowFrom; r < rowBound; r++) {
                    dst[d + r] = src[srcOff + r * srcStride + c];
                }
            }
        }
        if (rowBound < rowTo) {
            TAIL.transpose(rows, cols, rowBound, rowTo, src, srcOff, srcStride, dst, dstOff, dstStride);
        }
    }

    /** One 8x8 block: eight row loads, 24 two-source lane selections, eight column stores. */
    private static void transpose8(double[] src, int s, int ss, double[] dst, int d, int ds) {
        DoubleVector v0 = DoubleVector.fromArray(S8, src, s);
        DoubleVector v1 = DoubleVector.fromArray(S8, src, s + ss);
        DoubleVector v2 = DoubleVector.fromArray(S8, src, s + 2 * ss);
        DoubleVector v3 = DoubleVector.fromArray(S8, src, s + 3 * ss);
        DoubleVector v4 = DoubleVector.fromArray(S8, src, s + 4 * ss);
        DoubleVector v5 = DoubleVector.fromArray(S8, src, s + 5 * ss);
        DoubleVector v6 = DoubleVector.fromArray(S8, src, s + 6 * ss);
        DoubleVector v7 = DoubleVector.fromArray(S8, src, s + 7 * ss);
        DoubleVector w0 = EVEN1.selectFrom(v0, v1);
        DoubleVector w1 = ODD1.selectFrom(v0, v1);
        DoubleVector w2 = EVEN1.selectFrom(v2, v3);
        DoubleVector w3 = ODD1.selectFrom(v2, v3);
        DoubleVector w4 = EVEN1.selectFrom(v4, v5);
        DoubleVector w5 = ODD1.selectFrom(v4, v5);
        DoubleVector w6 = EVEN1.selectFrom(v6, v7);
        DoubleVector w7 = ODD1.selectFrom(v6, v7);
        v0 = EVEN2.selectFrom(w0, w2);
        v2 = ODD2.selectFrom(w0, w2);
        v1 = EVEN2.selectFrom(w1, w3);
        v3 = ODD2.selectFrom(w1, w3);
        v4 = EVEN2.selectFrom(w4, w6);
        v6 = ODD2.selectFrom(w4, w6);
        v5 = EVEN2.selectFrom(w5, w7);
        v7 = ODD2.selectFrom(w5, w7);
        EVEN4.selectFrom(v0, v4).intoArray(dst, d);
        EVEN4.selectFrom(v1, v5).intoArray(dst, d + ds);
        EVEN4.selectFrom(v2, v6).intoArray(dst, d + 2 * ds);
        EVEN4.selectFrom(v3, v7).intoArray(dst, d + 3 * ds);
        ODD4.selectFrom(v0, v4).intoArray(dst, d + 4 * ds);
        ODD4.selectFrom(v1, v5).intoArray(dst, d + 5 * ds);
        ODD4.selectFrom(v2, v6).intoArray(dst, d + 6 * ds);
        ODD4.selectFrom(v3, v7).intoArray(dst, d + 7 * ds);
    }

    @Override
    public void couple(int count, double[] base, int bOff, double alpha, double[] c0, double[] c1, double[] c2,
                       double[] c3, int c, double[] t, int p, int q, double[] y, int yOff) {
        int bound = S.loopBound(count);
        if (c1 == null) {
            coupleOne(bound, base, bOff, alpha, c0, c, t, p, y, yOff);
        } else {
            coupleFour(bound, base, bOff, alpha, c0, c1, c2, c3, c, t, p, q, y, yOff);
        }
        if (bound < count) {
            TAIL.couple(count - bound, base, bOff + bound, alpha, c0, c1, c2, c3, c + bound, t, p + bound, q + bound,
                    y, yOff + bound);
        }
    }

    private static void coupleOne(int bound, double[] base, int bOff, double alpha, double[] c0, int c, double[] t,
                                  int p, double[] y, int yOff) {
        DoubleVector a = DoubleVector.broadcast(S, alpha);
        for (int i = 0; i < bound; i += S.length()) {
            DoubleVector v = DoubleVector.fromArray(S, c0, c + i).mul(DoubleVector.fromArray(S, t, p + i));
            a.fma(v, DoubleVector.fromArray(S, base, bOff + i)).intoArray(y, yOff + i);
        }
    }

    private static void coupleFour(int bound, double[] base, int bOff, double alpha, double[] c0, double[] c1,
                                   double[] c2, double[] c3, int c, double[] t, int p, int q, double[] y, int yOff) {
        DoubleVector a = DoubleVector.broadcast(S, alpha);
        for (int i = 0; i < bound; i += S.length()) {
            DoubleVector v = DoubleVector.fromArray(S, c0, c + i).mul(DoubleVector.fromArray(S, t, p + i));
            v = DoubleVector.fromArray(S, c1, c + i).fma(DoubleVector.fromArray(S, t, p + i + 1), v);
            v = DoubleVector.fromArray(S, c2, c + i).fma(DoubleVector.fromArray(S, t, q + i), v);
            v = DoubleVector.fromArray(S, c3, c + i).fma(DoubleVector.fromArray(S, t, q + i + 1), v);
            a.fma(v, DoubleVector.fromArray(S, base, bOff + i)).intoArray(y, yOff + i);
        }
    }
}
