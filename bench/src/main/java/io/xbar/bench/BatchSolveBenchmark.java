// BatchSolveBenchmark: a 256x256 crossbar solved for a batch of 64 input vectors (per-vector exact solves).
package io.xbar.bench;

import java.util.concurrent.TimeUnit;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarSolver;
import io.xbar.reference.Crossbars;
import io.xbar.kernel.ProgrammedCrossbar;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** 64 input vectors through one programmed 256x256 crossbar, spread over the solver's threads. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class BatchSolveBenchmark {
    static final int SIZE = 256;
    static final int BATCH = 64;

    @Param({"default", "strong"})
    public String coupling;

    private ProgrammedCrossbar programmed;
    private double[] voltages;

    @Setup
    public void setUp() {
        boolean strong = coupling.equals("strong");
        Circuit c = strong ? Circuit.DEFAULT.withWires(1.0) : Circuit.DEFAULT;
        double[] g = strong ? Crossbars.strongCells(1, SIZE, SIZE) : Crossbars.defaultCells(1, SIZE, SIZE);
        programmed = CrossbarSolver.create(SIZE, SIZE, c).program(g);
        voltages = Crossbars.voltages(3, BATCH, SIZE, 0.2);
        double[] first = programmed.solve(java.util.Arrays.copyOf(voltages, SIZE)).currents();
        double[] batch = programmed.currents(voltages, BATCH);
        // Same answer to rounding: the Vector API's lane reductions may sum in another order before and
        // after the JIT compiles them, so the last bit can differ between a cold and a warm call.
        for (int j = 0; j < SIZE; j++) {
            if (Math.abs(first[j] - batch[j]) > 1e-12 * Math.abs(first[j])) {
                throw new IllegalStateException("batch result differs from the single solve at column " + j + ": "
                        + batch[j] + " vs " + first[j]);
            }
        }
    }

    @Benchmark
    public double[] batch() {
        return programmed.currents(voltages, BATCH);
    }
}
