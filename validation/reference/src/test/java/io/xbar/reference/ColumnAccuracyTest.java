// ColumnAccuracyTest: every column's current within 1e-9 of the LAPACK reference over wide conductance spreads (issue 12 item 10).
package io.xbar.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarSolver;
import io.xbar.kernel.Solution;
import io.xbar.kernel.SolverOptions;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Cells spanning 1e-12..1e2 S (and 1e-6..1 S) next to 2.5 ohm wires: cells far more conductive than
 * the wires starve the columns away from the driver, whose currents are then thousands of times
 * smaller than the largest cell current. Judged per column, not on the largest current; and up to
 * the largest spread of conductances the solver accepts.
 */
class ColumnAccuracyTest {
    /** The documented accuracy of output currents against the reference, per column. */
    private static final double PER_COLUMN = 1e-9;

    private static double[] cells(long seed, int size, double lo, double hi, boolean logUniform) {
        Random r = new Random(seed);
        double[] g = new double[size * size];
        for (int k = 0; k < g.length; k++) {
            double t = r.nextDouble();
            g[k] = logUniform ? lo * Math.pow(hi / lo, t) : lo + (hi - lo) * t;
        }
        return g;
    }

    @ParameterizedTest(name = "{0}x{0} cells {1}..{2} S, log-uniform {3}, wires {4} ohm")
    @CsvSource({
        "32, 1e-12, 1e2, true, 2.5", "32, 1e-12, 1e2, false, 2.5", "32, 1e-6, 1, true, 2.5", "32, 1e-6, 1, false, 2.5",
        "64, 1e-12, 1e2, true, 2.5", "64, 1e-12, 1e2, false, 2.5", "64, 1e-6, 1, true, 2.5", "64, 1e-6, 1, false, 2.5",
        // Near the accepted spread of 1e30 (Scaling.MAX_SPREAD): cells against wires, wires against cells.
        "32, 1e-29, 1, true, 2.5", "32, 1e-20, 1e-4, true, 1e-6"})
    void everyColumnMatchesTheReference(int size, double lo, double hi, boolean logUniform, double wires) {
        double[] g = cells(size * 31L + (logUniform ? 1 : 0), size, lo, hi, logUniform);
        double[] v = Crossbars.voltages(size, 1, size, 0.2);
        Circuit resistive = Circuit.DEFAULT.withWires(wires);
        Circuit[] circuits = {resistive, resistive.withSource(10).withSense(10),
                resistive.withWordLine(0), resistive.withBitLine(0),
                Circuit.IDEAL.withSource(10).withSense(10)};
        for (Circuit c : circuits) {
            Solution s = CrossbarSolver.create(size, size, c).program(g).solve(v);
            double[] expected = ReferenceSolver.factor(size, size, c, g).solve(v).currents();
            assertTrue(s.residual() <= SolverOptions.REQUIRED_RESIDUAL, "reported residual " + s.residual());
            for (int j = 0; j < size; j++) {
                double error = Math.abs(s.currents()[j] - expected[j]) / Math.abs(expected[j]);
                assertTrue(error <= PER_COLUMN, c + ": column " + j + " current " + s.currents()[j] + ", reference "
                        + expected[j] + ", relative error " + error);
            }
        }
    }
}
