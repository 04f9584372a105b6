// FirstOrderModelTest: the linearized transfer matrix is the exact one's first-order term.
package io.xbar.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import org.junit.jupiter.api.Test;

class FirstOrderModelTest {

    @Test
    void distanceWeightedSumsMatchTheDefinition() {
        Random rnd = new Random(3);
        for (int n : new int[] {1, 2, 5, 17}) {
            double[] h = new double[n];
            for (int k = 0; k < n; k++) {
                h[k] = rnd.nextDouble();
            }
            double[] out = new double[n];
            double total = FirstOrderModel.distanceWeightedSums(h, out);
            double expectedTotal = 0;
            for (int d = 0; d < n; d++) {
                double s = 0;
                for (int e = 0; e < n; e++) {
                    s += h[e] * Math.min(d, e);
                }
                assertEquals(s, out[d], 1e-12, "d=" + d);
                expectedTotal += h[d];
            }
            assertEquals(expectedTotal, total, 1e-12);
        }
    }

    /**
     * At small resistances the exact loss {@code g' - T} and the model's {@code g' - T1} agree to
     * first order: their difference shrinks like r^2 while the loss itself shrinks like r.
     */
    @Test
    void agreesWithTheExactNetworkToFirstOrder() {
        Random rnd = new Random(11);
        int rows = 12;
        int cols = 9;
        double[] g = new double[rows * cols];
        for (int k = 0; k < g.length; k++) {
            g[k] = 1e-6 + (1e-4 - 1e-6) * rnd.nextDouble();
        }
        for (Drive drive : new Drive[] {Drive.LEFT, Drive.RIGHT}) {
            for (Sense sense : new Sense[] {Sense.BOTTOM, Sense.TOP}) {
                double previousRatio = Double.NaN;
                for (double r : new double[] {1e-2, 1e-3}) {
                    Circuit c = Circuit.DEFAULT.withWordLine(r).withBitLine(0.7 * r).withSource(2 * r).withSense(3 * r)
                            .withAccess(100).withDrive(drive).withSenseAt(sense);
                    double[] exact = TransferFunction.exact().compute(rows, cols, c, g);
                    double[] model = FirstOrderModel.transfer(rows, cols, c, g);
                    double worst = 0;
                    for (int k = 0; k < g.length; k++) {
                        double ideal = c.cellConductance(g[k]);
                        double lossExact = ideal - exact[k];
                        double lossModel = ideal - model[k];
                        assertTrue(lossModel > 0, "the model loses current at every cell");
                        worst = Math.max(worst, Math.abs(lossModel - lossExact) / lossModel);
                    }
                    // The relative gap is O(g r N): 10x smaller resistance, about 10x smaller gap.
                    assertTrue(worst < 1e-3, drive + "/" + sense + " r=" + r + ": relative gap " + worst);
                    if (!Double.isNaN(previousRatio)) {
                        assertTrue(worst < 0.2 * previousRatio, "gap shrinks linearly: " + previousRatio + " -> " + worst);
                    }
                    previousRatio = worst;
                }
            }
        }
    }

    @Test
    void rejectsBothEndsAndWrongShapes() {
        double[] g = new double[6];
        assertThrows(IllegalArgumentException.class,
                () -> FirstOrderModel.transfer(2, 3, Circuit.DEFAULT.withDrive(Drive.BOTH), g));
        assertThrows(IllegalArgumentException.class,
                () -> FirstOrderModel.transfer(2, 3, Circuit.DEFAULT.withSenseAt(Sense.BOTH), g));
        assertThrows(IllegalArgumentException.class, () -> FirstOrderModel.transfer(2, 2, Circuit.DEFAULT, g));
    }
}
