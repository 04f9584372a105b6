// AnalogTileTest: both current paths against the dense reference over every option, the automatic choice, the cache and bad input.
package io.xbar.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class AnalogTileTest {
    private static double[] voltages(Random rnd, int batch, int rows) {
        double[] v = new double[batch * rows];
        for (int k = 0; k < v.length; k++) {
            v[k] = rnd.nextInt(4) == 0 ? 0 : 0.2 * rnd.nextDouble();
        }
        return v;
    }

    private static double[] times(double[] v, int batch, int rows, double[] t, int cols) {
        double[] out = new double[batch * cols];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int i = 0; i < rows; i++) {
                    s += v[b * rows + i] * t[i * cols + j];
                }
                out[b * cols + j] = s;
            }
        }
        return out;
    }

    @Test
    void bothPathsAgreeWithTheDenseReferenceForEveryOption() {
        Random rnd = new Random(31);
        double[] ohms = {0, 3};
        int[][] shapes = {{1, 1}, {1, 4}, {4, 1}, {5, 7}, {8, 3}};
        for (int[] shape : shapes) {
            int rows = shape[0];
            int cols = shape[1];
            double[] g = TransferMatrixTest.cells(rnd, rows, cols, 1e-6, 1e-4);
            for (Drive d : Drive.values()) {
                for (Sense s : Sense.values()) {
                    for (int mask = 0; mask < 16; mask += 1 + rnd.nextInt(3)) {
                        Circuit c = new Circuit(ohms[mask & 1], ohms[(mask >> 1) & 1] * 0.8, ohms[(mask >> 2) & 1] * 5,
                                ohms[(mask >> 3) & 1] * 2, 0, d, s);
                        int batch = 1 + rnd.nextInt(4);
                        double[] v = voltages(rnd, batch, rows);
                        double[] expect = times(v, batch, rows, DenseTransferReference.transfer(rows, cols, c, g), cols);
                        for (AnalogTile.Path p : AnalogTile.Path.values()) {
                            double[] got = new AnalogTile(rows, cols, c, g).currents(v, batch, p);
                            double err = TransferMatrixTest.relativeError(got, expect);
                            assertTrue(err <= 1e-9, p + " " + rows + "x" + cols + " " + c + ": relative error " + err);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theReciprocalSweepAgreesWithTheDirectSweepBeyondDenseSizes() {
        // A wide crossbar's T comes from its reciprocal network; the direct path sweeps the crossbar
        // itself with the unit vectors as inputs: two different eliminations of the same circuit.
        Random rnd = new Random(33);
        int rows = 30;
        int cols = 90;
        for (Sense s : Sense.values()) {
            Circuit c = new Circuit(2.5, 1.5, 3, 0.5, 0, Drive.values()[s.ordinal()], s);
            double[] g = TransferMatrixTest.cells(rnd, rows, cols, 1e-6, 1e-4);
            double[] unit = new double[rows * rows];
            for (int i = 0; i < rows; i++) {
                unit[i * rows + i] = 1;
            }
            double[] direct = new AnalogTile(rows, cols, c, g).currents(unit, rows, AnalogTile.Path.SWEEP);
            double[] gt = new double[rows * cols];
            TransferMatrix.transpose(g, rows, cols, gt);
            double[] tt = new double[rows * cols];
            SchurSweep.reciprocal(rows, cols, c).transfer(gt, tt);
            double[] reciprocal = new double[rows * cols];
            TransferMatrix.transpose(tt, cols, rows, reciprocal);
            double err = TransferMatrixTest.relativeError(direct, reciprocal);
            assertTrue(err <= 1e-10, s + ": reciprocal sweep, relative error " + err);
            err = TransferMatrixTest.relativeError(direct, TransferMatrix.compute(rows, cols, c, g));
            assertTrue(err <= 1e-10, s + ": automatic method, relative error " + err);
        }
    }

    @Test
    void theAutomaticPathFollowsTheCostModelAndTheCache() {
        Random rnd = new Random(32);
        int rows = 128;
        int cols = 128;
        AnalogTile tile = new AnalogTile(rows, cols, Circuit.DEFAULT, TransferMatrixTest.cells(rnd, rows, cols, 1e-6, 1e-4));
        assertEquals(AnalogTile.Path.DIRECT, tile.choose(1));
        assertEquals(AnalogTile.Path.TRANSFER, tile.choose(1000));
        double[] v = voltages(rnd, 1, rows);
        double[] direct = tile.currents(v, 1);
        assertTrue(!tile.hasTransfer(), "a single vector on a fresh tile solves directly");
        double[] t = tile.transfer();
        assertSame(t, tile.transfer());
        assertEquals(AnalogTile.Path.TRANSFER, tile.choose(1));
        double[] viaT = tile.currents(v, 1);
        assertTrue(TransferMatrixTest.relativeError(direct, viaT) <= 1e-9);
        for (AnalogTile.Path p : AnalogTile.Path.values()) {
            assertEquals(0, tile.currents(new double[0], 0, p).length);
        }
        AnalogTile small = new AnalogTile(6, 5, Circuit.DEFAULT, TransferMatrixTest.cells(rnd, 6, 5, 1e-6, 1e-4));
        assertEquals(AnalogTile.Path.TRANSFER, small.choose(1), "a tiny tile's T costs less than one iterative solve");
    }

    @Test
    void badInputIsRejectedWithItsName() {
        AnalogTile tile = new AnalogTile(2, 2, Circuit.DEFAULT, new double[] {1e-5, 2e-5, 3e-5, 4e-5});
        var e = assertThrows(IllegalArgumentException.class, () -> tile.currents(new double[] {0.1, Double.NaN}, 1));
        assertTrue(e.getMessage().contains("voltages[0][1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tile.currents(new double[3], 1));
        assertTrue(e.getMessage().contains("1x2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tile.currents(new double[2], 1, null));
        assertTrue(e.getMessage().contains("path"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AnalogTile(2, 2, Circuit.DEFAULT, new double[] {1, 1, -1, 1}));
        assertTrue(e.getMessage().contains("conductances[1][0]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AnalogTile(2, 2, null, new double[4]));
        assertTrue(e.getMessage().contains("circuit"), e.getMessage());
    }
}
