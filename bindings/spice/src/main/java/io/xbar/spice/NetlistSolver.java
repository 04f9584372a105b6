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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Solves {@code G x = b} for a linear DC netlist, the modified nodal analysis of SPICE with the
 * voltage sources eliminated instead of added as unknowns, so what remains is symmetric positive
 * definite. {@link #solve} is the chain of steps:
 *
 * <ol>
 *   <li>{@link #mergeShorts}: zero-ohm resistors merge their nodes into classes (exact shorts,
 *       union-find);</li>
 *   <li>{@link #eliminateVoltageSources}: voltage sources form a forest over the classes (a cycle,
 *       a source across a short included, is a loop of voltage sources: an error). A tree that
 *       contains ground fixes every potential in it; any other tree becomes one unknown, its
 *       classes sitting at fixed offsets from it (floating sources are handled exactly, no large
 *       conductances);</li>
 *   <li>{@link #requireGroundPaths}: every unknown must reach a fixed potential through resistors,
 *       or it floats: an error;</li>
 *   <li>{@link #stampConductances}: KCL of each unknown, {@code sum_k g_k (x_a + o_a - x_b - o_b) =
 *       injected}, gives a weighted graph Laplacian with the fixed nodes eliminated: SPD;</li>
 *   <li>{@link #factor} by sparse Cholesky under an AMD fill-reducing ordering
 *       ({@link SparseCholesky}), then {@link #solveRefined}: a solve with iterative refinement to a
 *       scaled residual near machine precision;</li>
 *   <li>{@link #classVoltages}, {@link #nodeVoltages}: potentials from the unknowns and the
 *       offsets;</li>
 *   <li>{@link #recoverSourceCurrents}: voltage-source currents from KCL along each source tree,
 *       leaves first;</li>
 *   <li>{@link #checkFinite}: a result that double precision cannot hold (an overflow) is an
 *       error, never a number;</li>
 *   <li>{@link #currentPrecision}: so is a source current that rounding leaves undetermined
 *       (a resistor so small next to the others that the voltage across it is below the rounding of
 *       its node potentials: {@code 1e-300} ohm in series with {@code 1} ohm); one known only to a
 *       few digits is written with a warning ({@link NetlistSolution#precisionWarning}).</li>
 * </ol>
 *
 * <p>ngspice 39 does neither: a {@code 1e-310} ohm resistor across a source gives
 * {@code i(V1) = -inf}, and {@code 1e-300} ohm in series with {@code 1} ohm across 1 V gives
 * {@code -1.49e284} A instead of {@code -1} A. Resistances outside what double precision can
 * solve ({@code R} and {@code 1/R} both normal doubles) are refused by {@link NetlistParser}.
 *
 * Every problem is a {@link NetlistException} naming a line, node or source.
 */
public final class NetlistSolver {
    /** Scaled residual required of the reduced system; a direct solve normally reaches ~1e-16. */
    static final double REQUIRED_RESIDUAL = 1e-10;
    /**
     * Largest rounding-error bound of a voltage-source current, relative to the network's current
     * scale, reported without a warning: the agreement held with ngspice in the validation.
     */
    static final double REQUIRED_CURRENT_RESOLUTION = 1e-6;
    /**
     * Rounding-error bound of a voltage-source current, relative to the network's current scale,
     * beyond which the current is not written at all: not even its first digit would be right.
     * Between this and {@link #REQUIRED_CURRENT_RESOLUTION} the number is written with a warning that
     * states the bound (a source feeding a line of micro-ohm wires at volts and nanoamps: the
     * potentials and the other currents stay exact, and the validation compares them at 1e-9).
     */
    static final double REFUSED_CURRENT_RESOLUTION = 0.1;

    /** Largest relative error of rounding a real number to the nearest double, {@code 2^-53}. */
    private static final double UNIT_ROUNDOFF = 0x1p-53;
    private static final byte RESISTOR = (byte) Netlist.Kind.RESISTOR.ordinal();
    private static final byte VOLTAGE_SOURCE = (byte) Netlist.Kind.VOLTAGE_SOURCE.ordinal();
    private static final byte CURRENT_SOURCE = (byte) Netlist.Kind.CURRENT_SOURCE.ordinal();

    private NetlistSolver() {
    }

    /** The DC operating point of {@code netlist}. */
    public static NetlistSolution solve(Netlist netlist) {
        requireElements(netlist);
        NodeClasses classes = mergeShorts(netlist);
        SourceForest forest = eliminateVoltageSources(netlist, classes);
        requireGroundPaths(netlist, classes, forest);
        double[] x = new double[forest.unknowns()];
        double residual = 0;
        if (forest.unknowns() > 0) {
            NodalSystem system = stampConductances(netlist, classes, forest);
            residual = solveRefined(system, factor(system), x);
        }
        double[] classVoltages = classVoltages(classes, forest, x);
        double[] voltages = nodeVoltages(classes, classVoltages);
        checkFinite(netlist, voltages);
        double[] sourceCurrents = recoverSourceCurrents(netlist, classes, forest, classVoltages);
        checkFinite(netlist, forest.sources(), sourceCurrents);
        String precision = currentPrecision(netlist, classes, forest, classVoltages, sourceCurrents);
        return new NetlistSolution(netlist, voltages, forest.sources(), sourceCurrents, residual, precision);
    }

    /**
     * Nodes joined by zero-ohm resistors, as classes {@code 0 .. count-1}.
     *
     * @param of the class of every node
     * @param firstNode the lowest node of every class, for messages
     * @param ground the class of the ground node
     */
    private record NodeClasses(int[] of, int count, int[] firstNode, int ground) {
    }

    /**
     * The voltage-source forest over the node classes, each tree rooted at ground where it can be.
     *
     * @param sources the element index of every voltage source, in netlist order
     * @param unknowns how many potentials remain unknown (one per tree without ground)
     * @param unknown per class, its tree's unknown, or {@code -1} when ground fixes it
     * @param offset per class, its potential minus its tree's unknown (or minus ground)
     * @param parentEdge per class, the source joining it to its parent in the tree, {@code -1} at a root
     * @param order every class, parents before children (breadth first from each root)
     */
    private record SourceForest(int[] sources, int unknowns, int[] unknown, double[] offset, int[] parentEdge,
            int[] order) {
    }

    /** The reduced nodal system {@code a x = b} over the unknowns (symmetric, both triangles stored). */
    private record NodalSystem(Dcs a, double[] b) {
    }

    private static void requireElements(Netlist netlist) {
        if (netlist.count == 0) {
            throw new NetlistException(0, "the netlist has no elements (expected R, V or I elements after the title line)");
        }
    }

    /** Step 1: classes of nodes joined by zero-ohm resistors. */
    private static NodeClasses mergeShorts(Netlist netlist) {
        int n = netlist.nodeCount();
        UnionFind shorts = new UnionFind(n);
        for (int k = 0; k < netlist.count; k++) {
            if (netlist.kind[k] == RESISTOR && netlist.value[k] == 0) {
                shorts.union(netlist.plus[k], netlist.minus[k]);
            }
        }
        int[] cls = new int[n];
        int classes = 0;
        int[] classOfRoot = new int[n];
        Arrays.fill(classOfRoot, -1);
        for (int v = 0; v < n; v++) {
            int r = shorts.find(v);
            if (classOfRoot[r] < 0) {
                classOfRoot[r] = classes++;
            }
            cls[v] = classOfRoot[r];
        }
        int[] firstNode = new int[classes];
        Arrays.fill(firstNode, -1);
        for (int v = n - 1; v >= 0; v--) {
            firstNode[cls[v]] = v;
        }
        return new NodeClasses(cls, classes, firstNode, cls[Netlist.GROUND]);
    }

    /**
     * Step 2: the voltage-source forest over the classes (CSR adjacency, breadth first), which
     * fixes every class's potential as an offset from ground or from its tree's one unknown.
     */
    private static SourceForest eliminateVoltageSources(Netlist netlist, NodeClasses classes) {
        int m = netlist.count;
        byte[] kind = netlist.kind;
        int[] plus = netlist.plus;
        int[] minus = netlist.minus;
        double[] value = netlist.value;
        int[] cls = classes.of();
        int count = classes.count();
        int sourceCount = 0;
        int[] degree = new int[count + 1];
        for (int k = 0; k < m; k++) {
            if (kind[k] == VOLTAGE_SOURCE) {
                sourceCount++;
                int a = cls[plus[k]];
                int b = cls[minus[k]];
                if (a == b) {
                    throw selfLoop(netlist, k);
                }
                degree[a + 1]++;
                degree[b + 1]++;
            }
        }
        for (int c = 0; c < count; c++) {
            degree[c + 1] += degree[c];
        }
        int[] adjacency = new int[degree[count]];
        int[] fill = Arrays.copyOf(degree, count);
        int[] sources = new int[sourceCount];
        sourceCount = 0;
        for (int k = 0; k < m; k++) {
            if (kind[k] == VOLTAGE_SOURCE) {
                sources[sourceCount++] = k;
                adjacency[fill[cls[plus[k]]]++] = k;
                adjacency[fill[cls[minus[k]]]++] = k;
            }
        }
        double[] offset = new double[count];
        int[] unknown = new int[count];
        int[] parentEdge = new int[count];
        int[] depth = new int[count];
        int[] order = new int[count];
        boolean[] visited = new boolean[count];
        int ordered = 0;
        int unknowns = 0;
        for (int s = -1; s < count; s++) {
            int root = s < 0 ? classes.ground() : s;
            if (visited[root]) {
                continue;
            }
            int id = root == classes.ground() ? -1 : unknowns++;
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
        return new SourceForest(sources, unknowns, unknown, offset, parentEdge, order);
    }

    /** Step 3: every unknown needs a resistive path to a fixed potential, or it floats. */
    private static void requireGroundPaths(Netlist netlist, NodeClasses classes, SourceForest forest) {
        int[] cls = classes.of();
        int[] unknown = forest.unknown();
        int fixed = forest.unknowns();
        UnionFind reach = new UnionFind(fixed + 1);
        for (int k = 0; k < netlist.count; k++) {
            if (netlist.kind[k] == RESISTOR && netlist.value[k] > 0) {
                reach.union(unknownOf(unknown, cls[netlist.plus[k]], fixed), unknownOf(unknown, cls[netlist.minus[k]], fixed));
            }
        }
        int groundSet = reach.find(fixed);
        for (int c : forest.order()) {
            int u = unknown[c];
            if (u >= 0 && reach.find(u) != groundSet) {
                int node = classes.firstNode()[c];
                throw new NetlistException(netlist.nodeLine(node), "node '" + netlist.nodeName(node)
                        + "' has no DC path to ground: it and the nodes connected to it float"
                        + " (connect them to ground or to a source through a resistor)");
            }
        }
    }

    /**
     * Step 4: the reduced nodal system over the unknowns. A resistor stamps its conductance between
     * its ends' unknowns and drives {@code g (o_a - o_b)} into them; a fixed end moves to {@code b}.
     */
    private static NodalSystem stampConductances(Netlist netlist, NodeClasses classes, SourceForest forest) {
        int m = netlist.count;
        byte[] kind = netlist.kind;
        int[] plus = netlist.plus;
        int[] minus = netlist.minus;
        double[] value = netlist.value;
        int[] cls = classes.of();
        int[] unknown = forest.unknown();
        double[] offset = forest.offset();
        int unknowns = forest.unknowns();
        double[] b = new double[unknowns];
        int entries = 0;
        for (int k = 0; k < m; k++) {
            if (kind[k] == RESISTOR && value[k] > 0) {
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
            if (kind[k] == RESISTOR && value[k] > 0) {
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
            } else if (kind[k] == CURRENT_SOURCE) {
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
        return new NodalSystem(a, b);
    }

    /** Step 5a: {@code P A P' = L L'} by sparse Cholesky under AMD on {@code A + A'}. */
    private static SparseCholesky factor(NodalSystem system) {
        SparseCholesky factor = SparseCholesky.factor(system.a());
        if (factor == null) {
            throw new NetlistException(0, "the nodal conductance matrix is numerically singular (resistances too many"
                    + " orders of magnitude apart for double precision)");
        }
        return factor;
    }

    /**
     * Step 5b: {@code x = A^-1 b} from the factor with up to three steps of iterative refinement,
     * keeping the best iterate.
     *
     * @return the scaled residual reached
     */
    private static double solveRefined(NodalSystem system, SparseCholesky factor, double[] x) {
        Dcs a = system.a();
        double[] b = system.b();
        int n = a.n;
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
        if (!(residual <= REQUIRED_RESIDUAL) && allFinite(x)) {
            throw new NetlistException(0, "the nodal system could not be solved accurately: scaled residual " + residual
                    + ", required " + REQUIRED_RESIDUAL + " (resistances too many orders of magnitude apart?)");
        }
        return residual;
    }

    /** Step 6a: each class's potential, its tree's unknown (0 for ground's tree) plus its offset. */
    private static double[] classVoltages(NodeClasses classes, SourceForest forest, double[] x) {
        int[] unknown = forest.unknown();
        double[] offset = forest.offset();
        double[] classVoltage = new double[classes.count()];
        for (int c = 0; c < classVoltage.length; c++) {
            classVoltage[c] = (unknown[c] >= 0 ? x[unknown[c]] : 0) + offset[c];
        }
        return classVoltage;
    }

    /** Step 6b: every node at its class's potential. */
    private static double[] nodeVoltages(NodeClasses classes, double[] classVoltage) {
        int[] cls = classes.of();
        double[] voltages = new double[cls.length];
        for (int v = 0; v < voltages.length; v++) {
            voltages[v] = classVoltage[cls[v]];
        }
        return voltages;
    }

    /**
     * Step 7: voltage-source currents (ngspice convention) by KCL along each source tree: the
     * resistor and current-source currents leaving each class, then, leaves first, each tree edge
     * carries what its subtree sends out.
     */
    private static double[] recoverSourceCurrents(Netlist netlist, NodeClasses classes, SourceForest forest,
            double[] classVoltage) {
        byte[] kind = netlist.kind;
        int[] plus = netlist.plus;
        int[] minus = netlist.minus;
        double[] value = netlist.value;
        int[] cls = classes.of();
        int[] sources = forest.sources();
        int[] parentEdge = forest.parentEdge();
        int[] order = forest.order();
        double[] leaving = new double[classes.count()];
        for (int k = 0; k < netlist.count; k++) {
            int ca = cls[plus[k]];
            int cb = cls[minus[k]];
            if (ca == cb) {
                continue;
            }
            double i;
            if (kind[k] == RESISTOR) {
                i = (classVoltage[ca] - classVoltage[cb]) / value[k];
            } else if (kind[k] == CURRENT_SOURCE) {
                i = value[k];
            } else {
                continue;
            }
            leaving[ca] += i;
            leaving[cb] -= i;
        }
        double[] edgeCurrent = new double[sources.length];
        int[] sourceIndex = new int[netlist.count];
        for (int s = 0; s < sources.length; s++) {
            sourceIndex[sources[s]] = s;
        }
        for (int p = order.length - 1; p >= 0; p--) {
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
        return edgeCurrent;
    }

    /** Step 8a: a potential that double precision cannot hold is an error, never a number. */
    private static void checkFinite(Netlist netlist, double[] voltages) {
        for (int v = 0; v < voltages.length; v++) {
            if (!Double.isFinite(voltages[v])) {
                throw new NetlistException(netlist.nodeLine(v), "node '" + netlist.nodeName(v) + "' has no finite voltage ("
                        + voltages[v] + "): element values out of range of double precision");
            }
        }
    }

    /** Step 8b: so is a source current. */
    private static void checkFinite(Netlist netlist, int[] sources, double[] currents) {
        for (int s = 0; s < sources.length; s++) {
            if (!Double.isFinite(currents[s])) {
                int k = sources[s];
                throw new NetlistException(netlist.line[k], "voltage source '" + netlist.elementName(k)
                        + "' has no finite current (" + currents[s] + " A): element values out of range of double precision"
                        + " (currents above " + Double.MAX_VALUE + " A)");
            }
        }
    }

    /**
     * Step 9: every source current is a sum of resistor currents {@code (v_a - v_b) / R}, each
     * uncertain by {@code (|v_a| + |v_b|) 2^-53 / R} however well the potentials were solved (the
     * rounding of the potentials to doubles alone). When that bound, summed over a source's
     * subtree, exceeds {@link #REQUIRED_CURRENT_RESOLUTION} of the network's current scale (its
     * largest current, and at least its largest potential across its largest resistance, so that a
     * network whose currents all vanish keeps a scale), double precision determines the current only
     * that well: a sentence naming the sources, the bound and the resistor that contributes most
     * (typically a near-short in series with a driving source). Potentials, and the currents of the
     * other sources, are not affected. Returns {@code null} when every current is resolved. Beyond
     * {@link #REFUSED_CURRENT_RESOLUTION} the current is not a number worth writing: an error naming
     * the source and the resistor.
     */
    private static String currentPrecision(Netlist netlist, NodeClasses classes, SourceForest forest,
            double[] classVoltage, double[] sourceCurrents) {
        byte[] kind = netlist.kind;
        int[] cls = classes.of();
        double[] error = new double[classes.count()];
        int[] worst = new int[classes.count()];
        double[] worstError = new double[classes.count()];
        Arrays.fill(worst, -1);
        double largest = LineKernels.maxAbs(sourceCurrents);
        double largestResistance = 0;
        for (int k = 0; k < netlist.count; k++) {
            int ca = cls[netlist.plus[k]];
            int cb = cls[netlist.minus[k]];
            if (ca == cb || kind[k] == VOLTAGE_SOURCE) {
                continue;
            }
            if (kind[k] == CURRENT_SOURCE) {
                largest = Math.max(largest, Math.abs(netlist.value[k]));
                continue;
            }
            double r = netlist.value[k];
            largestResistance = Math.max(largestResistance, r);
            largest = Math.max(largest, Math.abs((classVoltage[ca] - classVoltage[cb]) / r));
            double e = (Math.abs(classVoltage[ca]) + Math.abs(classVoltage[cb])) * UNIT_ROUNDOFF / r;
            addError(error, worst, worstError, ca, e, k);
            addError(error, worst, worstError, cb, e, k);
        }
        if (largestResistance > 0) {
            // A network whose currents all vanish still has a scale: the full potential across its largest resistor.
            largest = Math.max(largest, LineKernels.maxAbs(classVoltage) / largestResistance);
        }
        int[] parentEdge = forest.parentEdge();
        int[] order = forest.order();
        List<String> unresolved = new ArrayList<>();
        double worstBound = 0;
        int worstResistor = -1;
        for (int p = order.length - 1; p >= 0; p--) {
            int c = order[p];
            int k = parentEdge[c];
            if (k < 0) {
                continue;
            }
            if (!(error[c] <= REFUSED_CURRENT_RESOLUTION * largest)) {
                int r = worst[c];
                throw new NetlistException(netlist.line[k], "the current of voltage source '" + netlist.elementName(k)
                        + "' is not determined in double precision: resistor '" + netlist.elementName(r) + "' (line "
                        + netlist.line[r] + ", " + netlist.value[r] + " ohm) is so small that the voltage across it is below"
                        + " the rounding of its node voltages (error bound " + String.format(Locale.ROOT, "%.3g", error[c])
                        + " A against a current scale of " + String.format(Locale.ROOT, "%.3g", largest)
                        + " A; use 0 ohm for a short)");
            }
            if (!(error[c] <= REQUIRED_CURRENT_RESOLUTION * largest)) {
                unresolved.add(netlist.elementName(k));
                if (error[c] > worstBound) {
                    worstBound = error[c];
                    worstResistor = worst[c];
                }
            }
            int up = cls[netlist.minus[k]] == c ? cls[netlist.plus[k]] : cls[netlist.minus[k]];
            addError(error, worst, worstError, up, error[c], -1);
            if (worstError[c] > worstError[up]) {
                worstError[up] = worstError[c];
                worst[up] = worst[c];
            }
        }
        if (unresolved.isEmpty()) {
            return null;
        }
        java.util.Collections.reverse(unresolved); // netlist-like order: parents were visited last
        String names = unresolved.size() <= 4 ? String.join(", ", unresolved)
                : String.join(", ", unresolved.subList(0, 4)) + ", ... (" + unresolved.size() + " sources)";
        String resistor = worstResistor < 0 ? "" : ": resistor '" + netlist.elementName(worstResistor) + "' (line "
                + netlist.line[worstResistor] + ", " + netlist.value[worstResistor] + " ohm) is so small that the voltage"
                + " across it is near the rounding of its node voltages (use 0 ohm for a short)";
        return (unresolved.size() == 1 ? "the current of voltage source " : "the currents of voltage sources ") + names
                + (unresolved.size() == 1 ? " is" : " are") + " determined only to within " + String.format(Locale.ROOT, "%.3g", worstBound) + " A against a current scale of "
                + String.format(Locale.ROOT, "%.3g", largest) + " A (relative " + String.format(Locale.ROOT, "%.1e", worstBound / largest)
                + ")" + resistor + "; node voltages and other currents are unaffected";
    }

    /** Adds a rounding-error bound to class {@code c}, remembering resistor {@code k} when it is the largest term. */
    private static void addError(double[] error, int[] worst, double[] worstError, int c, double e, int k) {
        error[c] += e;
        if (k >= 0 && e > worstError[c]) {
            worstError[c] = e;
            worst[c] = k;
        }
    }

    private static NetlistException selfLoop(Netlist netlist, int k) {
        int plus = netlist.plus[k];
        int minus = netlist.minus[k];
        String how = plus == minus ? "both terminals are node '" + netlist.nodeName(plus) + "'"
                : "its nodes '" + netlist.nodeName(plus) + "' and '" + netlist.nodeName(minus)
                + "' are shorted by zero-ohm resistors";
        return new NetlistException(netlist.line[k], "voltage source '" + netlist.elementName(k)
                + "' is a loop of voltage sources by itself: " + how + " (its current is undetermined)");
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

    private static boolean allFinite(double[] v) {
        for (double d : v) {
            if (!Double.isFinite(d)) {
                return false;
            }
        }
        return true;
    }
}
