// KernelAgreementTest: the fast kernel against the LAPACK reference over the seeded campaign (issue 2, item 4).
package io.xbar.validation;

import io.xbar.reference.HandSolutions;
import io.xbar.reference.ReferenceSolver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xbar.blas.Blas;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarSolver;
import io.xbar.kernel.Drive;
import io.xbar.kernel.ProgrammedCrossbar;
import io.xbar.kernel.Sense;
import io.xbar.kernel.Solution;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of {@link ValidationCases#campaign} (seed {@value #SEED}, the full campaign: shapes
 * from 1x1 to 256x256, every drive and sense end, every resistance exactly 0, wires from 1e-6 to
 * 100 ohm, cells from 1e-9 to 1e-2 S and open, single vectors and batches) solved by the kernel
 * and by {@link ReferenceSolver}: currents and node voltages agree to 1e-9 relative, the kernel's
 * reported KCL residual is at most 1e-10, and with zero parasitics the kernel gives {@code V g'}.
 */
class KernelAgreementTest {
    static final long SEED = 2026;
    private static int blasThreads;

    @BeforeAll
    static void oneBlasThread() {
        blasThreads = Blas.threads();
        Blas.setThreads(1);
    }

    @AfterAll
    static void restoreBlasThreads() {
        Blas.setThreads(blasThreads);
    }

    @TestFactory
    Stream<DynamicTest> kernelAgreesWithTheReference() {
        List<ValidationCase> cases = ValidationCases.campaign(SEED, false);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.family() + " " + c.describe(), () -> check(c)));
    }

    private static void check(ValidationCase c) {
        Solution[] expected = ReferenceSolver.factor(c.rows(), c.cols(), c.circuit(), c.conductances())
                .solve(c.voltages(), c.batch());
        ProgrammedCrossbar kernel = CrossbarSolver.create(c.rows(), c.cols(), c.circuit()).program(c.conductances());
        for (int b = 0; b < c.batch(); b++) {
            Solution got = kernel.solve(c.voltages(b), true);
            String what = String.format(Locale.ROOT, "vector %d of %s", b, c.describe());
            double currents = ValidationSuite.relativeError(got.currents(), expected[b].currents());
            assertTrue(currents <= ValidationSuite.KERNEL_CURRENTS, "currents off by " + currents + ": " + what);
            double voltages = ValidationSuite.voltageError(got, expected[b]);
            assertTrue(voltages <= ValidationSuite.KERNEL_CURRENTS, "node voltages off by " + voltages + ": " + what);
            assertTrue(got.residual() <= ValidationSuite.KERNEL_RESIDUAL,
                    "kernel reports residual " + got.residual() + ": " + what);
            if (c.circuit().isIdeal()) {
                double ideal = ValidationSuite.relativeError(got.currents(), ValidationSuite.idealCurrents(c, b));
                assertTrue(ideal <= ValidationSuite.IDEAL, "zero parasitics off the ideal product by " + ideal + ": " + what);
            }
        }
        double[] batch = kernel.currents(c.voltages(), c.batch());
        assertEquals(c.batch() * c.cols(), batch.length, "batch currents length");
        for (int b = 0; b < c.batch(); b++) {
            double[] row = java.util.Arrays.copyOfRange(batch, b * c.cols(), (b + 1) * c.cols());
            double e = ValidationSuite.relativeError(row, expected[b].currents());
            assertTrue(e <= ValidationSuite.KERNEL_CURRENTS, "batch currents off by " + e + ": vector " + b + " of "
                    + c.describe());
        }
    }

    /**
     * The smallest disagreement found, with a closed-form answer that needs no reference: one word
     * line of 1e-6 ohm segments behind a 100 ohm driver, every cell 1e-4 S. The cells are nearly in
     * parallel, {@code I[j] ~ 0.2 / (100 + 1/(N 1e-4)) / N}; the ladder by hand gives it exactly.
     */
    @Test
    void conductiveWordLineBehindADriverResistance() {
        Circuit c = new Circuit(1e-6, 2.5, 100, 0, 0, Drive.LEFT, Sense.BOTTOM);
        for (int cols : new int[] {2, 64}) {
            double[] g = new double[cols];
            java.util.Arrays.fill(g, 1e-4);
            double[] v = {0.2};
            double[] hand = HandSolutions.singleRow(c, g, v[0])[0];
            assertEquals(0.2 / (100 + 1 / (cols * 1e-4)) / cols, hand[0], 1e-6 * hand[0], "the ladder by hand");
            double[] reference = ReferenceSolver.factor(1, cols, c, g).solve(v).currents();
            assertTrue(ValidationSuite.relativeError(reference, hand) < 1e-14, "reference vs hand");
            double[] kernel = CrossbarSolver.create(1, cols, c).program(g).solve(v).currents();
            double e = ValidationSuite.relativeError(kernel, hand);
            assertTrue(e <= ValidationSuite.KERNEL_CURRENTS, "1x" + cols + ": kernel off the hand-solved ladder by " + e);
        }
    }
}
