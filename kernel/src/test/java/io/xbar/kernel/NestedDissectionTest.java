// NestedDissectionTest: the nested-dissection transfer matrix against the row sweep (the oracle comparison is in the reference module).
package io.xbar.kernel;


import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class NestedDissectionTest {
    private static final double TOLERANCE = 1e-9;

    private static double[] nested(int rows, int cols, Circuit c, double[] g, int threads) {
        double[] t = new double[rows * cols];
        new NestedDissection(rows, cols, c, threads).transfer(g, t);
        return t;
    }

    private static double[] sweep(int rows, int cols, Circuit c, double[] g) {
        double[] t = new double[rows * cols];
        SchurSweep.of(rows, cols, c).transfer(g, t);
        return t;
    }


    @Test
    void largerShapesAcrossLeafAndCutBoundariesAgreeWithTheRowSweep() {
        Random rnd = new Random(22);
        int[][] shapes = {{33, 33}, {64, 65}, {97, 40}, {40, 97}, {128, 128}, {2, 300}, {300, 2}};
        for (int[] shape : shapes) {
            int rows = shape[0];
            int cols = shape[1];
            Drive d = Drive.values()[rnd.nextInt(3)];
            Sense s = Sense.values()[rnd.nextInt(3)];
            Circuit c = new Circuit(2.5, 2.5, rnd.nextBoolean() ? 0 : 10, rnd.nextBoolean() ? 0 : 5, 0, d, s);
            double[] g = TransferMatrixTest.cells(rnd, rows, cols, 1e-6, 1e-4);
            double err = TransferMatrixTest.relativeError(nested(rows, cols, c, g, 2), sweep(rows, cols, c, g));
            assertTrue(err <= TOLERANCE, rows + "x" + cols + " " + c + ": relative error " + err);
        }
    }

    @Test
    void extremeParametersAgreeWithTheRowSweep() {
        Random rnd = new Random(23);
        double[][] ranges = {{1e-9, 1e-7}, {1e-4, 1e-2}, {1e-9, 1e-2}};
        double[] wires = {1e-3, 0.01, 1, 100};
        for (double[] range : ranges) {
            for (double wire : wires) {
                Circuit c = new Circuit(wire, wire * 0.7, 0, 0, 0, Drive.LEFT, Sense.BOTTOM);
                double[] g = TransferMatrixTest.logCells(rnd, 48, 40, range[0], range[1]);
                double err = TransferMatrixTest.relativeError(nested(48, 40, c, g, 2), sweep(48, 40, c, g));
                assertTrue(err <= TOLERANCE, "cells " + range[0] + ".." + range[1] + " wires " + wire
                        + ": relative error " + err);
            }
        }
    }

    @Test
    void shortedLinesAreLeftToTheRowSweep() {
        assertThrows(IllegalArgumentException.class,
                () -> new NestedDissection(4, 4, Circuit.DEFAULT.withWordLine(0), 1));
    }
}
