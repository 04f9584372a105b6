// ReferenceCrossbar: a dense nodal solve of the explicit CrossbarNetwork, the independent reference for CLI tests.
package io.xbar.cli;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarNetwork;

/**
 * Solves MODEL.md section 1 the textbook way for small arrays: merge the nodes joined by shorts
 * (union-find), hold driver nodes at {@code V[i]} and sense nodes at 0 V, assemble the dense nodal
 * matrix of the remaining nodes and solve it by Gaussian elimination with partial pivoting. Shares
 * nothing with the kernel's solvers but the element list.
 */
final class ReferenceCrossbar {
    /** Node voltages {@code u} and {@code w} (row-major M x N) and the column currents. */
    record Result(double[] currents, double[] u, double[] w) {
    }

    private ReferenceCrossbar() {
    }

    static Result solve(int rows, int cols, Circuit circuit, double[] g, double[] v) {
        CrossbarNetwork net = new CrossbarNetwork(rows, cols, circuit, g);
        int nodes = net.nodeCount();
        int[] parent = new int[nodes];
        for (int k = 0; k < nodes; k++) {
            parent[k] = k;
        }
        net.forEachElement((kind, r, c, a, b, cond) -> {
            if (cond == Double.POSITIVE_INFINITY) {
                parent[find(parent, a)] = find(parent, b);
            }
        });
        // Fixed voltages by group: drivers at V[i], sense amplifiers at 0 V.
        double[] fixed = new double[nodes];
        boolean[] isFixed = new boolean[nodes];
        for (int i = 0; i < rows; i++) {
            int root = find(parent, net.sourceNode(i));
            fixed[root] = v[i];
            isFixed[root] = true;
        }
        for (int j = 0; j < cols; j++) {
            int root = find(parent, net.senseNode(j));
            if (isFixed[root] && fixed[root] != 0) {
                throw new IllegalStateException("driver shorted to a sense amplifier");
            }
            isFixed[root] = true;
        }
        int[] index = new int[nodes];
        int free = 0;
        for (int k = 0; k < nodes; k++) {
            index[k] = -1;
        }
        for (int k = 0; k < nodes; k++) {
            int root = find(parent, k);
            if (!isFixed[root] && index[root] < 0) {
                index[root] = free++;
            }
        }
        int unknowns = free;
        double[][] a = new double[unknowns][unknowns + 1];
        net.forEachElement((kind, r, c, na, nb, cond) -> {
            if (cond == Double.POSITIVE_INFINITY) {
                return;
            }
            int pa = find(parent, na);
            int pb = find(parent, nb);
            stamp(a, index, isFixed, fixed, pa, pb, cond, unknowns);
            stamp(a, index, isFixed, fixed, pb, pa, cond, unknowns);
        });
        double[] x = gauss(a, free);
        double[] u = new double[rows * cols];
        double[] w = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                u[i * cols + j] = voltage(find(parent, net.wordLineNode(i, j)), index, isFixed, fixed, x);
                w[i * cols + j] = voltage(find(parent, net.bitLineNode(i, j)), index, isFixed, fixed, x);
            }
        }
        double[] currents = new double[cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                currents[j] += circuit.cellConductance(g[i * cols + j]) * (u[i * cols + j] - w[i * cols + j]);
            }
        }
        return new Result(currents, u, w);
    }

    /** KCL row of node {@code p}: current leaving through the element to {@code q}. */
    private static void stamp(double[][] a, int[] index, boolean[] isFixed, double[] fixed, int p, int q, double cond,
                              int free) {
        if (isFixed[p] || p == q) {
            return;
        }
        int row = index[p];
        a[row][row] += cond;
        if (isFixed[q]) {
            a[row][free] += cond * fixed[q];
        } else {
            a[row][index[q]] -= cond;
        }
    }

    private static double voltage(int root, int[] index, boolean[] isFixed, double[] fixed, double[] x) {
        return isFixed[root] ? fixed[root] : x[index[root]];
    }

    private static int find(int[] parent, int k) {
        while (parent[k] != k) {
            parent[k] = parent[parent[k]];
            k = parent[k];
        }
        return k;
    }

    /** Solves the augmented system in place; a floating node (no path to a fixed one) is held at 0 V. */
    private static double[] gauss(double[][] a, int n) {
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
                    p = r;
                }
            }
            double[] t = a[c];
            a[c] = a[p];
            a[p] = t;
            if (a[c][c] == 0) {
                a[c][c] = 1;
                continue;
            }
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                if (f != 0) {
                    for (int k = c; k <= n; k++) {
                        a[r][k] -= f * a[c][k];
                    }
                }
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = a[r][n];
            for (int k = r + 1; k < n; k++) {
                s -= a[r][k] * x[k];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }
}
