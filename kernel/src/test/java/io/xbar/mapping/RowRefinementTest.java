// RowRefinementTest: the refinement never raises its first-order cost, finds the obvious swap, and calibrated activities help on the exact network.
package io.xbar.mapping;


import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowRefinementTest {

    /** The model's cost, written out directly: sum_j (1/I_j) sum_s C_s,j G_s,j. */
    static double cost(int[] order, double[] g, double[] act, int cols) {
        double total = 0;
        for (int j = 0; j < cols; j++) {
            double current = 0;
            for (int r : order) {
                current += g[r * cols + j] * act[r];
            }
            double c = 0;
            double gs = 0;
            double sum = 0;
            for (int s = 0; s + 1 < order.length; s++) {
                c += g[order[s] * cols + j] * act[order[s]];
                gs += g[order[s] * cols + j];
                sum += c * gs;
            }
            total += sum / current;
        }
        return total;
    }

    @Test
    void neverRaisesTheCostAndUsuallyLowersIt() {
        SplittableRandom r = new SplittableRandom(4);
        int lowered = 0;
        for (int trial = 0; trial < 20; trial++) {
            int rows = 5 + r.nextInt(30);
            int cols = 1 + r.nextInt(20);
            double[] g = new double[rows * cols];
            double[] act = new double[rows];
            for (int k = 0; k < g.length; k++) {
                g[k] = r.nextInt(3) == 0 ? 1e-4 : 1e-6;
            }
            for (int k = 0; k < rows; k++) {
                act[k] = r.nextDouble();
            }
            int[] order = new int[rows];
            for (int k = 0; k < rows; k++) {
                order[k] = k;
            }
            double before = cost(order, g, act, cols);
            RowRefinement.refine(order, g, act, cols, new double[cols]);
            double after = cost(order, g, act, cols);
            assertTrue(after <= before * (1 + 1e-12), "trial " + trial + ": " + after + " > " + before);
            if (after < before * (1 - 1e-9)) {
                lowered++;
            }
            int[] sorted = order.clone();
            java.util.Arrays.sort(sorted);
            for (int k = 0; k < rows; k++) {
                assertEquals(k, sorted[k], "a permutation");
            }
        }
        assertTrue(lowered >= 15, "lowered in " + lowered + " of 20 trials");
    }

    @Test
    void movesTheActiveDenseRowNearestTheSenseAmplifier() {
        // Two rows, one column: far position first. The heavy active row belongs nearest the sense amplifier (last).
        double[] g = {1e-6, 1e-4};
        int[] order = {1, 0};
        RowRefinement.refine(order, g, new double[] {1, 1}, 1, new double[1]);
        assertArrayEquals(new int[] {0, 1}, order);
    }

    @Test
    void activityOfBitSerialInputs() {
        QuantizedInputs x = new QuantizedInputs(2, 3, new int[] {255, 0, 1, 15, 0, 1}, null, 1);
        double[] act = LayerMapping.activity(x, MappingOptions.DEFAULT);
        assertArrayEquals(new double[] {12.0 / 16, 0, 2.0 / 16}, act, 1e-15);
        double[] act2 = LayerMapping.activity(x, MappingOptions.DEFAULT.withInputs(8, 4, 0));
        assertArrayEquals(new double[] {(30.0 + 15) / 60, 0, 2.0 / 60}, act2, 1e-15);
    }
}
