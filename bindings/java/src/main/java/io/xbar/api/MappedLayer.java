// MappedLayer: a weight matrix mapped onto crossbar tiles (Java API); runs MVMs and reports NF and mvm_rel_error.
package io.xbar.api;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.ConvergenceException;
import io.xbar.mapping.LayerMapping;
import io.xbar.mapping.LayerResult;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.QuantizedInputs;
import io.xbar.mapping.Quantizer;
import io.xbar.mapping.TiledMvm;
import io.xbar.mapping.TransferFunction;

/**
 * A quantized, bit-sliced and tiled weight matrix, made by {@link Xbar#map}. Each {@link #mvm}
 * quantizes the activations, applies them bit-serially to every tile through the tile's exact
 * transfer matrix (all parasitics of the {@link #circuit()}), and recombines the slices.
 *
 * <p>Thread safety: immutable; concurrent {@link #mvm} calls are allowed (each uses its own
 * workspaces).
 */
public final class MappedLayer {
    private final LayerMapping mapping;
    private final Circuit circuit;
    private final io.xbar.kernel.CellModel cellModel;

    MappedLayer(LayerMapping mapping, Circuit circuit, io.xbar.kernel.CellModel cellModel) {
        this.mapping = mapping;
        this.circuit = circuit;
        this.cellModel = cellModel;
    }

    /** {@return the cells' current-voltage law} */
    public io.xbar.kernel.CellModel cellModel() {
        return cellModel;
    }

    /** {@return the activations per input vector {@code K}} */
    public int inputs() {
        return mapping.inputs();
    }

    /** {@return the outputs per vector {@code N_out}} */
    public int outputs() {
        return mapping.outputs();
    }

    /** {@return the number of crossbar tiles the layer occupies} */
    public int tiles() {
        return mapping.tiles().size();
    }

    /** {@return the mapping options used} */
    public MappingOptions options() {
        return mapping.options();
    }

    /** {@return the circuit of every tile} */
    public Circuit circuit() {
        return circuit;
    }

    /**
     * The underlying mapping of the mapping layer (tiles, conductances, row and column labels), for
     * callers that need more than this facade offers. It is immutable.
     *
     * @return the mapping of the mapping layer
     */
    public LayerMapping mapping() {
        return mapping;
    }

    /**
     * Runs a batch of activation vectors through the layer: {@code y = x . W} as the crossbars
     * compute it, with the ideal quantized product, NF and {@code mvm_rel_error}.
     *
     * @param activations row-major {@code batch x inputs()}, finite and {@code >= 0} unless the
     *                    options allow signed inputs; read, not kept
     * @param batch       number of vectors, {@code >= 1}
     * @return the outputs, the ideal outputs, NF (overall and per tile) and {@code mvm_rel_error}
     * @throws IllegalArgumentException naming the batch, the length or the first bad activation
     * @throws ConvergenceException     never for the exact transfer method; declared for solvers that iterate
     */
    public MvmResult mvm(double[] activations, int batch) {
        // The quantizer checks batch, shape and values and keeps only its integer levels.
        MappingOptions o = mapping.options();
        QuantizedInputs q = Quantizer.inputs(activations, batch, inputs(), o.inputBits(), false, o.signedInputs());
        LayerResult r = cellModel.isLinear() ? TiledMvm.run(mapping, q, circuit, TransferFunction.exact())
                : TiledMvm.run(mapping, q, circuit, cellModel, null);
        double[] tiles = new double[mapping.tiles().size()];
        for (int t = 0; t < tiles.length; t++) {
            tiles[t] = r.tileNonidealityFactor(t);
        }
        return new MvmResult(r.batch(), r.outputs(), r.y(), r.yIdeal(), r.nonidealityFactor(), r.mvmRelativeError(), tiles);
    }
}
