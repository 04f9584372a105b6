// Drive: where each word line's voltage source connects (MODEL.md section 1).
package io.xbar.kernel;

import java.util.Locale;

/** Which end(s) of every word line the ideal source {@code V[i]} (behind {@code r_source}) drives. */
public enum Drive {
    /** Source at {@code u(i,0)}. */
    LEFT,
    /** Source at {@code u(i,N-1)}. */
    RIGHT,
    /** Sources at both ends. */
    BOTH;

    /** True when the source connects to column 0 of the word line. */
    public boolean atFirstColumn() {
        return this != RIGHT;
    }

    /** True when the source connects to column {@code N-1} of the word line. */
    public boolean atLastColumn() {
        return this != LEFT;
    }

    /**
     * Sources attached to node {@code column} of a word line with {@code columns} nodes: 1 at a driven
     * end, 0 elsewhere, 2 on a one-column word line driven at both ends.
     */
    public int sourcesAt(int column, int columns) {
        return (column == 0 && atFirstColumn() ? 1 : 0) + (column == columns - 1 && atLastColumn() ? 1 : 0);
    }

    /** Sources per word line: 2 for {@link #BOTH}, else 1 (the sum of {@link #sourcesAt} over the line). */
    public int sources() {
        return this == BOTH ? 2 : 1;
    }

    /** The command-line spelling ({@code left}, {@code right}, {@code both}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code left|right|both}; the error names the accepted values. */
    public static Drive parse(String s) {
        for (Drive d : values()) {
            if (d.label().equalsIgnoreCase(s.trim())) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown drive '" + s + "' (expected left, right or both)");
    }
}
