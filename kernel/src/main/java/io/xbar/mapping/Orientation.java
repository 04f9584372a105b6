// Orientation: which end of the slice order sits nearest the word-line driver (MODEL.md section 2).
package io.xbar.mapping;

/** Slice orientation. */
public enum Orientation {
    /** Most significant slice nearest the driver (the naive layout). */
    MSB_NEAR_DRIVER,
    /** Least significant (densest) slice nearest the driver (MDM). */
    LSB_NEAR_DRIVER;

    public String label() {
        return Labels.label(this);
    }

    public static Orientation parse(String s) {
        return Labels.parse(Orientation.class, s, "orientation");
    }
}
