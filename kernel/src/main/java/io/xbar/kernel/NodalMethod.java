// NodalMethod: one exact way of solving a programmed crossbar for an input vector (multigrid-CG, hub Schur, bipartite).
package io.xbar.kernel;

/**
 * A solver for one programmed crossbar; chosen by {@link ProgrammedCrossbar} from the circuit.
 *
 * @param <W> the scratch state of one solving thread
 */
interface NodalMethod<W> {
    /** New scratch state for one solving thread. */
    W workspace();

    /**
     * Solves for the input voltages {@code v} (length M). Fills {@code currents} (length N) and, when
     * non-null, {@code u} and {@code w} (row-major M x N node voltages).
     */
    default ConjugateGradient.Stats solve(double[] v, double[] currents, double[] u, double[] w, W workspace) {
        return solve(v, null, currents, u, w, workspace);
    }

    /**
     * As above, with an extra current {@code cellSource[i*N + j]} flowing through every cell from its
     * word-line node to its bit-line node, whatever the voltages (row-major M x N, or null for none):
     * the linearized cell of Newton's method ({@link NewtonSolve}). The currents then include it.
     */
    ConjugateGradient.Stats solve(double[] v, double[] cellSource, double[] currents, double[] u, double[] w, W workspace);

    /**
     * Makes the next solve on {@code workspace} start from the node voltages {@code u}, {@code w}
     * (row-major M x N, in the solve's scaled units) instead of zero: Newton's iterates are close to
     * the next one, so an iterative method needs fewer iterations. Direct methods ignore it.
     */
    default void startFrom(double[] u, double[] w, W workspace) {
    }

    /**
     * Makes the next solve on {@code workspace} a step of Newton's method ({@link NewtonSolve}), which
     * judges every step by its own nonlinear residual, each column included: an iterative method may
     * stop once the largest KCL imbalance fell to {@code reduction} times its value at the start
     * (then without its own per-column continuation; {@code 0}: its full rule), and returns the best
     * iterate it reached rather than throwing when the rule is out of reach (the line search rejects
     * a step that does not lower the nonlinear residual). Methods without an iterative stopping rule
     * solve exactly (the shorted-line method only makes its hub CG lenient; the bipartite one ignores it).
     */
    default void newtonStep(double reduction, W workspace) {
    }
}
