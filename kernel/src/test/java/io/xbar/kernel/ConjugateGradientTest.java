// ConjugateGradientTest: CG on operator objects reaches the tolerance, with the matrix residual or the method's own.
package io.xbar.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ConjugateGradientTest {
    /** {@code y = A x} for the grounded chain: diagonal {@code 2 + g}, neighbours {@code -1}. */
    private static void chain(double g, double[] x, double[] y) {
        int n = x.length;
        for (int i = 0; i < n; i++) {
            y[i] = (2 + g) * x[i] - (i > 0 ? x[i - 1] : 0) - (i + 1 < n ? x[i + 1] : 0);
        }
    }

    @Test
    void solvesAnSpdChainWithEitherResidual() {
        int n = 300;
        Random random = new Random(7);
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
            expected[i] = random.nextDouble() - 0.5;
        }
        double[] b = new double[n];
        chain(0.01, expected, b);
        ConjugateGradient.Operator a = (x, y) -> chain(0.01, x, y);
        ConjugateGradient.Preconditioner jacobi = (r, z) -> {
            for (int i = 0; i < n; i++) {
                z[i] = r[i] / 2.01;
            }
        };
        ConjugateGradient.Residual own = (x, r) -> {
            a.apply(x, r);
            for (int i = 0; i < n; i++) {
                r[i] = b[i] - r[i];
            }
        };
        ConjugateGradient cg = new ConjugateGradient(n, SolverOptions.DEFAULT, LineKernels.get());
        for (ConjugateGradient.Residual residual : new ConjugateGradient.Residual[] {null, own}) {
            double[] x = new double[n];
            ConjugateGradient.Stats s = cg.solve(new ConjugateGradient.Problem("chain", a, residual, jacobi, 4.01), b, x,
                    1.0);
            assertTrue(s.residual() <= SolverOptions.DEFAULT.tolerance(), "residual " + s.residual());
            assertTrue(s.iterations() > 0);
            assertArrayEquals(expected, x, 1e-9);
        }
    }

    @Test
    void anInexactSolveStopsAtItsReductionAndAnExactOneGoesOn() {
        int n = 400;
        Random random = new Random(11);
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = random.nextDouble() - 0.5;
        }
        ConjugateGradient.Operator a = (x, y) -> chain(0.05, x, y);
        ConjugateGradient.Preconditioner jacobi = (r, z) -> {
            for (int i = 0; i < n; i++) {
                z[i] = r[i] / 2.05;
            }
        };
        ConjugateGradient.Problem p = new ConjugateGradient.Problem("chain", a, null, jacobi, 4.05);
        ConjugateGradient cg = new ConjugateGradient(n, SolverOptions.DEFAULT, LineKernels.get());
        double normB = LineKernels.maxAbs(b);
        double[] exact = new double[n];
        int full = cg.solve(p, b, exact, 1.0).iterations();
        for (double reduction : new double[] {1e-2, 1e-5}) {
            double[] x = new double[n];
            int loose = cg.solve(p, b, x, 1.0, reduction, false).iterations();
            double[] r = new double[n];
            a.apply(x, r);
            for (int i = 0; i < n; i++) {
                r[i] = b[i] - r[i];
            }
            double reached = LineKernels.maxAbs(r);
            // The recursive residual it stops on is the true one up to rounding at these levels.
            assertTrue(reached <= 1.01 * reduction * normB, reduction + ": residual " + reached + " of " + normB);
            assertTrue(reached > 1e-3 * reduction * normB, reduction + ": not stopped at its reduction: " + reached);
            assertTrue(loose > 0 && loose < full, reduction + ": " + loose + " iterations against " + full);
        }
        // reduction 0 is the full rule: the same iterate, bit for bit, as the plain solve.
        double[] same = new double[n];
        cg.solve(p, b, same, 1.0, 0, false);
        assertArrayEquals(exact, same, 0);
    }

    @Test
    void anUnreachableToleranceNamesTheProblem() {
        int n = 50;
        double[] b = new double[n];
        b[0] = 1;
        ConjugateGradient cg = new ConjugateGradient(n, SolverOptions.DEFAULT.withMaxIterations(1), LineKernels.scalar());
        ConjugateGradient.Problem p = new ConjugateGradient.Problem("test chain", (x, y) -> chain(0, x, y), null,
                (r, z) -> System.arraycopy(r, 0, z, 0, n), 4);
        ConvergenceException e = assertThrows(ConvergenceException.class, () -> cg.solve(p, b, new double[n], 1));
        assertTrue(e.getMessage().contains("test chain"), e.getMessage());
        // Lenient (a Newton step): the same solve returns what it reached, with that residual.
        double[] x = new double[n];
        ConjugateGradient.Stats s = cg.solve(p, b, x, 1, 0, true);
        assertTrue(s.residual() > SolverOptions.DEFAULT.tolerance() && s.iterations() == 1, s.toString());
        assertTrue(LineKernels.maxAbs(x) > 0, "an iterate, not the start");
    }
}
