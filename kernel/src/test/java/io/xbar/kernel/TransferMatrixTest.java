// TransferMatrixTest: the transfer matrix against per-input solves, closed forms, reciprocity and its own methods (the oracle comparison is in the reference module).
package io.xbar.kernel;


import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class TransferMatrixTest {
    private static final double TOLERANCE = 1e-9;

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


    @Test
    void agreesWithPerInputSolvesOfTheCrossbarSolver() {
        Random rnd = new Random(19);
        int[][] shapes = {{48, 40}, {33, 64}, {64, 64}};
        Circuit[] circuits = {Circuit.DEFAULT, new Circuit(1, 4, 2, 3, 500, Drive.BOTH, Sense.TOP),
            new Circuit(2.5, 2.5, 0, 1, 0, Drive.RIGHT, Sense.BOTH)};
        for (int s = 0; s < shapes.length; s++) {
            int rows = shapes[s][0];
            int cols = shapes[s][1];
            Circuit c = circuits[s];
            double[] g = cells(rnd, rows, cols, 1e-6, 1e-4);
            double[] unit = new double[rows * rows];
            for (int i = 0; i < rows; i++) {
                unit[i * rows + i] = 1;
            }
            double[] solved = CrossbarSolver.create(rows, cols, c).program(g).currents(unit, rows);
            double err = relativeError(TransferMatrix.compute(rows, cols, c, g), solved);
            assertTrue(err <= TOLERANCE, rows + "x" + cols + " " + c + ": relative error " + err);
        }
    }

    @Test
    void zeroParasiticsGiveTheCellConductances() {
        Random rnd = new Random(14);
        for (Drive d : Drive.values()) {
            for (Sense s : Sense.values()) {
                Circuit c = new Circuit(0, 0, 0, 0, 250, d, s);
                double[] g = logCells(rnd, 9, 7, 1e-9, 1e-2);
                double[] t = TransferMatrix.compute(9, 7, c, g);
                for (int k = 0; k < g.length; k++) {
                    assertEquals(c.cellConductance(g[k]), t[k], 1e-15 * c.cellConductance(g[k]), "cell " + k);
                }
            }
        }
    }

    @Test
    void openColumnsCarryNoCurrentAndOpenArraysGiveZero() {
        int rows = 6;
        int cols = 5;
        double[] g = cells(new Random(15), rows, cols, 1e-6, 1e-4);
        for (int i = 0; i < rows; i++) {
            g[i * cols + 2] = 0;
        }
        double[] t = TransferMatrix.compute(rows, cols, Circuit.DEFAULT, g);
        for (int i = 0; i < rows; i++) {
            assertEquals(0.0, t[i * cols + 2], 0.0);
            assertTrue(t[i * cols] > 0);
        }
        assertArrayEquals(new double[rows * cols], TransferMatrix.compute(rows, cols, Circuit.DEFAULT, new double[rows * cols]));
    }

    @Test
    void reciprocityTransposesTheCrossbar() {
        // T of the crossbar equals the transpose of T of its mirror (word lines <-> bit lines).
        Random rnd = new Random(16);
        int rows = 7;
        int cols = 4;
        double[] g = cells(rnd, rows, cols, 1e-6, 1e-4);
        double[] gt = new double[g.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                gt[j * rows + i] = g[i * cols + j];
            }
        }
        Circuit c = new Circuit(1.5, 3.5, 20, 7, 0, Drive.RIGHT, Sense.TOP);
        Circuit mirror = new Circuit(3.5, 1.5, 7, 20, 0, Drive.LEFT, Sense.BOTTOM);
        double[] t = TransferMatrix.compute(rows, cols, c, g);
        double[] tm = TransferMatrix.compute(cols, rows, mirror, gt);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                assertEquals(t[i * cols + j], tm[j * rows + i], 1e-12 * Math.abs(t[i * cols + j]));
            }
        }
    }

    @Test
    void aReusedInstanceGivesTheSameAnswerAndLeavesItsInputAlone() {
        Random rnd = new Random(17);
        TransferMatrix tm = new TransferMatrix(10, 12, Circuit.DEFAULT.withSenseAt(Sense.BOTH));
        double[] g1 = cells(rnd, 10, 12, 1e-6, 1e-4);
        double[] g2 = cells(rnd, 10, 12, 1e-6, 1e-4);
        double[] copy = g1.clone();
        double[] first = tm.compute(g1);
        assertArrayEquals(copy, g1);
        tm.compute(g2);
        assertArrayEquals(first, tm.compute(g1));
        assertArrayEquals(first, TransferMatrix.compute(10, 12, Circuit.DEFAULT.withSenseAt(Sense.BOTH), g1));
    }

    @Test
    void theTwoThreadPipelineAgreesWithOneThread() {
        Random rnd = new Random(18);
        double[] g = cells(rnd, 80, 64, 1e-6, 1e-4);
        for (int k = 0; k < 6; k++) {
            Sense s = Sense.values()[k % 3];
            Circuit c = Circuit.DEFAULT.withSenseAt(s).withSense(k / 3);
            TransferMatrix two = new TransferMatrix(80, 64, c, 2);
            assertEquals(2, two.threads());
            // Same operations, rows of the triangular solves split differently: equal to the last bits.
            double err = relativeError(two.compute(g), new TransferMatrix(80, 64, c, 1).compute(g));
            assertTrue(err <= 1e-13, s + ": relative difference " + err);
        }
        // The same pipeline with a batch of vectors as right-hand sides (SchurSweep's vector mode).
        SchurSweep sweep = SchurSweep.of(80, 64, Circuit.DEFAULT);
        double[] v = new double[100 * 80];
        for (int k = 0; k < v.length; k++) {
            v[k] = 0.2 * rnd.nextDouble();
        }
        double[] one = new double[100 * 64];
        sweep.currents(g, v, 100, one);
        double[] two = new double[100 * 64];
        sweep.pipelined(true);
        sweep.currents(g, v, 100, two);
        assertTrue(relativeError(two, one) <= 1e-13, "vector mode: relative difference " + relativeError(two, one));
    }

    @Test
    void badInputIsRejectedWithItsName() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> TransferMatrix.compute(2, 2, Circuit.DEFAULT, new double[] {1e-5, -1e-5, 1e-5, 1e-5}));
        assertTrue(e.getMessage().contains("conductances[0][1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TransferMatrix.compute(2, 2, Circuit.DEFAULT, new double[] {1e-5, Double.NaN, 1e-5, 1e-5}));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TransferMatrix.compute(2, 3, Circuit.DEFAULT, new double[5]));
        assertTrue(e.getMessage().contains("2x3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TransferMatrix.compute(0, 3, Circuit.DEFAULT, new double[0]));
        assertTrue(e.getMessage().contains("0x3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TransferMatrix.compute(2, 2, null, new double[4]));
        assertTrue(e.getMessage().contains("circuit"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TransferMatrix(2, 2, Circuit.DEFAULT).compute(new double[4], new double[3]));
        assertTrue(e.getMessage().contains("transfer output"), e.getMessage());
    }

    @Test
    void theMethodFollowsTheCircuitAndTheSizeAndCanBeForced() {
        assertTrue(new TransferMatrix(128, 128, Circuit.DEFAULT).nestedDissection());
        assertTrue(!new TransferMatrix(16, 16, Circuit.DEFAULT).nestedDissection(), "small: the row sweep");
        assertTrue(!new TransferMatrix(128, 128, Circuit.DEFAULT.withWordLine(0)).nestedDissection(), "shorted lines: the sweep");
        assertTrue(!new TransferMatrix(128, 128, Circuit.DEFAULT.withBitLine(0)).nestedDissection());
        assertTrue(new TransferMatrix(16, 16, Circuit.DEFAULT, 0, TransferMatrix.Method.NESTED).nestedDissection());
        assertTrue(!new TransferMatrix(128, 128, Circuit.DEFAULT, 0, TransferMatrix.Method.SWEEP).nestedDissection());
        var e = assertThrows(IllegalArgumentException.class,
                () -> new TransferMatrix(8, 8, Circuit.DEFAULT.withBitLine(0), 0, TransferMatrix.Method.NESTED));
        assertTrue(e.getMessage().contains("r_bl = 0"), e.getMessage());
        // Both methods, the same matrix; progress is reported up to 1.
        Random rnd = new Random(14);
        double[] g = cells(rnd, 70, 90, 1e-6, 1e-4);
        double[] nested = new double[70 * 90];
        double[] last = {0};
        new TransferMatrix(70, 90, Circuit.DEFAULT, 2, TransferMatrix.Method.NESTED).compute(g, nested, f -> {
            assertTrue(f >= last[0] && f <= 1, "progress " + f + " after " + last[0]);
            last[0] = f;
        });
        assertEquals(1.0, last[0], 1e-12);
        double[] sweep = new TransferMatrix(70, 90, Circuit.DEFAULT, 2, TransferMatrix.Method.SWEEP).compute(g);
        double err = relativeError(nested, sweep);
        assertTrue(err <= TOLERANCE, "nested vs sweep: " + err);
    }
}
