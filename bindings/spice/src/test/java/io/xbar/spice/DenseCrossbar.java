// DenseCrossbar: the crossbar of MODEL.md solved densely from CrossbarNetwork (shorts merged, LAPACK dposv); a test reference.
package io.xbar.spice;

import io.xbar.blas.Lapack;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarNetwork;

/**
 * Node voltages and column currents of a small crossbar, straight from MODEL.md: the nodal
 * matrix of {@link CrossbarNetwork} with shorts merged, drivers fixed at {@code V[i]}, sense nodes
 * at 0 V, solved by dense Cholesky; {@code I[j] = sum_i g'(i,j) (u(i,j) - w(i,j))}.
 */
final class DenseCrossbar {
    final double[] u;
    final double[] w;
    final double[] currents;

    DenseCrossbar(int rows, int cols, Circuit circuit, double[] g, double[] v) {
        CrossbarNetwork net = new CrossbarNetwork(rows, cols, circuit, g);
        int n = net.nodeCount();
        int[] parent = new int[n];
        for (int k = 0; k < n; k++) {
            parent[k] = k;
        }
        net.forEachElement((kind, row, col, a, b, c) -> {
            if (c == Double.POSITIVE_INFINITY) {
                parent[find(parent, a)] = find(parent, b);
            }
        });
        double[] fixed = new double[n];
        boolean[] isFixed = new boolean[n];
        for (int i = 0; i < rows; i++) {
            int r = find(parent, net.sourceNode(i));
            isFixed[r] = true;
            fixed[r] = v[i];
        }
        for (int j = 0; j < cols; j++) {
            int r = find(parent, net.senseNode(j));
            isFixed[r] = true;
            fixed[r] = 0;
        }
        int[] index = new int[n];
        int unknowns = 0;
        for (int k = 0; k < n; k++) {
            index[k] = -1;
        }
        for (int k = 0; k < n; k++) {
            int r = find(parent, k);
            if (!isFixed[r] && index[r] < 0) {
                index[r] = unknowns++;
            }
        }
        int size = unknowns;
        double[] a = new double[size * size];
        double[] b = new double[size];
        net.forEachElement((kind, row, col, p, q, c) -> {
            if (c == Double.POSITIVE_INFINITY) {
                return;
            }
            int rp = find(parent, p);
            int rq = find(parent, q);
            if (rp == rq) {
                return;
            }
            int ip = index[rp];
            int iq = index[rq];
            if (ip >= 0) {
                a[ip * size + ip] += c;
                if (iq >= 0) {
                    a[ip * size + iq] -= c;
                } else {
                    b[ip] += c * fixed[rq];
                }
            }
            if (iq >= 0) {
                a[iq * size + iq] += c;
                if (ip >= 0) {
                    a[iq * size + ip] -= c;
                } else {
                    b[iq] += c * fixed[rp];
                }
            }
        });
        if (size > 0) {
            Lapack.dposv(size, 1, a, b);
        }
        double[] potential = new double[n];
        for (int k = 0; k < n; k++) {
            int r = find(parent, k);
            potential[k] = isFixed[r] ? fixed[r] : b[index[r]];
        }
        u = new double[rows * cols];
        w = new double[rows * cols];
        currents = new double[cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                u[i * cols + j] = potential[net.wordLineNode(i, j)];
                w[i * cols + j] = potential[net.bitLineNode(i, j)];
                currents[j] += circuit.cellConductance(g[i * cols + j]) * (u[i * cols + j] - w[i * cols + j]);
            }
        }
    }

    private static int find(int[] parent, int k) {
        while (parent[k] != k) {
            k = parent[k] = parent[parent[k]];
        }
        return k;
    }
}
