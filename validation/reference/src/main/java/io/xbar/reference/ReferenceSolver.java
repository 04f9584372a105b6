// ReferenceSolver: the crossbar's full nodal system assembled element by element and solved by LAPACK Cholesky.
package io.xbar.reference;

import io.xbar.blas.Lapack;
import io.xbar.kernel.Checks;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarNetwork;
import io.xbar.kernel.Solution;
import io.xbar.kernel.UnionFind;
import io.xbar.mapping.TransferFunction;

/**
 * An independent reference for the fast kernel: {@code A x = b} over every node of the crossbar
 * of MODEL.md section 1, taken from {@link CrossbarNetwork#forEachElement} and nothing else.
 *
 * <p>Zero resistances ({@code +Infinity} conductance) are exact shorts: their two nodes are merged
 * by a union-find, so the system has one unknown per merged node. Classes holding a source node
 * are pinned at {@code V[i]}, classes holding a sense node at 0 V; both move to the right-hand side.
 * The remaining system is SPD (every node reaches a pinned node through finite wires) and is
 * factored once by LAPACK: dense Cholesky ({@code dpotrf/dpotrs}) up to {@link #DENSE_LIMIT}
 * unknowns, banded Cholesky ({@code dpbtrf/dpbtrs}) above. The banded ordering interleaves
 * {@code u} and {@code w} of each cell, row by row or column by column, whichever gives the
 * smaller bandwidth (about {@code 2 min(M, N)}); merged nodes sit where they first appear.
 *
 * <p>Column current {@code I[j]} is the current into the sense class of column {@code j}: by KCL,
 * the sum of {@code G (z_other - 0)} over the finite elements crossing that class's boundary
 * (the SENSE elements when {@code r_sense > 0}; the bit-line end's neighbours when it is a short).
 *
 * <p>Slow by design (memory {@code n * bandwidth}); for validation of arrays up to about 256x256.
 * Instances are immutable after construction and may be shared across threads.
 */
public final class ReferenceSolver {
    /** How the reduced system is factored. */
    public enum Method {
        /** Dense Cholesky, {@code n^2} memory. */
        DENSE,
        /** Banded Cholesky, {@code n * (kd + 1)} memory. */
        BANDED
    }

    /** Largest reduced system solved densely when the method is chosen automatically. */
    public static final int DENSE_LIMIT = 2048;
    /** Largest dense system accepted at all (512 MB). */
    static final int DENSE_MAX = 8192;
    /** Largest band storage accepted, in doubles (1.6 GB). */
    static final long BAND_MAX = 200_000_000L;
    /** Right-hand sides solved together; bounds the workspace of batches and transfer matrices. */
    private static final int BLOCK = 64;
    /** Refinement steps at most; two or three suffice for every resistance range of the model. */
    private static final int MAX_REFINEMENTS = 8;

    private final int rows;
    private final int cols;
    private final int n;
    private final Method method;
    private final int kd;
    private final double[] factor;
    /** Per network node: index into {@code z = [x (n); V (M); 0 (N)]}. */
    private final int[] code;
    /** Finite elements between distinct classes, as codes into {@code z}, with their conductance. */
    private final int[] elementA;
    private final int[] elementB;
    private final double[] elementG;
    private final double normA;

    private ReferenceSolver(int rows, int cols, Method method, int n, int kd, double[] factor, int[] code,
                            int[] elementA, int[] elementB, double[] elementG, double normA) {
        this.rows = rows;
        this.cols = cols;
        this.method = method;
        this.n = n;
        this.kd = kd;
        this.factor = factor;
        this.code = code;
        this.elementA = elementA;
        this.elementB = elementB;
        this.elementG = elementG;
        this.normA = normA;
    }

    /** Assembles and factors the crossbar, choosing dense or banded by the number of unknowns. */
    public static ReferenceSolver factor(int rows, int cols, Circuit circuit, double[] conductances) {
        return factor(rows, cols, circuit, conductances, null);
    }

    /**
     * Assembles and factors the crossbar with the given method ({@code null}: dense up to
     * {@link #DENSE_LIMIT} unknowns, banded above).
     *
     * @param conductances row-major {@code rows x cols}, finite, {@code >= 0} (siemens)
     */
    public static ReferenceSolver factor(int rows, int cols, Circuit circuit, double[] conductances, Method method) {
        if (circuit == null) {
            throw new IllegalArgumentException("circuit must be given");
        }
        CrossbarNetwork network = new CrossbarNetwork(rows, cols, circuit, conductances);
        int nodes = network.nodeCount();

        // 1. Merge the two nodes of every short.
        UnionFind shorts = new UnionFind(nodes);
        int[] elementCount = {0};
        network.forEachElement((kind, i, j, a, b, g) -> {
            if (g == Double.POSITIVE_INFINITY) {
                shorts.union(a, b);
            } else {
                elementCount[0]++;
            }
        });
        int[] root = new int[nodes];
        for (int k = 0; k < nodes; k++) {
            root[k] = shorts.find(k);
        }

        // 2. Pinned classes: label -2-i for source row i, -2-M-j for sense column j.
        int[] label = new int[nodes];
        java.util.Arrays.fill(label, -1);
        for (int i = 0; i < rows; i++) {
            pin(label, root[network.sourceNode(i)], -2 - i, "source of row " + i);
        }
        for (int j = 0; j < cols; j++) {
            pin(label, root[network.senseNode(j)], -2 - rows - j, "sense amplifier of column " + j);
        }

        // 3. The finite elements that join distinct classes, kept as node pairs until numbered.
        int[] nodeA = new int[elementCount[0]];
        int[] nodeB = new int[elementCount[0]];
        double[] elementG = new double[elementCount[0]];
        int[] kept = {0};
        network.forEachElement((kind, i, j, a, b, g) -> {
            if (g != Double.POSITIVE_INFINITY && g > 0 && root[a] != root[b]) {
                nodeA[kept[0]] = root[a];
                nodeB[kept[0]] = root[b];
                elementG[kept[0]++] = g;
            }
        });
        int m = kept[0];

        // 4. Number the free classes along cells (u then w), by rows or by columns: smaller band wins.
        int[] byRows = number(network, label, root, true);
        int[] byCols = number(network, label, root, false);
        int n = byRows[nodes];
        int kdRows = bandwidth(byRows, nodeA, nodeB, m);
        int kdCols = bandwidth(byCols, nodeA, nodeB, m);
        int[] position = kdCols < kdRows ? byCols : byRows;
        int kd = Math.min(kdRows, kdCols);
        if (method == null) {
            method = n <= DENSE_LIMIT ? Method.DENSE : Method.BANDED;
        }

        int[] code = new int[nodes];
        for (int k = 0; k < nodes; k++) {
            int r = root[k];
            code[k] = label[r] >= -1 ? position[r] : n + (-2 - label[r]);
        }
        int[] elementA = new int[m];
        int[] elementB = new int[m];
        for (int e = 0; e < m; e++) {
            elementA[e] = code[nodeA[e]];
            elementB[e] = code[nodeB[e]];
        }

        // 5. Assemble the free block of the nodal matrix and factor it.
        double[] rowAbs = new double[n];
        for (int e = 0; e < m; e++) {
            int a = elementA[e];
            int b = elementB[e];
            double g = elementG[e];
            if (a < n) {
                rowAbs[a] += b < n ? 2 * g : g;
            }
            if (b < n) {
                rowAbs[b] += a < n ? 2 * g : g;
            }
        }
        double normA = 0;
        for (double v : rowAbs) {
            normA = Math.max(normA, v);
        }
        double[] factor;
        if (method == Method.DENSE) {
            if (n > DENSE_MAX) {
                throw new IllegalArgumentException("reference: " + n + " unknowns (" + rows + "x" + cols
                        + ") are too many for a dense solve (at most " + DENSE_MAX + ")");
            }
            factor = new double[n * n];
            for (int e = 0; e < m; e++) {
                int a = elementA[e];
                int b = elementB[e];
                double g = elementG[e];
                if (a < n) {
                    factor[a * n + a] += g;
                }
                if (b < n) {
                    factor[b * n + b] += g;
                }
                if (a < n && b < n) {
                    factor[a * n + b] -= g;
                    factor[b * n + a] -= g;
                }
            }
            Lapack.dpotrf(n, factor);
        } else {
            long size = (long) n * (kd + 1);
            if (size > BAND_MAX) {
                throw new IllegalArgumentException("reference: " + rows + "x" + cols + " needs a band of " + n
                        + " x " + (kd + 1) + " doubles, more than " + BAND_MAX);
            }
            int ld = kd + 1;
            factor = new double[(int) size];
            for (int e = 0; e < m; e++) {
                int a = elementA[e];
                int b = elementB[e];
                double g = elementG[e];
                if (a < n) {
                    factor[a * ld] += g;
                }
                if (b < n) {
                    factor[b * ld] += g;
                }
                if (a < n && b < n) {
                    int lo = Math.min(a, b);
                    factor[lo * ld + Math.abs(a - b)] -= g;
                }
            }
            Lapack.dpbtrf(n, kd, factor);
        }
        return new ReferenceSolver(rows, cols, method, n, kd, factor, code, elementA, elementB, elementG, normA);
    }

    private static void pin(int[] label, int r, int value, String what) {
        if (label[r] != -1) {
            throw new IllegalStateException("reference: the " + what + " is shorted to another pinned node");
        }
        label[r] = value;
    }

    /** Positions of the free classes in cell order; entry {@code [nodes]} is their count. */
    private static int[] number(CrossbarNetwork network, int[] label, int[] root, boolean rowByRow) {
        int rows = network.rows();
        int cols = network.cols();
        int nodes = network.nodeCount();
        int[] position = new int[nodes + 1];
        java.util.Arrays.fill(position, -1);
        int next = 0;
        int outer = rowByRow ? rows : cols;
        int inner = rowByRow ? cols : rows;
        for (int p = 0; p < outer; p++) {
            for (int q = 0; q < inner; q++) {
                int i = rowByRow ? p : q;
                int j = rowByRow ? q : p;
                for (int node : new int[] {network.wordLineNode(i, j), network.bitLineNode(i, j)}) {
                    int r = root[node];
                    if (label[r] == -1 && position[r] < 0) {
                        position[r] = next++;
                    }
                }
            }
        }
        position[nodes] = next;
        return position;
    }

    private static int bandwidth(int[] position, int[] nodeA, int[] nodeB, int m) {
        int kd = 0;
        for (int e = 0; e < m; e++) {
            int a = position[nodeA[e]];
            int b = position[nodeB[e]];
            if (a >= 0 && b >= 0) {
                kd = Math.max(kd, Math.abs(a - b));
            }
        }
        return kd;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Unknowns of the reduced system (merged, unpinned nodes). */
    public int unknowns() {
        return n;
    }

    /** Lower bandwidth of the chosen ordering ({@code kd} of the banded factor). */
    public int bandwidth() {
        return kd;
    }

    public Method method() {
        return method;
    }

    /** Solves for one input vector; the result carries node voltages and the scaled KCL residual. */
    public Solution solve(double[] voltages) {
        Checks.finiteBatch(voltages, 1, rows, "voltages");
        return solve(voltages, 1)[0];
    }

    /** Solves for {@code batch} input vectors (row-major {@code batch x rows}), each with node voltages. */
    public Solution[] solve(double[] voltages, int batch) {
        Checks.finiteBatch(voltages, batch, rows, "voltages");
        Solution[] out = new Solution[batch];
        forEachSolution(voltages, batch, (r, z, residual) -> {
            double[] u = new double[rows * cols];
            double[] w = new double[rows * cols];
            for (int k = 0; k < rows * cols; k++) {
                u[k] = z[code[k]];
                w[k] = z[code[rows * cols + k]];
            }
            out[r] = new Solution(currents(z), residual, 0, u, w);
        });
        return out;
    }

    /** Column currents for a batch, row-major {@code batch x cols}; see {@link #residual} for the KCL check. */
    public double[] currents(double[] voltages, int batch) {
        return currentsAndResidual(voltages, batch).currents();
    }

    /** Column currents for a batch together with the largest scaled KCL residual of its solves. */
    public Batch currentsAndResidual(double[] voltages, int batch) {
        Checks.finiteBatch(voltages, batch, rows, "voltages");
        double[] out = new double[batch * cols];
        double[] worst = {0};
        forEachSolution(voltages, batch, (r, z, residual) -> {
            System.arraycopy(currents(z), 0, out, r * cols, cols);
            worst[0] = Math.max(worst[0], residual);
        });
        return new Batch(out, worst[0]);
    }

    /**
     * The reference as the mapping layer's source of tile transfer matrices, so that a whole mapped
     * layer can be run against it ({@code TiledMvm.run(mapping, inputs, circuit, transferFunction())}).
     * Each call factors the tile afresh; keep tiles small (dense or banded cost).
     */
    public static TransferFunction transferFunction() {
        return (rows, cols, circuit, g) -> factor(rows, cols, circuit, g).transfer().currents();
    }

    /** The transfer matrix {@code T} (row-major {@code M x N}): row {@code i} is the output for {@code V = e_i}. */
    public Batch transfer() {
        double[] identity = new double[rows * rows];
        for (int i = 0; i < rows; i++) {
            identity[i * rows + i] = 1;
        }
        return currentsAndResidual(identity, rows);
    }

    /**
     * Currents of a batch with the worst scaled KCL residual {@code ||A x - b||_inf / (||A||_inf ||x||_inf + ||b||_inf)}
     * of its solves.
     *
     * @param currents row-major {@code batch x cols} (A)
     */
    public record Batch(double[] currents, double residual) {
    }

    private interface SolutionSink {
        void accept(int index, double[] z, double residual);
    }

    /** Solves the batch in blocks; hands each right-hand side's full value vector {@code z} to the sink. */
    private void forEachSolution(double[] voltages, int batch, SolutionSink sink) {
        int width = n + rows + cols;
        double[] z = new double[width];
        double[] b = new double[Math.min(BLOCK, Math.max(1, batch)) * Math.max(1, n)];
        double[] bNorm = new double[BLOCK];
        for (int first = 0; first < batch; first += BLOCK) {
            int count = Math.min(BLOCK, batch - first);
            // Right-hand sides, column-major n x count: b[r*n + p] = sum of G * V over pinned neighbours.
            java.util.Arrays.fill(b, 0);
            for (int r = 0; r < count; r++) {
                int vOff = (first + r) * rows;
                int bOff = r * n;
                for (int e = 0; e < elementA.length; e++) {
                    int a = elementA[e];
                    int c = elementB[e];
                    if (a < n && c >= n && c < n + rows) {
                        b[bOff + a] += elementG[e] * voltages[vOff + c - n];
                    } else if (c < n && a >= n && a < n + rows) {
                        b[bOff + c] += elementG[e] * voltages[vOff + a - n];
                    }
                }
                double norm = 0;
                for (int p = 0; p < n; p++) {
                    norm = Math.max(norm, Math.abs(b[bOff + p]));
                }
                bNorm[r] = norm;
            }
            double[] x = solveBlock(b, count).clone();
            refine(x, voltages, first, count, z);
            for (int r = 0; r < count; r++) {
                load(z, x, r, voltages, first + r);
                sink.accept(first + r, z, residual(z, bNorm[r]));
            }
        }
    }

    /** {@code z = [x_r; V_index; 0]}: the value of every class for one right-hand side. */
    private void load(double[] z, double[] x, int r, double[] voltages, int index) {
        System.arraycopy(x, r * n, z, 0, n);
        System.arraycopy(voltages, index * rows, z, n, rows);
        java.util.Arrays.fill(z, n + rows, z.length, 0.0);
    }

    /**
     * Iterative refinement with the residual taken element by element, {@code G (z_a - z_b)}.
     * Cholesky's backward error acts like a leak of {@code eps * G_wire} at every node: with
     * 1e-6 ohm wires that costs about {@code log10(G_wire / G_sense)} digits. The element-wise
     * residual is exact to rounding of the true branch currents, so a few corrections with the
     * same factor recover full accuracy (they contract by that leak ratio, far below 1 for
     * every resistance the model allows).
     */
    private void refine(double[] x, double[] voltages, int first, int count, double[] z) {
        if (n == 0) {
            return;
        }
        double[] correction = new double[count * n];
        double[] net = new double[n];
        double previous = Double.POSITIVE_INFINITY;
        for (int step = 0; step < MAX_REFINEMENTS; step++) {
            for (int r = 0; r < count; r++) {
                load(z, x, r, voltages, first + r);
                netLeaving(z, net);
                for (int p = 0; p < n; p++) {
                    correction[r * n + p] = -net[p];
                }
            }
            solveBlock(correction, count);
            double worst = 0;
            for (int r = 0; r < count; r++) {
                double dNorm = 0;
                double xNorm = 0;
                for (int p = 0; p < n; p++) {
                    x[r * n + p] += correction[r * n + p];
                    dNorm = Math.max(dNorm, Math.abs(correction[r * n + p]));
                    xNorm = Math.max(xNorm, Math.abs(x[r * n + p]));
                }
                worst = Math.max(worst, xNorm == 0 ? dNorm : dNorm / xNorm);
            }
            if (worst <= 0x1p-52 || worst > 0.5 * previous) {
                return;
            }
            previous = worst;
        }
    }

    /** Solves {@code A X = B} for {@code count} column-major right-hand sides in {@code b}. */
    private double[] solveBlock(double[] b, int count) {
        if (n == 0) {
            return b;
        }
        if (method == Method.BANDED) {
            Lapack.dpbtrs(n, kd, count, factor, b);
            return b;
        }
        // Dense LAPACKE is called row-major here: transpose to n x count and back.
        double[] rowMajor = new double[n * count];
        for (int r = 0; r < count; r++) {
            for (int p = 0; p < n; p++) {
                rowMajor[p * count + r] = b[r * n + p];
            }
        }
        Lapack.dpotrs(n, count, factor, rowMajor);
        for (int r = 0; r < count; r++) {
            for (int p = 0; p < n; p++) {
                b[r * n + p] = rowMajor[p * count + r];
            }
        }
        return b;
    }

    /** Net current leaving each free node by KCL, {@code (A x - b)_p}, summed element by element. */
    private void netLeaving(double[] z, double[] net) {
        java.util.Arrays.fill(net, 0.0);
        for (int e = 0; e < elementA.length; e++) {
            int a = elementA[e];
            int c = elementB[e];
            double current = elementG[e] * (z[a] - z[c]);
            if (a < n) {
                net[a] += current;
            }
            if (c < n) {
                net[c] -= current;
            }
        }
    }

    /** Scaled KCL residual {@code ||A x - b||_inf / (||A||_inf ||x||_inf + ||b||_inf)} of the free nodes. */
    private double residual(double[] z, double bNorm) {
        if (n == 0) {
            return 0;
        }
        double[] r = new double[n];
        netLeaving(z, r);
        double rNorm = 0;
        double xNorm = 0;
        for (int p = 0; p < n; p++) {
            rNorm = Math.max(rNorm, Math.abs(r[p]));
            xNorm = Math.max(xNorm, Math.abs(z[p]));
        }
        double scale = normA * xNorm + bNorm;
        return scale == 0 ? rNorm : rNorm / scale;
    }

    /** Current into each sense class: KCL over the finite elements that cross its boundary. */
    private double[] currents(double[] z) {
        double[] current = new double[cols];
        int senseBase = n + rows;
        for (int e = 0; e < elementA.length; e++) {
            int a = elementA[e];
            int c = elementB[e];
            if (a >= senseBase) {
                current[a - senseBase] += elementG[e] * (z[c] - z[a]);
            }
            if (c >= senseBase) {
                current[c - senseBase] += elementG[e] * (z[a] - z[c]);
            }
        }
        return current;
    }
}
