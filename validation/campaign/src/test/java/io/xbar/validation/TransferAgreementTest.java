// TransferAgreementTest: the kernel's exact transfer matrix T against the reference solved for every V = e_i.
package io.xbar.validation;

import io.xbar.reference.HandSolutions;
import io.xbar.reference.ReferenceSolver;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xbar.blas.Blas;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import io.xbar.kernel.TransferMatrix;

import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every campaign case up to {@link ValidationSuite#TRANSFER_CELLS} cells (all shapes, options,
 * exact shorts and extreme values of {@link ValidationCases}): {@code TransferMatrix.compute} equals
 * the reference's {@code M} solves with unit inputs to a relative 1e-9 of {@code max |T|}.
 */
class TransferAgreementTest {
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
    Stream<DynamicTest> transferMatrixAgreesWithTheReference() {
        return ValidationCases.campaign(KernelAgreementTest.SEED, false).stream()
                .filter(c -> c.cellCount() <= ValidationSuite.TRANSFER_CELLS)
                .map(c -> DynamicTest.dynamicTest(c.family() + " " + c.describe(), () -> {
                    double[] expected = ReferenceSolver.factor(c.rows(), c.cols(), c.circuit(), c.conductances())
                            .transfer().currents();
                    double[] got = TransferMatrix.compute(c.rows(), c.cols(), c.circuit(), c.conductances());
                    double e = ValidationSuite.relativeError(got, expected);
                    double tolerance = ValidationSuite.directTolerance(c.circuit(), ValidationSuite.KERNEL_CURRENTS);
                    assertTrue(e <= tolerance, "T off by " + e + " (tolerance " + tolerance + "): " + c.describe());
                }));
    }

    /**
     * The closed-form case of {@code KernelAgreementTest}: T's single row is the ladder for V = 1.
     * A 1e-6 ohm word line is a near short: the elimination keeps {@link ValidationSuite#DIRECT_NEAR_SHORT}.
     */
    @Test
    void conductiveWordLineBehindADriverResistance() {
        Circuit c = new Circuit(1e-6, 2.5, 100, 0, 0, Drive.LEFT, Sense.BOTTOM);
        for (int cols : new int[] {2, 64}) {
            double[] g = new double[cols];
            java.util.Arrays.fill(g, 1e-4);
            double[] hand = HandSolutions.singleRow(c, g, 1.0)[0];
            double e = ValidationSuite.relativeError(TransferMatrix.compute(1, cols, c, g), hand);
            assertTrue(e <= ValidationSuite.directTolerance(c, ValidationSuite.KERNEL_CURRENTS),
                    "1x" + cols + ": T off the hand-solved ladder by " + e);
        }
    }
}
