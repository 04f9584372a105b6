// ReadOutBenchmark: the read-out path of one 256x256 tile (1024 8-bit vectors, 1-bit DAC) with T known, beside the plain dgemm of the same shapes.
package io.xbar.bench;

import io.xbar.blas.Blas;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.TransferMatrix;
import io.xbar.mapping.LayerMapping;
import io.xbar.mapping.LayerResult;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.Preset;
import io.xbar.mapping.QuantizedInputs;
import io.xbar.mapping.Quantizer;
import io.xbar.mapping.TiledMvm;
import io.xbar.mapping.TrainedLikeData;
import io.xbar.mapping.TransferFunction;

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
 * Batched MVM with parasitics once {@code T} is known, through {@link TiledMvm}, the one read-out
 * path of xbar: 18 outputs of differential 8-bit weights on 1-bit cells fill one 256 x 252 tile;
 * {@code readOut} builds the {@code (8 * 1024) x 256} voltage matrix of all DAC cycles, multiplies
 * it by {@code [T | g']} in one dgemm (actual and ideal currents together), estimates the level
 * sums, shifts and adds, and counts the NF terms. {@code plainDgemm} is the bare
 * {@code 8192 x 256 x 504} dgemm of the same shapes. Target: the read-out's time at most twice the
 * plain dgemm's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ReadOutBenchmark {
    static final int ROWS = 256;
    static final int OUTPUTS = 18;
    static final int BATCH = 1024;

    private LayerMapping mapping;
    private QuantizedInputs inputs;
    private TransferFunction known;
    private double[] voltages;
    private double[] both;
    private double[] product;
    private int width;

    @Setup(Level.Trial)
    public void setUp() {
        Blas.setThreads(Runtime.getRuntime().availableProcessors());
        MappingOptions options = MappingOptions.DEFAULT.withPreset(Preset.NAIVE);
        mapping = LayerMapping.map(Quantizer.weights(TrainedLikeData.weights(ROWS, OUTPUTS, 7), ROWS, OUTPUTS,
                options.weightBits(), options.encoding(), false), options, Circuit.DEFAULT.drive(),
                Circuit.DEFAULT.senseAt());
        if (mapping.tiles().size() != 1) {
            throw new IllegalStateException("expected one tile, got " + mapping.tiles().size());
        }
        inputs = Quantizer.inputs(TrainedLikeData.activations(BATCH, ROWS, 8), BATCH, ROWS, options.inputBits(),
                false, false);
        var tile = mapping.tiles().get(0);
        width = tile.cols();
        double[] t = TransferMatrix.compute(ROWS, width, Circuit.DEFAULT, tile.conductances());
        known = (rows, cols, circuit, g) -> t;
        int stacked = options.cycles() * BATCH;
        voltages = new double[stacked * ROWS];
        for (int k = 0; k < voltages.length; k++) {
            voltages[k] = (k * 7919 % 2) * 0.2;
        }
        both = new double[ROWS * 2 * width];
        product = new double[stacked * 2 * width];
        // One check: with T known the read-out gives what the exact path gives.
        LayerResult withKnown = TiledMvm.run(mapping, inputs, Circuit.DEFAULT, known);
        LayerResult exact = TiledMvm.run(mapping, inputs, Circuit.DEFAULT);
        if (withKnown.nonidealityFactor() != exact.nonidealityFactor()) {
            throw new IllegalStateException("read-out with T known gives NF " + withKnown.nonidealityFactor()
                    + ", the exact path " + exact.nonidealityFactor());
        }
    }

    @Benchmark
    public void readOut(Blackhole bh) {
        bh.consume(TiledMvm.run(mapping, inputs, Circuit.DEFAULT, known));
    }

    @Benchmark
    public void plainDgemm(Blackhole bh) {
        int stacked = voltages.length / ROWS;
        Blas.dgemm(false, false, stacked, 2 * width, ROWS, 1, voltages, 0, ROWS, both, 0, 2 * width, 0, product, 0,
                2 * width);
        bh.consume(product);
    }
}
