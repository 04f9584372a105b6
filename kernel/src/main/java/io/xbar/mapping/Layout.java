// Layout: the order of physical columns inside a tile (MODEL.md section 2, --layout).
package io.xbar.mapping;

/** Column layouts. Outputs are read digitally, so any column order is legal as long as it is recorded. */
public enum Layout {
    /** Each output's columns adjacent: {@code [+ slices..., - slices...]}. */
    INTERLEAVED,
    /** All columns of one slice significance adjacent, for all outputs of the tile. */
    SLICE_MAJOR,
    /**
     * xbar's own (used by the {@code optimized} preset): every physical column placed by its
     * expected current, densest nearest the word-line driver. Ignores the orientation.
     */
    DENSITY;

    public String label() {
        return Labels.label(this);
    }

    public static Layout parse(String s) {
        return Labels.parse(Layout.class, s, "layout");
    }
}
