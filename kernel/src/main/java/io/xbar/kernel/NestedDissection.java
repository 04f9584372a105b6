// NestedDissection: the transfer matrix by Kron reduction of the network onto its terminals, domain by domain (BLAS-3 merges).
package io.xbar.kernel;

import io.xbar.blas.Blas;
import io.xbar.blas.Lapack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.DoubleConsumer;

/**
 * The exact transfer matrix of a crossbar with resistive word and bit lines ({@code r_wl > 0},
 * {@code r_bl > 0}) by nested dissection.
 *
 * <h2>Method</h2>
 * A <em>domain</em> is a rectangle of cells with every element inside it (cells, word-line and
 * bit-line segments between its own nodes). Its <em>ports</em> are the nodes that connect to
 * something outside: word-line ends next to a neighbouring domain or a driver, bit-line ends next
 * to a neighbouring domain or a sense amplifier. No driver or amplifier lies inside a domain, so
 * the domain acts on the rest of the network exactly through the Kron reduction of its conductance
 * matrix onto its ports: a dense, symmetric matrix {@code Y} with zero row sums (a Laplacian).
 * <ol>
 *   <li>Leaves are single-row strips of at most {@link #LEAF} cells: their interior is a word-line
 *       chain, reduced in closed form ({@code O(b^2)}, only positive terms added).</li>
 *   <li>Two domains that share a cut merge: their matrices and the wires across the cut are
 *       assembled over their ports, and the nodes that are no longer ports (both ends of every
 *       cut wire) are eliminated with one Cholesky factorization ({@code dpotrf}), one triangular
 *       solve ({@code dtrsm}) and one symmetric rank-k update ({@code dsyrk}). The cut alternates
 *       to keep domains square, so the eliminated sets stay as small as a line of the domain.</li>
 *   <li>The whole array is left with the terminal nodes only. With {@code r_source = r_sense = 0}
 *       they are held by the drivers and amplifiers and {@code T[i][j] = -Y[sense_j][driver_i]};
 *       otherwise the free terminals are solved for all inputs at once.</li>
 * </ol>
 * Cost: about {@code 95 n^3} flops for an {@code n x n} crossbar (the row sweep of
 * {@link SchurSweep} needs {@code 2 n^4}), nearly all in BLAS-3; memory {@code O(n^2)} doubles,
 * at most about {@code 3 (4n)^2} in the last merge. Off-diagonal entries are sums of terms of one
 * sign and each domain's diagonal is rebuilt from its off-diagonal entries (zero row sums), so
 * no cancellation accumulates from level to level.
 *
 * <p>With {@code threads >= 2}, subtrees run in parallel as fork-join tasks on the kernel's worker
 * pool ({@link Parallel}) with single-threaded OpenBLAS calls; {@code threads} OpenBLAS threads
 * serve the last merge when it is wide. The merge plan (ports, index maps, cut wires) depends only on the shape and circuit and
 * is built once; an instance computes any number of crossbars of that shape, one at a time.
 */
final class NestedDissection {
    /** Widest leaf strip (cells; {@link Tuning#nestedLeaf}). */
    static final int LEAF = Tuning.get().nestedLeaf();
    /** Subtrees with fewer cells run on the thread that reached them. */
    private static final int FORK_CELLS = 48 * 48;
    /** Eliminated nodes from which the last merge is worth OpenBLAS's own threads ({@link Tuning#nestedWideMerge}). */
    private static final int WIDE_MERGE = Tuning.get().nestedWideMerge();

    private final int m;
    private final int n;
    private final double wordLine;   // conductance of one word-line segment (finite, > 0)
    private final double bitLine;    // conductance of one bit-line segment (finite, > 0)
    private final double source;     // driver conductance, +Infinity for r_source = 0
    private final double sense;      // sense conductance, +Infinity for r_sense = 0
    private final Circuit circuit;
    private final Drive drive;
    private final Sense senseAt;
    private final int threads;
    private final Node root;
    private double[] cells;          // the conductances of the crossbar being computed
    private final double totalWork;  // flops of all merges, for progress
    private final DoubleAdder doneWork = new DoubleAdder();
    private DoubleConsumer progress;
    private double reported;

    NestedDissection(int m, int n, Circuit c, int threads) {
        if (c.wordLine() <= 0 || c.bitLine() <= 0) {
            throw new IllegalArgumentException("nested dissection needs resistive word and bit lines");
        }
        this.m = m;
        this.n = n;
        this.wordLine = 1 / c.wordLine();
        this.bitLine = 1 / c.bitLine();
        this.source = CrossbarNetwork.conductanceOf(c.source());
        this.sense = CrossbarNetwork.conductanceOf(c.sense());
        this.circuit = c;
        this.drive = c.drive();
        this.senseAt = c.senseAt();
        this.threads = Math.max(1, threads);
        int[] scratch = new int[2 * m * n];
        this.root = build(0, m, 0, n, scratch);
        this.totalWork = work(root);
    }

    private static double work(Node node) {
        return node.a == null ? 0 : node.work + work(node.a) + work(node.b);
    }

    /**
     * Flops of the merges for an {@code m x n} crossbar with this circuit's terminals: the sum
     * over merges of {@code I^3/3 + I^2 P + I P^2} ({@code I} eliminated, {@code P} kept; Cholesky,
     * triangular solve and symmetric update), with ports on the array's edges only where drivers
     * or sense amplifiers attach.
     */
    static double cost(int m, int n, Circuit c) {
        return costOf(m, n, c.drive().atFirstColumn(), c.drive().atLastColumn(), c.senseAt().atFirstRow(),
                c.senseAt().atLastRow());
    }

    private static double costOf(int h, int w, boolean left, boolean right, boolean top, boolean bottom) {
        if (h == 1 && w <= LEAF) {
            return 4.0 * w * w;
        }
        boolean vertical = w > LEAF && (w > h || h == 1);
        double i = vertical ? 2.0 * h : 2.0 * w;
        double p = (left ? h : 0) + (right ? h : 0) + (top ? w : 0) + (bottom ? w : 0);
        double merge = i * i * i / 3 + i * i * p + i * p * p;
        if (vertical) {
            return merge + costOf(h, w / 2, left, true, top, bottom) + costOf(h, w - w / 2, true, right, top, bottom);
        }
        return merge + costOf(h / 2, w, left, right, top, true) + costOf(h - h / 2, w, left, right, true, bottom);
    }

    /** Peak bytes of the last merge, the largest working set. */
    static double bytes(int m, int n) {
        double i = 2.0 * Math.max(m, n);
        double p = 2.0 * (m + n);
        return 8 * (i * i + i * p + p * p) * 1.5;
    }

    /** The transfer matrix ({@code m x n}, row-major) of the row-major {@code m x n} conductances into {@code out}. */
    void transfer(double[] g, double[] out) {
        transfer(g, out, null);
    }

    /** As {@link #transfer(double[], double[])}, reporting the fraction of merge work done (from any thread, at most every 1%). */
    void transfer(double[] g, double[] out, DoubleConsumer progress) {
        cells = g;
        this.progress = progress;
        doneWork.reset();
        reported = 0;
        try {
            double[] y = threads > 1 ? Parallel.invoke(new Task(root)) : reduce(root);
            terminals(y, out);
            if (progress != null && reported < 1) {
                progress.accept(1.0);
            }
        } finally {
            cells = null;
            this.progress = null;
        }
    }

    private void advance(double work) {
        if (progress == null || totalWork <= 0) {
            return;
        }
        doneWork.add(work);
        double f = Math.min(1, doneWork.sum() / totalWork);
        synchronized (this) {
            if (f >= reported + 0.01 && f < 1) {
                reported = f;
                progress.accept(f);
            }
        }
    }

    // ---- structure ---------------------------------------------------------------------------

    private static final class Node {
        final int r0;
        final int r1;
        final int c0;
        final int c1;
        final Node a;
        final Node b;
        final int[] ports;      // node ids: u(i,j) = 2(i n + j), w(i,j) = 2(i n + j) + 1
        int interior;           // nodes eliminated by the merge
        double work;            // flops of the merge
        int[] mapA;             // port k of a -> index in the assembled matrix (interior first)
        int[] mapB;
        int[] wireA;            // assembled indices of the cut wires' ends
        int[] wireB;
        double wire;            // conductance of the cut wires

        Node(int r0, int r1, int c0, int c1, Node a, Node b, int[] ports) {
            this.r0 = r0;
            this.r1 = r1;
            this.c0 = c0;
            this.c1 = c1;
            this.a = a;
            this.b = b;
            this.ports = ports;
        }

        int cells() {
            return (r1 - r0) * (c1 - c0);
        }
    }

    private int u(int i, int j) {
        return 2 * (i * n + j);
    }

    private int w(int i, int j) {
        return 2 * (i * n + j) + 1;
    }

    /** Word-line node {@code u(i,j)} at a column edge of domain columns {@code [c0, c1)} connects outside it. */
    private boolean portU(int j, int c0, int c1) {
        return (j == c0 && (c0 > 0 || drive.atFirstColumn())) || (j == c1 - 1 && (c1 < n || drive.atLastColumn()));
    }

    /** Bit-line node {@code w(i,j)} at a row edge of domain rows {@code [r0, r1)} connects outside it. */
    private boolean portW(int i, int r0, int r1) {
        return (i == r0 && (r0 > 0 || senseAt.atFirstRow())) || (i == r1 - 1 && (r1 < m || senseAt.atLastRow()));
    }

    private int[] ports(int r0, int r1, int c0, int c1) {
        List<Integer> list = new ArrayList<>();
        for (int i = r0; i < r1; i++) {
            if (portU(c0, c0, c1)) {
                list.add(u(i, c0));
            }
            if (c1 - 1 != c0 && portU(c1 - 1, c0, c1)) {
                list.add(u(i, c1 - 1));
            }
        }
        for (int j = c0; j < c1; j++) {
            if (portW(r0, r0, r1)) {
                list.add(w(r0, j));
            }
            if (r1 - 1 != r0 && portW(r1 - 1, r0, r1)) {
                list.add(w(r1 - 1, j));
            }
        }
        int[] p = new int[list.size()];
        for (int k = 0; k < p.length; k++) {
            p[k] = list.get(k);
        }
        return p;
    }

    private Node build(int r0, int r1, int c0, int c1, int[] scratch) {
        int h = r1 - r0;
        int wd = c1 - c0;
        int[] ports = ports(r0, r1, c0, c1);
        if (h == 1 && wd <= LEAF) {
            return new Node(r0, r1, c0, c1, null, null, ports);
        }
        boolean vertical = wd > LEAF && (wd > h || h == 1);
        Node a;
        Node b;
        int cut;
        if (vertical) {
            cut = c0 + wd / 2;
            a = build(r0, r1, c0, cut, scratch);
            b = build(r0, r1, cut, c1, scratch);
        } else {
            cut = r0 + h / 2;
            a = build(r0, cut, c0, c1, scratch);
            b = build(cut, r1, c0, c1, scratch);
        }
        Node node = new Node(r0, r1, c0, c1, a, b, ports);
        // scratch[id] = 1 + position among the kept ports while planning, then 1 + assembled index.
        for (int k = 0; k < ports.length; k++) {
            scratch[ports[k]] = -(k + 1);
        }
        int interior = 0;
        for (int id : a.ports) {
            if (scratch[id] == 0) {
                interior++;
            }
        }
        for (int id : b.ports) {
            if (scratch[id] == 0) {
                interior++;
            }
        }
        if (a.ports.length + b.ports.length - interior != ports.length) {
            throw new IllegalStateException("nested dissection: ports of " + h + "x" + wd + " domain not covered");
        }
        node.interior = interior;
        double ni = interior;
        double np = ports.length;
        node.work = ni * ni * ni / 3 + ni * ni * np + ni * np * np;
        int[] next = {0};
        node.mapA = assign(a.ports, scratch, interior, next);
        node.mapB = assign(b.ports, scratch, interior, next);
        int count = vertical ? h : wd;
        node.wireA = new int[count];
        node.wireB = new int[count];
        for (int k = 0; k < count; k++) {
            int ea = vertical ? u(r0 + k, cut - 1) : w(cut - 1, c0 + k);
            int eb = vertical ? u(r0 + k, cut) : w(cut, c0 + k);
            node.wireA[k] = scratch[ea] - 1;
            node.wireB[k] = scratch[eb] - 1;
        }
        node.wire = vertical ? wordLine : bitLine;
        for (int id : a.ports) {
            scratch[id] = 0;
        }
        for (int id : b.ports) {
            scratch[id] = 0;
        }
        return node;
    }

    /** Assembled indices of a child's ports: kept ports after the {@code interior} eliminated ones. */
    private static int[] assign(int[] childPorts, int[] scratch, int interior, int[] next) {
        int[] map = new int[childPorts.length];
        for (int k = 0; k < childPorts.length; k++) {
            int id = childPorts[k];
            int s = scratch[id];
            map[k] = s < 0 ? interior + (-s - 1) : next[0]++;
            scratch[id] = map[k] + 1;
        }
        return map;
    }

    // ---- values ------------------------------------------------------------------------------

    private final class Task extends RecursiveTask<double[]> {
        private final Node node;

        Task(Node node) {
            this.node = node;
        }

        @Override
        protected double[] compute() {
            if (node.a == null) {
                return leaf(node);
            }
            if (node.a.cells() < FORK_CELLS || node.b.cells() < FORK_CELLS) {
                return merge(node, reduce(node.a), reduce(node.b));
            }
            Task left = new Task(node.a);
            left.fork();
            double[] yb = new Task(node.b).compute();
            return merge(node, left.join(), yb);
        }
    }

    /** The Kron-reduced matrix of a domain over its ports ({@code P x P}, full, row-major). */
    private double[] reduce(Node node) {
        if (node.a == null) {
            return leaf(node);
        }
        return merge(node, reduce(node.a), reduce(node.b));
    }

    private double[] merge(Node node, double[] ya, double[] yb) {
        int ni = node.interior;
        int p = node.ports.length;
        double[] zii = new double[ni * ni];
        double[] zip = new double[ni * p];
        double[] zpp = new double[p * p];
        scatter(ya, node.mapA, ni, p, zii, zip, zpp);
        scatter(yb, node.mapB, ni, p, zii, zip, zpp);
        double gw = node.wire;
        for (int k = 0; k < node.wireA.length; k++) {
            stamp(node.wireA[k], node.wireB[k], gw, ni, p, zii, zip, zpp);
        }
        // The last merge runs alone: OpenBLAS may use every thread there.
        boolean wide = node == root && threads > 1 && ni >= WIDE_MERGE;
        if (wide) {
            Blas.setThreads(threads);
        }
        try {
            if (ni > 0) {
                Lapack.dpotrf(ni, zii);
                Blas.dtrsm(true, true, false, false, ni, p, 1.0, zii, 0, ni, zip, 0, p);
                Blas.dsyrk(true, true, p, ni, -1.0, zip, 0, p, 1.0, zpp, 0, p);
            }
        } finally {
            if (wide) {
                Blas.setThreads(1);
            }
        }
        laplacian(zpp, p);
        advance(node.work);
        return zpp;
    }

    /**
     * Adds a child's matrix (lower triangle) into the lower triangles of the assembled blocks
     * ({@code zip} holds the interior-to-kept block, {@code zpp} the kept-to-kept lower triangle).
     */
    private static void scatter(double[] y, int[] map, int ni, int p, double[] zii, double[] zip, double[] zpp) {
        int pc = map.length;
        for (int k = 0; k < pc; k++) {
            int zk = map[k];
            int row = k * pc;
            for (int l = 0; l <= k; l++) {
                int zl = map[l];
                int r = Math.max(zk, zl);
                int c = Math.min(zk, zl);
                double v = y[row + l];
                if (r < ni) {
                    zii[r * ni + c] += v;
                } else if (c < ni) {
                    zip[c * p + r - ni] += v;
                } else {
                    zpp[(r - ni) * p + c - ni] += v;
                }
            }
        }
    }

    /** Adds a conductance {@code g} between assembled nodes {@code x} and {@code y}. */
    private static void stamp(int x, int y, double g, int ni, int p, double[] zii, double[] zip, double[] zpp) {
        add(x, x, g, ni, p, zii, zip, zpp);
        add(y, y, g, ni, p, zii, zip, zpp);
        add(x, y, -g, ni, p, zii, zip, zpp);
        add(y, x, -g, ni, p, zii, zip, zpp);
    }

    private static void add(int r, int c, double v, int ni, int p, double[] zii, double[] zip, double[] zpp) {
        if (r < ni && c < ni) {
            if (c <= r) {
                zii[r * ni + c] += v;
            }
        } else if (r < ni) {
            zip[r * p + c - ni] += v;
        } else if (c >= ni && c <= r) {
            zpp[(r - ni) * p + c - ni] += v;
        }
    }

    /**
     * Rebuilds the diagonal of a reduced matrix (lower triangle) from its off-diagonal entries: a
     * floating network's rows sum to zero, so the pivots of the next merge are sums of positive
     * terms and no cancellation accumulates from level to level.
     */
    private static void laplacian(double[] y, int p) {
        double[] sum = new double[p];
        for (int k = 0; k < p; k++) {
            int rk = k * p;
            double s = 0;
            for (int l = 0; l < k; l++) {
                double v = y[rk + l];
                s += v;
                sum[l] += v;
            }
            sum[k] += s;
        }
        for (int k = 0; k < p; k++) {
            y[k * p + k] = -sum[k];
        }
    }

    /**
     * A single-row strip: ports are its bit-line nodes and the word-line ends that connect
     * outside; the word-line nodes between are a chain {@code K}, eliminated in closed form:
     * {@code Y = Z_PP - Z_PI K^-1 Z_IP}, where each port touches at most one chain node.
     */
    private double[] leaf(Node node) {
        int r = node.r0;
        int c0 = node.c0;
        int b = node.c1 - c0;
        double gw = wordLine;
        double[] gc = new double[b];
        for (int k = 0; k < b; k++) {
            gc[k] = circuit.cellConductance(cells[r * n + c0 + k]);
        }
        boolean pl = portU(c0, c0, node.c1);
        boolean pr = b > 1 && portU(node.c1 - 1, c0, node.c1);
        int k0 = pl ? 1 : 0;
        int k1 = pr ? b - 1 : b;
        int len = Math.max(0, k1 - k0);
        int offW = (pl ? 1 : 0) + (pr ? 1 : 0);
        int p = offW + b;
        double[] y = new double[p * p];
        // Direct couplings between ports.
        for (int j = 0; j < b; j++) {
            y[(offW + j) * p + offW + j] = gc[j];
        }
        if (pl) {
            y[0] = gc[0] + (b > 1 ? gw : 0);
            y[offW] = -gc[0];
            y[offW * p] = -gc[0];
        }
        if (pr) {
            int q = pl ? 1 : 0;
            int wq = offW + b - 1;
            y[q * p + q] = gc[b - 1] + gw;
            y[q * p + wq] = -gc[b - 1];
            y[wq * p + q] = -gc[b - 1];
            if (pl && b == 2) {
                y[q] = -gw;
                y[q * p] = -gw;
            }
        }
        if (len > 0) {
            // Chain nodes k0..k1-1: own conductance to ports, then the closed-form inverse.
            double[] h = new double[len];
            double[] left = new double[len];
            double[] right = new double[len];
            for (int t = 0; t < len; t++) {
                int k = k0 + t;
                h[t] = gc[k] + (k - 1 >= 0 && k - 1 < k0 ? gw : 0) + (k + 1 <= b - 1 && k + 1 >= k1 ? gw : 0);
            }
            for (int t = 0; t < len; t++) {
                left[t] = h[t] + (t > 0 ? gw * left[t - 1] / (gw + left[t - 1]) : 0);
            }
            for (int t = len - 1; t >= 0; t--) {
                right[t] = h[t] + (t < len - 1 ? gw * right[t + 1] / (gw + right[t + 1]) : 0);
            }
            double[] kinv = new double[len * len];
            for (int t = 0; t < len; t++) {
                double d = left[t] + right[t] - h[t];
                double v = 1 / d;
                kinv[t * len + t] = v;
                for (int s = t - 1; s >= 0; s--) {
                    v *= gw / (gw + left[s]);
                    kinv[s * len + t] = v;
                    kinv[t * len + s] = v;
                }
            }
            // Port -> (chain node, coupling).
            int[] nb = new int[p];
            double[] z = new double[p];
            Arrays.fill(nb, -1);
            for (int j = 0; j < b; j++) {
                if (j >= k0 && j < k1) {
                    nb[offW + j] = j - k0;
                    z[offW + j] = gc[j];
                }
            }
            if (pl && k0 == 1 && k1 > 1) {
                nb[0] = 0;
                z[0] = gw;
            }
            if (pr && k1 == b - 1 && k1 - 1 >= k0) {
                int q = pl ? 1 : 0;
                nb[q] = len - 1;
                z[q] = gw;
            }
            for (int s = 0; s < p; s++) {
                if (nb[s] < 0) {
                    continue;
                }
                int rs = s * p;
                int ks = nb[s] * len;
                double zs = z[s];
                for (int t = 0; t < p; t++) {
                    if (t != s && nb[t] >= 0) {
                        y[rs + t] -= zs * z[t] * kinv[ks + nb[t]];
                    }
                }
            }
        }
        laplacian(y, p);
        return y;
    }

    /** From the reduced matrix over the terminal nodes to {@code T} ({@code m x n}, row-major). */
    private void terminals(double[] y, double[] out) {
        int[] ports = root.ports;
        int p = ports.length;
        for (int k = 0; k < p; k++) {
            for (int l = 0; l < k; l++) {
                y[l * p + k] = y[k * p + l];
            }
        }
        int[] line = new int[p];       // row of a driver port, column of a sense port
        double[] mult = new double[p]; // drivers or amplifiers attached
        boolean[] isDriver = new boolean[p];
        int[] free = new int[p];
        int nf = 0;
        for (int k = 0; k < p; k++) {
            int id = ports[k];
            int cell = id >> 1;
            int i = cell / n;
            int j = cell % n;
            if ((id & 1) == 0) {
                isDriver[k] = true;
                line[k] = i;
                mult[k] = drive.sourcesAt(j, n);
                if (!Double.isInfinite(source)) {
                    free[nf++] = k;
                }
            } else {
                line[k] = j;
                mult[k] = senseAt.amplifiersAt(i, m);
                if (!Double.isInfinite(sense)) {
                    free[nf++] = k;
                }
            }
        }
        Arrays.fill(out, 0, m * n, 0.0);
        // x[f][i]: voltage of free terminal f for 1 V on word line i.
        double[] x = new double[nf * m];
        if (nf > 0) {
            double[] hmat = new double[nf * nf];
            for (int a = 0; a < nf; a++) {
                int ka = free[a];
                for (int c = 0; c <= a; c++) {
                    hmat[a * nf + c] = y[ka * p + free[c]];
                }
                hmat[a * nf + a] += mult[ka] * (isDriver[ka] ? source : sense);
                if (isDriver[ka]) {
                    x[a * m + line[ka]] += mult[ka] * source;
                }
            }
            if (Double.isInfinite(source)) {
                for (int a = 0; a < nf; a++) {
                    int ka = free[a];
                    for (int k = 0; k < p; k++) {
                        if (isDriver[k]) {
                            x[a * m + line[k]] -= y[ka * p + k];
                        }
                    }
                }
            }
            Lapack.dposv(nf, m, hmat, x);
        }
        boolean freeSense = !Double.isInfinite(sense);
        int[] held = new int[p];     // sense ports held at 0 V by their amplifiers
        int nh = 0;
        for (int k = 0; k < p; k++) {
            if (isDriver[k]) {
                continue;
            }
            int j = line[k];
            if (freeSense) {
                int a = indexOf(free, nf, k);
                double s = mult[k] * sense;
                for (int i = 0; i < m; i++) {
                    out[i * n + j] += s * x[a * m + i];
                }
            } else {
                held[nh++] = k;
                if (Double.isInfinite(source)) {
                    int rk = k * p;
                    for (int d = 0; d < p; d++) {
                        if (isDriver[d]) {
                            out[line[d] * n + j] -= y[rk + d];
                        }
                    }
                }
            }
        }
        if (nh > 0 && nf > 0) {
            // Current into a held amplifier node: minus what the free terminals inject there.
            double[] ys = new double[nh * nf];
            for (int s = 0; s < nh; s++) {
                for (int a = 0; a < nf; a++) {
                    ys[s * nf + a] = y[held[s] * p + free[a]];
                }
            }
            double[] c = new double[nh * m];
            Blas.dgemm(nh, m, nf, 1.0, ys, x, 0.0, c);
            for (int s = 0; s < nh; s++) {
                int j = line[held[s]];
                for (int i = 0; i < m; i++) {
                    out[i * n + j] -= c[s * m + i];
                }
            }
        }
    }

    private static int indexOf(int[] a, int len, int v) {
        for (int k = 0; k < len; k++) {
            if (a[k] == v) {
                return k;
            }
        }
        throw new IllegalStateException("terminal " + v + " is not free");
    }
}
