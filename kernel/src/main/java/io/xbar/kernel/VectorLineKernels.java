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

    @Override
    public double dot(double[] a, double[] b, int from, int to) {
        int bound = from + S.loopBound(to - from);
        DoubleVector acc0 = DoubleVector.zero(S);
        DoubleVector acc1 = DoubleVector.zero(S);
        int k = from;
        for (; k + S.length() < bound; k += 2 * S.length()) {
            acc0 = DoubleVector.fromArray(S, a, k).fma(DoubleVector.fromArray(S, b, k), acc0);
            acc1 = DoubleVector.fromArray(S, a, k + S.length()).fma(DoubleVector.fromArray(S, b, k + S.length()), acc1);
        }
        for (; k < bound; k += S.length()) {
            acc0 = DoubleVector.fromArray(S, a, k).fma(DoubleVector.fromArray(S, b, k), acc0);
        }
        double s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        return s + TAIL.dot(a, b, bound, to);
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
}
