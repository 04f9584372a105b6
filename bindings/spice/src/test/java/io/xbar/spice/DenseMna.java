// DenseMna: textbook modified nodal analysis (voltage sources and shorts as current unknowns), dense LU; a test reference.
package io.xbar.spice;

import io.xbar.blas.Lapack;

/**
 * The independent reference for {@link NetlistSolver}: full MNA as SPICE itself sets it up, with
 * one unknown per node and one per voltage source (zero-ohm resistors become 0 V sources), solved
 * densely by LAPACK {@code dgesv}. Shares no code with the solver.
 */
final class DenseMna {
    final double[] voltages;
    /** ngspice-convention current of every element that is a voltage source, NaN for others. */
    final double[] sourceCurrents;

    DenseMna(Netlist net) {
        int n = net.nodeCount() - 1; // ground eliminated
        int m = net.elementCount();
        int[] branch = new int[m];
        int branches = 0;
        for (int k = 0; k < m; k++) {
            boolean isBranch = net.kind(k) == Netlist.Kind.VOLTAGE_SOURCE
                    || (net.kind(k) == Netlist.Kind.RESISTOR && net.value(k) == 0);
            branch[k] = isBranch ? n + branches++ : -1;
        }
        int size = n + branches;
        double[] a = new double[size * size];
        double[] b = new double[size];
        for (int k = 0; k < m; k++) {
            int p = net.plus(k) - 1;
            int q = net.minus(k) - 1;
            double v = net.value(k);
            if (branch[k] >= 0) {
                int j = branch[k];
                double volts = net.kind(k) == Netlist.Kind.RESISTOR ? 0 : v;
                if (p >= 0) {
                    a[p * size + j] += 1;
                    a[j * size + p] += 1;
                }
                if (q >= 0) {
                    a[q * size + j] -= 1;
                    a[j * size + q] -= 1;
                }
                b[j] += volts;
            } else if (net.kind(k) == Netlist.Kind.RESISTOR) {
                double g = 1 / v;
                if (p >= 0) {
                    a[p * size + p] += g;
                }
                if (q >= 0) {
                    a[q * size + q] += g;
                }
                if (p >= 0 && q >= 0) {
                    a[p * size + q] -= g;
                    a[q * size + p] -= g;
                }
            } else {
                if (p >= 0) {
                    b[p] -= v;
                }
                if (q >= 0) {
                    b[q] += v;
                }
            }
        }
        Lapack.dgesv(size, 1, a, b);
        voltages = new double[n + 1];
        System.arraycopy(b, 0, voltages, 1, n);
        sourceCurrents = new double[m];
        for (int k = 0; k < m; k++) {
            sourceCurrents[k] = net.kind(k) == Netlist.Kind.VOLTAGE_SOURCE ? b[branch[k]] : Double.NaN;
        }
    }
}
