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
    ConjugateGradient.Stats solve(double[] v, double[] currents, double[] u, double[] w, W workspace);
}
