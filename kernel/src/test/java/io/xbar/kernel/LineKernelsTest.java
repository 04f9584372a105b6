// LineKernelsTest: the Vector API line kernels equal their scalar twin bit for bit over awkward sizes.
package io.xbar.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class LineKernelsTest {
    private static final int[] LINES = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 97, 4098};
    private static final int[] POSITIONS = {1, 2, 5, 33};

    private static double[] random(Random rnd, int n, double lo, double hi) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        return a;
    }

    @Test
    void vectorImplementationIsLoadedWhenTheModuleIsPresent() {
        LineKernels v = LineKernels.Holder.vectorOrNull();
        assertEquals("io.xbar.kernel.VectorLineKernels", v.getClass().getName());
        assertNotSame(LineKernels.scalar(), v);
    }

    @Test
    void factorSolveAndMultiplyAgree() {
        LineKernels s = LineKernels.scalar();
        LineKernels v = LineKernels.Holder.vectorOrNull();
        Random rnd = new Random(17);
        for (int lines : LINES) {
            for (int positions : POSITIONS) {
                int size = lines * positions;
                double[] off = random(rnd, size, -1, -0.1);
                double[] diag = new double[size];
                for (int k = 0; k < size; k++) {
                    diag[k] = 2.5 + rnd.nextDouble(); // diagonally dominant, SPD
                }
                double[] l1 = new double[size];
                double[] p1 = new double[size];
                double[] l2 = new double[size];
                double[] p2 = new double[size];
                s.factor(lines, positions, 0, lines, diag, off, l1, p1);
                v.factor(lines, positions, 0, lines, diag, off, l2, p2);
                double[] b = random(rnd, size + 3, -1, 1);
                double[] x1 = b.clone();
                double[] x2 = b.clone();
                s.solve(lines, positions, 0, lines, l1, p1, off, x1, 3);
                v.solve(lines, positions, 0, lines, l2, p2, off, x2, 3);
                double[] y1 = new double[size + 1];
                double[] y2 = new double[size + 1];
                s.multiply(lines, positions, 0, lines, diag, off, x1, 3, y1, 1);
                v.multiply(lines, positions, 0, lines, diag, off, x2, 3, y2, 1);
                for (int k = 0; k < size; k++) {
                    // Bit for bit (assertEquals without a delta compares the bits, -0.0 and 0.0 apart).
                    assertEquals(l1[k], l2[k], "lower " + lines + "x" + positions);
                    assertEquals(p1[k], p2[k], "pivot");
                    assertEquals(x1[k + 3], x2[k + 3], "solve " + lines + "x" + positions);
                    // A (A^-1 b) = b: the solve is exact, independently of the twin.
                    assertEquals(b[k + 3], y1[k + 1], 1e-12, "residual " + lines + "x" + positions);
                    assertEquals(y1[k + 1], y2[k + 1], "multiply " + lines + "x" + positions);
                }
            }
        }
    }

    @Test
    void reductionsAndUpdatesAgree() {
        LineKernels s = LineKernels.scalar();
        LineKernels v = LineKernels.Holder.vectorOrNull();
        Random rnd = new Random(5);
        for (int n : new int[] {0, 1, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 31, 32, 33, 47, 4098}) {
            double[] a = random(rnd, n + 2, -1, 1);
            double[] b = random(rnd, n + 2, -1, 1);
            assertEquals(s.dot(a, b, 1, n + 1), v.dot(a, b, 1, n + 1), "dot " + n);
            double exact = 0;
            for (int k = 1; k <= n; k++) {
                exact += a[k] * b[k];
            }
            assertEquals(exact, s.dot(a, b, 1, n + 1), 1e-14 * (n + 1), "dot " + n);
            assertEquals(s.maxAbs(a, 1, n + 1), v.maxAbs(a, 1, n + 1), 0);
            double[] y1 = b.clone();
            double[] y2 = b.clone();
            s.axpy(0.3, a, y1, 1, n + 1);
            v.axpy(0.3, a, y2, 1, n + 1);
            s.xpay(a, -0.7, y1, 1, n + 1);
            v.xpay(a, -0.7, y2, 1, n + 1);
            for (int k = 0; k < n + 2; k++) {
                assertEquals(y1[k], y2[k], "axpy, xpay " + n);
            }
        }
    }

    @Test
    void transposesAgreeAndAreExact() {
        LineKernels s = LineKernels.scalar();
        LineKernels v = LineKernels.Holder.vectorOrNull();
        Random rnd = new Random(23);
        int[] sizes = {1, 3, 7, 8, 9, 16, 17, 64, 100};
        for (int rows : sizes) {
            for (int cols : sizes) {
                int srcStride = cols + 2;
                double[] src = random(rnd, 3 + rows * srcStride, -1, 1);
                int dstStride = LineKernels.transposeStride(rows);
                double[] d1 = new double[5 + cols * dstStride];
                double[] d2 = new double[5 + cols * dstStride];
                // Two row ranges, as a parallel split would call it; the second starts unaligned.
                int split = rows / 2;
                for (LineKernels k : new LineKernels[] {s, v}) {
                    double[] d = k == s ? d1 : d2;
                    k.transpose(rows, cols, 0, split, src, 3, srcStride, d, 5, dstStride);
                    k.transpose(rows, cols, split, rows, src, 3, srcStride, d, 5, dstStride);
                }
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        assertEquals(src[3 + r * srcStride + c], d1[5 + c * dstStride + r], 0, "scalar " + rows + "x" + cols);
                        assertEquals(src[3 + r * srcStride + c], d2[5 + c * dstStride + r], 0, "vector " + rows + "x" + cols);
                    }
                }
                // Padding lanes are never written.
                for (int c = 0; c < cols; c++) {
                    for (int r = rows; r < dstStride; r++) {
                        assertEquals(0, d2[5 + c * dstStride + r], 0, "padding " + rows + "x" + cols);
                    }
                }
            }
        }
    }

    @Test
    void couplingStencilsAgree() {
        LineKernels s = LineKernels.scalar();
        LineKernels v = LineKernels.Holder.vectorOrNull();
        Random rnd = new Random(29);
        for (int count : new int[] {1, 7, 8, 9, 17, 33, 100}) {
            int size = count + 4;
            double[] c0 = random(rnd, size, -1, 1);
            double[] c1 = random(rnd, size, -1, 1);
            double[] c2 = random(rnd, size, -1, 1);
            double[] c3 = random(rnd, size, -1, 1);
            double[] t = random(rnd, 3 * size, -1, 1);
            double[] base = random(rnd, size, -1, 1);
            for (boolean full : new boolean[] {false, true}) {
                double[] y1 = new double[size];
                double[] y2 = new double[size];
                s.couple(count, base, 1, -0.5, c0, full ? c1 : null, c2, c3, 2, t, size + 1, 3, y1, 2);
                v.couple(count, base, 1, -0.5, c0, full ? c1 : null, c2, c3, 2, t, size + 1, 3, y2, 2);
                for (int i = 0; i < count; i++) {
                    double sum = c0[2 + i] * t[size + 1 + i];
                    if (full) {
                        sum += c1[2 + i] * t[size + 2 + i] + c2[2 + i] * t[3 + i] + c3[2 + i] * t[4 + i];
                    }
                    double expected = base[1 + i] - 0.5 * sum;
                    assertEquals(expected, y1[2 + i], 1e-15, "scalar " + count);
                    assertEquals(y1[2 + i], y2[2 + i], "vector " + count);
                }
            }
        }
    }

    /**
     * Newton's sinh cells: both twins within a few ulps of {@code g v0 Math.sinh(x)} and {@code g Math.cosh(x)}
     * over odd ranges, on both sides of the series' bound, at zero and at tiny and large {@code |x|}.
     */
    @Test
    void sinhCellsAgreeWithMathSinhAndCosh() {
        Random rnd = new Random(23);
        double v0 = 0.25;
        int size = 1000;
        double[] u = random(rnd, size, -0.8, 0.8);
        double[] w = random(rnd, size, -0.2, 0.2);
        double[] g = random(rnd, size, 1e-6, 1e-4);
        double bound = LineKernels.SINH_SERIES_BELOW * v0;
        double[] special = {0, 1e-300, -1e-300, 1e-9, bound, -bound, Math.nextDown(bound), Math.nextUp(-bound),
            0.6 * bound, -0.99 * bound, 1.01 * bound, 2.5, -2.5, 5, -7.5};
        for (int k = 0; k < special.length; k++) {
            u[3 + 5 * k] = special[k];
            w[3 + 5 * k] = 0;
        }
        for (LineKernels impl : new LineKernels[] {LineKernels.scalar(), LineKernels.Holder.vectorOrNull()}) {
            for (int[] range : new int[][] {{0, size}, {3, 997}, {5, 6}, {17, 17}}) {
                double[] current = new double[size];
                double[] slope = new double[size];
                impl.sinhCells(u, w, g, v0, current, slope, range[0], range[1]);
                for (int k = 0; k < size; k++) {
                    if (k < range[0] || k >= range[1]) {
                        assertEquals(0, current[k], "untouched outside the range");
                        assertEquals(0, slope[k], "untouched outside the range");
                        continue;
                    }
                    double x = (u[k] - w[k]) / v0;
                    double i = g[k] * v0 * Math.sinh(x);
                    double gc = g[k] * Math.cosh(x);
                    assertEquals(i, current[k], 4 * Math.ulp(i), impl + " current at x = " + x);
                    assertEquals(gc, slope[k], 4 * Math.ulp(gc), impl + " slope at x = " + x);
                }
            }
        }
        for (double x = -0.25; x <= 0.25; x += 1e-4) {
            assertEquals(Math.sinh(x), LineKernels.sinhSeries(x), 2 * Math.ulp(Math.sinh(x)), "series at " + x);
        }
    }

    /**
     * The Vector API twin gives the scalar twin's bits, also once compiled (the loop runs until the JIT
     * has compiled it): with the Vector API's own {@code EXP} the results were an ulp apart in some
     * lanes only after compilation, so a sinh solve depended on what had run before it.
     */
    @Test
    void sinhCellsTwinsGiveTheSameBitsOnceCompiled() {
        Random rnd = new Random(29);
        int size = 1003;
        double v0 = 0.2;
        double[] u = random(rnd, size, -0.6, 0.6);
        double[] w = random(rnd, size, -0.1, 0.1);
        double[] g = random(rnd, size, 1e-6, 1e-4);
        double[] c1 = new double[size];
        double[] s1 = new double[size];
        double[] c2 = new double[size];
        double[] s2 = new double[size];
        LineKernels vector = LineKernels.Holder.vectorOrNull();
        LineKernels.scalar().sinhCells(u, w, g, v0, c1, s1, 1, size);
        for (int round = 0; round < 3000; round++) {
            vector.sinhCells(u, w, g, v0, c2, s2, 1, size);
        }
        assertArrayEquals(c1, c2, 0, "currents");
        assertArrayEquals(s1, s2, 0, "slopes");
    }

    @Test
    void scratchStridesLeaveAZeroLaneAndAvoidCacheSetAliasing() {
        for (int lines = 1; lines <= 5000; lines++) {
            int s = LineKernels.transposeStride(lines);
            assertTrue(s >= lines + 1 && s <= lines + 16, "stride " + s + " for " + lines + " lines");
            assertEquals(0, s % 8, "whole cache lines");
            assertTrue(s % 128 != 0, "not a multiple of 128 doubles: " + s);
        }
    }
}
