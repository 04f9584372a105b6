// Crossbars: seeded crossbars and input vectors shared by the tests of every module, validation and benchmarks.
package io.xbar.reference;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarNetwork;
import java.util.Random;

/** Seeded conductance arrays and input vectors for tests and benchmarks. */
public final class Crossbars {
    private Crossbars() {
    }

    /** {@code rows x cols} conductances uniform in {@code [lo, hi]} S, row-major. */
    public static double[] uniform(long seed, int rows, int cols, double lo, double hi) {
        Random rnd = new Random(seed);
        double[] g = new double[rows * cols];
        for (int k = 0; k < g.length; k++) {
            g[k] = lo + (hi - lo) * rnd.nextDouble();
        }
        return g;
    }

    /** Default-parameter workload of the issues: cells uniform in [1e-6, 1e-4] S. */
    public static double[] defaultCells(long seed, int rows, int cols) {
        return uniform(seed, rows, cols, 1e-6, 1e-4);
    }

    /** Strongly coupled workload: cells uniform in [1e-4, 1e-2] S (used with 1 ohm wires). */
    public static double[] strongCells(long seed, int rows, int cols) {
        return uniform(seed, rows, cols, 1e-4, 1e-2);
    }

    /** {@code count} input vectors of {@code rows} voltages uniform in {@code [0, vmax]}, row-major. */
    public static double[] voltages(long seed, int count, int rows, double vmax) {
        Random rnd = new Random(seed);
        double[] v = new double[count * rows];
        for (int k = 0; k < v.length; k++) {
            v[k] = vmax * rnd.nextDouble();
        }
        return v;
    }

    /**
     * Scaled KCL residual of node voltages {@code u, w} (row-major) computed element by element from
     * {@link CrossbarNetwork}, independent of any solver's internal operator: the largest current
     * imbalance over free nodes divided by the largest total branch current at a node.
     */
    public static double kclImbalance(int rows, int cols, Circuit c, double[] g, double[] v, double[] u, double[] w) {
        CrossbarNetwork net = new CrossbarNetwork(rows, cols, c, g);
        int grid = rows * cols;
        double[] volt = new double[net.nodeCount()];
        for (int k = 0; k < grid; k++) {
            volt[k] = u[k];
            volt[grid + k] = w[k];
        }
        for (int i = 0; i < rows; i++) {
            volt[net.sourceNode(i)] = v[i];
        }
        double[] net0 = new double[net.nodeCount()];
        double[] flow = new double[net.nodeCount()];
        net.forEachElement((kind, r, col, a, b, cond) -> {
            if (Double.isInfinite(cond)) {
                return; // shorts carry whatever current KCL needs; the solver merged those nodes
            }
            double i = cond * (volt[a] - volt[b]);
            net0[a] -= i;
            net0[b] += i;
            flow[a] += Math.abs(i);
            flow[b] += Math.abs(i);
        });
        boolean[] touchesShort = new boolean[net.nodeCount()];
        net.forEachElement((kind, r, col, a, b, cond) -> {
            if (Double.isInfinite(cond)) {
                touchesShort[a] = true;
                touchesShort[b] = true;
            }
        });
        double worst = 0;
        double scale = 0;
        for (int k = 0; k < 2 * grid; k++) {
            scale = Math.max(scale, flow[k]);
            if (!touchesShort[k]) {
                worst = Math.max(worst, Math.abs(net0[k]));
            }
        }
        return scale == 0 ? 0 : worst / scale;
    }
}
