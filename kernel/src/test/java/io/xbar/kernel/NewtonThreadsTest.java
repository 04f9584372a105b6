// NewtonThreadsTest: a sinh solve large enough for its residual passes to be split across the workers gives the same bits as on one thread.
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
class NewtonThreadsTest {
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
}
