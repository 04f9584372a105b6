// ScalarTwinKernelsTest: the scalar twin and the cold/hot split compute bit for bit what the Vector API kernels compute.
package io.xbar.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ScalarTwinKernelsTest {
    private static final int[] LINES = {1, 3, 8, 9, 16, 17, 31, 48, 97, 256};
    private static final int[] POSITIONS = {1, 2, 5, 33};

    private static VectorLineKernels vector() {
        return (VectorLineKernels) LineKernels.Holder.vectorOrNull();
    }

    private static ScalarTwinKernels twin() {
        return new ScalarTwinKernels(vector().lanes());
    }

    private static WarmingLineKernels warming() {
        return new WarmingLineKernels(vector(), twin());
    }

    private static double[] random(Random rnd, int n, double lo, double hi) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        return a;
    }

    /** Every kernel on seeded data of {@code lines x positions}; the outputs, in order, for bitwise comparison. */
    private static List<double[]> outputs(LineKernels k, int lines, int positions, long seed) {
        Random rnd = new Random(seed);
        List<double[]> out = new ArrayList<>();
        int size = lines * positions;
        double[] off = random(rnd, size, -1, -0.1);
        double[] diag = random(rnd, size, 2.5, 3.5);
        double[] lower = new double[size];
        double[] pivot = new double[size];
        // Two ranges, as a parallel split calls the kernels; the second starts unaligned when lines is odd.
        int split = lines / 2;
        k.factor(lines, positions, 0, split, diag, off, lower, pivot);
        k.factor(lines, positions, split, lines, diag, off, lower, pivot);
        out.add(lower);
        out.add(pivot);
        double[] x = random(rnd, size + 3, -1, 1);
        k.solve(lines, positions, 0, lines, lower, pivot, off, x, 3);
        out.add(x);
        double[] y = new double[size + 1];
        k.multiply(lines, positions, 0, split, diag, off, x, 3, y, 1);
        k.multiply(lines, positions, split, lines, diag, off, x, 3, y, 1);
        out.add(y);
        double[] a = random(rnd, size + 2, -1, 1);
        double[] b = random(rnd, size + 2, -1e3, 1e3);
        out.add(new double[] {k.dot(a, b, 1, size + 1), k.dot(a, b, 0, size), k.maxAbs(b, 1, size + 1)});
        double[] z = b.clone();
        k.axpy(-0.37, a, z, 1, size + 1);
        out.add(z);
        double[] w = b.clone();
        k.xpay(a, 0.61, w, 0, size + 2);
        out.add(w);
        int stride = LineKernels.transposeStride(lines);
        double[] t = new double[positions * stride + 5];
        k.transpose(lines, positions, 0, lines, a, 1, positions, t, 5, stride);
        out.add(t);
        double[] c0 = random(rnd, size + 4, -1, 1);
        double[] c1 = random(rnd, size + 4, -1, 1);
        double[] c2 = random(rnd, size + 4, -1, 1);
        double[] c3 = random(rnd, size + 4, -1, 1);
        double[] tt = random(rnd, 2 * size + 8, -1, 1);
        for (boolean full : new boolean[] {false, true}) {
            double[] yc = new double[size + 2];
            k.couple(size, b, 1, -0.5, c0, full ? c1 : null, c2, c3, 2, tt, size + 3, 1, yc, 2);
            out.add(yc);
        }
        return out;
    }

    private static void assertSame(List<double[]> expected, List<double[]> actual, String what) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            // assertArrayEquals on double[] compares the bits (doubleToLongBits): exact, not within a tolerance.
            assertArrayEquals(expected.get(i), actual.get(i), what + ", output " + i);
        }
    }

    @Test
    void twinAndWarmingKernelsEqualTheVectorKernelsBitForBit() {
        for (int lines : LINES) {
            for (int positions : POSITIONS) {
                long seed = 31L * lines + positions;
                List<double[]> v = outputs(vector(), lines, positions, seed);
                String at = lines + " lines x " + positions;
                assertSame(v, outputs(twin(), lines, positions, seed), "twin, " + at);
                assertSame(v, outputs(warming(), lines, positions, seed), "warming (cold), " + at);
                WarmingLineKernels hot = warming();
                hot.heat();
                assertSame(v, outputs(hot, lines, positions, seed), "warming (hot), " + at);
            }
        }
    }

    /**
     * The same once the JIT has compiled the vector code: C2 sums reduceLanes(ADD) in another order
     * than the Java fallback, which made dot products differ in their last bits between a cold and a
     * warm JVM until the vector dot summed its lanes explicitly.
     */
    @Test
    void compiledVectorKernelsStillEqualTheTwin() {
        LineKernels v = vector();
        LineKernels t = twin();
        for (int round = 0; round < 6000; round++) {
            assertSame(outputs(t, 24, 6, round), outputs(v, 24, 6, round), "round " + round);
        }
    }

    @Test
    void theWarmingKernelsAreOptIn() {
        assertEquals(VectorLineKernels.class, LineKernels.get().getClass()); // surefire sets no xbar.coldTwin
        assertEquals(false, Tuning.DEFAULT.coldTwin());
        LineKernels v = vector();
        assertInstanceOf(WarmingLineKernels.class, LineKernels.Holder.warming(v, true));
        assertEquals(v, LineKernels.Holder.warming(v, false));
        assertEquals(LineKernels.scalar(), LineKernels.Holder.warming(LineKernels.scalar(), true));
    }

    /** Whole solves: the first solve of a fresh JVM gives the currents of a warm one, bit for bit. */
    @Test
    void solvesDoNotDependOnWhichKernelsRanOrHowWarmTheyAre() {
        for (int[] shape : new int[][] {{64, 64}, {40, 72}, {97, 33}}) {
            int m = shape[0];
            int n = shape[1];
            Random rnd = new Random(m * 1000L + n);
            double[] g = random(rnd, m * n, 1e-6, 1e-4);
            double[] volts = random(rnd, m, 0, 0.2);
            CrossbarSolver solver = CrossbarSolver.create(m, n, Circuit.DEFAULT);
            Solution expected = solver.withKernels(vector()).program(g).solve(volts, true);
            WarmingLineKernels hot = warming();
            hot.heat();
            for (LineKernels k : new LineKernels[] {twin(), warming(), hot, LineKernels.get()}) {
                Solution s = solver.withKernels(k).program(g).solve(volts, true);
                String what = k.getClass().getSimpleName() + " " + m + "x" + n;
                assertArrayEquals(expected.currents(), s.currents(), what);
                assertArrayEquals(expected.wordLineVoltages(), s.wordLineVoltages(), what);
                assertArrayEquals(expected.bitLineVoltages(), s.bitLineVoltages(), what);
            }
        }
    }
}
