// BitSerialMvmBenchmark: a 256x256 tile's bit-serial MVM of 1024 8-bit vectors (1-bit DAC) with T known, beside the plain dgemm of the same shapes.
package io.xbar.bench;

import io.xbar.blas.Blas;
import io.xbar.kernel.Adc;
import io.xbar.kernel.BitSerialMvm;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.Crossbars;
import io.xbar.kernel.TransferMatrix;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Batched MVM with parasitics once {@code T} is known: {@code bitSerialMvm} builds the
 * {@code (8 * 1024) x 256} voltage matrix of all cycles, multiplies it by {@code T} in one dgemm
 * and shifts-and-adds; {@code plainDgemm} is the bare {@code 8192 x 256 x 256} dgemm. Target: the
 * MVM's throughput at least 50% of the plain dgemm's (time at most twice).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BitSerialMvmBenchmark {
    static final int ROWS = 256;
    static final int COLS = 256;
    static final int BATCH = 1024;
    static final int INPUT_BITS = 8;
    static final int DAC_BITS = 1;

    private double[] transfer;
    private int[] activations;
    private BitSerialMvm mvm;
    private double[] cycleCurrents;
    private double[] voltages;
    private double[] product;

    @Setup(Level.Trial)
    public void setUp() {
        Blas.setThreads(Runtime.getRuntime().availableProcessors());
        Random rnd = new Random(7);
        double[] g = Crossbars.defaultCells(42, ROWS, COLS);
        transfer = TransferMatrix.compute(ROWS, COLS, Circuit.DEFAULT, g);
        activations = BenchData.activations(rnd, BATCH, ROWS, INPUT_BITS);
        mvm = new BitSerialMvm(INPUT_BITS, DAC_BITS, 0.2);
        int stacked = mvm.cycles() * BATCH;
        cycleCurrents = new double[stacked * COLS];
        voltages = mvm.voltages(activations, BATCH, ROWS);
        product = new double[stacked * COLS];
        // One check: the MVM's cycles are exactly the plain product of the same voltages.
        mvm.cycleCurrents(transfer, ROWS, COLS, activations, BATCH, Adc.IDEAL, cycleCurrents);
        Blas.dgemm(stacked, COLS, ROWS, 1.0, voltages, transfer, 0.0, product);
        for (int k = 0; k < product.length; k++) {
            if (Math.abs(product[k] - cycleCurrents[k]) > 1e-12 * Math.abs(product[k]) + 1e-18) {
                throw new IllegalStateException("bit-serial cycle current " + k + " is " + cycleCurrents[k]
                        + ", the plain product " + product[k]);
            }
        }
    }

    @Benchmark
    public void bitSerialMvm(Blackhole bh) {
        mvm.cycleCurrents(transfer, ROWS, COLS, activations, BATCH, Adc.IDEAL, cycleCurrents);
        bh.consume(mvm.shiftAdd(cycleCurrents, BATCH, COLS));
    }

    @Benchmark
    public void plainDgemm(Blackhole bh) {
        Blas.dgemm(mvm.cycles() * BATCH, COLS, ROWS, 1.0, voltages, transfer, 0.0, product);
        bh.consume(product);
    }
}
