// Crossbar: a programmed crossbar of the Java API; solves vectors and batches and gives its transfer matrix.
package io.xbar.api;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.ConvergenceException;
import io.xbar.kernel.ProgrammedCrossbar;
import io.xbar.kernel.Solution;
import io.xbar.kernel.TransferMatrix;

/**
 * An {@code M x N} crossbar with its conductances programmed, made by {@link Xbar#crossbar}. The
 * factorizations are built once; each solve then costs a few sweeps over the array.
 *
 * <p>Thread safety: immutable; any number of threads may solve on one instance at once.
 */
public final class Crossbar {
    private final ProgrammedCrossbar programmed;
    private final Circuit circuit;
    private final double[] conductances;

    Crossbar(ProgrammedCrossbar programmed, Circuit circuit, double[] conductances) {
        this.programmed = programmed;
        this.circuit = circuit;
        this.conductances = conductances;
    }

    /** {@return the number of word lines {@code M}} */
    public int rows() {
        return programmed.rows();
    }

    /** {@return the number of bit lines {@code N}} */
    public int cols() {
        return programmed.cols();
    }

    /** {@return the cells' current-voltage law ({@code CellModel.LINEAR} unless given to {@link Xbar#crossbar})} */
    public io.xbar.kernel.CellModel cellModel() {
        return programmed.solver().cellModel();
    }

    /** {@return the circuit (parasitics) this crossbar was built with} */
    public Circuit circuit() {
        return circuit;
    }

    /** {@return a copy of the programmed conductances, row-major {@code M x N} siemens} */
    public double[] conductances() {
        return conductances.clone();
    }

    /**
     * The output currents for one input vector.
     *
     * @param voltages {@code M} word-line voltages (V), finite
     * @return a fresh solution owned by the caller: {@code currents()} has {@code N} amperes
     * @throws IllegalArgumentException naming the length or the first non-finite voltage
     * @throws ConvergenceException     when the solver misses its residual target
     */
    public Solution solve(double[] voltages) {
        return programmed.solve(voltages, false);
    }

    /**
     * As {@link #solve(double[])}, also returning the node voltages {@code u} (word line) and
     * {@code w} (bit line), row-major {@code M x N}.
     *
     * @param voltages {@code M} word-line voltages (V), finite
     * @return a fresh solution owned by the caller, with {@code wordLineVoltages()} and {@code bitLineVoltages()}
     * @throws IllegalArgumentException naming the length or the first non-finite voltage
     * @throws ConvergenceException     when the solver misses its residual target
     */
    public Solution solveWithNodeVoltages(double[] voltages) {
        return programmed.solve(voltages, true);
    }

    /**
     * The output currents of a batch, spread over the solver's threads.
     *
     * @param voltages row-major {@code batch x M} volts, finite
     * @param batch    number of vectors, {@code >= 0}
     * @return row-major {@code batch x N} amperes
     * @throws IllegalArgumentException naming the batch, the length or the first non-finite voltage
     * @throws ConvergenceException     when the solver misses its residual target on a vector
     */
    public double[] currents(double[] voltages, int batch) {
        return programmed.currents(voltages, batch);
    }

    /**
     * The exact transfer matrix {@code T}, row-major {@code M x N}: {@code I = V . T} for every
     * {@code V}, and row {@code i} equals {@code solve(e_i).currents()}.
     *
     * @return a fresh row-major {@code M x N} array (siemens)
     */
    public double[] transfer() {
        if (!programmed.solver().cellModel().isLinear()) {
            throw new IllegalStateException("a crossbar of " + programmed.solver().cellModel()
                    + " cells is nonlinear: it has no transfer matrix (I is not V . T); solve it for given inputs");
        }
        return new TransferMatrix(rows(), cols(), circuit).compute(conductances);
    }
}
