// SparseCholesky: supernodal left-looking Cholesky P A P' = L L' (AMD order from CSparse), for SPD nodal matrices.
package io.xbar.spice;

import edu.emory.mathcs.csparsej.tdouble.Dcs_amd;
import edu.emory.mathcs.csparsej.tdouble.Dcs_common.Dcs;
import edu.emory.mathcs.csparsej.tdouble.Dcs_counts;
import edu.emory.mathcs.csparsej.tdouble.Dcs_etree;
import edu.emory.mathcs.csparsej.tdouble.Dcs_pinv;
import edu.emory.mathcs.csparsej.tdouble.Dcs_post;
import edu.emory.mathcs.csparsej.tdouble.Dcs_symperm;
import edu.emory.mathcs.csparsej.tdouble.Dcs_transpose;
import java.util.Arrays;

/**
 * Sparse Cholesky for the reduced nodal systems of {@link NetlistSolver}. CSparse does the
 * symbolic analysis (AMD ordering on {@code A + A'}, postordered elimination tree, column counts);
 * the factorization groups chains of columns into (relaxed) supernodes and keeps each as a dense
 * column-major panel, so its inner loops are contiguous {@code y -= a * x} updates instead of
 * CSparse's scattered up-looking row solves (several times faster on resistive meshes).
 *
 * <p>Left-looking: supernode {@code s} gathers its columns of {@code A}, subtracts the updates of
 * every earlier supernode with rows in {@code s} (found through linked lists, CHOLMOD style), then
 * factors its panel densely.
 */
final class SparseCholesky {
    private final int n;
    /** {@code pinv[i]}: the position of original row {@code i} in the factor's order. */
    private final int[] pinv;
    private final int supernodeCount;
    /** Columns of supernode {@code s}: {@code first[s] .. first[s+1]-1}. */
    private final int[] first;
    /** Row indices of supernode {@code s}: {@code rows[rowStart[s] .. rowStart[s+1]-1]}, its own columns first. */
    private final int[] rowStart;
    private final int[] rows;
    /** Panel of {@code s}: {@code values[valueStart[s] + c * nrows + r]}. */
    private final int[] valueStart;
    private final double[] values;

    private SparseCholesky(int n, int[] pinv, int supernodeCount, int[] first, int[] rowStart, int[] rows,
                           int[] valueStart, double[] values) {
        this.n = n;
        this.pinv = pinv;
        this.supernodeCount = supernodeCount;
        this.first = first;
        this.rowStart = rowStart;
        this.rows = rows;
        this.valueStart = valueStart;
        this.values = values;
    }

    /**
     * Factors the symmetric matrix {@code a} (both triangles stored, CSC).
     *
     * @return the factor, or {@code null} when {@code a} is not (numerically) positive definite
     */
    static SparseCholesky factor(Dcs a) {
        int n = a.n;
        // AMD, then a postorder of the elimination tree: same fill, but every node's last child
        // comes right before it, so chains (and supernodes) are contiguous columns.
        int[] amd = Dcs_amd.cs_amd(1, a);
        if (amd == null) {
            return null;
        }
        int[] parentAmd = Dcs_etree.cs_etree(Dcs_symperm.cs_symperm(a, Dcs_pinv.cs_pinv(amd, n), false), false);
        int[] post = Dcs_post.cs_post(parentAmd, n);
        int[] order = new int[n];
        for (int k = 0; k < n; k++) {
            order[k] = amd[post[k]];
        }
        int[] pinv = Dcs_pinv.cs_pinv(order, n);
        Dcs upper = Dcs_symperm.cs_symperm(a, pinv, true);
        int[] parent = Dcs_etree.cs_etree(upper, false);
        int[] identity = new int[n];
        for (int k = 0; k < n; k++) {
            identity[k] = k;
        }
        int[] columnCount = Dcs_counts.cs_counts(upper, parent, identity, false);
        // Lower triangle of P A P', column by column.
        Dcs lower = Dcs_transpose.cs_transpose(upper, true);

        // Supernodes: j joins the supernode of j-1 when it is j-1's parent (a chain) and the merged
        // panel, whose rows are {f..j} and column j's pattern, would not be mostly explicit zeros
        // (CHOLMOD's relaxed amalgamation thresholds).
        int[] first = new int[n + 1];
        int[] supernodeOf = new int[n];
        int[] rowsOf = new int[n];
        int count = 0;
        int f = 0;
        long trueEntries = 0;
        for (int j = 0; j < n; j++) {
            boolean extend = false;
            if (j > 0 && parent[j - 1] == j) {
                long width = j - f + 1;
                long rowsMerged = (j - f) + columnCount[j];
                long stored = width * rowsMerged - width * (width - 1) / 2;
                double zeros = (stored - (trueEntries + columnCount[j])) / (double) stored;
                extend = width <= 4 || (width <= 16 && zeros < 0.8) || (width <= 48 && zeros < 0.1) || zeros < 0.05;
            }
            if (!extend) {
                f = j;
                first[count++] = j;
                trueEntries = 0;
            }
            trueEntries += columnCount[j];
            rowsOf[count - 1] = (j - f) + columnCount[j];
            supernodeOf[j] = count - 1;
        }
        first[count] = n;

        // Children of each supernode in the supernodal elimination tree (CSR).
        int[] childStart = new int[count + 1];
        for (int s = 0; s < count; s++) {
            int p = parent[first[s + 1] - 1];
            if (p >= 0) {
                childStart[supernodeOf[p] + 1]++;
            }
        }
        for (int s = 0; s < count; s++) {
            childStart[s + 1] += childStart[s];
        }
        int[] children = new int[Math.max(1, childStart[count])];
        int[] fill = Arrays.copyOf(childStart, count);
        for (int s = 0; s < count; s++) {
            int p = parent[first[s + 1] - 1];
            if (p >= 0) {
                children[fill[supernodeOf[p]]++] = s;
            }
        }

        // Row patterns: own columns, then A's rows below them and the children's rows below them, sorted.
        int[] rowStart = new int[count + 1];
        long totalRows = 0;
        long totalValues = 0;
        for (int s = 0; s < count; s++) {
            rowStart[s + 1] = (int) Math.min(Integer.MAX_VALUE, totalRows += rowsOf[s]);
            totalValues += (long) rowsOf[s] * (first[s + 1] - first[s]);
        }
        if (totalRows > Integer.MAX_VALUE - 16 || totalValues > Integer.MAX_VALUE - 16) {
            throw new NetlistException(0, "the sparse factor needs " + totalValues + " values, more than one array can hold");
        }
        int[] rows = new int[(int) totalRows];
        int[] mark = new int[n];
        Arrays.fill(mark, -1);
        for (int s = 0; s < count; s++) {
            f = first[s];
            int l = first[s + 1];
            int at = rowStart[s];
            for (int j = f; j < l; j++) {
                rows[at++] = j;
                mark[j] = s;
            }
            int below = at;
            for (int j = f; j < l; j++) {
                for (int p = lower.p[j]; p < lower.p[j + 1]; p++) {
                    int i = lower.i[p];
                    if (i >= l && mark[i] != s) {
                        mark[i] = s;
                        rows[at++] = i;
                    }
                }
            }
            for (int q = childStart[s]; q < childStart[s + 1]; q++) {
                int c = children[q];
                for (int p = rowStart[c] + (first[c + 1] - first[c]); p < rowStart[c + 1]; p++) {
                    int i = rows[p];
                    if (i >= l && mark[i] != s) {
                        mark[i] = s;
                        rows[at++] = i;
                    }
                }
            }
            if (at != rowStart[s + 1]) {
                throw new IllegalStateException("supernode " + s + ": " + (at - rowStart[s]) + " rows, column count says "
                        + (rowStart[s + 1] - rowStart[s]));
            }
            Arrays.sort(rows, below, at);
        }

        int[] valueStart = new int[count + 1];
        for (int s = 0; s < count; s++) {
            valueStart[s + 1] = valueStart[s] + (rowStart[s + 1] - rowStart[s]) * (first[s + 1] - first[s]);
        }
        double[] values = new double[valueStart[count]];
        SparseCholesky factor = new SparseCholesky(n, pinv, count, first, rowStart, rows, valueStart, values);
        return factor.numeric(lower, supernodeOf) ? factor : null;
    }

    private boolean numeric(Dcs lower, int[] supernodeOf) {
        int count = supernodeCount;
        int[] map = new int[n];
        int[] head = new int[count];
        int[] next = new int[count];
        int[] position = new int[count];
        Arrays.fill(head, -1);
        int maxRows = 0;
        for (int s = 0; s < count; s++) {
            maxRows = Math.max(maxRows, rowStart[s + 1] - rowStart[s]);
        }
        double[] work = new double[maxRows];
        double[] v = values;
        for (int s = 0; s < count; s++) {
            int f = first[s];
            int l = first[s + 1];
            int width = l - f;
            int rs = rowStart[s];
            int nr = rowStart[s + 1] - rs;
            int base = valueStart[s];
            for (int r = 0; r < nr; r++) {
                map[rows[rs + r]] = r;
            }
            for (int c = 0; c < width; c++) {
                int column = base + c * nr;
                for (int p = lower.p[f + c]; p < lower.p[f + c + 1]; p++) {
                    v[column + map[lower.i[p]]] += lower.x[p];
                }
            }
            // Updates from every earlier supernode d with rows in [f, l): panel -= L_d(rows >= f) L_d(rows in s)'.
            int d = head[s];
            head[s] = -1;
            while (d >= 0) {
                int nextD = next[d];
                int rsd = rowStart[d];
                int nrd = rowStart[d + 1] - rsd;
                int wd = first[d + 1] - first[d];
                int bd = valueStart[d];
                int p0 = position[d];
                int p1 = p0;
                while (p1 < nrd && rows[rsd + p1] < l) {
                    p1++;
                }
                for (int c = p0; c < p1; c++) {
                    int m = nrd - c;
                    Arrays.fill(work, 0, m, 0.0);
                    for (int t = 0; t < wd; t++) {
                        int column = bd + t * nrd + c;
                        double a = v[column];
                        if (a != 0) {
                            for (int r = 0; r < m; r++) {
                                work[r] += v[column + r] * a;
                            }
                        }
                    }
                    int target = base + (rows[rsd + c] - f) * nr;
                    for (int r = 0; r < m; r++) {
                        v[target + map[rows[rsd + c + r]]] -= work[r];
                    }
                }
                position[d] = p1;
                if (p1 < nrd) {
                    int owner = supernodeOf[rows[rsd + p1]];
                    next[d] = head[owner];
                    head[owner] = d;
                }
                d = nextD;
            }
            // Dense right-looking Cholesky of the panel (diagonal block and the rows below it).
            for (int c = 0; c < width; c++) {
                int column = base + c * nr;
                double diagonal = v[column + c];
                if (!(diagonal > 0) || !Double.isFinite(diagonal)) {
                    return false;
                }
                double root = Math.sqrt(diagonal);
                v[column + c] = root;
                double inverse = 1 / root;
                for (int r = c + 1; r < nr; r++) {
                    v[column + r] *= inverse;
                }
                for (int c2 = c + 1; c2 < width; c2++) {
                    double a = v[column + c2];
                    if (a != 0) {
                        int other = base + c2 * nr;
                        for (int r = c2; r < nr; r++) {
                            v[other + r] -= v[column + r] * a;
                        }
                    }
                }
            }
            position[s] = width;
            if (width < nr) {
                int owner = supernodeOf[rows[rs + width]];
                next[s] = head[owner];
                head[owner] = s;
            }
        }
        return true;
    }

    /** {@code x = A^-1 b}; {@code work} has length {@code n}. */
    void solve(double[] b, double[] x, double[] work) {
        double[] y = work;
        for (int k = 0; k < n; k++) {
            y[pinv[k]] = b[k];
        }
        double[] v = values;
        for (int s = 0; s < supernodeCount; s++) {
            int f = first[s];
            int width = first[s + 1] - f;
            int rs = rowStart[s];
            int nr = rowStart[s + 1] - rs;
            int base = valueStart[s];
            for (int c = 0; c < width; c++) {
                int column = base + c * nr;
                double xj = y[f + c] / v[column + c];
                y[f + c] = xj;
                for (int r = c + 1; r < nr; r++) {
                    y[rows[rs + r]] -= v[column + r] * xj;
                }
            }
        }
        for (int s = supernodeCount - 1; s >= 0; s--) {
            int f = first[s];
            int width = first[s + 1] - f;
            int rs = rowStart[s];
            int nr = rowStart[s + 1] - rs;
            int base = valueStart[s];
            for (int c = width - 1; c >= 0; c--) {
                int column = base + c * nr;
                double sum = y[f + c];
                for (int r = c + 1; r < nr; r++) {
                    sum -= v[column + r] * y[rows[rs + r]];
                }
                y[f + c] = sum / v[column + c];
            }
        }
        for (int k = 0; k < n; k++) {
            x[k] = y[pinv[k]];
        }
    }

    /** Nonzeros stored in the factor (panels, including the explicit zeros of supernodes). */
    long storedValues() {
        return values.length;
    }
}
