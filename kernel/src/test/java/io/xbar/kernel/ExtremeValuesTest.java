// ExtremeValuesTest: inputs, cells and wires near the ends of the double range give the exact (power-of-two scaled) answer or a clear refusal (issue 12 item 8).
package io.xbar.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The network is linear: conductances times {@code 2^a} and voltages times {@code 2^b} give node
 * voltages times {@code 2^b} and currents times {@code 2^(a+b)}, exactly in binary floating point.
 * So the exact answer for extreme values is the answer of the same problem scaled into the
 * ordinary range, scaled back; the solver must return it bit for bit.
 */
class ExtremeValuesTest {
    private static final Circuit[] CIRCUITS = {Circuit.DEFAULT, Circuit.DEFAULT.withSource(3).withSense(7),
            Circuit.DEFAULT.withWordLine(0), Circuit.DEFAULT.withBitLine(0), Circuit.IDEAL.withSource(3).withSense(7),
            Circuit.DEFAULT.withAccess(1000)};

    private static double[] uniform(long seed, int count, double lo, double hi) {
        Random r = new Random(seed);
        double[] x = new double[count];
        for (int k = 0; k < count; k++) {
            x[k] = lo + (hi - lo) * r.nextDouble();
        }
        return x;
    }

    private static double[] scalb(double[] x, int e) {
        double[] y = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            y[k] = Math.scalb(x[k], e);
        }
        return y;
    }

    private static Circuit scalbOhms(Circuit c, int e) {
        return new Circuit(Math.scalb(c.wordLine(), e), Math.scalb(c.bitLine(), e), Math.scalb(c.source(), e),
                Math.scalb(c.sense(), e), Math.scalb(c.access(), e), c.drive(), c.senseAt());
    }

    /** Voltages of magnitude about {@code 2^e}: the answer is the one at 0.2 V times {@code 2^e}, in every column. */
    private static void voltagesScale(int e) {
        int m = 4;
        int n = 6;
        double[] g = uniform(1, m * n, 1e-6, 1e-4);
        double[] ordinary = uniform(2, m, 0.1, 0.2);
        double[] extreme = scalb(ordinary, e);
        for (Circuit c : CIRCUITS) {
            ProgrammedCrossbar xbar = CrossbarSolver.create(m, n, c).program(g);
            Solution expected = xbar.solve(ordinary, true);
            Solution actual = xbar.solve(extreme, true);
            assertArrayEquals(scalb(expected.currents(), e), actual.currents(), 0.0, c + " at 2^" + e + " V");
            assertArrayEquals(scalb(expected.wordLineVoltages(), e), actual.wordLineVoltages(), 0.0);
            assertArrayEquals(scalb(expected.bitLineVoltages(), e), actual.bitLineVoltages(), 0.0);
            for (double current : actual.currents()) {
                assertTrue(current > 0 && Double.isFinite(current), c + ": column current " + current);
            }
            double[] batch = new double[3 * m];
            System.arraycopy(extreme, 0, batch, 0, m);
            System.arraycopy(ordinary, 0, batch, m, m);
            System.arraycopy(extreme, 0, batch, 2 * m, m);
            double[] currents = xbar.currents(batch, 3);
            for (int j = 0; j < n; j++) {
                assertTrue(currents[j] == actual.currents()[j] && currents[n + j] == expected.currents()[j]
                        && currents[2 * n + j] == actual.currents()[j], c + " batch column " + j);
            }
        }
    }

    @Test
    void inputsNearTheLargestDouble() {
        // 0.1..0.2 V times 2^1026 is 7e307..1.4e308 V; the currents are about 5e304 A in every column.
        voltagesScale(1026);
    }

    @Test
    void inputsAbove1e160() {
        voltagesScale(534); // about 1e160 * (0.1..0.2) / 0.15
    }

    @Test
    void inputsBelow1e200() {
        voltagesScale(-664); // about 1e-200 V
    }

    @Test
    void cellsNearTheLargestDoubleWithMatchingWires() {
        int m = 5;
        int n = 7;
        double[] ordinary = uniform(3, m * n, 0.1, 0.85);   // siemens
        double[] extreme = scalb(ordinary, 1021);           // up to 1.9e308 S
        double[] v = uniform(4, m, 0.1, 0.2);
        for (Circuit ordinaryCircuit : new Circuit[] {Circuit.DEFAULT, Circuit.DEFAULT.withSource(3).withSense(7),
                Circuit.DEFAULT.withBitLine(0), Circuit.DEFAULT.withAccess(2)}) {
            Circuit c = scalbOhms(ordinaryCircuit, -1021);  // wires of 2.5 * 2^-1021 ohm: 1e-307
            double[] expected = scalb(CrossbarSolver.create(m, n, ordinaryCircuit).program(ordinary).solve(v).currents(), 1021);
            double[] actual = CrossbarSolver.create(m, n, c).program(extreme).solve(v).currents();
            assertArrayEquals(expected, actual, 0.0, ordinaryCircuit.toString());
            double[] tExpected = scalb(new TransferMatrix(m, n, ordinaryCircuit).compute(ordinary), 1021);
            double[] t = new TransferMatrix(m, n, c).compute(extreme);
            for (int k = 0; k < t.length; k++) {
                double tol = 1e-12 * Math.abs(tExpected[k]);
                assertTrue(Math.abs(t[k] - tExpected[k]) <= tol, ordinaryCircuit + ": T[" + k + "] = " + t[k]
                        + ", expected " + tExpected[k]);
            }
        }
    }

    @Test
    void cellsOf1e308BesideOrdinaryWiresAreRefusedWithTheRange() {
        double[] g = uniform(5, 12, 1e-6, 1e-4);
        g[7] = 1.7e308;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CrossbarSolver.create(3, 4, Circuit.DEFAULT).program(g));
        assertTrue(e.getMessage().contains("cell [1][3] = 1.7E308 S") && e.getMessage().contains("1e30"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TransferMatrix.compute(3, 4, Circuit.DEFAULT, g));
    }

    /** The message names the resistance that holds an end of the range, with its conductance. */
    @Test
    void aTinyCellBesideOrdinaryWiresNamesTheWireAndTheCell() {
        double[] g = uniform(5, 12, 1e-6, 1e-4);
        g[5] = 1e-33;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CrossbarSolver.create(3, 4, Circuit.DEFAULT.withWordLine(0.5)).program(g));
        assertTrue(e.getMessage().contains("largest r_wl = 0.5 ohm (2.00 S)")
                && e.getMessage().contains("smallest cell [1][1] = 1.0E-33 S"), e.getMessage());
    }

    @Test
    void currentsBeyondTheLargestDoubleAreRefused() {
        double[] g = uniform(6, 12, 1e-2, 1e2);
        double[] v = {1e308, 1e308, 1e308};
        ProgrammedCrossbar xbar = CrossbarSolver.create(3, 4, Circuit.IDEAL).program(g);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> xbar.solve(v));
        assertTrue(e.getMessage().contains("beyond the largest double"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> xbar.currents(new double[] {0.2, 0.2, 0.2, 1e308, 1e308, 1e308}, 2));
        // The same voltages behind wires that limit the current are fine.
        assertDoesNotThrow(() -> CrossbarSolver.create(3, 4, Circuit.DEFAULT.withSense(1e3)).program(g).solve(v));
    }

    @Test
    void deviceWithGOn1e308() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Scaling.checkDevice(1e308, 1e-6, 0.2, 256, Circuit.DEFAULT));
        assertTrue(e.getMessage().contains("g_on = 1.0E308 S"), e.getMessage());
        Circuit wires = Circuit.DEFAULT.withWires(1e-307);
        e = assertThrows(IllegalArgumentException.class, () -> Scaling.checkDevice(1e308, 1e306, 0.2, 256, wires));
        assertTrue(e.getMessage().contains("beyond the largest double"), e.getMessage());
        assertDoesNotThrow(() -> Scaling.checkDevice(1e308, 1e306, 0.2, 4, wires));
        // Tiles of g_on = 1e308 cells on such wires: T is the ordinary one times 2^k.
        double[] levels = uniform(7, 20, 0, 1);
        double[] g = new double[20];
        double[] ordinary = new double[20];
        for (int k = 0; k < 20; k++) {
            g[k] = levels[k] < 0.5 ? 1e306 : 1e308;
            ordinary[k] = Math.scalb(g[k], -1020);
        }
        double[] expected = scalb(TransferMatrix.compute(4, 5, scalbOhms(wires, 1020), ordinary), 1020);
        double[] t = TransferMatrix.compute(4, 5, wires, g);
        for (int k = 0; k < t.length; k++) {
            assertTrue(Math.abs(t[k] - expected[k]) <= 1e-12 * Math.abs(expected[k]), "T[" + k + "] = " + t[k]);
        }
    }
}
