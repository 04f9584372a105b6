// BenchData: seeded inputs for the benchmarks and the one-time checks of their results.
package io.xbar.bench;

import io.xbar.kernel.Circuit;

import java.util.Random;

/** Seeded benchmark inputs and result checks; a failed check stops the benchmark before it is measured. */
final class BenchData {
    private BenchData() {
    }

    /** Integer activations uniform in {@code [0, 2^bits - 1]}. */
    static int[] activations(Random rnd, int batch, int rows, int bits) {
        int[] a = new int[batch * rows];
        for (int k = 0; k < a.length; k++) {
            a[k] = rnd.nextInt(1 << bits);
        }
        return a;
    }

    /**
     * Physical sanity of a transfer matrix with parasitics: finite, and every column's current
     * with all inputs at 1 V positive and below its ideal value (the wires only lose current).
     */
    static void checkTransfer(int rows, int cols, Circuit circuit, double[] g, double[] t) {
        for (int j = 0; j < cols; j++) {
            double ideal = 0;
            double actual = 0;
            for (int i = 0; i < rows; i++) {
                double v = t[i * cols + j];
                if (!Double.isFinite(v)) {
                    throw new IllegalStateException("transfer matrix entry " + i + "," + j + " is " + v);
                }
                ideal += circuit.cellConductance(g[i * cols + j]);
                actual += v;
            }
            if (!(actual < ideal && actual > 0)) {
                throw new IllegalStateException("column " + j + " carries " + actual + " A for an ideal " + ideal + " A");
            }
        }
    }
}
