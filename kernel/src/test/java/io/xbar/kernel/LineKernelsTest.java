// LineKernelsTest: the Vector API line kernels equal their scalar twin bit for bit over awkward sizes.
package io.xbar.kernel;

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
        for (int n : new int[] {0, 1, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 33, 4098}) {
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
