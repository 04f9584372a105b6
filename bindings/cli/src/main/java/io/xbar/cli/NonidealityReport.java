// NonidealityReport: the nf command's report (MODEL.md sections 4-5): layer NF, mvm_rel_error and per-tile NF, as JSON.
package io.xbar.cli;

import io.xbar.mapping.LayerMapping;
import io.xbar.mapping.LayerResult;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.Tile;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xbar.kernel.Circuit;

/**
 * Summary of one layer run. NF values without terms (all inputs zero) and an infinite relative
 * error (ideal output all zero, actual not) are written as JSON {@code null}.
 */
public record NonidealityReport(LayerMapping mapping, LayerResult result, Circuit circuit, double seconds) {

    public double nonidealityFactor() {
        return result.nonidealityFactor();
    }

    public double mvmRelativeError() {
        return result.mvmRelativeError();
    }

    /** An NF reduction relative to a baseline, {@code (NF_base - NF) / NF_base}. */
    public static double reduction(double baseline, double other) {
        return (baseline - other) / baseline;
    }

    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        MappingOptions o = mapping.options();
        ObjectNode root = f.objectNode();
        put(root, "nf", result.nonidealityFactor());
        put(root, "mvm_rel_error", result.mvmRelativeError());
        root.put("nf_terms", result.nfTerms());
        root.put("batch", result.batch());
        root.put("inputs", mapping.inputs());
        root.put("outputs", mapping.outputs());
        root.put("mapping", o.preset().label());
        root.put("method", o.method());
        root.put("layout", o.layout().label());
        root.put("orientation", o.orientation().label());
        root.put("row_order", o.rowOrder().label());
        root.put("weight_bits", o.weightBits());
        root.put("cell_bits", o.cellBits());
        root.put("signed", o.encoding().label());
        root.put("tile_rows", o.tileRows());
        root.put("tile_cols", o.tileCols());
        root.put("input_bits", o.inputBits());
        root.put("dac_bits", o.dacBits());
        root.put("adc_bits", o.adcBits());
        root.put("g_on", o.gOn());
        root.put("g_off", o.gOff());
        root.put("v_read", o.vRead());
        root.set("circuit", MappingJson.circuit(circuit));
        root.set("device", MappingJson.device(o.variability()));
        root.put("seconds", seconds);
        ArrayNode tiles = root.putArray("tiles");
        for (int t = 0; t < mapping.tiles().size(); t++) {
            Tile tile = mapping.tiles().get(t);
            ObjectNode n = tiles.addObject();
            n.put("row_block", tile.rowBlock());
            n.put("col_block", tile.colBlock());
            put(n, "nf", result.tileNonidealityFactor(t));
            n.put("terms", result.tileNfTerms()[t]);
        }
        return root;
    }

    static void put(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) {
            n.put(key, v);
        } else {
            n.putNull(key);
        }
    }
}
