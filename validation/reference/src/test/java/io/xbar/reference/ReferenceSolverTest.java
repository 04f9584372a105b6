// ReferenceSolverTest: the LAPACK reference against circuits solved by hand, symmetries and exact shorts.
package io.xbar.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xbar.blas.Blas;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import io.xbar.kernel.Solution;

import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReferenceSolverTest {
    private static final Drive[] DRIVES = Drive.values();
    private static final Sense[] SENSES = Sense.values();
    private static int blasThreads;

    /** Small systems: one OpenBLAS thread is faster and steadier on a shared machine. */
    @BeforeAll
    static void oneBlasThread() {
        blasThreads = Blas.threads();
        Blas.setThreads(1);
    }

    @AfterAll
    static void restoreBlasThreads() {
        Blas.setThreads(blasThreads);
    }

    static double[] randomConductances(Random rnd, int count, double lo, double hi, double openFraction) {
        double[] g = new double[count];
        for (int k = 0; k < count; k++) {
            g[k] = rnd.nextDouble() < openFraction ? 0 : lo * Math.pow(hi / lo, rnd.nextDouble());
        }
        return g;
    }

    static double[] randomVoltages(Random rnd, int count) {
        double[] v = new double[count];
        for (int k = 0; k < count; k++) {
            v[k] = rnd.nextDouble() * 0.4 - 0.1;
        }
        return v;
    }

    /** {@code max|actual - expected| / max|expected|} (absolute when expected is all zero). */
    static double relativeError(double[] actual, double[] expected) {
        assertEquals(expected.length, actual.length, "length");
        double diff = 0;
        double scale = 0;
        for (int k = 0; k < expected.length; k++) {
            diff = Math.max(diff, Math.abs(actual[k] - expected[k]));
            scale = Math.max(scale, Math.abs(expected[k]));
        }
        return scale == 0 ? diff : diff / scale;
    }

    /** The model's definition {@code I[j] = sum_i g'(u - w)}, from the node voltages of a solution. */
    static double[] cellCurrents(int rows, int cols, Circuit circuit, double[] g, Solution s) {
        double[] current = new double[cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int k = i * cols + j;
                current[j] += circuit.cellConductance(g[k]) * (s.wordLineVoltages()[k] - s.bitLineVoltages()[k]);
            }
        }
        return current;
    }

    @Test
    void singleCellIsASeriesCircuit() {
        for (double g : new double[] {0, 1e-9, 1e-4, 1e-2}) {
            for (double source : new double[] {0, 1e-6, 3}) {
                for (double sense : new double[] {0, 7, 100}) {
                    for (double access : new double[] {0, 500}) {
                        for (double wire : new double[] {0, 2.5}) {
                            for (Drive drive : DRIVES) {
                                for (Sense at : SENSES) {
                                    Circuit c = new Circuit(wire, wire, source, sense, access, drive, at);
                                    double v = 0.2;
                                    double[] hand = HandSolutions.singleCell(c, g, v);
                                    Solution s = ReferenceSolver.factor(1, 1, c, new double[] {g}).solve(new double[] {v});
                                    String what = c + " g=" + g;
                                    assertEquals(hand[0], s.currents()[0], 1e-14 * Math.abs(hand[0]), what);
                                    assertEquals(hand[1], s.wordLineVoltages()[0], 1e-15, what);
                                    assertEquals(hand[2], s.bitLineVoltages()[0], 1e-15, what);
                                    assertTrue(s.residual() <= 1e-15, what + " residual " + s.residual());
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void singleRowMatchesTheLadderByHand() {
        Random rnd = new Random(11);
        for (int cols : new int[] {1, 2, 7, 31}) {
            for (double wire : new double[] {0, 1e-6, 2.5, 100}) {
                for (double source : new double[] {0, 10}) {
                    for (double sense : new double[] {0, 5}) {
                        for (double access : new double[] {0, 1000}) {
                            for (Sense at : SENSES) {
                                double[] g = randomConductances(rnd, cols, 1e-9, 1e-2, 0.2);
                                double v = 0.3;
                                Circuit left = new Circuit(wire, 1, source, sense, access, Drive.LEFT, at);
                                double[][] hand = HandSolutions.singleRow(left, g, v);
                                Solution s = ReferenceSolver.factor(1, cols, left, g).solve(new double[] {v});
                                String what = left + " cols=" + cols;
                                assertTrue(relativeError(s.currents(), hand[0]) < 1e-12, what);
                                assertTrue(relativeError(s.wordLineVoltages(), hand[1]) < 1e-12, what);
                                assertTrue(relativeError(s.bitLineVoltages(), hand[2]) < 1e-12, what);

                                Circuit right = left.withDrive(Drive.RIGHT);
                                Solution r = ReferenceSolver.factor(1, cols, right, g).solve(new double[] {v});
                                double[][] handRight = HandSolutions.singleRow(right, g, v);
                                assertTrue(relativeError(r.currents(), handRight[0]) < 1e-12, what + " right");
                                assertTrue(relativeError(r.wordLineVoltages(), handRight[1]) < 1e-12, what + " right");
                                if (cols > 1) {
                                    // Mirroring must matter, or the right-drive check above proves nothing.
                                    assertTrue(wire == 0 || relativeError(handRight[1], reverse(hand[1])) > 0
                                            || relativeError(g, reverse(g)) == 0, what);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void singleColumnMatchesTheChainByHand() {
        Random rnd = new Random(12);
        for (int rows : new int[] {1, 2, 9, 37}) {
            for (double wire : new double[] {0, 1e-6, 1, 100}) {
                for (double source : new double[] {0, 4}) {
                    for (double sense : new double[] {0, 6}) {
                        for (double access : new double[] {0, 200}) {
                            for (Drive drive : DRIVES) {
                                double[] g = randomConductances(rnd, rows, 1e-9, 1e-2, 0.2);
                                double[] v = randomVoltages(rnd, rows);
                                for (Sense at : new Sense[] {Sense.BOTTOM, Sense.TOP}) {
                                    Circuit c = new Circuit(1, wire, source, sense, access, drive, at);
                                    double hand = HandSolutions.singleColumn(c, g, v);
                                    double got = ReferenceSolver.factor(rows, 1, c, g).solve(v).currents()[0];
                                    assertEquals(hand, got, 1e-12 * Math.abs(hand), c + " rows=" + rows);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void zeroParasiticsGiveTheIdealProductExactly() {
        Random rnd = new Random(13);
        int rows = 13;
        int cols = 17;
        double[] g = randomConductances(rnd, rows * cols, 1e-6, 1e-2, 0.1);
        for (double access : new double[] {0, 300}) {
            for (Drive drive : DRIVES) {
                for (Sense at : SENSES) {
                    Circuit c = Circuit.IDEAL.withAccess(access).withDrive(drive).withSenseAt(at);
                    ReferenceSolver ref = ReferenceSolver.factor(rows, cols, c, g);
                    assertEquals(0, ref.unknowns(), "every node is pinned");
                    double[] v = randomVoltages(rnd, 3 * rows);
                    Solution[] all = ref.solve(v, 3);
                    for (int b = 0; b < 3; b++) {
                        double[] ideal = new double[cols];
                        for (int i = 0; i < rows; i++) {
                            for (int j = 0; j < cols; j++) {
                                ideal[j] += c.cellConductance(g[i * cols + j]) * v[b * rows + i];
                            }
                        }
                        assertArrayEquals(ideal, all[b].currents(), 0.0, c.toString());
                        for (int k = 0; k < rows * cols; k++) {
                            assertEquals(v[b * rows + k / cols], all[b].wordLineVoltages()[k], 0.0);
                            assertEquals(0.0, all[b].bitLineVoltages()[k], 0.0);
                        }
                    }
                }
            }
        }
    }

    @Test
    void accessResistanceIsTheSeriesCellConductance() {
        Random rnd = new Random(14);
        int rows = 9;
        int cols = 6;
        double[] g = randomConductances(rnd, rows * cols, 1e-6, 1e-2, 0.1);
        double access = 750;
        double[] effective = new double[g.length];
        for (int k = 0; k < g.length; k++) {
            effective[k] = g[k] / (1 + g[k] * access);
        }
        double[] v = randomVoltages(rnd, rows);
        Circuit c = Circuit.DEFAULT.withSource(3).withSense(2);
        double[] with = ReferenceSolver.factor(rows, cols, c.withAccess(access), g).solve(v).currents();
        double[] without = ReferenceSolver.factor(rows, cols, c, effective).solve(v).currents();
        assertTrue(relativeError(with, without) < 1e-13);
        double[] none = ReferenceSolver.factor(rows, cols, c, g).solve(v).currents();
        assertTrue(relativeError(with, none) > 1e-3, "r_access must matter at these conductances");
    }

    private static double[] reverse(double[] a) {
        double[] r = new double[a.length];
        for (int k = 0; k < a.length; k++) {
            r[k] = a[a.length - 1 - k];
        }
        return r;
    }

    private static double[] mirrorColumns(double[] g, int rows, int cols) {
        double[] r = new double[g.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                r[i * cols + j] = g[i * cols + cols - 1 - j];
            }
        }
        return r;
    }

    private static double[] flipRows(double[] g, int rows, int cols) {
        double[] r = new double[g.length];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(g, (rows - 1 - i) * cols, r, i * cols, cols);
        }
        return r;
    }

    @Test
    void mirrorSymmetries() {
        Random rnd = new Random(15);
        int rows = 8;
        int cols = 11;
        double[] g = randomConductances(rnd, rows * cols, 1e-5, 1e-2, 0.1);
        double[] v = randomVoltages(rnd, rows);
        Circuit base = new Circuit(4, 3, 2, 1.5, 100, Drive.LEFT, Sense.BOTTOM);
        for (Drive drive : DRIVES) {
            for (Sense at : SENSES) {
                Circuit c = base.withDrive(drive).withSenseAt(at);
                double[] current = ReferenceSolver.factor(rows, cols, c, g).solve(v).currents();
                Drive mirrored = drive == Drive.LEFT ? Drive.RIGHT : drive == Drive.RIGHT ? Drive.LEFT : Drive.BOTH;
                Sense flipped = at == Sense.BOTTOM ? Sense.TOP : at == Sense.TOP ? Sense.BOTTOM : Sense.BOTH;
                double[] byMirror = ReferenceSolver.factor(rows, cols, c.withDrive(mirrored), mirrorColumns(g, rows, cols))
                        .solve(v).currents();
                assertTrue(relativeError(reverse(byMirror), current) < 1e-12, c + " mirrored left-right");
                double[] byFlip = ReferenceSolver.factor(rows, cols, c.withSenseAt(flipped), flipRows(g, rows, cols))
                        .solve(reverse(v)).currents();
                assertTrue(relativeError(byFlip, current) < 1e-12, c + " flipped top-bottom");
            }
        }
        // A uniform array driven and sensed at both ends is symmetric in itself.
        double[] uniform = new double[rows * cols];
        java.util.Arrays.fill(uniform, 1e-3);
        double[] same = new double[rows];
        java.util.Arrays.fill(same, 0.2);
        Circuit both = base.withDrive(Drive.BOTH).withSenseAt(Sense.BOTH);
        Solution s = ReferenceSolver.factor(rows, cols, both, uniform).solve(same);
        for (int j = 0; j < cols; j++) {
            assertEquals(s.currents()[j], s.currents()[cols - 1 - j], 1e-13 * Math.abs(s.currents()[j]));
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double u = s.wordLineVoltages()[i * cols + j];
                assertEquals(u, s.wordLineVoltages()[i * cols + cols - 1 - j], 1e-14);
                assertEquals(u, s.wordLineVoltages()[(rows - 1 - i) * cols + j], 1e-14);
            }
        }
        double[] left = ReferenceSolver.factor(rows, cols, both.withDrive(Drive.LEFT), uniform).solve(same).currents();
        assertTrue(relativeError(left, s.currents()) > 1e-4, "driving both ends must change the currents");
    }

    @Test
    void everyShortCombinationIsExactAndContinuous() {
        Random rnd = new Random(16);
        int rows = 5;
        int cols = 7;
        double[] g = randomConductances(rnd, rows * cols, 1e-5, 1e-2, 0.15);
        double[] v = randomVoltages(rnd, rows);
        double[] finite = {2.5, 3.5, 4, 6, 250};
        for (int mask = 0; mask < 32; mask++) {
            double[] r = finite.clone();
            double[] nearZero = finite.clone();
            for (int k = 0; k < 5; k++) {
                if ((mask & (1 << k)) != 0) {
                    r[k] = 0;
                    nearZero[k] = 1e-7;
                }
            }
            for (Drive drive : DRIVES) {
                for (Sense at : SENSES) {
                    Circuit c = new Circuit(r[0], r[1], r[2], r[3], r[4], drive, at);
                    String what = c.toString();
                    ReferenceSolver dense = ReferenceSolver.factor(rows, cols, c, g, ReferenceSolver.Method.DENSE);
                    ReferenceSolver banded = ReferenceSolver.factor(rows, cols, c, g, ReferenceSolver.Method.BANDED);
                    Solution s = dense.solve(v);
                    Solution b = banded.solve(v);
                    assertTrue(s.residual() < 1e-14 && b.residual() < 1e-14, what + " residual " + s.residual());
                    assertTrue(relativeError(b.currents(), s.currents()) < 1e-13, what + " banded vs dense");
                    assertTrue(relativeError(b.wordLineVoltages(), s.wordLineVoltages()) < 1e-13, what);
                    assertTrue(relativeError(b.bitLineVoltages(), s.bitLineVoltages()) < 1e-13, what);
                    // KCL: what the sense amplifiers receive is what the cells pass.
                    assertTrue(relativeError(cellCurrents(rows, cols, c, g, s), s.currents()) < 1e-12, what + " KCL");
                    checkShortsAreExact(rows, cols, c, v, s, what);
                    // The exact short is the limit of a vanishing resistance.
                    Circuit tiny = new Circuit(nearZero[0], nearZero[1], nearZero[2], nearZero[3], nearZero[4], drive, at);
                    double[] limit = ReferenceSolver.factor(rows, cols, tiny, g).solve(v).currents();
                    assertTrue(relativeError(limit, s.currents()) < 1e-5, what + " limit "
                            + relativeError(limit, s.currents()));
                }
            }
        }
    }

    private static void checkShortsAreExact(int rows, int cols, Circuit c, double[] v, Solution s, String what) {
        double[] u = s.wordLineVoltages();
        double[] w = s.bitLineVoltages();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int k = i * cols + j;
                if (c.wordLine() == 0 && j + 1 < cols) {
                    assertEquals(u[k], u[k + 1], 0.0, what + " word line");
                }
                if (c.bitLine() == 0 && i + 1 < rows) {
                    assertEquals(w[k], w[k + cols], 0.0, what + " bit line");
                }
            }
            if (c.source() == 0) {
                if (c.drive().atFirstColumn()) {
                    assertEquals(v[i], u[i * cols], 0.0, what + " source");
                }
                if (c.drive().atLastColumn()) {
                    assertEquals(v[i], u[i * cols + cols - 1], 0.0, what + " source");
                }
            }
        }
        if (c.sense() == 0) {
            for (int j = 0; j < cols; j++) {
                if (c.senseAt().atFirstRow()) {
                    assertEquals(0.0, w[j], 0.0, what + " sense");
                }
                if (c.senseAt().atLastRow()) {
                    assertEquals(0.0, w[(rows - 1) * cols + j], 0.0, what + " sense");
                }
            }
        }
    }

    @Test
    void extremeValuesAgreeAcrossOrderingsAndCurrentFormulas() {
        Random rnd = new Random(19);
        int rows = 17;
        int cols = 23;
        double[][] cellRanges = {{1e-9, 1e-8}, {1e-3, 1e-2}, {1e-9, 1e-2}};
        for (double wire : new double[] {1e-6, 100}) {
            for (double periphery : new double[] {0, 1e-6, 100}) {
                for (double[] range : cellRanges) {
                    double[] g = randomConductances(rnd, rows * cols, range[0], range[1], 0.05);
                    double[] v = randomVoltages(rnd, rows);
                    Circuit c = new Circuit(wire, wire, periphery, periphery, 0,
                            DRIVES[rnd.nextInt(3)], SENSES[rnd.nextInt(3)]);
                    String what = c + " cells " + range[0] + ".." + range[1];
                    Solution d = ReferenceSolver.factor(rows, cols, c, g, ReferenceSolver.Method.DENSE).solve(v);
                    Solution b = ReferenceSolver.factor(rows, cols, c, g, ReferenceSolver.Method.BANDED).solve(v);
                    assertTrue(relativeError(b.currents(), d.currents()) < 1e-12,
                            what + " banded vs dense " + relativeError(b.currents(), d.currents()));
                    double kcl = relativeError(cellCurrents(rows, cols, c, g, d), d.currents());
                    assertTrue(kcl < 1e-12, what + " cells vs sense " + kcl);
                    assertTrue(d.residual() < 1e-15 && b.residual() < 1e-15, what + " residual " + d.residual());
                }
            }
        }
    }

    @Test
    void bandFollowsTheShorterSide() {
        Random rnd = new Random(17);
        for (int[] shape : new int[][] {{12, 40}, {40, 12}, {1, 50}, {50, 1}, {30, 30}}) {
            int rows = shape[0];
            int cols = shape[1];
            double[] g = randomConductances(rnd, rows * cols, 1e-6, 1e-3, 0.05);
            for (Circuit c : new Circuit[] {Circuit.DEFAULT, Circuit.DEFAULT.withWordLine(0),
                    Circuit.DEFAULT.withBitLine(0).withDrive(Drive.BOTH), Circuit.DEFAULT.withSenseAt(Sense.BOTH)}) {
                ReferenceSolver banded = ReferenceSolver.factor(rows, cols, c, g, ReferenceSolver.Method.BANDED);
                assertTrue(banded.bandwidth() <= 2 * Math.min(rows, cols) + 1,
                        rows + "x" + cols + " " + c + ": bandwidth " + banded.bandwidth());
                double[] v = randomVoltages(rnd, rows);
                Solution b = banded.solve(v);
                Solution d = ReferenceSolver.factor(rows, cols, c, g, ReferenceSolver.Method.DENSE).solve(v);
                assertTrue(relativeError(b.currents(), d.currents()) < 1e-12, rows + "x" + cols + " " + c);
                assertTrue(b.residual() < 1e-14);
            }
        }
    }

    @Test
    void batchesAndTransferMatrixAreLinear() {
        Random rnd = new Random(18);
        int rows = 70; // more right-hand sides than one solve block
        int cols = 5;
        double[] g = randomConductances(rnd, rows * cols, 1e-6, 1e-3, 0.1);
        Circuit c = Circuit.DEFAULT.withSource(1).withSense(1).withDrive(Drive.BOTH);
        ReferenceSolver ref = ReferenceSolver.factor(rows, cols, c, g);
        ReferenceSolver.Batch t = ref.transfer();
        assertTrue(t.residual() < 1e-14);
        for (int i : new int[] {0, 1, 63, 64, 69}) {
            double[] e = new double[rows];
            e[i] = 1;
            double[] row = java.util.Arrays.copyOfRange(t.currents(), i * cols, (i + 1) * cols);
            assertTrue(relativeError(row, ref.solve(e).currents()) < 1e-14, "row " + i);
        }
        int batch = 3;
        double[] v = randomVoltages(rnd, batch * rows);
        double[] currents = ref.currents(v, batch);
        for (int b = 0; b < batch; b++) {
            double[] viaT = new double[cols];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    viaT[j] += v[b * rows + i] * t.currents()[i * cols + j];
                }
            }
            double[] single = ref.solve(java.util.Arrays.copyOfRange(v, b * rows, (b + 1) * rows)).currents();
            double[] fromBatch = java.util.Arrays.copyOfRange(currents, b * cols, (b + 1) * cols);
            assertTrue(relativeError(fromBatch, single) < 1e-14, "a batch solves each vector as alone");
            assertTrue(relativeError(viaT, single) < 1e-12, "I = V T");
        }
        assertEquals(0, ref.currents(new double[0], 0).length);
    }

    @Test
    void rejectsBadArguments() {
        double[] g = {1e-4, 1e-4, 1e-4, 1e-4};
        Circuit c = Circuit.DEFAULT;
        assertThrows(IllegalArgumentException.class, () -> ReferenceSolver.factor(2, 2, null, g));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> ReferenceSolver.factor(2, 3, c, g));
        assertTrue(shape.getMessage().contains("2x3"), shape.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReferenceSolver.factor(0, 2, c, new double[0]));
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> ReferenceSolver.factor(2, 2, c, new double[] {1e-4, Double.NaN, 1e-4, 1e-4}));
        assertTrue(nan.getMessage().contains("[0][1]"), nan.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ReferenceSolver.factor(2, 2, c, new double[] {1e-4, -1e-4, 1e-4, 1e-4}));
        ReferenceSolver ref = ReferenceSolver.factor(2, 2, c, g);
        IllegalArgumentException len = assertThrows(IllegalArgumentException.class,
                () -> ref.solve(new double[] {0.1, 0.2, 0.3}));
        assertTrue(len.getMessage().contains("voltages"), len.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ref.solve(new double[] {0.1, Double.POSITIVE_INFINITY}));
        assertThrows(IllegalArgumentException.class, () -> ref.currents(new double[] {0.1, 0.2}, 2));
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> ReferenceSolver.factor(100, 100, c, new double[100 * 100], ReferenceSolver.Method.DENSE));
        assertTrue(big.getMessage().contains("dense"), big.getMessage());
    }
}
