// Layer: a weight matrix mapped onto crossbars for Python: mvm, nf and save as `xbar mvm`, `xbar nf` and `xbar map` do them.
package io.xbar.python;

import io.xbar.cli.MapCommand;
import io.xbar.cli.NonidealityReport;
import io.xbar.cli.UsageException;
import io.xbar.kernel.Circuit;
import io.xbar.mapping.LayerMapping;
import io.xbar.mapping.LayerResult;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.QuantizedInputs;
import io.xbar.mapping.QuantizedWeights;
import io.xbar.mapping.Quantizer;
import io.xbar.mapping.TiledMvm;
import io.xbar.mapping.TransferFunction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A mapped layer. The exact transfer matrix of every tile is computed once, on the first
 * {@link #mvm} or {@link #nf}, and kept: later calls cost the read-out's GEMMs, not circuit solves
 * (what a PyTorch forward pass needs). Thread-safe.
 */
public final class Layer {
    private final QuantizedWeights weights;
    private final MappingOptions options;
    private final Circuit circuit;
    private final LayerMapping mapping;
    private final int threads;
    private Map<double[], double[]> transfers;
    /** The cells' law; a nonlinear one solves every input cycle (no transfer matrices). */
    private volatile io.xbar.kernel.CellModel cellModel = io.xbar.kernel.CellModel.LINEAR;

    private Layer(QuantizedWeights weights, MappingOptions options, Circuit circuit, LayerMapping mapping, int threads) {
        this.weights = weights;
        this.options = options;
        this.circuit = circuit;
        this.mapping = mapping;
        this.threads = threads;
    }

    static Layer map(double[] w, int inputs, int outputs, boolean integerTyped, MappingOptions options, Circuit circuit,
                     double[] calibration, int calBatch, boolean calibrationIntegerTyped, int threads) {
        QuantizedWeights q;
        try {
            q = Quantizer.weights(w, inputs, outputs, options.weightBits(), options.encoding(), integerTyped);
        } catch (IllegalArgumentException e) {
            throw new UsageException("W: " + e.getMessage(), e);
        }
        double[] activity = null;
        if (calibration != null) {
            activity = LayerMapping.activity(quantize("calibration", calibration, calBatch, inputs, calibrationIntegerTyped,
                    options), options);
        }
        LayerMapping mapping = LayerMapping.map(q, options, circuit.drive(), circuit.senseAt(), activity);
        return new Layer(q, options, circuit, mapping, threads);
    }

    /** This layer with cells following {@code model} (set once, right after mapping). */
    Layer withCellModel(io.xbar.kernel.CellModel model) {
        this.cellModel = model;
        return this;
    }

    /** Rows of the weight matrix ({@code K}). */
    public int inputs() {
        return weights.inputs();
    }

    /** Columns of the weight matrix ({@code N_out}). */
    public int outputs() {
        return mapping.outputs();
    }

    /** Number of crossbar tiles. */
    public int tiles() {
        return mapping.tiles().size();
    }

    /** The settings the layer was mapped with. */
    public MappingOptions options() {
        return options;
    }

    /** {@code y = x . W} as the crossbars compute it: {@code batch x N_out}, row-major. */
    public double[] mvm(double[] x, int batch, boolean integerTyped) {
        QuantizedInputs q = quantize("X", x, batch, inputs(), integerTyped, options);
        if (!cellModel.isLinear()) {
            return TiledMvm.outputs(mapping, q, circuit, cellModel);
        }
        return TiledMvm.outputs(mapping, q, circuit, cachedTransfer());
    }

    /** The report of {@code xbar nf} (keys {@code nf}, {@code mvm_rel_error}, {@code tiles}, ...), as JSON text. */
    public String nf(double[] x, int batch, boolean integerTyped) {
        long start = System.nanoTime();
        LayerResult result = run(x, batch, integerTyped);
        var json = new NonidealityReport(mapping, result, circuit, (System.nanoTime() - start) / 1e9).toJson();
        json.put("model", "exact");
        json.put("cell_model", cellModel.kind().flagName());
        if (!cellModel.isLinear()) {
            json.put("v0", cellModel.v0());
        }
        return json.toString();
    }

    /** Writes {@code mapping.json} and the tile files into {@code dir}, as {@code xbar map --out DIR}. */
    public void save(String dir) {
        Path path = Path.of(dir).toAbsolutePath();
        try {
            MapCommand.write(mapping, circuit, path);
        } catch (IOException e) {
            throw new UsageException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    private LayerResult run(double[] x, int batch, boolean integerTyped) {
        QuantizedInputs q = quantize("X", x, batch, inputs(), integerTyped, options);
        if (!cellModel.isLinear()) {
            return TiledMvm.run(mapping, q, circuit, cellModel, null);
        }
        return TiledMvm.run(mapping, q, circuit, cachedTransfer());
    }

    /** The exact transfer function, each tile's {@code T} computed on first use and kept, found by the tile's conductances. */
    private synchronized TransferFunction cachedTransfer() {
        if (transfers == null) {
            TransferFunction exact = TransferFunction.exact(threads);
            Map<double[], double[]> computed = new IdentityHashMap<>();
            for (var tile : mapping.tiles()) {
                computed.put(tile.conductances(), exact.compute(tile.rows(), tile.cols(), circuit, tile.conductances()));
            }
            transfers = computed;
        }
        Map<double[], double[]> known = transfers;
        return (rows, cols, c, g) -> {
            double[] t = known.get(g);
            if (t == null) {
                throw new IllegalStateException("no transfer matrix for a " + rows + "x" + cols + " tile of this layer");
            }
            return t;
        };
    }

    private static QuantizedInputs quantize(String name, double[] x, int batch, int width, boolean integerTyped,
                                            MappingOptions options) {
        if (batch < 1 || x == null || x.length != (long) batch * width) {
            throw new UsageException(name + " has " + (x == null ? 0 : x.length) + " values for " + batch
                    + " vectors; each needs " + width + " values, one activation per weight row");
        }
        try {
            return Quantizer.inputs(x, batch, width, options.inputBits(), integerTyped, options.signedInputs());
        } catch (IllegalArgumentException e) {
            throw new UsageException(name + ": " + e.getMessage(), e);
        }
    }
}
