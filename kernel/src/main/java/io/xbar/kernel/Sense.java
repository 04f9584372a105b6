// Sense: where each bit line's sense amplifier (virtual ground) connects (MODEL.md section 1).
package io.xbar.kernel;

import java.util.Locale;

/** Which end(s) of every bit line the sense amplifier (0 V behind {@code r_sense}) sits at. */
public enum Sense {
    /** Sense amplifier at {@code w(M-1,j)}. */
    BOTTOM,
    /** Sense amplifier at {@code w(0,j)}. */
    TOP,
    /** Sense amplifiers at both ends; the column current is their sum. */
    BOTH;

    /** True when a sense amplifier connects to row 0 of the bit line. */
    public boolean atFirstRow() {
        return this != BOTTOM;
    }

    /** True when a sense amplifier connects to row {@code M-1} of the bit line. */
    public boolean atLastRow() {
        return this != TOP;
    }

    /**
     * Sense amplifiers attached to node {@code row} of a bit line with {@code rows} nodes: 1 at a
     * sensed end, 0 elsewhere, 2 on a one-row bit line sensed at both ends.
     */
    public int amplifiersAt(int row, int rows) {
        return (row == 0 && atFirstRow() ? 1 : 0) + (row == rows - 1 && atLastRow() ? 1 : 0);
    }

    /** Sense amplifiers per bit line: 2 for {@link #BOTH}, else 1 (the sum of {@link #amplifiersAt} over the line). */
    public int amplifiers() {
        return this == BOTH ? 2 : 1;
    }

    /** The command-line spelling ({@code bottom}, {@code top}, {@code both}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code bottom|top|both}; the error names the accepted values. */
    public static Sense parse(String s) {
        for (Sense d : values()) {
            if (d.label().equalsIgnoreCase(s.trim())) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown sense '" + s + "' (expected bottom, top or both)");
    }
}
