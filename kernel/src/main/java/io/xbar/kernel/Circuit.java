// Circuit: the parasitic and periphery resistances of a crossbar (MODEL.md section 1), validated.
package io.xbar.kernel;

/**
 * The circuit parameters of a crossbar, in ohms: {@code wordLine} and {@code bitLine} are the
 * resistance of one wire segment between neighbouring cells; {@code source} is the driver's
 * series resistance, {@code sense} the sense amplifier's input resistance, {@code access} the
 * cell's series access transistor (1T1R; 0 for 0T1R). Any resistance may be exactly 0, which is
 * an exact short (merged nodes), never a tiny resistor.
 *
 * <p>Immutable and thread-safe. The constructor rejects NaN, infinite and negative values.
 */
public record Circuit(double wordLine, double bitLine, double source, double sense, double access,
                      Drive drive, Sense senseAt) {

    /** MODEL.md defaults: {@code r_wl = r_bl = 2.5}, {@code r_source = r_sense = r_access = 0}, left, bottom. */
    public static final Circuit DEFAULT = new Circuit(2.5, 2.5, 0, 0, 0, Drive.LEFT, Sense.BOTTOM);

    /** The ideal crossbar: every wire and periphery resistance 0, so {@code I == I_ideal}. */
    public static final Circuit IDEAL = new Circuit(0, 0, 0, 0, 0, Drive.LEFT, Sense.BOTTOM);

    public Circuit {
        check("r_wl", wordLine);
        check("r_bl", bitLine);
        check("r_source", source);
        check("r_sense", sense);
        check("r_access", access);
        if (drive == null) {
            throw new IllegalArgumentException("drive must be given (left, right or both)");
        }
        if (senseAt == null) {
            throw new IllegalArgumentException("sense must be given (bottom, top or both)");
        }
    }

    private static void check(String name, double ohms) {
        if (!Double.isFinite(ohms) || ohms < 0) {
            throw new IllegalArgumentException(name + " must be a finite resistance >= 0 ohm, got " + ohms);
        }
    }

    public Circuit withWordLine(double ohms) {
        return new Circuit(ohms, bitLine, source, sense, access, drive, senseAt);
    }

    public Circuit withBitLine(double ohms) {
        return new Circuit(wordLine, ohms, source, sense, access, drive, senseAt);
    }

    /** Both wire resistances at once. */
    public Circuit withWires(double ohms) {
        return new Circuit(ohms, ohms, source, sense, access, drive, senseAt);
    }

    public Circuit withSource(double ohms) {
        return new Circuit(wordLine, bitLine, ohms, sense, access, drive, senseAt);
    }

    public Circuit withSense(double ohms) {
        return new Circuit(wordLine, bitLine, source, ohms, access, drive, senseAt);
    }

    public Circuit withAccess(double ohms) {
        return new Circuit(wordLine, bitLine, source, sense, ohms, drive, senseAt);
    }

    public Circuit withDrive(Drive d) {
        return new Circuit(wordLine, bitLine, source, sense, access, d, senseAt);
    }

    public Circuit withSenseAt(Sense s) {
        return new Circuit(wordLine, bitLine, source, sense, access, drive, s);
    }

    /** True when every wire and periphery resistance is 0 (then {@code I == I_ideal}). */
    public boolean isIdeal() {
        return wordLine == 0 && bitLine == 0 && source == 0 && sense == 0;
    }

    /**
     * The effective cell conductance {@code g' = g / (1 + g * r_access)} (series access
     * transistor). Exact for {@code r_access = 0}; {@code 1 / r_access} when {@code g * r_access}
     * exceeds the double range (then {@code g'} equals it to the last bit).
     */
    public double cellConductance(double g) {
        if (access == 0) {
            return g;
        }
        double product = g * access;
        return product == Double.POSITIVE_INFINITY ? 1 / access : g / (1 + product);
    }
}
