// NativeMultigridTest: the compiled twin of the multigrid solve gives the Java solver's bits on every circuit and shape.
package io.xbar.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link NativeCrossbar} (C, {@code kernel/src/main/c/xbar_multigrid.c}) must return exactly what
 * {@link MultigridMethod} returns: the same currents, node voltages, residual and iteration count to
 * the bit, and the same {@link ConvergenceException}. Every case below solves the same crossbar with
 * the twin and without ({@link CrossbarSolver#withNativeTwin}) and compares the raw bits.
 *
 * <p>The library must be loaded here: the build compiles it with gcc (README, requirements). Only a
 * machine without gcc may set {@code XBAR_NATIVE_OPTIONAL=1}, and then these tests are skipped
 * loudly by failing {@link #theLibraryIsLoaded} unless that variable is set.
 */
class NativeMultigridTest {
    private static final boolean OPTIONAL = "1".equals(System.getenv("XBAR_NATIVE_OPTIONAL"));

    @BeforeAll
    static void theLibraryIsLoaded() {
        if (!OPTIONAL) {
            assertTrue(NativeMultigrid.available(), "the native multigrid library did not load: "
                    + NativeMultigrid.unavailableReason() + " (set XBAR_NATIVE_OPTIONAL=1 only on a machine without gcc)");
        }
    }

    private static final Circuit[] CIRCUITS = {
        Circuit.DEFAULT,
        Circuit.DEFAULT.withSource(10).withSense(5),
        Circuit.DEFAULT.withDrive(Drive.BOTH).withSenseAt(Sense.BOTH),
        Circuit.DEFAULT.withDrive(Drive.RIGHT).withSenseAt(Sense.TOP).withSource(3),
        new Circuit(0.1, 40, 0, 2, 0, Drive.LEFT, Sense.BOTTOM),
        new Circuit(1000, 0.01, 50, 0, 0, Drive.LEFT, Sense.BOTH),
        new Circuit(1e-3, 1e-3, 0, 0, 0, Drive.BOTH, Sense.TOP),
        Circuit.DEFAULT.withAccess(1000),
    };

    private static final int[][] SHAPES = {
        {1, 1}, {1, 7}, {7, 1}, {2, 2}, {3, 5}, {8, 8}, {9, 13}, {16, 16}, {37, 45}, {64, 64}, {33, 1}, {1, 100},
        {65, 2}, {131, 77},
    };

    private static double[] cells(SplittableRandom rnd, int count, double open) {
        double[] g = new double[count];
        for (int k = 0; k < count; k++) {
            g[k] = rnd.nextDouble() < open ? 0 : 1e-6 + (1e-4 - 1e-6) * rnd.nextDouble();
        }
        return g;
    }

    private static double[] inputs(SplittableRandom rnd, int rows) {
        double[] v = new double[rows];
        for (int i = 0; i < rows; i++) {
            v[i] = rnd.nextInt(8) == 0 ? 0 : 0.4 * rnd.nextDouble() - 0.1;
        }
        return v;
    }

    /** Solves with and without the twin; fails unless both give the same bits (or the same exception). */
    private static void sameBits(int rows, int cols, Circuit c, double[] g, double[] v, String what) {
        sameBits(CrossbarSolver.create(rows, cols, c), g, v, what);
    }

    /** As above on {@code solver}; returns true when both threw the same {@link ConvergenceException}. */
    private static boolean sameBits(CrossbarSolver solver, double[] g, double[] v, String what) {
        ProgrammedCrossbar twin = solver.program(g);
        ProgrammedCrossbar java = solver.withNativeTwin(false).program(g);
        assertFalse(java.solvesNatively(), what);
        if (!OPTIONAL) {
            assertTrue(twin.solvesNatively(), what + ": the twin is not used");
        }
        Solution a;
        try {
            a = java.solve(v, true);
        } catch (ConvergenceException e) {
            ConvergenceException n = assertThrows(ConvergenceException.class, () -> twin.solve(v, true), what);
            assertEquals(e.getMessage(), n.getMessage(), what);
            return true;
        }
        Solution b = twin.solve(v, true);
        assertArrayEquals(a.currents(), b.currents(), what + ": currents");
        assertArrayEquals(a.wordLineVoltages(), b.wordLineVoltages(), what + ": word-line voltages");
        assertArrayEquals(a.bitLineVoltages(), b.bitLineVoltages(), what + ": bit-line voltages");
        assertEquals(Double.doubleToRawLongBits(a.residual()), Double.doubleToRawLongBits(b.residual()), what + ": residual");
        assertEquals(a.iterations(), b.iterations(), what + ": iterations");
        // Without node voltages the currents are the same too (the twin is then asked for less).
        assertArrayEquals(a.currents(), twin.solve(v).currents(), what + ": currents without node voltages");
        return false;
    }

    @Test
    void everyShapeAndCircuitGivesTheJavaBits() {
        SplittableRandom rnd = new SplittableRandom(7);
        int cases = 0;
        for (int[] s : SHAPES) {
            for (Circuit c : CIRCUITS) {
                double[] g = cells(rnd, s[0] * s[1], 0.1);
                sameBits(s[0], s[1], c, g, inputs(rnd, s[0]), s[0] + "x" + s[1] + " " + c);
                cases++;
            }
        }
        assertEquals(SHAPES.length * CIRCUITS.length, cases);
    }

    /** The x86-64-v3 core (AVX2) as well as the v4 one (AVX-512) where the CPU has both: the same bits. */
    @Test
    void eachInstructionSetGivesTheJavaBits() {
        if (OPTIONAL && !NativeMultigrid.available()) {
            return;
        }
        int widest = NativeMultigrid.level();
        try {
            for (int level = 3; level <= widest; level++) {
                assertEquals(level, NativeMultigrid.useLevel(level), "level in use");
                SplittableRandom rnd = new SplittableRandom(17);
                for (int[] s : new int[][] {{1, 9}, {13, 11}, {100, 3}, {3, 100}, {67, 130}}) {
                    for (Circuit c : CIRCUITS) {
                        double[] g = cells(rnd, s[0] * s[1], 0.1);
                        sameBits(s[0], s[1], c, g, inputs(rnd, s[0]), "x86-64-v" + level + " " + s[0] + "x" + s[1] + " " + c);
                    }
                }
            }
        } finally {
            NativeMultigrid.useLevel(widest);
        }
    }

    @Test
    void a256By256CrossbarGivesTheJavaBits() {
        SplittableRandom rnd = new SplittableRandom(256);
        for (Circuit c : new Circuit[] {Circuit.DEFAULT, Circuit.DEFAULT.withSource(20).withSense(10).withDrive(Drive.BOTH)}) {
            sameBits(256, 256, c, cells(rnd, 256 * 256, 0), inputs(rnd, 256), "256x256 " + c);
        }
    }

    @Test
    void extremeCellsAndInputsGiveTheJavaBits() {
        SplittableRandom rnd = new SplittableRandom(11);
        int rows = 40;
        int cols = 30;
        double[] open = new double[rows * cols];
        sameBits(rows, cols, Circuit.DEFAULT, open, inputs(rnd, rows), "every cell open");
        double[] g = cells(rnd, rows * cols, 0.5);
        sameBits(rows, cols, Circuit.DEFAULT, g, new double[rows], "all inputs zero");
        double[] spread = cells(rnd, rows * cols, 0);
        for (int k = 0; k < spread.length; k += 3) {
            spread[k] *= 1e-9; // cells nine decades apart: CG's per-column current check works harder
        }
        sameBits(rows, cols, Circuit.DEFAULT.withWires(1e-6), spread, inputs(rnd, rows), "spread cells, 1 uohm wires");
        double[] tiny = inputs(rnd, rows);
        for (int i = 0; i < rows; i++) {
            tiny[i] *= 1e-200;
        }
        sameBits(rows, cols, Circuit.DEFAULT, g, tiny, "inputs near 1e-200 V (scaled)");
    }

    /** An iteration limit too low for the contract's residual: the same exception, residual and count. */
    @Test
    void aConvergenceFailureIsTheSameException() {
        SplittableRandom rnd = new SplittableRandom(3);
        int failures = 0;
        for (int iterations = 1; iterations <= 3; iterations++) {
            for (Circuit c : new Circuit[] {Circuit.DEFAULT.withWires(1.0), Circuit.DEFAULT.withWires(20.0)}) {
                int rows = 131;
                int cols = 77;
                double[] g = new double[rows * cols];
                for (int k = 0; k < g.length; k++) {
                    g[k] = 1e-4 + (1e-2 - 1e-4) * rnd.nextDouble();
                }
                CrossbarSolver solver = CrossbarSolver.create(rows, cols, c)
                        .withOptions(SolverOptions.DEFAULT.withMaxIterations(iterations));
                failures += sameBits(solver, g, inputs(rnd, rows), iterations + " iterations, " + c) ? 1 : 0;
            }
        }
        assertTrue(failures > 0, "no case reached the iteration limit: the test checks nothing");
    }

    @Test
    void batchesGiveTheJavaBits() {
        SplittableRandom rnd = new SplittableRandom(5);
        int rows = 50;
        int cols = 70;
        int batch = 9;
        double[] g = cells(rnd, rows * cols, 0.05);
        double[] v = new double[batch * rows];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(inputs(rnd, rows), 0, v, b * rows, rows);
        }
        CrossbarSolver solver = CrossbarSolver.create(rows, cols, Circuit.DEFAULT.withSource(5));
        assertArrayEquals(solver.withNativeTwin(false).program(g).currents(v, batch), solver.program(g).currents(v, batch));
    }

    /** One programmed crossbar solved from several threads at once: each solve gets its own native workspace. */
    @Test
    void concurrentSolvesOfOneCrossbarGiveTheJavaBits() throws Exception {
        SplittableRandom rnd = new SplittableRandom(9);
        int rows = 96;
        int cols = 80;
        double[] g = cells(rnd, rows * cols, 0);
        CrossbarSolver solver = CrossbarSolver.create(rows, cols, Circuit.DEFAULT);
        ProgrammedCrossbar java = solver.withNativeTwin(false).program(g);
        ProgrammedCrossbar twin = solver.program(g);
        List<double[]> vs = new ArrayList<>();
        for (int k = 0; k < 24; k++) {
            vs.add(inputs(rnd, rows));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<double[]>> results = new ArrayList<>();
            for (double[] v : vs) {
                results.add(pool.submit(() -> twin.solve(v).currents()));
            }
            for (int k = 0; k < vs.size(); k++) {
                assertArrayEquals(java.solve(vs.get(k)).currents(), results.get(k).get(), "vector " + k);
            }
        } finally {
            pool.shutdown();
        }
    }

    /** A programmed native crossbar refuses a call for another shape instead of reading past its arrays. */
    @Test
    void aProgrammedCrossbarRefusesAnotherShape() {
        if (OPTIONAL && !NativeMultigrid.available()) {
            return;
        }
        SplittableRandom rnd = new SplittableRandom(19);
        double[] real = {2.5, 2.5, 0, 0, 1e-12, 1e-11, SolverOptions.REQUIRED_RESIDUAL, 0.01};
        int[] ints = {0, 0, 500, 0, 2, 2};
        int[] status = new int[1];
        long address = NativeMultigrid.program(5, 7, real, ints, cells(rnd, 35, 0), status);
        assertTrue(address != 0, "status " + status[0]);
        try {
            double[] stats = new double[2];
            assertEquals(NativeMultigrid.BAD_ARGUMENT,
                    NativeMultigrid.solveProgrammed(address, 4, 7, new double[4], new double[7], null, null, stats));
            assertEquals(NativeMultigrid.BAD_ARGUMENT,
                    NativeMultigrid.solveProgrammed(address, 5, 8, new double[5], new double[8], null, null, stats));
            assertEquals(NativeMultigrid.OK,
                    NativeMultigrid.solveProgrammed(address, 5, 7, inputs(rnd, 5), new double[7], null, null, stats));
        } finally {
            NativeMultigrid.free(address);
        }
    }

    /** Many crossbars programmed in a loop keep at most the budget of native memory between their solves. */
    @Test
    void keptNativeMemoryStaysWithinItsBudget() {
        SplittableRandom rnd = new SplittableRandom(13);
        List<ProgrammedCrossbar> alive = new ArrayList<>();
        for (int k = 0; k < 30; k++) {
            ProgrammedCrossbar x = CrossbarSolver.create(64, 64, Circuit.DEFAULT).program(cells(rnd, 64 * 64, 0));
            x.solve(inputs(rnd, 64));
            alive.add(x);
            assertTrue(NativeCrossbar.liveBytes() <= NativeCrossbar.KEEP_BYTES, "live native bytes " + NativeCrossbar.liveBytes());
        }
        if (!OPTIONAL) {
            assertTrue(NativeCrossbar.liveBytes() > 0, "the solved crossbars keep their native crossbars");
        }
        assertEquals(30, alive.size());
    }
}
