// NewtonDeterminismTest: a sinh solve gives the same bits whether its residual passes are split across workers, and whether its linearized crossbars are built afresh or in place.
package io.xbar.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.ForkJoinTask;

import org.junit.jupiter.api.Test;

/**
 * Newton's residual pass runs its rows on the worker pool ({@link Parallel#range}) and combines their
 * partial sums in row order. Called from a worker, the same pass runs whole on that thread: the two
 * must agree to the bit (currents, node voltages, residual), or the result would depend on the thread
 * count. 160 x 150 cells are above {@link Parallel#MIN_WORK}, so the split happens when the pool has
 * two or more workers.
 */
class NewtonDeterminismTest {
    @Test
    void splitAndWholeResidualPassesGiveTheSameBits() {
        int rows = 160;
        int cols = 150;
        Random rnd = new Random(5);
        double[] g = new double[rows * cols];
        for (int k = 0; k < g.length; k++) {
            g[k] = 1e-6 + (1e-4 - 1e-6) * rnd.nextDouble();
        }
        double[] v = new double[rows];
        for (int i = 0; i < rows; i++) {
            v[i] = 0.4 * rnd.nextDouble() - 0.1;
        }
        for (Circuit c : new Circuit[] {Circuit.DEFAULT, Circuit.DEFAULT.withBitLine(0), Circuit.DEFAULT.withWordLine(0)}) {
            ProgrammedCrossbar x = CrossbarSolver.create(rows, cols, c).withCellModel(CellModel.sinh(0.25)).program(g);
            Solution split = x.solve(v, true);
            Solution whole = Parallel.invoke(ForkJoinTask.adapt(() -> x.solve(v, true)));
            assertTrue(split.residual() <= SolverOptions.REQUIRED_RESIDUAL, c + ": residual " + split.residual());
            assertArrayEquals(whole.currents(), split.currents(), 0, c + ": currents");
            assertArrayEquals(whole.wordLineVoltages(), split.wordLineVoltages(), 0, c + ": word lines");
            assertArrayEquals(whole.bitLineVoltages(), split.bitLineVoltages(), 0, c + ": bit lines");
            assertEquals(whole.residual(), split.residual(), 0, c + ": residual");
            assertEquals(whole.iterations(), split.iterations(), c + ": iterations");
        }
    }

    private static double[] cells(Random rnd, int count) {
        double[] g = new double[count];
        for (int k = 0; k < count; k++) {
            g[k] = 1e-6 + (1e-4 - 1e-6) * rnd.nextDouble();
        }
        return g;
    }

    /**
     * {@link MultigridMethod#reprogram} (a linearized crossbar rebuilt in place of the last one, its
     * workspace kept) must give the operator {@link MultigridMethod#withCells} builds, to the bit: the
     * same solve of the same system gives the same bits either way, on every circuit with pinned nodes.
     */
    @Test
    void linearizedCrossbarsRebuiltInPlaceSolveAsFreshOnes() {
        int rows = 40;
        int cols = 33;
        Random rnd = new Random(9);
        double[] g = cells(rnd, rows * cols);
        double[] v = new double[rows];
        for (int i = 0; i < rows; i++) {
            v[i] = 0.3 * rnd.nextDouble();
        }
        for (Circuit c : new Circuit[] {Circuit.DEFAULT, Circuit.DEFAULT.withSource(0).withSense(0),
            Circuit.DEFAULT.withDrive(Drive.BOTH).withSenseAt(Sense.BOTH).withSource(0),
            Circuit.DEFAULT.withDrive(Drive.RIGHT).withSenseAt(Sense.TOP).withSense(0)}) {
            CrossbarSolver linear = CrossbarSolver.create(rows, cols, c);
            ProgrammedCrossbar owner = linear.program(g);
            Solution start = owner.solve(v, true);
            double[] source = new double[rows * cols];
            for (int k = 0; k < source.length; k++) {
                source[k] = 1e-7 * (rnd.nextDouble() - 0.5);
            }
            ProgrammedCrossbar previous = ProgrammedCrossbar.linearized(owner, linear, cells(rnd, rows * cols), null);
            previous.solveWithCellSources(v, source, start.wordLineVoltages(), start.bitLineVoltages(), 0);
            double[] next = cells(rnd, rows * cols);
            next[7] = 0; // an open cell
            ProgrammedCrossbar fresh = ProgrammedCrossbar.linearized(owner, linear, next, null);
            ProgrammedCrossbar inPlace = ProgrammedCrossbar.linearized(owner, linear, next, previous);
            Solution a = fresh.solveWithCellSources(v, source, start.wordLineVoltages(), start.bitLineVoltages(), 0);
            Solution b = inPlace.solveWithCellSources(v, source, start.wordLineVoltages(), start.bitLineVoltages(), 0);
            assertTrue(a.iterations() > 0, c + ": a real solve");
            assertArrayEquals(a.currents(), b.currents(), 0, c + ": currents");
            assertArrayEquals(a.wordLineVoltages(), b.wordLineVoltages(), 0, c + ": word lines");
            assertArrayEquals(a.bitLineVoltages(), b.bitLineVoltages(), 0, c + ": bit lines");
            assertEquals(a.residual(), b.residual(), 0, c + ": residual");
            assertEquals(a.iterations(), b.iterations(), c + ": iterations");
        }
    }

    /** The second solve of a vector (on the linearized crossbar the first one left) repeats the first's bits. */
    @Test
    void repeatedSinhSolvesGiveTheSameBits() {
        int rows = 48;
        int cols = 64;
        Random rnd = new Random(3);
        double[] g = cells(rnd, rows * cols);
        double[] v = new double[rows];
        double[] other = new double[rows];
        for (int i = 0; i < rows; i++) {
            v[i] = 0.2 * rnd.nextDouble();
            other[i] = 0.2 * rnd.nextDouble();
        }
        CrossbarSolver solver = CrossbarSolver.create(rows, cols, Circuit.DEFAULT).withCellModel(CellModel.sinh(0.25));
        ProgrammedCrossbar x = solver.program(g);
        Solution first = x.solve(v, true);
        x.solve(other);
        Solution again = x.solve(v, true);
        Solution fresh = solver.program(g).solve(v, true);
        for (Solution s : new Solution[] {again, fresh}) {
            assertArrayEquals(first.currents(), s.currents(), 0);
            assertArrayEquals(first.wordLineVoltages(), s.wordLineVoltages(), 0);
            assertArrayEquals(first.bitLineVoltages(), s.bitLineVoltages(), 0);
            assertEquals(first.residual(), s.residual(), 0);
        }
    }
}
