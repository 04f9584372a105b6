// WarmingLineKernels: the Vector API kernels, with their exact scalar twin doing most of the work until they are compiled.
package io.xbar.kernel;

/**
 * The line kernels of a fresh JVM with {@code -Dxbar.coldTwin=true} (issue 17; not the default: the
 * first solve runs about 1.5-2x faster, but the probes below keep the vector code boxed for more
 * calls, so full speed comes later than without; docs/performance.md). Until C2 has compiled a Vector API kernel, each of
 * its vector operations runs the API's Java fallback, which allocates a box per operation and runs
 * about a hundred times slower per element than scalar code: the first 256x256 solve of a fresh JVM
 * took 2-4 s that way against 20-30 ms warm. Here every kernel starts <em>cold</em>: calls run on the
 * {@link ScalarTwinKernels exact scalar twin}, and cold calls (every {@link #PROBE_EVERY_SOLVE}th of the
 * line solve, every one of the other kernels) hand the Vector API code a probe of a few vectors' worth
 * of their lines or elements (the rest to the twin), so the JIT sees the vector code run and compiles
 * it. Both parts of a probe are timed; once the vector part has run at most {@link #RATIO} times
 * slower than the twin's pace (plus {@link #SLACK_NANOS}) in {@link #CONFIRM} probes in a row (it is
 * compiled: boxed code runs about a hundred times slower), the kernel
 * turns <em>hot</em> and the Vector API code takes whole calls from then on.
 *
 * <p>The twin computes bit for bit what the vector code computes, and every element is computed once,
 * by one of them, so no result depends on the split, the timing or the number of earlier calls
 * ({@code ScalarTwinKernelsTest}). A dot product's probe hands the vector code the first pairs of
 * vectors of the sum and the twin continues from its accumulators, so the summation order stays the
 * vector code's.
 *
 * <p>Thread-safe: the gates' flags and counters are plain fields updated without locks; a lost or
 * late update only delays a switch, and either side computes the same results.
 */
final class WarmingLineKernels implements LineKernels {
    /** The vector part may run this many times slower per element than the twin and still count as compiled. */
    static final int RATIO = 4;
    /** Probes in a row that must find the vector part compiled before its kernel turns hot. */
    static final int CONFIRM = 3;
    /** Nanoseconds a probe may take beyond {@link #RATIO} times the twin's pace (timer and call overhead). */
    static final long SLACK_NANOS = 250;
    /**
     * One cold call of the line solve in this many is a probe (its probes cost most: the line solve is
     * the most frequent kernel and a probe's boxed vector operations run about a hundred times slower
     * than the twin); every cold call of the other kernels is one.
     */
    static final int PROBE_EVERY_SOLVE = 8;
    /**
     * Vectors' worth of lines a line kernel's probe gives the Vector API code: two, so that its inner
     * loops run more than once (code compiled from a profile of single trips could treat the loop
     * branch as never taken).
     */
    static final int PROBE_VECTORS = 2;
    /** Vectors' worth of elements an elementwise kernel's probe ({@code axpy}, {@code xpay}, {@code dot}, {@code maxAbs}) gives it. */
    static final int PROBE_VECTORS_ELEMENTWISE = 8;

    private final VectorLineKernels vector;
    private final ScalarTwinKernels twin;
    private final int lanes;
    private final Gate factorGate = new Gate();
    private final Gate solveGate = new Gate();
    private final Gate multiplyGate = new Gate();
    private final Gate coupleGate = new Gate();
    private final Gate axpyGate = new Gate();
    private final Gate xpayGate = new Gate();
    private final Gate transposeGate = new Gate();
    private final Gate dotGate = new Gate();
    private final Gate maxGate = new Gate();

    WarmingLineKernels(VectorLineKernels vector, ScalarTwinKernels twin) {
        if (vector.lanes() != twin.lanes()) {
            throw new IllegalArgumentException("twin of " + twin.lanes() + " lanes for a vector of " + vector.lanes());
        }
        this.vector = vector;
        this.twin = twin;
        this.lanes = vector.lanes();
    }

    /** Whether every split kernel has turned hot (tests and diagnostics). */
    boolean allHot() {
        return factorGate.hot && solveGate.hot && multiplyGate.hot && coupleGate.hot && axpyGate.hot && xpayGate.hot
                && transposeGate.hot && dotGate.hot && maxGate.hot;
    }

    /** Turns every kernel hot at once (tests: the hot path must give the cold path's results). */
    void heat() {
        for (Gate g : new Gate[] {factorGate, solveGate, multiplyGate, coupleGate, axpyGate, xpayGate, transposeGate, dotGate,
            maxGate}) {
            g.hot = true;
        }
    }

    /** Whether the line solve has turned hot. */
    boolean solveHot() {
        return solveGate.hot;
    }

    /** One kernel's state: cold (split, timed) until the vector part proves compiled, then hot for good. */
    private static final class Gate {
        /**
         * Not volatile: read on every kernel call (the coupling stencil calls once per line), where a
         * volatile load would keep the JIT from moving loads across it; a thread that sees the switch
         * late only runs the twin a little longer, with the same results.
         */
        boolean hot;
        private int agreeing;
        private int coldCalls;
        /** Diagnostics: probes so far, the last probe's nanoseconds and the twin's for the same work. */
        private long probes;
        private long lastProbeNanos;
        private double lastTwinNanos;

        @Override
        public String toString() {
            return (hot ? "hot" : "cold") + " after " + coldCalls + " cold calls, " + probes + " probes (last "
                    + lastProbeNanos + " ns, twin " + Math.round(lastTwinNanos) + " ns)";
        }

        /** Records a cold call: the vector part did {@code vWork} elements in {@code vNanos}, the twin the rest. */
        void record(long vNanos, long vWork, long tNanos, long tWork) {
            // The twin's time for the probe's work, doubled, plus a fixed allowance for the timer and
            // the call: a small compiled probe takes tens of nanoseconds, a boxed one microseconds.
            probes++;
            lastProbeNanos = vNanos;
            lastTwinNanos = tNanos * (double) vWork / tWork;
            if (vNanos <= RATIO * tNanos * (double) vWork / tWork + SLACK_NANOS) {
                if (++agreeing >= CONFIRM) {
                    hot = true;
                }
            } else {
                agreeing = 0;
            }
        }
    }

    /**
     * Lines (or elements) of a cold call over {@code count} that go to the vector part: a probe of
     * {@code vectors} vectors (whole {@code unit}s) on every {@code every}th cold call of {@code gate}
     * when at least twice as many are left for the twin; otherwise 0 (all to the twin).
     */
    private int slice(Gate gate, int count, int unit, int vectors, int every) {
        if (gate.coldCalls++ % every != 0) {
            return 0;
        }
        int step = Math.max(unit, lanes);
        int s = vectors * step;
        return count >= 3 * s ? s : 0;
    }

    /**
     * An elementwise kernel's probe: a 32nd of the range (whole {@code unit}s), at least
     * {@link #PROBE_VECTORS_ELEMENTWISE} vectors. These kernels run a few times per solve over all
     * nodes; a probe long enough to reach the JIT's loop thresholds within a few calls costs less than
     * the thousands of short probes the JIT would otherwise need.
     */
    private int sliceElementwise(Gate gate, int count, int unit) {
        gate.coldCalls++;
        int step = Math.max(unit, lanes);
        int s = Math.max(PROBE_VECTORS_ELEMENTWISE * lanes, count / 32 / step * step);
        return count >= 3 * s ? s : 0;
    }

    private int slice(Gate gate, int count, int unit) {
        return slice(gate, count, unit, PROBE_VECTORS, 1);
    }

    @Override
    public int lanes() {
        return lanes;
    }

    @Override
    public void factor(int lines, int positions, int from, int to, double[] diag, double[] off,
                       double[] lower, double[] invPivot) {
        int s = factorGate.hot ? -1 : slice(factorGate, to - from, 1);
        if (s < 0) {
            vector.factor(lines, positions, from, to, diag, off, lower, invPivot);
        } else if (s == 0) {
            twin.factor(lines, positions, from, to, diag, off, lower, invPivot);
        } else {
            long t0 = System.nanoTime();
            vector.factor(lines, positions, from, from + s, diag, off, lower, invPivot);
            long t1 = System.nanoTime();
            twin.factor(lines, positions, from + s, to, diag, off, lower, invPivot);
            factorGate.record(t1 - t0, s, System.nanoTime() - t1, to - from - s);
        }
    }

    @Override
    public void solve(int lines, int positions, int from, int to, double[] lower, double[] invPivot, double[] off,
                      double[] x, int xOff) {
        int s = solveGate.hot ? -1 : slice(solveGate, to - from, 1, PROBE_VECTORS, PROBE_EVERY_SOLVE);
        if (s < 0) {
            vector.solve(lines, positions, from, to, lower, invPivot, off, x, xOff);
        } else if (s == 0) {
            twin.solve(lines, positions, from, to, lower, invPivot, off, x, xOff);
        } else {
            long t0 = System.nanoTime();
            vector.solve(lines, positions, from, from + s, lower, invPivot, off, x, xOff);
            long t1 = System.nanoTime();
            twin.solve(lines, positions, from + s, to, lower, invPivot, off, x, xOff);
            solveGate.record(t1 - t0, s, System.nanoTime() - t1, to - from - s);
        }
    }

    @Override
    public void multiply(int lines, int positions, int from, int to, double[] diag, double[] off,
                         double[] x, int xOff, double[] y, int yOff) {
        int s = multiplyGate.hot ? -1 : slice(multiplyGate, to - from, 1);
        if (s < 0) {
            vector.multiply(lines, positions, from, to, diag, off, x, xOff, y, yOff);
        } else if (s == 0) {
            twin.multiply(lines, positions, from, to, diag, off, x, xOff, y, yOff);
        } else {
            long t0 = System.nanoTime();
            vector.multiply(lines, positions, from, from + s, diag, off, x, xOff, y, yOff);
            long t1 = System.nanoTime();
            twin.multiply(lines, positions, from + s, to, diag, off, x, xOff, y, yOff);
            multiplyGate.record(t1 - t0, s, System.nanoTime() - t1, to - from - s);
        }
    }

    @Override
    public double dot(double[] a, double[] b, int from, int to) {
        // A probe gives the vector code the first pairs of vectors of the sum; the twin continues from
        // its accumulators, so the summation order is the vector code's whoever runs which part.
        int s = dotGate.hot ? -1 : sliceElementwise(dotGate, to - from, 2 * lanes);
        if (s < 0) {
            return vector.dot(a, b, from, to);
        } else if (s == 0) {
            return twin.dot(a, b, from, to);
        }
        double[] acc = new double[2 * lanes];
        long t0 = System.nanoTime();
        vector.dotPairs(a, b, from, from + s, acc);
        long t1 = System.nanoTime();
        double d = twin.dotFrom(acc, a, b, from + s, to);
        dotGate.record(t1 - t0, s, System.nanoTime() - t1, to - from - s);
        return d;
    }

    @Override
    public double maxAbs(double[] a, int from, int to) {
        int s = maxGate.hot ? -1 : sliceElementwise(maxGate, to - from, 1);
        if (s < 0) {
            return vector.maxAbs(a, from, to);
        } else if (s == 0) {
            return twin.maxAbs(a, from, to);
        }
        long t0 = System.nanoTime();
        double m = vector.maxAbs(a, from, from + s);
        long t1 = System.nanoTime();
        m = Math.max(m, twin.maxAbs(a, from + s, to)); // a maximum is exact in any split
        maxGate.record(t1 - t0, s, System.nanoTime() - t1, to - from - s);
        return m;
    }

    @Override
    public void axpy(double alpha, double[] x, double[] y, int from, int to) {
        int s = axpyGate.hot ? -1 : sliceElementwise(axpyGate, to - from, 1);
        if (s < 0) {
            vector.axpy(alpha, x, y, from, to);
        } else if (s == 0) {
            twin.axpy(alpha, x, y, from, to);
        } else {
            long t0 = System.nanoTime();
            vector.axpy(alpha, x, y, from, from + s);
            long t1 = System.nanoTime();
            twin.axpy(alpha, x, y, from + s, to);
            axpyGate.record(t1 - t0, s, System.nanoTime() - t1, to - from - s);
        }
    }

    @Override
    public void xpay(double[] x, double beta, double[] y, int from, int to) {
        int s = xpayGate.hot ? -1 : sliceElementwise(xpayGate, to - from, 1);
        if (s < 0) {
            vector.xpay(x, beta, y, from, to);
        } else if (s == 0) {
            twin.xpay(x, beta, y, from, to);
        } else {
            long t0 = System.nanoTime();
            vector.xpay(x, beta, y, from, from + s);
            long t1 = System.nanoTime();
            twin.xpay(x, beta, y, from + s, to);
            xpayGate.record(t1 - t0, s, System.nanoTime() - t1, to - from - s);
        }
    }

    @Override
    public void transpose(int rows, int cols, int rowFrom, int rowTo, double[] src, int srcOff, int srcStride,
                          double[] dst, int dstOff, int dstStride) {
        // Whole 8-row blocks to the vector part (its 8x8 transposes); both only copy, so any split is exact.
        int s = transposeGate.hot ? -1 : slice(transposeGate, rowTo - rowFrom, 8);
        if (s < 0) {
            vector.transpose(rows, cols, rowFrom, rowTo, src, srcOff, srcStride, dst, dstOff, dstStride);
        } else if (s == 0) {
            twin.transpose(rows, cols, rowFrom, rowTo, src, srcOff, srcStride, dst, dstOff, dstStride);
        } else {
            long t0 = System.nanoTime();
            vector.transpose(rows, cols, rowFrom, rowFrom + s, src, srcOff, srcStride, dst, dstOff, dstStride);
            long t1 = System.nanoTime();
            twin.transpose(rows, cols, rowFrom + s, rowTo, src, srcOff, srcStride, dst, dstOff, dstStride);
            transposeGate.record(t1 - t0, s, System.nanoTime() - t1, rowTo - rowFrom - s);
        }
    }

    @Override
    public void couple(int count, double[] base, int bOff, double alpha, double[] c0, double[] c1, double[] c2,
                       double[] c3, int c, double[] t, int p, int q, double[] y, int yOff) {
        int s = coupleGate.hot ? -1 : slice(coupleGate, count, 1);
        if (s < 0) {
            vector.couple(count, base, bOff, alpha, c0, c1, c2, c3, c, t, p, q, y, yOff);
        } else if (s == 0) {
            twin.couple(count, base, bOff, alpha, c0, c1, c2, c3, c, t, p, q, y, yOff);
        } else {
            long t0 = System.nanoTime();
            vector.couple(s, base, bOff, alpha, c0, c1, c2, c3, c, t, p, q, y, yOff);
            long t1 = System.nanoTime();
            twin.couple(count - s, base, bOff + s, alpha, c0, c1, c2, c3, c + s, t, p + s, q + s, y, yOff + s);
            coupleGate.record(t1 - t0, s, System.nanoTime() - t1, count - s);
        }
    }
}
