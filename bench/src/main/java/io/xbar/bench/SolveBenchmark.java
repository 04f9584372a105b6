// SolveBenchmark: one exact crossbar solve (programming excluded and included) by size and coupling strength.
package io.xbar.bench;

import java.util.concurrent.TimeUnit;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarSolver;
import io.xbar.reference.Crossbars;
import io.xbar.kernel.ProgrammedCrossbar;
import io.xbar.kernel.Solution;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single solve of an {@code n x n} crossbar. {@code coupling = default}: cells uniform in
 * [1e-6, 1e-4] S, 2.5 ohm wires (MODEL.md defaults); {@code strong}: cells in [1e-4, 1e-2] S,
 * 1 ohm wires. {@code solve} times one input vector on a programmed crossbar; {@code programAndSolve}
 * includes building the line factors and multigrid hierarchy for new conductances.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx8g"})
public class SolveBenchmark {
    @Param({"64", "256", "300", "1000", "1024", "2048"})
    public int size;

    @Param({"default", "strong"})
    public String coupling;

    private CrossbarSolver solver;
    private double[] conductances;
    private ProgrammedCrossbar programmed;
    private double[] voltages;

    @Setup(Level.Trial)
    public void setUp() {
        boolean strong = coupling.equals("strong");
        Circuit c = strong ? Circuit.DEFAULT.withWires(1.0) : Circuit.DEFAULT;
        conductances = strong ? Crossbars.strongCells(1, size, size) : Crossbars.defaultCells(1, size, size);
        voltages = Crossbars.voltages(2, 1, size, 0.2);
        solver = CrossbarSolver.create(size, size, c);
        programmed = solver.program(conductances);
        Solution check = programmed.solve(voltages);
        if (!(check.residual() <= 1e-10)) {
            throw new IllegalStateException("benchmark solve did not converge: residual " + check.residual());
        }
    }

    @Benchmark
    public double[] solve() {
        return programmed.solve(voltages).currents();
    }

    @Benchmark
    public double[] programAndSolve() {
        return solver.program(conductances).solve(voltages).currents();
    }
}
