// TransferFunction: the source of a tile's effective transfer matrix T (I = V . T), exact by default.
package io.xbar.mapping;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.TransferMatrix;

/**
 * Computes the row-major {@code rows x cols} transfer matrix of a crossbar with the given
 * conductances. The mapping layer needs nothing else from the circuit solver: per tile it computes
 * {@code T} once and multiplies all inputs and cycles with one dgemm.
 */
@FunctionalInterface
public interface TransferFunction {

    double[] compute(int rows, int cols, Circuit circuit, double[] conductances);

    /**
     * The exact transfer matrix: for an ideal circuit {@code T = g'} (the cell conductances behind
     * their access resistance, exact by MODEL.md section 1), otherwise the kernel's
     * {@link TransferMatrix}, whose workspaces are kept for consecutive tiles of one shape and
     * circuit. The returned function is therefore not thread-safe: use one per thread.
     */
    static TransferFunction exact() {
        return exact(0);
    }

    /**
     * As {@link #exact()} with the OpenBLAS thread count of the kernel's {@link TransferMatrix}
     * ({@code 0} lets it choose: 1 for small tiles, else all processors).
     *
     * @throws IllegalArgumentException if {@code threads < 0}
     */
    static TransferFunction exact(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0 = automatic), got " + threads);
        }
        return new TransferFunction() {
            private TransferMatrix solver;

            @Override
            public double[] compute(int rows, int cols, Circuit circuit, double[] g) {
                if (circuit.isIdeal()) {
                    double[] t = new double[rows * cols];
                    for (int k = 0; k < t.length; k++) {
                        t[k] = circuit.cellConductance(g[k]);
                    }
                    return t;
                }
                if (solver == null || solver.rows() != rows || solver.cols() != cols || !solver.circuit().equals(circuit)) {
                    solver = new TransferMatrix(rows, cols, circuit, threads);
                }
                return solver.compute(g);
            }
        };
    }
}
