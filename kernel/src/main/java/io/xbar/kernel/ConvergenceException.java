// ConvergenceException: a solver could not reach the required KCL residual; says what it reached.
package io.xbar.kernel;

/** Thrown when an iterative solve stops short of its tolerance; never a silent wrong answer. */
public final class ConvergenceException extends ArithmeticException {
    private static final long serialVersionUID = 1L;
    private final double residual;
    private final int iterations;

    public ConvergenceException(String what, double residual, double tolerance, int iterations) {
        super(what + ": scaled KCL residual " + residual + " after " + iterations
                + " iterations, required " + tolerance);
        this.residual = residual;
        this.iterations = iterations;
    }

    /** The scaled residual reached. */
    public double residual() {
        return residual;
    }

    /** Iterations performed. */
    public int iterations() {
        return iterations;
    }
}
