// LayerNfBenchmark: `xbar nf` work on a whole 3x3x256x256 convolution layer (2304 x 256, 8-bit, 1-bit cells, 256x256 tiles, 64 vectors).
package io.xbar.bench;

import io.xbar.kernel.CellModel;
import io.xbar.kernel.Circuit;
import io.xbar.mapping.LayerMapping;
import io.xbar.mapping.LayerResult;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.Preset;
import io.xbar.mapping.QuantizedInputs;
import io.xbar.mapping.QuantizedWeights;
import io.xbar.mapping.Quantizer;
import io.xbar.mapping.TiledMvm;
import io.xbar.mapping.TrainedLikeData;
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

import java.util.concurrent.TimeUnit;

/**
 * Target (issue 4): at most 20 s per layer on 2 cores with the default parasitics. One operation is
 * what {@code xbar nf} does after reading its files: map the layer (9 x 15 = 135 tiles for
 * differential 8-bit weights in 1-bit cells), compute each tile's exact transfer matrix once, run
 * all 64 vectors x 8 input cycles through one dgemm per tile, reconstruct and average the NF terms.
 * {@code -p wires=0} runs the ideal circuit, which isolates the mapping and read-out cost.
 *
 * <p>Issue 15's target: {@code -p cells=sinh} (v0 = 0.25 V) has no transfer matrix, so every distinct
 * nonzero input cycle of every vector is a Newton solve on each tile (about 8 x 135 = 1,080 per
 * vector); {@code -p batch=B} takes the first {@code B} of the same 64 vectors, so a run of a few
 * vectors measures the per-vector cost of the 64-vector job (it is linear in the vectors).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx6g"})
public class LayerNfBenchmark {
    static final int INPUTS = 2304;
    static final int OUTPUTS = 256;
    static final int BATCH = 64;

    @Param({"naive", "mdm", "optimized"})
    public String mapping;

    /** r_wl = r_bl in ohms (MODEL.md default 2.5). */
    @Param({"2.5"})
    public double wires;

    /** Cell law: {@code linear} (transfer matrices) or {@code sinh} (Newton, v0 = 0.25 V). */
    @Param({"linear"})
    public String cells;

    /** Input vectors (the first {@code batch} of the 64). */
    @Param({"64"})
    public int batch;

    private QuantizedWeights weights;
    private QuantizedInputs inputs;
    private MappingOptions options;
    private Circuit circuit;
    private CellModel model;

    @Setup(Level.Trial)
    public void setUp() {
        options = MappingOptions.DEFAULT.withPreset(Preset.parse(mapping));
        weights = Quantizer.weights(TrainedLikeData.weights(INPUTS, OUTPUTS, 1), INPUTS, OUTPUTS, options.weightBits(),
                options.encoding(), false);
        if (batch < 1 || batch > BATCH) {
            throw new IllegalArgumentException("batch must be 1.." + BATCH + ", got " + batch);
        }
        QuantizedInputs all = Quantizer.inputs(TrainedLikeData.activations(BATCH, INPUTS, 2), BATCH, INPUTS,
                options.inputBits(), false, false);
        // The first vectors as the 64-vector job quantizes them (the same scale, the same input cycles).
        inputs = batch == BATCH ? all : new QuantizedInputs(batch, INPUTS,
                java.util.Arrays.copyOf(all.positive(), batch * INPUTS), null, all.scale());
        model = switch (cells) {
            case "linear" -> CellModel.LINEAR;
            case "sinh" -> CellModel.sinh(CellModel.DEFAULT_V0);
            default -> throw new IllegalArgumentException("cells must be linear or sinh, got " + cells);
        };
        circuit = Circuit.DEFAULT.withWires(wires);
    }

    @Benchmark
    public double layerNf() {
        LayerMapping m = LayerMapping.map(weights, options, circuit.drive(), circuit.senseAt());
        LayerResult r = model.isLinear() ? TiledMvm.run(m, inputs, circuit) : TiledMvm.run(m, inputs, circuit, model, null);
        double nf = r.nonidealityFactor();
        if (!(nf > -1 && nf < 1) || m.tiles().size() != 135) {
            throw new IllegalStateException("unexpected result: nf " + nf + ", " + m.tiles().size() + " tiles");
        }
        return nf;
    }
}
