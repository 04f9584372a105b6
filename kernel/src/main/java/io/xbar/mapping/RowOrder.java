// RowOrder: how a tile's logical rows are placed on its physical word lines (MODEL.md section 2).
package io.xbar.mapping;

/** Row orders. The mapping permutes the inputs to match; the user's {@code x} is never reordered by hand. */
public enum RowOrder {
    /** Logical order from the top, padding rows last. */
    NATURAL,
    /** Manhattan Distance Mapping: {@code score(r) = sum_j level(r,j) / L}, highest nearest the sense amplifier, ties by index. */
    MDM,
    /**
     * xbar's own (used by the {@code optimized} preset): MDM's order refined by adjacent swaps
     * that lower a first-order bit-line IR-drop cost ({@link RowRefinement}). With sense amplifiers
     * at both ends it stays MDM's order.
     */
    REFINED;

    public String label() {
        return Labels.label(this);
    }

    public static RowOrder parse(String s) {
        return Labels.parse(RowOrder.class, s, "row order");
    }
}
