// ReferenceCrossbarTest: the CLI tests' reference solver against closed forms, so it can be trusted as a reference.
package io.xbar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReferenceCrossbarTest {
    @Test
    void singleCellIsASeriesCircuit() {
        Circuit c = new Circuit(7, 9, 100, 50, 2000, Drive.BOTH, Sense.BOTH);
        double g = 1e-4;
        // Both ends of a 1x1 crossbar are the same node: two drivers and two sense amplifiers in parallel.
        double expected = 0.3 / (100.0 / 2 + (1 / g + 2000) + 50.0 / 2);
        double got = ReferenceCrossbar.solve(1, 1, c, new double[] {g}, new double[] {0.3}).currents()[0];
        assertEquals(expected, got, 1e-15 * expected);
    }

    @Test
    void zeroParasiticsGiveTheIdealProduct() {
        Random rnd = new Random(3);
        int m = 5;
        int n = 4;
        double[] g = new double[m * n];
        double[] v = new double[m];
        for (int k = 0; k < g.length; k++) {
            g[k] = rnd.nextDouble() * 1e-4;
        }
        for (int i = 0; i < m; i++) {
            v[i] = rnd.nextDouble();
        }
        double[] got = ReferenceCrossbar.solve(m, n, Circuit.IDEAL, g, v).currents();
        for (int j = 0; j < n; j++) {
            double ideal = 0;
            for (int i = 0; i < m; i++) {
                ideal += v[i] * g[i * n + j];
            }
            assertEquals(ideal, got[j], 1e-14 * ideal);
        }
    }

    @Test
    void wiresOnlyLowerTheOutputsAndConserveCurrent() {
        Random rnd = new Random(4);
        int m = 4;
        int n = 6;
        double[] g = new double[m * n];
        for (int k = 0; k < g.length; k++) {
            g[k] = 1e-3 * (0.1 + rnd.nextDouble());
        }
        double[] v = {0.2, 0.1, 0.2, 0.05};
        Circuit c = Circuit.DEFAULT.withWires(10).withSource(5);
        ReferenceCrossbar.Result r = ReferenceCrossbar.solve(m, n, c, g, v);
        double in = 0;
        for (int i = 0; i < m; i++) {
            in += (v[i] - r.u()[i * n]) / 5; // driver current through r_source into u(i,0)
        }
        double out = 0;
        for (int j = 0; j < n; j++) {
            double ideal = 0;
            for (int i = 0; i < m; i++) {
                ideal += v[i] * g[i * n + j];
            }
            assertTrue(r.currents()[j] < ideal && r.currents()[j] > 0);
            out += r.currents()[j];
        }
        assertEquals(in, out, 1e-12 * in);
    }
}
