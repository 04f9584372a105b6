// NonlinearReference: an independent damped-Newton solve of a crossbar with sinh cells on the dense nodal system (LAPACK).
package io.xbar.reference;

import io.xbar.blas.Lapack;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarNetwork;
import io.xbar.kernel.UnionFind;

/**
 * The oracle for the kernel's Newton solver ({@code NewtonSolve}): the crossbar of MODEL.md section 1
 * taken from {@link CrossbarNetwork#forEachElement} alone, with every cell carrying
 * {@code i = g v0 sinh((u - w) / v0)} (MODEL.md section 6). Shorts are merged (union-find), source
 * and sense classes pinned, and Newton's method runs on the remaining classes with the dense Jacobian
 * (the conductance Laplacian with each cell at {@code g cosh((u - w) / v0)}) factored by LAPACK
 * Cholesky at every step, from zero node voltages, halving the step until the residual's 2-norm
 * falls. It shares no code with the kernel's solvers. Small crossbars only (dense {@code n^2}).
 */
public final class NonlinearReference {
    /** The solution: column currents, node voltages (row-major M x N) and the largest KCL imbalance (A). */
    public record Result(double[] currents, double[] u, double[] w, double imbalance, int iterations) {
    }

    private NonlinearReference() {
    }

    /**
     * Solves the crossbar with sinh cells of voltage scale {@code v0} for input voltages {@code v}.
     *
     * @throws IllegalStateException if Newton's method does not converge
     */
    public static Result solve(int rows, int cols, Circuit circuit, double[] g, double v0, double[] v) {
        CrossbarNetwork network = new CrossbarNetwork(rows, cols, circuit, g);
        int nodes = network.nodeCount();
        UnionFind shorts = new UnionFind(nodes);
        java.util.List<double[]> elements = new java.util.ArrayList<>();
        network.forEachElement((kind, i, j, a, b, c) -> {
            if (c == Double.POSITIVE_INFINITY) {
                shorts.union(a, b);
            } else if (c > 0) {
                elements.add(new double[] {a, b, c, kind == CrossbarNetwork.Kind.CELL ? 1 : 0});
            }
        });
        // Values of pinned classes; index of free classes.
        double[] fixed = new double[nodes];
        boolean[] pinned = new boolean[nodes];
        for (int i = 0; i < rows; i++) {
            int r = shorts.find(network.sourceNode(i));
            pinned[r] = true;
            fixed[r] = v[i];
        }
        for (int j = 0; j < cols; j++) {
            int r = shorts.find(network.senseNode(j));
            pinned[r] = true;
            fixed[r] = 0;
        }
        int[] index = new int[nodes];
        int n = 0;
        for (int k = 0; k < nodes; k++) {
            int r = shorts.find(k);
            if (r == k && !pinned[k]) {
                index[k] = n++;
            }
        }
        double[] x = new double[n];
        double[] f = new double[n];
        double[] trial = new double[n];
        double[] jac = new double[n * n];
        double norm = residual(elements, shorts, pinned, fixed, index, x, v0, f, null);
        double scale = 0;
        for (double[] e : elements) {
            scale = Math.max(scale, e[2]);
        }
        double maxV = 0;
        for (double vi : v) {
            maxV = Math.max(maxV, Math.abs(vi));
        }
        int it = 0;
        while (it < 100) {
            double max = 0;
            for (double fi : f) {
                max = Math.max(max, Math.abs(fi));
            }
            if (max <= 1e-15 * scale * Math.max(maxV, 1e-300) || n == 0) {
                break;
            }
            it++;
            java.util.Arrays.fill(jac, 0);
            residual(elements, shorts, pinned, fixed, index, x, v0, f, jac);
            double[] delta = f.clone();
            Lapack.dpotrf(n, jac);
            Lapack.dpotrs(n, 1, jac, delta);
            double lambda = 1;
            double next = Double.POSITIVE_INFINITY;
            for (int h = 0; h < 60; h++) {
                for (int k = 0; k < n; k++) {
                    trial[k] = x[k] + lambda * delta[k];
                }
                next = residual(elements, shorts, pinned, fixed, index, trial, v0, null, null);
                if (next < norm) {
                    break;
                }
                lambda *= 0.5;
            }
            if (!(next < norm)) {
                break; // rounding floor
            }
            System.arraycopy(trial, 0, x, 0, n);
            norm = residual(elements, shorts, pinned, fixed, index, x, v0, f, null);
        }
        double imbalance = 0;
        for (double fi : f) {
            imbalance = Math.max(imbalance, Math.abs(fi));
        }
        double[] u = new double[rows * cols];
        double[] w = new double[rows * cols];
        for (int k = 0; k < rows * cols; k++) {
            u[k] = value(shorts, pinned, fixed, index, x, network.wordLineNode(k / cols, k % cols));
            w[k] = value(shorts, pinned, fixed, index, x, network.bitLineNode(k / cols, k % cols));
        }
        double[] currents = new double[cols];
        for (int k = 0; k < rows * cols; k++) {
            currents[k % cols] += g[k] * v0 * Math.sinh((u[k] - w[k]) / v0);
        }
        return new Result(currents, u, w, imbalance, it);
    }

    private static double value(UnionFind shorts, boolean[] pinned, double[] fixed, int[] index, double[] x, int node) {
        int r = shorts.find(node);
        return pinned[r] ? fixed[r] : x[index[r]];
    }

    /**
     * Current into each free class from its elements ({@code f}, when given), the Jacobian of minus that
     * ({@code jac}, when given, accumulated) and the residual's 2-norm.
     */
    private static double residual(java.util.List<double[]> elements, UnionFind shorts, boolean[] pinned,
                                   double[] fixed, int[] index, double[] x, double v0, double[] f, double[] jac) {
        int n = x.length;
        double[] r = f != null ? f : new double[n];
        java.util.Arrays.fill(r, 0);
        for (double[] e : elements) {
            int a = shorts.find((int) e[0]);
            int b = shorts.find((int) e[1]);
            if (a == b) {
                continue;
            }
            double va = pinned[a] ? fixed[a] : x[index[a]];
            double vb = pinned[b] ? fixed[b] : x[index[b]];
            double c = e[2];
            double current; // from a to b
            double slope;
            if (e[3] == 1) {
                current = c * v0 * Math.sinh((va - vb) / v0);
                slope = c * Math.cosh((va - vb) / v0);
            } else {
                current = c * (va - vb);
                slope = c;
            }
            if (!pinned[a]) {
                r[index[a]] -= current;
            }
            if (!pinned[b]) {
                r[index[b]] += current;
            }
            if (jac != null) {
                if (!pinned[a]) {
                    jac[index[a] * n + index[a]] += slope;
                }
                if (!pinned[b]) {
                    jac[index[b] * n + index[b]] += slope;
                }
                if (!pinned[a] && !pinned[b]) {
                    jac[index[a] * n + index[b]] -= slope;
                    jac[index[b] * n + index[a]] -= slope;
                }
            }
        }
        double s = 0;
        for (double ri : r) {
            s += ri * ri;
        }
        return Math.sqrt(s);
    }
}
