// RowOrder: how a tile's logical rows are placed on its physical word lines (MODEL.md section 2).
package io.xbar.mapping;

/** Row orders. The mapping permutes the inputs to match; the user's {@code x} is never reordered by hand. */
public enum RowOrder {
    /** Logical order from the top, padding rows last. */
    NATURAL,
    /** Manhattan Distance Mapping: {@code score(r) = sum_j level(r,j) / L}, highest nearest the sense amplifier, ties by index. */
    MDM,
    /**
     * xbar's own (used by the {@code optimized} preset): each cell's expected current counted
     * relative to its column's total, {@code score(r) = sum_j g(r,j) / sum_r' g(r',j)}, highest
     * nearest the sense amplifier, ties by index. A column's NF term is relative, so a sparse
     * column's few cells weigh as much as a dense column's many.
     */
    WEIGHTED;

    public String label() {
        return Labels.label(this);
    }

    public static RowOrder parse(String s) {
        return Labels.parse(RowOrder.class, s, "row order");
    }
}
