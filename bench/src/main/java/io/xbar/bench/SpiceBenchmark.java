// SpiceBenchmark: JMH timing of `xbar spice solve`'s work (parse + solve) on exported 64..256 crossbar netlists.
package io.xbar.bench;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarSolver;
import io.xbar.kernel.Solution;
import io.xbar.spice.Netlist;
import io.xbar.spice.NetlistParser;
import io.xbar.spice.NetlistSolution;
import io.xbar.spice.NetlistSolver;
import io.xbar.spice.SpiceExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parse + solve of an exported {@code n x n} crossbar netlist (2n^2 cells and wires, about
 * 200k elements at 256), each half alone, and the kernel's {@link CrossbarSolver} on the same
 * crossbar for the ratio. The netlist is a file in the page cache, as for
 * {@code xbar spice solve}. Setup checks the answer: the residual of the solve and KCL of the
 * column currents against the node voltages.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
@State(Scope.Benchmark)
public class SpiceBenchmark {
    @Param({"64", "128", "256"})
    public int size;

    private Path file;
    private Netlist parsed;
    private SpiceCrossbars crossbar;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        crossbar = new SpiceCrossbars(size, 20261122L + size);
        file = crossbar.write(Files.createTempFile("xbar-spice-bench-" + size + "-", ".cir"));
        parsed = NetlistParser.parse(file);
        NetlistSolution s = NetlistSolver.solve(parsed);
        if (!(s.residual() <= 1e-12)) {
            throw new IllegalStateException("residual " + s.residual());
        }
        // I[j] from the solution's own node voltages must equal the sense source's current.
        for (int j = 0; j < size; j += Math.max(1, size / 8)) {
            double current = 0;
            for (int i = 0; i < size; i++) {
                double g = crossbar.conductances[i * size + j];
                current += g * (s.voltage(crossbar.export.wordLineNode(i, j)) - s.voltage(crossbar.export.bitLineNode(i, j)));
            }
            double sensed = s.current(SpiceExport.senseSource(j));
            if (Math.abs(current - sensed) > 1e-9 * Math.abs(sensed) + 1e-18) {
                throw new IllegalStateException("column " + j + ": KCL " + current + " vs i(VSENSE) " + sensed);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(file);
    }

    @Benchmark
    public NetlistSolution parseAndSolve() throws IOException {
        return NetlistSolver.solve(NetlistParser.parse(file));
    }

    @Benchmark
    public Netlist parse() throws IOException {
        return NetlistParser.parse(file);
    }

    @Benchmark
    public NetlistSolution solve() {
        return NetlistSolver.solve(parsed);
    }

    /** The same crossbar by the kernel's crossbar solver (structure, programming and one solve): the ratio to parse + solve. */
    @Benchmark
    public Solution kernel() {
        return CrossbarSolver.create(size, size, Circuit.DEFAULT).program(crossbar.conductances).solve(crossbar.voltages);
    }
}
