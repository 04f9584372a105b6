// Preset: the named mappings of --mapping (naive, mdm, optimized), each a layout, orientation and row order.
package io.xbar.mapping;

/** Mapping presets. Explicit {@code --layout/--orientation/--row-order} flags override a preset's choices. */
public enum Preset {
    /** {@code msb-near-driver} + {@code natural}. */
    NAIVE(Layout.INTERLEAVED, Orientation.MSB_NEAR_DRIVER, RowOrder.NATURAL,
            "naive: interleaved columns, msb-near-driver, natural row order"),
    /** Manhattan Distance Mapping: {@code lsb-near-driver} + {@code mdm}. */
    MDM(Layout.INTERLEAVED, Orientation.LSB_NEAR_DRIVER, RowOrder.MDM,
            "mdm: interleaved columns, lsb-near-driver, rows sorted by level sum (highest nearest the sense amplifier)"),
    /** xbar's own: density-sorted physical columns plus MDM's rows refined under a first-order IR-drop model (docs/mapping.md). */
    OPTIMIZED(Layout.DENSITY, Orientation.LSB_NEAR_DRIVER, RowOrder.REFINED,
            "optimized: every physical column placed by its expected current (densest nearest the word-line driver;"
                    + " outputs are read digitally, so column order is free); rows in MDM order, then refined by adjacent"
                    + " swaps that lower a first-order bit-line IR-drop cost sum_j sum_s C_s,j*G_s,j/I_j, using the row"
                    + " activities of calibration inputs when given");

    private final Layout layout;
    private final Orientation orientation;
    private final RowOrder rowOrder;
    private final String method;

    Preset(Layout layout, Orientation orientation, RowOrder rowOrder, String method) {
        this.layout = layout;
        this.orientation = orientation;
        this.rowOrder = rowOrder;
        this.method = method;
    }

    public Layout layout() {
        return layout;
    }

    public Orientation orientation() {
        return orientation;
    }

    public RowOrder rowOrder() {
        return rowOrder;
    }

    /** One-line description of the method, recorded in {@code mapping.json}. */
    public String method() {
        return method;
    }

    public String label() {
        return Labels.label(this);
    }

    public static Preset parse(String s) {
        return Labels.parse(Preset.class, s, "mapping");
    }
}
