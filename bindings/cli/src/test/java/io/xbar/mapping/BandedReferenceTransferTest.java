// BandedReferenceTransferTest: the test reference itself obeys closed forms (single cell, ideal limit, symmetry) before it judges anything.
package io.xbar.mapping;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BandedReferenceTransferTest {
    private final BandedReferenceTransfer reference = new BandedReferenceTransfer();

    @Test
    void singleCellIsASeriesCircuit() {
        Circuit c = new Circuit(3, 5, 7, 11, 13, Drive.LEFT, Sense.BOTTOM);
        double g = 1e-3;
        double t = reference.compute(1, 1, c, new double[] {g})[0];
        // source -> cell (g behind access) -> sense: series resistances add.
        assertEquals(1 / (7 + 1 / g + 13 + 11), t, 1e-15);
    }

    @Test
    void tinyWiresApproachTheIdealAndRealWiresLoseCurrent() {
        SplittableRandom r = new SplittableRandom(1);
        int rows = 6;
        int cols = 5;
        double[] g = new double[rows * cols];
        for (int k = 0; k < g.length; k++) {
            g[k] = 1e-6 + r.nextDouble() * 1e-4;
        }
        double[] tiny = reference.compute(rows, cols, Circuit.DEFAULT.withWires(1e-9), g);
        double[] real = reference.compute(rows, cols, Circuit.DEFAULT.withWires(10), g);
        double lost = 0;
        for (int k = 0; k < g.length; k++) {
            assertEquals(g[k], tiny[k], 1e-9 * g[k]);
            // The cell at the driver/sense corner sees exactly its voltage; every other loses some.
            assertTrue(real[k] <= g[k] * (1 + 1e-12), "wires never add current at " + k);
            lost += g[k] - real[k];
        }
        assertTrue(lost > 0);
        assertEquals(g[(rows - 1) * cols], real[(rows - 1) * cols], 1e-12 * g[(rows - 1) * cols]);
    }

    @Test
    void mirroredDriveMirrorsTheTransferMatrix() {
        SplittableRandom r = new SplittableRandom(2);
        int rows = 4;
        int cols = 7;
        double[] g = new double[rows * cols];
        double[] mirrored = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                g[i * cols + j] = 1e-6 + r.nextDouble() * 1e-4;
            }
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                mirrored[(rows - 1 - i) * cols + (cols - 1 - j)] = g[i * cols + j];
            }
        }
        Circuit c = new Circuit(5, 4, 1, 2, 0, Drive.LEFT, Sense.BOTTOM);
        double[] t = reference.compute(rows, cols, c, g);
        double[] tm = reference.compute(rows, cols, c.withDrive(Drive.RIGHT).withSenseAt(Sense.TOP), mirrored);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                assertEquals(t[i * cols + j], tm[(rows - 1 - i) * cols + (cols - 1 - j)], 1e-12 * t[i * cols + j]);
            }
        }
    }
}
