// DenseTransferReference: T from the full nodal system of CrossbarNetwork, shorts merged, drivers and sense pinned, by LAPACK dposv.
package io.xbar.kernel;

import io.xbar.blas.Lapack;

/**
 * An independent transfer matrix for small crossbars: it assembles the dense nodal matrix of
 * every element that {@link CrossbarNetwork} lists (zero resistances merge their nodes, driver
 * nodes are held at {@code V}, sense nodes at 0 V), solves it for all {@code M} unit inputs at
 * once with {@code dposv}, and reads each column current as the current flowing into the sense
 * node's group through its non-shorted elements. Memory and time are those of a dense matrix of
 * {@code 2MN} unknowns, so keep crossbars small.
 */
public final class DenseTransferReference {
    private DenseTransferReference() {
    }

    public static double[] transfer(int rows, int cols, Circuit circuit, double[] conductances) {
        CrossbarNetwork net = new CrossbarNetwork(rows, cols, circuit, conductances);
        int nodes = net.nodeCount();
        int[] parent = new int[nodes];
        for (int i = 0; i < nodes; i++) {
            parent[i] = i;
        }
        net.forEachElement((kind, r, c, a, b, g) -> {
            if (g == Double.POSITIVE_INFINITY) {
                parent[find(parent, a)] = find(parent, b);
            }
        });
        // Group kinds: a driver's group is held at V[i], a sense group at 0 V, the others are free.
        int[] pinnedSource = new int[nodes];
        boolean[] pinnedSense = new boolean[nodes];
        java.util.Arrays.fill(pinnedSource, -1);
        for (int i = 0; i < rows; i++) {
            pinnedSource[find(parent, net.sourceNode(i))] = i;
        }
        for (int j = 0; j < cols; j++) {
            pinnedSense[find(parent, net.senseNode(j))] = true;
        }
        int[] index = new int[nodes];
        int free = 0;
        for (int v = 0; v < nodes; v++) {
            index[v] = -1;
        }
        for (int v = 0; v < nodes; v++) {
            int root = find(parent, v);
            if (root == v && pinnedSource[v] < 0 && !pinnedSense[v]) {
                index[v] = free++;
            }
        }
        int f = free;
        double[] matrix = new double[f * f];
        double[] rhs = new double[f * rows];
        net.forEachElement((kind, r, c, a, b, g) -> {
            if (g == Double.POSITIVE_INFINITY) {
                return;
            }
            int ga = find(parent, a);
            int gb = find(parent, b);
            if (ga == gb) {
                return;
            }
            int ia = index[ga];
            int ib = index[gb];
            if (ia >= 0) {
                matrix[ia * f + ia] += g;
            }
            if (ib >= 0) {
                matrix[ib * f + ib] += g;
            }
            if (ia >= 0 && ib >= 0) {
                matrix[ia * f + ib] -= g;
                matrix[ib * f + ia] -= g;
            } else if (ia >= 0 && pinnedSource[gb] >= 0) {
                rhs[ia * rows + pinnedSource[gb]] += g;
            } else if (ib >= 0 && pinnedSource[ga] >= 0) {
                rhs[ib * rows + pinnedSource[ga]] += g;
            }
        });
        if (f > 0) {
            Lapack.dposv(f, rows, matrix, rhs);
        }
        double[] t = new double[rows * cols];
        for (int j = 0; j < cols; j++) {
            int senseGroup = find(parent, net.senseNode(j));
            int column = j;
            net.forEachElement((kind, r, c, a, b, g) -> {
                if (g == Double.POSITIVE_INFINITY) {
                    return;
                }
                int ga = find(parent, a);
                int gb = find(parent, b);
                int other;
                if (ga == senseGroup && gb != senseGroup) {
                    other = gb;
                } else if (gb == senseGroup && ga != senseGroup) {
                    other = ga;
                } else {
                    return;
                }
                for (int k = 0; k < rows; k++) {
                    double v = index[other] >= 0 ? rhs[index[other] * rows + k] : (pinnedSource[other] == k ? 1 : 0);
                    t[k * cols + column] += g * v;
                }
            });
        }
        return t;
    }

    private static int find(int[] parent, int v) {
        while (parent[v] != v) {
            parent[v] = parent[parent[v]];
            v = parent[v];
        }
        return v;
    }
}
