// IrDrop: the cell voltages of one solved crossbar relative to their ideal, the data of the IR-drop map.
package io.xbar.plot;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarSolver;
import io.xbar.kernel.Solution;

/** {@code (u(i,j) - w(i,j)) / V[i]}: 1 in an ideal crossbar, lower where the wires drop voltage. */
public final class IrDrop {
    private IrDrop() {
    }

    /**
     * Solves the crossbar exactly for the input voltages {@code v} and returns the row-major
     * {@code rows x cols} relative cell voltages; rows driven at 0 V have no ideal to compare with
     * and are {@code NaN}.
     */
    public static double[] relativeCellVoltage(int rows, int cols, Circuit circuit, double[] conductances, double[] v) {
        if (v == null || v.length != rows) {
            throw new IllegalArgumentException("IR drop: " + rows + " word lines need " + rows + " input voltages, got "
                    + (v == null ? "none" : v.length));
        }
        Solution s = CrossbarSolver.create(rows, cols, circuit).program(conductances).solve(v, true);
        return relative(rows, cols, s.wordLineVoltages(), s.bitLineVoltages(), v);
    }

    /** {@code (u - w) / v[i]} per cell from given node voltages, {@code NaN} in rows with {@code v[i] == 0}. */
    public static double[] relative(int rows, int cols, double[] u, double[] w, double[] v) {
        if (u == null || w == null || u.length != (long) rows * cols || w.length != u.length) {
            throw new IllegalArgumentException("IR drop: node voltages must be " + rows + "x" + cols);
        }
        double[] r = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int k = i * cols + j;
                r[k] = v[i] == 0 ? Double.NaN : (u[k] - w[k]) / v[i];
            }
        }
        return r;
    }
}
