// TransferOracleTest: the kernel's transfer matrix (both methods) against the reference solver over shapes, options, shorts and extremes.
package io.xbar.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import io.xbar.kernel.TransferMatrix;
import java.util.Random;

import org.junit.jupiter.api.Test;

class TransferOracleTest {
    private static final double TOLERANCE = 1e-9;
    private static final int[][] SHAPES = {{1, 1}, {1, 2}, {2, 1}, {1, 7}, {7, 1}, {2, 2}, {3, 5}, {5, 3}, {6, 6}};

    /** The reference transfer matrix: one dense solve of the full nodal system per unit input. */
    private static double[] reference(int rows, int cols, Circuit c, double[] g) {
        return ReferenceSolver.factor(rows, cols, c, g).transfer().currents();
    }

    /** Cells uniform in [lo, hi] siemens, a few of them open. */
    static double[] cells(Random rnd, int rows, int cols, double lo, double hi) {
        double[] g = new double[rows * cols];
        for (int k = 0; k < g.length; k++) {
            g[k] = rnd.nextInt(10) == 0 ? 0 : lo + (hi - lo) * rnd.nextDouble();
        }
        return g;
    }

    /** Cells log-uniform over [lo, hi], a few of them open. */
    static double[] logCells(Random rnd, int rows, int cols, double lo, double hi) {
        double[] g = new double[rows * cols];
        for (int k = 0; k < g.length; k++) {
            g[k] = rnd.nextInt(10) == 0 ? 0 : lo * Math.pow(hi / lo, rnd.nextDouble());
        }
        return g;
    }

    /** max |T - T_ref| over max |T_ref| (both zero: 0). */
    static double relativeError(double[] t, double[] reference) {
        double scale = 0;
        double err = 0;
        for (int k = 0; k < t.length; k++) {
            scale = Math.max(scale, Math.abs(reference[k]));
            err = Math.max(err, Math.abs(t[k] - reference[k]));
        }
        return scale == 0 ? err : err / scale;
    }

    private static void assertAgrees(int rows, int cols, Circuit c, double[] g, String what) {
        double[] t = TransferMatrix.compute(rows, cols, c, g);
        double[] ref = reference(rows, cols, c, g);
        double err = relativeError(t, ref);
        assertTrue(err <= TOLERANCE, what + " " + rows + "x" + cols + " " + c + ": relative error " + err);
    }

    @Test
    void everyOptionAndEveryShortAgreesWithTheDenseReference() {
        Random rnd = new Random(11);
        double[] ohms = {0, 2.5};
        for (int[] shape : SHAPES) {
            int rows = shape[0];
            int cols = shape[1];
            double[] g = cells(rnd, rows, cols, 1e-6, 1e-4);
            for (Drive d : Drive.values()) {
                for (Sense s : Sense.values()) {
                    for (int mask = 0; mask < 16; mask++) {
                        Circuit c = new Circuit(ohms[mask & 1] * 1.3, ohms[(mask >> 1) & 1],
                                ohms[(mask >> 2) & 1] * 4, ohms[(mask >> 3) & 1] * 0.7, mask % 3 == 0 ? 0 : 1e3, d, s);
                        assertAgrees(rows, cols, c, g, "mask " + mask);
                    }
                }
            }
        }
    }

    @Test
    void largerRandomShapesAgreeWithTheDenseReference() {
        Random rnd = new Random(12);
        int[][] shapes = {{17, 9}, {9, 17}, {12, 31}, {32, 32}};
        for (int[] shape : shapes) {
            for (int trial = 0; trial < 3; trial++) {
                Drive d = Drive.values()[rnd.nextInt(3)];
                Sense s = Sense.values()[rnd.nextInt(3)];
                Circuit c = new Circuit(rnd.nextDouble() * 5, rnd.nextDouble() * 5, rnd.nextInt(2) * rnd.nextDouble() * 10,
                        rnd.nextInt(2) * rnd.nextDouble() * 10, rnd.nextInt(2) * 5e3, d, s);
                assertAgrees(shape[0], shape[1], c, cells(rnd, shape[0], shape[1], 1e-6, 1e-4), "trial " + trial);
            }
        }
    }

    @Test
    void extremeWiresAndCellsAgreeWithTheDenseReference() {
        Random rnd = new Random(13);
        double[] wires = {0, 0.01, 1, 100};
        for (int[] shape : new int[][] {{3, 5}, {8, 8}, {13, 6}}) {
            for (double wl : wires) {
                for (double bl : wires) {
                    Drive d = Drive.values()[rnd.nextInt(3)];
                    Sense s = Sense.values()[rnd.nextInt(3)];
                    Circuit c = new Circuit(wl, bl, rnd.nextInt(2) * 50.0, rnd.nextInt(2) * 20.0, 0, d, s);
                    assertAgrees(shape[0], shape[1], c, logCells(rnd, shape[0], shape[1], 1e-9, 1e-2), "extreme");
                }
            }
        }
    }

    @Test
    void nestedDissectionAgreesOnSmallShapesWithEveryOption() {
        Random rnd = new Random(21);
        int[][] shapes = {{1, 1}, {1, 2}, {2, 1}, {1, 7}, {7, 1}, {2, 2}, {3, 5}, {5, 3}, {6, 6}, {1, 40}, {3, 37}};
        double[] ohms = {0, 3.0};
        for (int[] shape : shapes) {
            int rows = shape[0];
            int cols = shape[1];
            double[] g = cells(rnd, rows, cols, 1e-6, 1e-4);
            for (Drive d : Drive.values()) {
                for (Sense s : Sense.values()) {
                    for (int mask = 0; mask < 4; mask++) {
                        Circuit c = new Circuit(1.3, 2.5, ohms[mask & 1] * 4, ohms[(mask >> 1) & 1] * 0.7,
                                mask % 3 == 0 ? 0 : 1e3, d, s);
                        double[] ref = reference(rows, cols, c, g);
                        for (int threads : new int[] {1, 2}) {
                            double err = relativeError(new TransferMatrix(rows, cols, c, threads, TransferMatrix.Method.NESTED).compute(g), ref);
                            assertTrue(err <= TOLERANCE, rows + "x" + cols + " " + c + ": relative error " + err);
                        }
                    }
                }
            }
        }
    }
}
