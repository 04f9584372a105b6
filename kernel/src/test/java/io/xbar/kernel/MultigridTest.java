// MultigridTest: the coarsening keeps every coarse operator nonsingular, so narrow crossbars whose three-point lines are pinned at both ends solve.
package io.xbar.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * A zero driver (sense) resistance pins the word-line (bit-line) nodes of the driven columns (sensed
 * rows). With three columns driven at both ends, or three rows sensed at both, the linear
 * prolongation across them keeps one free fine point for two coarse points, and the Galerkin
 * product {@code P^T A P} was singular: from 22 lines on (above {@link Multigrid#COARSEST_CELLS}
 * cells) the solve failed (CG stopped after one iteration, or the coarsest Cholesky met a zero pivot).
 */
class MultigridTest {
    /** {@link Multigrid#independentOnFree} against the rank of {@code P} on the free points, for every pin pattern. */
    @Test
    void independenceOnTheFreePointsIsTheRankOfTheProlongation() {
        for (int length = 1; length <= 10; length++) {
            Interpolation p = Interpolation.linear(length);
            for (int mask = 0; mask < 1 << length; mask++) {
                boolean[] pinned = new boolean[length];
                for (int q = 0; q < length; q++) {
                    pinned[q] = (mask >> q & 1) != 0;
                }
                assertEquals(fullColumnRank(p, pinned), Multigrid.independentOnFree(p, pinned, 1),
                        "length " + length + ", pinned mask " + Integer.toBinaryString(mask));
            }
        }
        // Two lines interleaved (position q of line l at 2q + l): each line is judged on its own.
        Interpolation three = Interpolation.linear(3);
        assertTrue(Multigrid.independentOnFree(three, new boolean[] {true, false, false, false, false, true}, 2));
        assertEquals(false, Multigrid.independentOnFree(three, new boolean[] {true, false, false, false, true, false}, 2));
    }

    /** Whether the columns of {@code p} that reach a free point are independent on the free points (elimination). */
    private static boolean fullColumnRank(Interpolation p, boolean[] pinned) {
        List<double[]> rows = new ArrayList<>();
        boolean[] reached = new boolean[p.coarse];
        for (int q = 0; q < p.fine; q++) {
            if (!pinned[q]) {
                double[] row = new double[p.coarse];
                row[p.first[q]] += p.firstWeight[q];
                reached[p.first[q]] = true;
                if (p.second[q] >= 0) {
                    row[p.second[q]] += p.secondWeight[q];
                    reached[p.second[q]] = true;
                }
                rows.add(row);
            }
        }
        int rank = 0;
        int columns = 0;
        for (int c = 0; c < p.coarse; c++) {
            if (!reached[c]) {
                continue;
            }
            columns++;
            int pivot = -1;
            for (int r = rank; r < rows.size(); r++) {
                if (Math.abs(rows.get(r)[c]) > 1e-12) {
                    pivot = r;
                    break;
                }
            }
            if (pivot < 0) {
                continue;
            }
            double[] pr = rows.get(pivot);
            rows.set(pivot, rows.get(rank));
            rows.set(rank, pr);
            for (int r = rank + 1; r < rows.size(); r++) {
                double f = rows.get(r)[c] / pr[c];
                for (int k = 0; k < p.coarse; k++) {
                    rows.get(r)[k] -= f * pr[k];
                }
            }
            rank++;
        }
        return rank == columns;
    }

    /**
     * The whole family: 3 columns driven at both ends with {@code r_source = 0} and 3 rows sensed at
     * both with {@code r_sense = 0}, every line count from 22 to 130, every other resistance zero or
     * not, cells with exact zeros and zero inputs. Checked element by element on {@link CrossbarNetwork}:
     * Kirchhoff's current law at every free node, and every shorted node exactly at its driver's or
     * sense amplifier's potential.
     */
    @Test
    void narrowCrossbarsPinnedAtBothEndsOfThreeLinesSolve() {
        Random rnd = new Random(23);
        double[][] wires = {{2.5, 2.5}, {0.1, 40}, {1000, 0.01}};
        for (int lines = 22; lines <= 130; lines++) {
            // Every 18 line counts run through all wires, other end (drive or sense) and other resistance.
            int t = lines - 22;
            double[] w = wires[t % 3];
            int end = t / 3 % 3;
            double other = t / 9 % 2 == 0 ? 0 : 5;
            for (boolean transposed : new boolean[] {false, true}) {
                Circuit c = transposed
                        ? new Circuit(w[0], w[1], other, 0, 0, Drive.values()[end], Sense.BOTH)
                        : new Circuit(w[0], w[1], 0, other, 0, Drive.BOTH, Sense.values()[end]);
                int m = transposed ? 3 : lines;
                int n = transposed ? lines : 3;
                double[] g = new double[m * n];
                for (int q = 0; q < g.length; q++) {
                    g[q] = rnd.nextInt(10) == 0 ? 0 : 1e-6 + (1e-4 - 1e-6) * rnd.nextDouble();
                }
                double[] v = new double[m];
                for (int i = 0; i < m; i++) {
                    v[i] = rnd.nextInt(8) == 0 ? 0 : 0.4 * rnd.nextDouble() - 0.1;
                }
                String what = m + "x" + n + " " + c;
                for (CellModel model : new CellModel[] {CellModel.LINEAR, CellModel.sinh(0.25)}) {
                    Solution s = CrossbarSolver.create(m, n, c).withCellModel(model).program(g).solve(v, true);
                    assertTrue(s.residual() <= SolverOptions.REQUIRED_RESIDUAL, what + " residual " + s.residual());
                    if (model.isLinear()) {
                        double kcl = kclImbalance(m, n, c, g, v, s.wordLineVoltages(), s.bitLineVoltages());
                        assertTrue(kcl < 1e-11, what + " KCL imbalance " + kcl);
                    }
                }
            }
        }
    }

    /**
     * Largest current imbalance over free nodes divided by the largest total branch current at a node;
     * fails when a node shorted to a driver or sense amplifier is not exactly at its potential.
     */
    private static double kclImbalance(int m, int n, Circuit c, double[] g, double[] v, double[] u, double[] w) {
        CrossbarNetwork net = new CrossbarNetwork(m, n, c, g);
        int grid = m * n;
        double[] volt = new double[net.nodeCount()];
        System.arraycopy(u, 0, volt, 0, grid);
        System.arraycopy(w, 0, volt, grid, grid);
        for (int i = 0; i < m; i++) {
            volt[net.sourceNode(i)] = v[i];
        }
        double[] balance = new double[net.nodeCount()];
        double[] flow = new double[net.nodeCount()];
        boolean[] shorted = new boolean[net.nodeCount()];
        net.forEachElement((kind, row, col, a, b, conductance) -> {
            if (Double.isInfinite(conductance)) {
                shorted[a] = true;
                shorted[b] = true;
                assertEquals(volt[b], volt[a], 0, kind + " short at (" + row + "," + col + ")");
                return;
            }
            double i = conductance * (volt[a] - volt[b]);
            balance[a] -= i;
            balance[b] += i;
            flow[a] += Math.abs(i);
            flow[b] += Math.abs(i);
        });
        double worst = 0;
        double scale = 0;
        for (int q = 0; q < 2 * grid; q++) {
            scale = Math.max(scale, flow[q]);
            if (!shorted[q]) {
                worst = Math.max(worst, Math.abs(balance[q]));
            }
        }
        return scale == 0 ? 0 : worst / scale;
    }
}
