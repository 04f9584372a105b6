// MappingJson: the mapping.json document of `xbar map` (MODEL.md section 5), from which every mvm/nf number can be rebuilt.
package io.xbar.cli;

import io.xbar.mapping.ColumnRole;
import io.xbar.mapping.LayerMapping;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.Tile;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xbar.kernel.Circuit;

/**
 * The contract keys ({@code tile_rows, tile_cols, g_on, g_off, cell_bits, weight_bits, signed,
 * weight_scale, tiles[]} with {@code file, row_block, col_block, rows, cols}) plus everything else
 * a reader needs to redo the read-out without xbar: the method, input/DAC/ADC settings,
 * {@code v_read}, the slice count, the circuit, and the layer shape.
 */
public final class MappingJson {
    private MappingJson() {
    }

    public static ObjectNode of(LayerMapping m, Circuit circuit) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        MappingOptions o = m.options();
        ObjectNode root = f.objectNode();
        root.put("format", "xbar-mapping-1");
        root.put("tile_rows", o.tileRows());
        root.put("tile_cols", o.tileCols());
        root.put("g_on", o.gOn());
        root.put("g_off", o.gOff());
        root.put("v_read", o.vRead());
        root.put("cell_bits", o.cellBits());
        root.put("weight_bits", o.weightBits());
        root.put("signed", o.encoding().label());
        root.put("weight_scale", m.weightScale());
        root.put("slices", o.slices());
        root.put("inputs", m.inputs());
        root.put("outputs", m.outputs());
        root.put("row_blocks", m.rowBlocks());
        root.put("col_blocks", m.colBlocks());
        root.put("mapping", o.preset().label());
        root.put("method", o.method());
        root.put("layout", o.layout().label());
        root.put("orientation", o.orientation().label());
        root.put("row_order", o.rowOrder().label());
        root.put("calibrated", m.calibrated());
        root.put("input_bits", o.inputBits());
        root.put("dac_bits", o.dacBits());
        root.put("adc_bits", o.adcBits());
        root.put("signed_inputs", o.signedInputs());
        root.set("circuit", circuit(circuit));
        root.set("device", device(o.variability()));
        ArrayNode tiles = root.putArray("tiles");
        for (Tile t : m.tiles()) {
            ObjectNode n = tiles.addObject();
            n.put("file", t.fileName());
            n.put("row_block", t.rowBlock());
            n.put("col_block", t.colBlock());
            ArrayNode rows = n.putArray("rows");
            for (int r : t.rowMap()) {
                rows.add(r);
            }
            ArrayNode cols = n.putArray("cols");
            for (ColumnRole c : t.columns()) {
                if (c == null) {
                    cols.addNull();
                } else {
                    ObjectNode cn = cols.addObject();
                    cn.put("output", c.output());
                    cn.put("slice", c.slice());
                    cn.put("sign", c.sign());
                }
            }
        }
        return root;
    }

    /**
     * The programming of MODEL.md section 6, keyed as the flags: {@code stuck_on, stuck_off,
     * program_noise, drift_time, drift_nu, drift_nu_sigma, seed}. The tile files hold the
     * conductances after it; the periphery still decodes with the nominal {@code g_on}/{@code g_off}.
     */
    public static ObjectNode device(io.xbar.mapping.DeviceVariability d) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("stuck_on", d.stuckOn());
        n.put("stuck_off", d.stuckOff());
        n.put("program_noise", d.programNoise());
        n.put("drift_time", d.driftTime());
        n.put("drift_nu", d.driftNu());
        n.put("drift_nu_sigma", d.driftNuSigma());
        n.put("seed", d.seed());
        return n;
    }

    /** The circuit parameters, keyed as the command-line flags. */
    public static ObjectNode circuit(Circuit c) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("r_wl", c.wordLine());
        n.put("r_bl", c.bitLine());
        n.put("r_source", c.source());
        n.put("r_sense", c.sense());
        n.put("r_access", c.access());
        n.put("drive", c.drive().label());
        n.put("sense", c.senseAt().label());
        return n;
    }
}
