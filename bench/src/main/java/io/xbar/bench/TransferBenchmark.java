// TransferBenchmark: time of the exact transfer matrix of an n x n crossbar with default parasitics.
package io.xbar.bench;

import io.xbar.blas.Blas;
import io.xbar.kernel.Circuit;
import io.xbar.reference.Crossbars;
import io.xbar.kernel.TransferMatrix;

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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link TransferMatrix#compute(double[], double[])} on square crossbars, cells uniform in
 * {@code [1e-6, 1e-4]} S (seeded), MODEL.md's default circuit (2.5 ohm wires, left drive, bottom
 * sense). Targets on 2 cores: 256x256 within 0.1 s, 1024x1024 within 30 s. {@code -p method=SWEEP}
 * times the row sweep instead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class TransferBenchmark {
    @Param({"64", "128", "256", "300", "512", "1024"})
    public int size;

    /** {@code AUTO} (nested dissection at these sizes), {@code NESTED} or {@code SWEEP} (the row sweep, for comparison). */
    @Param({"AUTO"})
    public String method;

    private TransferMatrix transfer;
    private double[] conductances;
    private double[] out;

    @Setup(Level.Trial)
    public void setUp() {
        Blas.setThreads(Runtime.getRuntime().availableProcessors());
        conductances = Crossbars.defaultCells(42, size, size);
        transfer = new TransferMatrix(size, size, Circuit.DEFAULT, 0, TransferMatrix.Method.valueOf(method));
        out = new double[size * size];
        transfer.compute(conductances, out);
        BenchData.checkTransfer(size, size, Circuit.DEFAULT, conductances, out);
    }

    @Benchmark
    public void transfer(Blackhole bh) {
        transfer.compute(conductances, out);
        bh.consume(out);
    }
}
