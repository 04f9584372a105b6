// NetlistSolver: DC operating point of a linear netlist by reduced nodal analysis and sparse Cholesky with AMD ordering.
package io.xbar.spice;

import edu.emory.mathcs.csparsej.tdouble.Dcs_common.Dcs;
import edu.emory.mathcs.csparsej.tdouble.Dcs_compress;
import edu.emory.mathcs.csparsej.tdouble.Dcs_dupl;
import edu.emory.mathcs.csparsej.tdouble.Dcs_gaxpy;
import edu.emory.mathcs.csparsej.tdouble.Dcs_norm;
import edu.emory.mathcs.csparsej.tdouble.Dcs_util;
import io.xbar.kernel.LineKernels;
import io.xbar.kernel.UnionFind;

import java.util.ArrayList;
import java.util.List;

/**
 * Solves {@code G x = b} for a linear DC netlist, the modified nodal analysis of SPICE with the
 * voltage sources eliminated instead of added as unknowns, so what remains is symmetric positive
 * definite:
 *
 * <ol>
 *   <li>zero-ohm resistors merge their nodes (exact shorts, union-find);</li>
 *   <li>voltage sources form a forest over the merged nodes (a cycle, a source across a short
 *       included, is a loop of voltage sources: an error). A tree that contains ground fixes every
 *       potential in it; any other tree becomes one unknown, its nodes sitting at fixed offsets
 *       from it (floating sources are handled exactly, no large conductances);</li>
 *   <li>every unknown must reach a fixed node through resistors, or it floats: an error;</li>
 *   <li>KCL of each unknown, {@code sum_k g_k (x_a + o_a - x_b - o_b) = injected}, gives a
 *       weighted graph Laplacian with the fixed nodes eliminated: SPD, solved by sparse Cholesky
 *       under an AMD fill-reducing ordering ({@link SparseCholesky}), with iterative refinement to a scaled
 *       residual near machine precision;</li>
 *   <li>voltage-source currents follow from KCL along each source tree, leaves first.</li>
 * </ol>
 *
 * Every topology problem is a {@link NetlistException} naming a line, node or source.
 */
public final class NetlistSolver {
    /** Scaled residual required of the reduced system; a direct solve normally reaches ~1e-16. */
    static final double REQUIRED_RESIDUAL = 1e-10;

    private NetlistSolver() {
    }

    /** The DC operating point of {@code netlist}. */
    public static NetlistSolution solve(Netlist netlist) {
        int n = netlist.nodeCount();
        int m = netlist.count;
        if (m == 0) {
            throw new NetlistException(0, "the netlist has no elements (expected R, V or I elements after the title line)");
        }
        byte[] kind = netlist.kind;
        int[] plus = netlist.plus;
        int[] minus = netlist.minus;
        double[] value = netlist.value;
        final byte resistor = (byte) Netlist.Kind.RESISTOR.ordinal();
        final byte voltage = (byte) Netlist.Kind.VOLTAGE_SOURCE.ordinal();
        final byte current = (byte) Netlist.Kind.CURRENT_SOURCE.ordinal();

        // 1. Shorts: classes of nodes joined by zero-ohm resistors.
        UnionFind shorts = new UnionFind(n);
        for (int k = 0; k < m; k++) {
            if (kind[k] == resistor && value[k] == 0) {
                shorts.union(plus[k], minus[k]);
            }
        }
        int[] cls = new int[n];
        int classes = 0;
        int[] classOfRoot = new int[n];
        java.util.Arrays.fill(classOfRoot, -1);
        for (int v = 0; v < n; v++) {
            int r = shorts.find(v);
            if (classOfRoot[r] < 0) {
                classOfRoot[r] = classes++;
            }
            cls[v] = classOfRoot[r];
        }
        int[] classNode = new int[classes]; // lowest node of each class, for messages
        java.util.Arrays.fill(classNode, -1);
        for (int v = n - 1; v >= 0; v--) {
            classNode[cls[v]] = v;
        }
        int groundClass = cls[Netlist.GROUND];

        // 2. Voltage-source forest over classes (CSR adjacency), rooted at ground where it can be.
        int sourceCount = 0;
        int[] degree = new int[classes + 1];
        for (int k = 0; k < m; k++) {
            if (kind[k] == voltage) {
                sourceCount++;
                int a = cls[plus[k]];
                int b = cls[minus[k]];
                if (a == b) {
                    String how = plus[k] == minus[k] ? "both terminals are node '" + netlist.nodeName(plus[k]) + "'"
                            : "its nodes '" + netlist.nodeName(plus[k]) + "' and '" + netlist.nodeName(minus[k])
                            + "' are shorted by zero-ohm resistors";
                    throw new NetlistException(netlist.line[k], "voltage source '" + netlist.elementName(k)
                            + "' is a loop of voltage sources by itself: " + how + " (its current is undetermined)");
                }
                degree[a + 1]++;
                degree[b + 1]++;
            }
        }
        for (int c = 0; c < classes; c++) {
            degree[c + 1] += degree[c];
        }
        int[] adjacency = new int[degree[classes]];
        int[] fill = java.util.Arrays.copyOf(degree, classes);
        int[] sources = new int[sourceCount];
        sourceCount = 0;
        for (int k = 0; k < m; k++) {
            if (kind[k] == voltage) {
                sources[sourceCount++] = k;
                adjacency[fill[cls[plus[k]]]++] = k;
                adjacency[fill[cls[minus[k]]]++] = k;
            }
        }
        double[] offset = new double[classes];
        int[] unknown = new int[classes];
        int[] parentEdge = new int[classes];
        int[] depth = new int[classes];
        int[] order = new int[classes];
        boolean[] visited = new boolean[classes];
        int ordered = 0;
        int unknowns = 0;
        for (int s = -1; s < classes; s++) {
            int root = s < 0 ? groundClass : s;
            if (visited[root]) {
                continue;
            }
            int id = root == groundClass ? -1 : unknowns++;
            visited[root] = true;
            parentEdge[root] = -1;
            unknown[root] = id;
            int head = ordered;
            order[ordered++] = root;
            while (head < ordered) {
                int c = order[head++];
                for (int p = degree[c]; p < degree[c + 1]; p++) {
                    int k = adjacency[p];
                    if (k == parentEdge[c]) {
                        continue;
                    }
                    boolean cIsPlus = cls[plus[k]] == c;
                    int other = cIsPlus ? cls[minus[k]] : cls[plus[k]];
                    if (visited[other]) {
                        // Each tree edge is seen once from each end; only a non-tree edge reaches here twice.
                        if (parentEdge[other] == k) {
                            continue;
                        }
                        throw loop(netlist, k, c, other, parentEdge, depth, cls);
                    }
                    visited[other] = true;
                    parentEdge[other] = k;
                    depth[other] = depth[c] + 1;
                    unknown[other] = id;
                    offset[other] = cIsPlus ? offset[c] - value[k] : offset[c] + value[k];
                    order[ordered++] = other;
                }
            }
        }

        // 3. Every unknown needs a resistive path to a fixed potential.
        int fixed = unknowns;
        UnionFind reach = new UnionFind(unknowns + 1);
        for (int k = 0; k < m; k++) {
            if (kind[k] == resistor && value[k] > 0) {
                reach.union(unknownOf(unknown, cls[plus[k]], fixed), unknownOf(unknown, cls[minus[k]], fixed));
            }
        }
        int groundSet = reach.find(fixed);
        for (int c : order) {
            int u = unknown[c];
            if (u >= 0 && reach.find(u) != groundSet) {
                int node = classNode[c];
                throw new NetlistException(netlist.nodeLine(node), "node '" + netlist.nodeName(node)
                        + "' has no DC path to ground: it and the nodes connected to it float"
                        + " (connect them to ground or to a source through a resistor)");
            }
        }

        // 4. Reduced nodal system G x = b over the unknowns.
        double[] x = new double[unknowns];
        double residual = 0;
        if (unknowns > 0) {
            double[] b = new double[unknowns];
            int entries = 0;
            for (int k = 0; k < m; k++) {
                if (kind[k] == resistor && value[k] > 0) {
                    int ua = unknown[cls[plus[k]]];
                    int ub = unknown[cls[minus[k]]];
                    if (ua != ub || ua < 0) {
                        entries += (ua >= 0 ? 1 : 0) + (ub >= 0 ? 1 : 0) + (ua >= 0 && ub >= 0 ? 2 : 0);
                    }
                }
            }
            Dcs t = Dcs_util.cs_spalloc(unknowns, unknowns, Math.max(1, entries), true, true);
            int nz = 0;
            for (int k = 0; k < m; k++) {
                if (kind[k] == resistor && value[k] > 0) {
                    int ca = cls[plus[k]];
                    int cb = cls[minus[k]];
                    int ua = unknown[ca];
                    int ub = unknown[cb];
                    if (ua == ub && ua >= 0) {
                        continue; // both ends in one source tree: a fixed current that cancels in its KCL
                    }
                    double g = 1.0 / value[k];
                    double drive = g * (offset[ca] - offset[cb]);
                    if (ua >= 0) {
                        t.i[nz] = ua; t.p[nz] = ua; t.x[nz++] = g;
                        b[ua] -= drive;
                    }
                    if (ub >= 0) {
                        t.i[nz] = ub; t.p[nz] = ub; t.x[nz++] = g;
                        b[ub] += drive;
                    }
                    if (ua >= 0 && ub >= 0) {
                        t.i[nz] = ua; t.p[nz] = ub; t.x[nz++] = -g;
                        t.i[nz] = ub; t.p[nz] = ua; t.x[nz++] = -g;
                    }
                } else if (kind[k] == current) {
                    // SPICE: the current leaves the plus node and enters the minus node.
                    int ua = unknown[cls[plus[k]]];
                    int ub = unknown[cls[minus[k]]];
                    if (ua >= 0) {
                        b[ua] -= value[k];
                    }
                    if (ub >= 0) {
                        b[ub] += value[k];
                    }
                }
            }
            t.nz = nz;
            Dcs a = Dcs_compress.cs_compress(t);
            Dcs_dupl.cs_dupl(a);
            residual = solveSpd(a, b, x);
        }

        // 5. Node voltages, then source currents from KCL along each source tree, leaves first.
        double[] classVoltage = new double[classes];
        for (int c = 0; c < classes; c++) {
            classVoltage[c] = (unknown[c] >= 0 ? x[unknown[c]] : 0) + offset[c];
        }
        double[] voltages = new double[n];
        for (int v = 0; v < n; v++) {
            voltages[v] = classVoltage[cls[v]];
        }
        double[] leaving = new double[classes];
        for (int k = 0; k < m; k++) {
            int ca = cls[plus[k]];
            int cb = cls[minus[k]];
            if (ca == cb) {
                continue;
            }
            double i;
            if (kind[k] == resistor) {
                i = (classVoltage[ca] - classVoltage[cb]) / value[k];
            } else if (kind[k] == current) {
                i = value[k];
            } else {
                continue;
            }
            leaving[ca] += i;
            leaving[cb] -= i;
        }
        double[] edgeCurrent = new double[sources.length];
        int[] sourceIndex = new int[m];
        for (int s = 0; s < sources.length; s++) {
            sourceIndex[sources[s]] = s;
        }
        for (int p = ordered - 1; p >= 0; p--) {
            int c = order[p];
            int k = parentEdge[c];
            if (k < 0) {
                continue;
            }
            // The source feeds its subtree's demand: into the minus node it carries +i, into the plus node -i.
            boolean cIsMinus = cls[minus[k]] == c;
            edgeCurrent[sourceIndex[k]] = cIsMinus ? leaving[c] : -leaving[c];
            int up = cIsMinus ? cls[plus[k]] : cls[minus[k]];
            leaving[up] += leaving[c];
        }
        for (int v = 0; v < n; v++) {
            if (!Double.isFinite(voltages[v])) {
                throw new NetlistException(netlist.nodeLine(v), "node '" + netlist.nodeName(v) + "' has no finite voltage ("
                        + voltages[v] + "): element values out of range of double precision");
            }
        }
        return new NetlistSolution(netlist, voltages, sources, edgeCurrent, residual);
    }

    /**
     * Solves the SPD system {@code a x = b} by sparse Cholesky (AMD on {@code A + A'}) and up to
     * three steps of iterative refinement.
     *
     * @return the scaled residual reached
     */
    private static double solveSpd(Dcs a, double[] b, double[] x) {
        int n = a.n;
        SparseCholesky factor = SparseCholesky.factor(a);
        if (factor == null) {
            throw new NetlistException(0, "the nodal conductance matrix is numerically singular (resistances too many"
                    + " orders of magnitude apart for double precision)");
        }
        double[] work = new double[n];
        double[] correction = new double[n];
        double[] r = b.clone();
        double normA = Dcs_norm.cs_norm(a);
        double normB = LineKernels.maxAbs(b);
        double residual = Double.POSITIVE_INFINITY;
        for (int step = 0; step < 4; step++) {
            // Correction d = A^-1 r, with P A P' = L L'.
            factor.solve(r, correction, work);
            for (int k = 0; k < n; k++) {
                x[k] += correction[k];
            }
            // r = b - A x
            for (int k = 0; k < n; k++) {
                r[k] = -b[k];
            }
            Dcs_gaxpy.cs_gaxpy(a, x, r);
            for (int k = 0; k < n; k++) {
                r[k] = -r[k];
            }
            double denominator = normA * LineKernels.maxAbs(x) + normB;
            double reached = denominator == 0 ? 0 : LineKernels.maxAbs(r) / denominator;
            if (!(reached < residual)) {
                for (int k = 0; k < n; k++) {
                    x[k] -= correction[k]; // refinement stopped helping: keep the better iterate
                }
                break;
            }
            residual = reached;
            if (residual <= 1e-15) {
                break;
            }
        }
        if (!(residual <= REQUIRED_RESIDUAL)) {
            throw new NetlistException(0, "the nodal system could not be solved accurately: scaled residual " + residual
                    + ", required " + REQUIRED_RESIDUAL + " (resistances too many orders of magnitude apart?)");
        }
        return residual;
    }

    private static NetlistException loop(Netlist netlist, int closing, int c, int other, int[] parentEdge, int[] depth, int[] cls) {
        List<String> names = new ArrayList<>();
        names.add(netlist.elementName(closing));
        int p = c;
        int q = other;
        while (p != q) {
            if (depth[p] >= depth[q]) {
                int k = parentEdge[p];
                names.add(netlist.elementName(k));
                p = cls[netlist.plus[k]] == p ? cls[netlist.minus[k]] : cls[netlist.plus[k]];
            } else {
                int k = parentEdge[q];
                names.add(netlist.elementName(k));
                q = cls[netlist.plus[k]] == q ? cls[netlist.minus[k]] : cls[netlist.plus[k]];
            }
        }
        String list = names.size() <= 8 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 8)) + ", ... (" + names.size() + " sources)";
        return new NetlistException(netlist.line[closing], "loop of voltage sources (" + list
                + "; zero-ohm resistors join nodes): their currents are undetermined");
    }

    private static int unknownOf(int[] unknown, int c, int fixed) {
        int u = unknown[c];
        return u < 0 ? fixed : u;
    }
}
