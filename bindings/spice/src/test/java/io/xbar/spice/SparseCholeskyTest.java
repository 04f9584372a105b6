// SparseCholeskyTest: the supernodal factor solves random SPD systems (meshes, random graphs) like dense LAPACK Cholesky.
package io.xbar.spice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import edu.emory.mathcs.csparsej.tdouble.Dcs_common.Dcs;
import edu.emory.mathcs.csparsej.tdouble.Dcs_compress;
import edu.emory.mathcs.csparsej.tdouble.Dcs_dupl;
import edu.emory.mathcs.csparsej.tdouble.Dcs_util;
import io.xbar.blas.Lapack;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SparseCholeskyTest {
    /** A weighted graph Laplacian plus a positive diagonal (grounding), both triangles, with its dense twin. */
    private static Dcs laplacian(int n, int[][] edges, double[] weights, double[] grounding, double[] dense) {
        Dcs t = Dcs_util.cs_spalloc(n, n, 4 * edges.length + n, true, true);
        int nz = 0;
        for (int e = 0; e < edges.length; e++) {
            int a = edges[e][0];
            int b = edges[e][1];
            double w = weights[e];
            int[][] at = {{a, a}, {b, b}, {a, b}, {b, a}};
            double[] val = {w, w, -w, -w};
            for (int k = 0; k < 4; k++) {
                t.i[nz] = at[k][0];
                t.p[nz] = at[k][1];
                t.x[nz++] = val[k];
                dense[at[k][0] * n + at[k][1]] += val[k];
            }
        }
        for (int v = 0; v < n; v++) {
            t.i[nz] = v;
            t.p[nz] = v;
            t.x[nz++] = grounding[v];
            dense[v * n + v] += grounding[v];
        }
        t.nz = nz;
        Dcs a = Dcs_compress.cs_compress(t);
        Dcs_dupl.cs_dupl(a);
        return a;
    }

    private static void check(int n, int[][] edges, Random random, String what) {
        double[] weights = new double[edges.length];
        for (int e = 0; e < weights.length; e++) {
            weights[e] = Math.pow(10, -3 + 6 * random.nextDouble());
        }
        double[] grounding = new double[n];
        grounding[random.nextInt(n)] = 1;
        for (int v = 0; v < n; v++) {
            if (random.nextInt(10) == 0) {
                grounding[v] += random.nextDouble();
            }
        }
        double[] dense = new double[n * n];
        Dcs a = laplacian(n, edges, weights, grounding, dense);
        double[] b = new double[n];
        for (int v = 0; v < n; v++) {
            b[v] = random.nextGaussian();
        }
        SparseCholesky factor = SparseCholesky.factor(a);
        assertTrue(factor != null, what);
        double[] x = new double[n];
        factor.solve(b, x, new double[n]);
        double[] reference = b.clone();
        Lapack.dposv(n, 1, dense.clone(), reference);
        double scale = 0;
        for (double r : reference) {
            scale = Math.max(scale, Math.abs(r));
        }
        for (int v = 0; v < n; v++) {
            assertEquals(reference[v], x[v], 1e-8 * scale, what + " x[" + v + "]");
        }
    }

    @Test
    void meshesOfEveryShape() {
        Random random = new Random(11);
        int[][] shapes = {{1, 1}, {1, 7}, {7, 1}, {2, 2}, {5, 8}, {13, 9}, {20, 20}};
        for (int[] s : shapes) {
            int rows = s[0];
            int cols = s[1];
            java.util.List<int[]> edges = new java.util.ArrayList<>();
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    if (j + 1 < cols) {
                        edges.add(new int[] {i * cols + j, i * cols + j + 1});
                    }
                    if (i + 1 < rows) {
                        edges.add(new int[] {i * cols + j, (i + 1) * cols + j});
                    }
                }
            }
            check(rows * cols, edges.toArray(new int[0][]), random, "mesh " + rows + "x" + cols);
        }
    }

    @Test
    void randomGraphsWithDenseRowsAndParallelEdges() {
        Random random = new Random(12);
        for (int trial = 0; trial < 40; trial++) {
            int n = 1 + random.nextInt(120);
            int m = random.nextInt(4 * n + 1);
            java.util.List<int[]> edges = new java.util.ArrayList<>();
            for (int v = 1; v < n; v++) {
                edges.add(new int[] {v, random.nextInt(v)}); // connected, so one grounded node makes it SPD
            }
            for (int e = 0; e < m; e++) {
                int a = random.nextInt(n);
                int b = random.nextInt(n);
                if (a != b) {
                    edges.add(new int[] {a, b});
                }
            }
            if (n > 3 && trial % 5 == 0) {
                for (int v = 1; v < n; v++) {
                    edges.add(new int[] {0, v}); // a hub: one dense row and column
                }
            }
            check(n, edges.toArray(new int[0][]), random, "random graph " + trial + " n=" + n);
        }
    }

    @Test
    void reportsMatricesThatAreNotPositiveDefinite() {
        double[] dense = new double[9];
        // A path 0-1-2 with no grounding: the Laplacian is singular.
        Dcs a = laplacian(3, new int[][] {{0, 1}, {1, 2}}, new double[] {1, 1}, new double[3], dense);
        assertNull(SparseCholesky.factor(a));
        Dcs b = laplacian(2, new int[][] {{0, 1}}, new double[] {1}, new double[] {-5, 0}, new double[4]);
        assertNull(SparseCholesky.factor(b));
    }
}
