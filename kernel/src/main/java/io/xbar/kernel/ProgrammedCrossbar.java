// ProgrammedCrossbar: a crossbar with its conductances written; solves input vectors and batches exactly.
package io.xbar.kernel;

/**
 * A crossbar whose cells hold conductances; made by {@link CrossbarSolver#program}. Everything
 * that depends only on the conductances (line factorizations, the multigrid hierarchy, dense
 * factors) is built once here; each {@link #solve} then costs a few sweeps over the array.
 *
 * <p>Thread-safe: solves share only immutable state; each call uses its own scratch.
 */
public final class ProgrammedCrossbar {
    private final CrossbarSolver structure;
    private final int rows;
    private final int cols;
    private final NodalMethod<?> method;

    ProgrammedCrossbar(CrossbarSolver structure, double[] conductances) {
        this.structure = structure;
        this.rows = structure.rows();
        this.cols = structure.cols();
        Circuit c = structure.circuit();
        double[] cell = new double[conductances.length];
        for (int k = 0; k < cell.length; k++) {
            cell[k] = c.cellConductance(conductances[k]);
        }
        boolean wordLinesShorted = c.wordLine() == 0;
        boolean bitLinesShorted = c.bitLine() == 0;
        if (wordLinesShorted && bitLinesShorted) {
            method = new BipartiteMethod(rows, cols, c, cell);
        } else if (wordLinesShorted) {
            method = HubMethod.shortedWordLines(rows, cols, c, cell, structure.options(), structure.kernels());
        } else if (bitLinesShorted) {
            method = HubMethod.shortedBitLines(rows, cols, c, cell, structure.options(), structure.kernels());
        } else {
            method = new MultigridMethod(rows, cols, c, cell, structure.options(), structure.kernels());
        }
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The solver (structure) this crossbar was programmed on. */
    public CrossbarSolver solver() {
        return structure;
    }

    /** Output currents for one input vector {@code v} (volts, length {@code rows}). */
    public Solution solve(double[] v) {
        return solve(v, false);
    }

    /**
     * Solves for one input vector.
     *
     * @param nodeVoltages also return the word-line and bit-line node voltages (row-major M x N)
     * @throws ConvergenceException if the KCL residual required by the contract cannot be reached
     */
    public Solution solve(double[] v, boolean nodeVoltages) {
        Checks.finiteBatch(v, 1, rows, "input voltages");
        double[] currents = new double[cols];
        double[] u = nodeVoltages ? new double[rows * cols] : null;
        double[] w = nodeVoltages ? new double[rows * cols] : null;
        ConjugateGradient.Stats s = solveOnce(method, v, currents, u, w);
        return new Solution(currents, s.residual(), s.iterations(), u, w);
    }

    private static <W> ConjugateGradient.Stats solveOnce(NodalMethod<W> method, double[] v, double[] currents,
                                                         double[] u, double[] w) {
        return method.solve(v, currents, u, w, method.workspace());
    }

    /**
     * Output currents for a batch: {@code voltages} is row-major {@code batch x rows}, the result
     * row-major {@code batch x cols}. The vectors are split in {@code SolverOptions.threads()} pieces
     * solved on the kernel's worker pool ({@link Parallel}), each vector on one thread.
     */
    public double[] currents(double[] voltages, int batch) {
        Checks.finiteBatch(voltages, batch, rows, "input voltages");
        double[] out = new double[batch * cols];
        Parallel.parts(batch, structure.options().threads(),
                (from, to) -> solveRange(method, voltages, out, from, to));
        return out;
    }

    private <W> void solveRange(NodalMethod<W> method, double[] voltages, double[] out, int from, int to) {
        W ws = method.workspace();
        double[] v = new double[rows];
        double[] currents = new double[cols];
        for (int b = from; b < to; b++) {
            System.arraycopy(voltages, b * rows, v, 0, rows);
            method.solve(v, currents, null, null, ws);
            System.arraycopy(currents, 0, out, b * cols, cols);
        }
    }
}
