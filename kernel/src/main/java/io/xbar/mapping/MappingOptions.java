// MappingOptions: every choice of the mapping layer (MODEL.md sections 2-3), validated, with the naive/mdm/optimized presets.
package io.xbar.mapping;

/**
 * How a layer is mapped onto crossbar tiles and read back. Immutable; the constructor rejects
 * anything out of range with a message naming the option and the value. Defaults are MODEL.md's:
 * 8-bit weights, 1-bit cells, differential, 256x256 tiles, the {@code naive} preset, 8-bit inputs
 * through a 1-bit DAC, an ideal ADC, {@code g_on = 1e-4 S}, {@code g_off = 1e-6 S}, {@code v_read = 0.2 V}.
 *
 * @param preset       the preset the layout/orientation/row order came from (recorded for the method description)
 * @param signedInputs two-phase signed inputs: the positive and negative parts run as two passes, subtracted digitally
 * @param variability  stuck cells, programming noise and drift of the programmed cells ({@link DeviceVariability#NONE}: none)
 */
public record MappingOptions(Preset preset, int weightBits, int cellBits, Encoding encoding, int tileRows, int tileCols,
                             Layout layout, Orientation orientation, RowOrder rowOrder, int inputBits, int dacBits,
                             int adcBits, boolean signedInputs, double gOn, double gOff, double vRead,
                             DeviceVariability variability) {

    public static final int MAX_WEIGHT_BITS = 16;
    public static final int MAX_INPUT_BITS = 16;
    public static final int MAX_DAC_BITS = 8;
    public static final int MAX_ADC_BITS = 24;
    public static final int MAX_TILE = 8192;

    /** MODEL.md defaults with the {@code naive} preset. */
    public static final MappingOptions DEFAULT = new MappingOptions(Preset.NAIVE, 8, 1, Encoding.DIFFERENTIAL, 256, 256,
            Layout.INTERLEAVED, Orientation.MSB_NEAR_DRIVER, RowOrder.NATURAL, 8, 1, 0, false, 1e-4, 1e-6, 0.2,
            DeviceVariability.NONE);

    public MappingOptions {
        if (preset == null || encoding == null || layout == null || orientation == null || rowOrder == null
                || variability == null) {
            throw new IllegalArgumentException("mapping options: preset, encoding, layout, orientation, row order and device variability must be given");
        }
        if (weightBits < 2 || weightBits > MAX_WEIGHT_BITS) {
            throw new IllegalArgumentException("weight bits must be 2.." + MAX_WEIGHT_BITS + ", got " + weightBits);
        }
        if (cellBits != 1 && cellBits != 2 && cellBits != 4) {
            throw new IllegalArgumentException("cell bits must be 1, 2 or 4, got " + cellBits);
        }
        if (tileRows < 1 || tileCols < 1 || tileRows > MAX_TILE || tileCols > MAX_TILE) {
            throw new IllegalArgumentException("tile must be 1x1.." + MAX_TILE + "x" + MAX_TILE + ", got " + tileRows + "x" + tileCols);
        }
        if (inputBits < 1 || inputBits > MAX_INPUT_BITS) {
            throw new IllegalArgumentException("input bits must be 1.." + MAX_INPUT_BITS + ", got " + inputBits);
        }
        if (dacBits < 1 || dacBits > Math.min(MAX_DAC_BITS, inputBits)) {
            throw new IllegalArgumentException("dac bits must be 1.." + Math.min(MAX_DAC_BITS, inputBits)
                    + " (at most the input bits, " + inputBits + "), got " + dacBits);
        }
        if (adcBits < 0 || adcBits > MAX_ADC_BITS) {
            throw new IllegalArgumentException("adc bits must be 0 (ideal) .. " + MAX_ADC_BITS + ", got " + adcBits);
        }
        if (!(gOff >= 0) || !Double.isFinite(gOff)) {
            throw new IllegalArgumentException("g_off must be a finite conductance >= 0 S, got " + gOff);
        }
        if (!(gOn > gOff) || !Double.isFinite(gOn)) {
            throw new IllegalArgumentException("g_on must be finite and greater than g_off (" + gOff + " S), got " + gOn);
        }
        if (!(vRead > 0) || !Double.isFinite(vRead)) {
            throw new IllegalArgumentException("v_read must be a finite voltage > 0 V, got " + vRead);
        }
        int group = encoding.halves() * BitSlicer.slices(encoding.storedBits(weightBits), cellBits);
        if (tileCols < group) {
            throw new IllegalArgumentException("tile " + tileRows + "x" + tileCols + " is narrower than one output's column group: "
                    + group + " columns (" + BitSlicer.slices(encoding.storedBits(weightBits), cellBits) + " slices x "
                    + encoding.halves() + " halves for " + encoding.label() + " " + weightBits + "-bit weights in "
                    + cellBits + "-bit cells)");
        }
    }

    /** Without device variability ({@link DeviceVariability#NONE}). */
    public MappingOptions(Preset preset, int weightBits, int cellBits, Encoding encoding, int tileRows, int tileCols,
                          Layout layout, Orientation orientation, RowOrder rowOrder, int inputBits, int dacBits,
                          int adcBits, boolean signedInputs, double gOn, double gOff, double vRead) {
        this(preset, weightBits, cellBits, encoding, tileRows, tileCols, layout, orientation, rowOrder, inputBits, dacBits,
                adcBits, signedInputs, gOn, gOff, vRead, DeviceVariability.NONE);
    }

    /** This with stuck cells, programming noise and drift {@code v} applied to the programmed cells. */
    public MappingOptions withVariability(DeviceVariability v) {
        return new MappingOptions(preset, weightBits, cellBits, encoding, tileRows, tileCols, layout, orientation, rowOrder,
                inputBits, dacBits, adcBits, signedInputs, gOn, gOff, vRead, v);
    }

    /** Slices per stored magnitude, {@code S = ceil(bits / cell_bits)}. */
    public int slices() {
        return BitSlicer.slices(encoding.storedBits(weightBits), cellBits);
    }

    /** Physical columns per output, {@code S * halves}. */
    public int columnGroup() {
        return slices() * encoding.halves();
    }

    /** Outputs that fit in one tile. */
    public int outputsPerTile() {
        return tileCols / columnGroup();
    }

    /** Highest cell level {@code L = 2^c - 1}. */
    public int maxLevel() {
        return (1 << cellBits) - 1;
    }

    /** Input cycles {@code ceil(A / p)}. */
    public int cycles() {
        return (inputBits + dacBits - 1) / dacBits;
    }

    /** The method description recorded in mapping.json: the preset's, or the explicit combination when flags overrode it. */
    public String method() {
        if (layout == preset.layout() && orientation == preset.orientation() && rowOrder == preset.rowOrder()) {
            return preset.method();
        }
        return preset.label() + " preset overridden: layout " + layout.label() + ", orientation " + orientation.label()
                + ", row order " + rowOrder.label();
    }

    /** This with the layout, orientation and row order of {@code p}. */
    public MappingOptions withPreset(Preset p) {
        return new MappingOptions(p, weightBits, cellBits, encoding, tileRows, tileCols, p.layout(), p.orientation(),
                p.rowOrder(), inputBits, dacBits, adcBits, signedInputs, gOn, gOff, vRead, variability);
    }

    public MappingOptions withWeightBits(int b) {
        return new MappingOptions(preset, b, cellBits, encoding, tileRows, tileCols, layout, orientation, rowOrder,
                inputBits, dacBits, adcBits, signedInputs, gOn, gOff, vRead, variability);
    }

    public MappingOptions withCellBits(int c) {
        return new MappingOptions(preset, weightBits, c, encoding, tileRows, tileCols, layout, orientation, rowOrder,
                inputBits, dacBits, adcBits, signedInputs, gOn, gOff, vRead, variability);
    }

    public MappingOptions withEncoding(Encoding e) {
        return new MappingOptions(preset, weightBits, cellBits, e, tileRows, tileCols, layout, orientation, rowOrder,
                inputBits, dacBits, adcBits, signedInputs, gOn, gOff, vRead, variability);
    }

    public MappingOptions withTile(int rows, int cols) {
        return new MappingOptions(preset, weightBits, cellBits, encoding, rows, cols, layout, orientation, rowOrder,
                inputBits, dacBits, adcBits, signedInputs, gOn, gOff, vRead, variability);
    }

    public MappingOptions withLayout(Layout l) {
        return new MappingOptions(preset, weightBits, cellBits, encoding, tileRows, tileCols, l, orientation, rowOrder,
                inputBits, dacBits, adcBits, signedInputs, gOn, gOff, vRead, variability);
    }

    public MappingOptions withOrientation(Orientation o) {
        return new MappingOptions(preset, weightBits, cellBits, encoding, tileRows, tileCols, layout, o, rowOrder,
                inputBits, dacBits, adcBits, signedInputs, gOn, gOff, vRead, variability);
    }

    public MappingOptions withRowOrder(RowOrder r) {
        return new MappingOptions(preset, weightBits, cellBits, encoding, tileRows, tileCols, layout, orientation, r,
                inputBits, dacBits, adcBits, signedInputs, gOn, gOff, vRead, variability);
    }

    public MappingOptions withInputs(int inputBits, int dacBits, int adcBits) {
        return new MappingOptions(preset, weightBits, cellBits, encoding, tileRows, tileCols, layout, orientation, rowOrder,
                inputBits, dacBits, adcBits, signedInputs, gOn, gOff, vRead, variability);
    }

    public MappingOptions withSignedInputs(boolean signed) {
        return new MappingOptions(preset, weightBits, cellBits, encoding, tileRows, tileCols, layout, orientation, rowOrder,
                inputBits, dacBits, adcBits, signed, gOn, gOff, vRead, variability);
    }

    public MappingOptions withDevice(double gOn, double gOff, double vRead) {
        return new MappingOptions(preset, weightBits, cellBits, encoding, tileRows, tileCols, layout, orientation, rowOrder,
                inputBits, dacBits, adcBits, signedInputs, gOn, gOff, vRead, variability);
    }
}
