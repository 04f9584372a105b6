// SolverOptions: tolerance, iteration limit and batch thread count of the crossbar solver (performance knobs: Tuning).
package io.xbar.kernel;

/**
 * @param tolerance     target scaled KCL residual {@code ||b - A x||_inf / (||A||_inf ||x||_inf + ||b||_inf)};
 *                      default {@code 1e-12}
 * @param currentTolerance the KCL imbalance at every node must also be at most this fraction of the
 *                      largest cell current {@code max g' * max|V|}; default {@code 1e-11}, ten times
 *                      the rounding floor of the residual (about {@code 1e-12} of that current on
 *                      256x256 and 1024x1024 crossbars). It keeps output currents exact when very
 *                      conductive wires make {@code ||A||} huge.
 * @param maxIterations iteration limit of the preconditioned CG; default 500
 * @param threads       pieces a batch of input vectors is split into, solved side by side on the kernel's
 *                      worker pool ({@link Parallel}; at most {@link Tuning#threads()} run at once);
 *                      default: {@link Tuning#threads()}, the available processors unless {@code -Dxbar.threads}
 *                      says otherwise
 */
public record SolverOptions(double tolerance, double currentTolerance, int maxIterations, int threads) {
    /** The contract's requirement: a result with a worse residual is never returned. */
    public static final double REQUIRED_RESIDUAL = 1e-10;

    public static final SolverOptions DEFAULT =
            new SolverOptions(1e-12, 1e-11, 500, Tuning.get().threads());

    public SolverOptions {
        if (!(tolerance > 0) || tolerance > REQUIRED_RESIDUAL) {
            throw new IllegalArgumentException("tolerance must be in (0, " + REQUIRED_RESIDUAL + "], got " + tolerance);
        }
        if (!(currentTolerance > 0)) {
            throw new IllegalArgumentException("currentTolerance must be > 0, got " + currentTolerance);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
    }

    public SolverOptions withTolerance(double t) {
        return new SolverOptions(t, currentTolerance, maxIterations, threads);
    }

    public SolverOptions withCurrentTolerance(double t) {
        return new SolverOptions(tolerance, t, maxIterations, threads);
    }

    public SolverOptions withMaxIterations(int k) {
        return new SolverOptions(tolerance, currentTolerance, k, threads);
    }

    public SolverOptions withThreads(int t) {
        return new SolverOptions(tolerance, currentTolerance, maxIterations, t);
    }
}
