// ConjugateGradient: preconditioned CG to a scaled-residual tolerance, with true-residual checks and stagnation guard.
package io.xbar.kernel;

/**
 * Preconditioned conjugate gradients for an SPD operator. Stops when the true scaled residual
 * {@code ||b - A x||_inf / (||A||_inf ||x||_inf + ||b||_inf)} reaches the tolerance and the largest
 * KCL imbalance {@code ||b - A x||_inf} is within {@link SolverOptions#currentTolerance} of the
 * largest cell current. The recursive
 * residual is trusted only to decide when to check: the true residual is recomputed before
 * returning, and CG restarts from it if they disagree. If the tolerance is out of reach (rounding
 * floor or iteration limit), the best iterate is returned when it meets the contract's
 * {@link SolverOptions#REQUIRED_RESIDUAL}, and a {@link ConvergenceException} is thrown otherwise.
 */
final class ConjugateGradient {
    /** {@code y = A x}: the SPD matrix, applied without allocating. */
    interface Operator {
        void apply(double[] x, double[] y);
    }

    /** {@code z = M^-1 r}: an SPD approximation of {@code A^-1}, applied without allocating. */
    interface Preconditioner {
        void apply(double[] r, double[] z);
    }

    /**
     * {@code r = b - A x}, computed as accurately as the method can: branch by branch from voltage
     * differences, so that very conductive wires do not drown the small currents in rounding.
     */
    interface Residual {
        void compute(double[] x, double[] r);
    }

    /**
     * The system a method hands to CG, built once per workspace: {@code what} names it in a
     * {@link ConvergenceException}; {@code residual} is the method's accurate {@code b - A x}, or null
     * for {@code b - A x} from {@code matrix}; {@code normA} is {@code ||A||_inf} of the scaled residual.
     */
    record Problem(String what, Operator matrix, Residual residual, Preconditioner preconditioner, double normA) {
    }

    /** Result of one solve. */
    record Stats(double residual, int iterations) {
    }

    private static final boolean TRACE = Tuning.get().trace();
    /** Exact-residual check once the recursive residual fell this much since the last check. */
    private static final double REFINE_DROP = Tuning.get().refineDrop();

    private final SolverOptions options;
    private final LineKernels k;
    // Scratch vectors: reused across solves of the same size, not across threads.
    private final double[] r;
    private final double[] z;
    private final double[] p;
    private final double[] q;
    private final double[] best;

    /** A solver for systems of {@code n} unknowns; holds its scratch vectors (one per solving thread). */
    ConjugateGradient(int n, SolverOptions options, LineKernels kernels) {
        this.options = options;
        this.k = kernels;
        r = new double[n];
        z = new double[n];
        p = new double[n];
        q = new double[n];
        best = new double[n];
    }

    /**
     * Solves {@code A x = b}; {@code x} holds the initial guess on entry and the solution on exit.
     *
     * @param currentScale the largest cell current {@code max g' * max|V|}: the KCL imbalance must also
     *                     fall below {@code options.currentTolerance()} times it, so that very
     *                     conductive wires (huge {@code ||A||}) cannot hide errors in small currents
     */
    Stats solve(Problem problem, double[] b, double[] x, double currentScale) {
        return solve(problem, b, x, currentScale, 0, false);
    }

    /**
     * As {@link #solve(Problem, double[], double[], double)}, for a step of Newton's method
     * ({@link NewtonSolve}), whose caller judges the result by its own (nonlinear) residual: when
     * {@code reduction > 0} it also returns as soon as the largest entry of the recursive residual fell
     * to {@code reduction} times that of the initial (true) one (an inexact solve; the returned
     * residual is then the recursive estimate); when {@code lenient}, a solve that cannot reach the
     * tolerance returns the best iterate it found, with its residual, instead of throwing.
     */
    Stats solve(Problem problem, double[] b, double[] x, double currentScale, double reduction, boolean lenient) {
        Operator a = problem.matrix();
        Preconditioner preconditioner = problem.preconditioner();
        double normA = problem.normA();
        double absolute = options.currentTolerance() * currentScale;
        int n = b.length;
        double normB = k.maxAbs(b, 0, n);
        residual(problem, b, x, r);
        double normR0 = k.maxAbs(r, 0, n);
        double normX = k.maxAbs(x, 0, n);
        double residual = scaled(normR0, normA, normX, normB);
        if (residual <= options.tolerance() && normR0 <= absolute || normB == 0 && normX == 0) {
            return new Stats(residual, 0);
        }
        double bestResidual = normR0;
        System.arraycopy(x, 0, best, 0, n);
        int sinceImprovement = 0;
        double lastTrueResidual = normR0;
        preconditioner.apply(r, z);
        System.arraycopy(z, 0, p, 0, n);
        double rz = k.dot(r, z, 0, n);
        int it = 0;
        while (it < options.maxIterations()) {
            it++;
            a.apply(p, q);
            double pq = k.dot(p, q, 0, n);
            if (!(pq > 0)) {
                // p^T A p > 0 for every p != 0 of an SPD A; only rounding at convergence breaks it.
                break;
            }
            double alpha = rz / pq;
            k.axpy(alpha, p, x, 0, n);
            k.axpy(-alpha, q, r, 0, n);
            double normR = k.maxAbs(r, 0, n);
            // ||x|| only moves the estimate a little; it is recomputed at every exact check.
            double estimate = scaled(normR, normA, normX, normB);
            if (TRACE) {
                System.err.printf("cg %d scaled=%.3e abs=%.3e target=%.3e%n", it, estimate, normR, absolute);
            }
            if (reduction > 0 && normR <= reduction * normR0) {
                return new Stats(estimate, it);
            }
            // Check the exact residual when the recursive one says done, or has fallen by REFINE_DROP
            // since the last check (then refinement from the exact residual gains accuracy).
            if (estimate <= options.tolerance() && (normR <= absolute || normR <= REFINE_DROP * lastTrueResidual)) {
                residual(problem, b, x, r);
                normR = k.maxAbs(r, 0, n);
                normX = k.maxAbs(x, 0, n);
                residual = scaled(normR, normA, normX, normB);
                if (TRACE) {
                    System.err.printf("cg %d exact residual scaled=%.3e abs=%.3e%n", it, residual, normR);
                }
                if (residual <= options.tolerance() && normR <= absolute) {
                    return new Stats(residual, it);
                }
                if (normR > 0.5 * lastTrueResidual && residual <= options.tolerance()) {
                    // The true residual no longer falls while the recursive one does: the rounding
                    // floor. The iterate is as exact as double precision permits.
                    return new Stats(residual, it);
                }
                lastTrueResidual = normR;
                // The recursive residual drifted from the true one: restart CG from the true residual.
                preconditioner.apply(r, z);
                System.arraycopy(z, 0, p, 0, n);
                rz = k.dot(r, z, 0, n);
            } else {
                preconditioner.apply(r, z);
                double rzNew = k.dot(r, z, 0, n);
                double beta = rzNew / rz;
                rz = rzNew;
                k.xpay(z, beta, p, 0, n);
            }
            if (normR < 0.5 * bestResidual) {
                bestResidual = normR;
                System.arraycopy(x, 0, best, 0, n);
                sinceImprovement = 0;
            } else if (++sinceImprovement >= 20) {
                break; // stagnated at the rounding floor
            }
        }
        // Out of iterations or stagnated: take whichever of the current and best iterate is better.
        residual(problem, b, x, r);
        residual = scaled(k.maxAbs(r, 0, n), normA, k.maxAbs(x, 0, n), normB);
        double[] candidate = z;
        System.arraycopy(best, 0, candidate, 0, n);
        residual(problem, b, candidate, q);
        double bestTrue = scaled(k.maxAbs(q, 0, n), normA, k.maxAbs(candidate, 0, n), normB);
        if (bestTrue < residual) {
            System.arraycopy(candidate, 0, x, 0, n);
            residual = bestTrue;
        }
        if (residual <= SolverOptions.REQUIRED_RESIDUAL || lenient) {
            return new Stats(residual, it);
        }
        throw new ConvergenceException(problem.what(), residual, options.tolerance(), it);
    }

    /** {@code r = b - A x}: the problem's accurate residual, or from the matrix operator. */
    private static void residual(Problem problem, double[] b, double[] x, double[] r) {
        if (problem.residual() != null) {
            problem.residual().compute(x, r);
            return;
        }
        problem.matrix().apply(x, r);
        for (int i = 0; i < r.length; i++) {
            r[i] = b[i] - r[i];
        }
    }

    /**
     * The conductance that sets the scale of the output currents: the largest cell; with every cell
     * open, the smallest finite driver or sense conductance (then only node voltages matter).
     */
    static double currentConductance(double[] cell, Circuit circuit) {
        double max = LineKernels.maxAbs(cell);
        if (max > 0) {
            return max;
        }
        double gs = circuit.source() == 0 ? Double.POSITIVE_INFINITY : 1 / circuit.source();
        double gsense = circuit.sense() == 0 ? Double.POSITIVE_INFINITY : 1 / circuit.sense();
        double min = Math.min(gs, gsense);
        return Double.isInfinite(min) ? 0 : min;
    }

    static double scaled(double normR, double normA, double normX, double normB) {
        double d = normA * normX + normB;
        return d == 0 ? 0 : normR / d;
    }
}
