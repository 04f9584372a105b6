// Adc: the column ADC of MODEL.md section 3, ideal or uniform over [0, rows_used * v_read * g_on].
package io.xbar.kernel;

/**
 * A column analog-to-digital converter. {@code bits = 0} is ideal (the current passes unchanged);
 * {@code bits = n > 0} is a uniform mid-tread quantizer with {@code 2^n} levels
 * {@code k * fullScale / (2^n - 1)}, {@code k = 0 .. 2^n - 1}: a current is rounded to the nearest
 * level and clipped to {@code [0, fullScale]}.
 *
 * @param bits      ADC resolution, 0 (ideal) to 30
 * @param fullScale top of the conversion range in amperes (finite, {@code > 0}; ignored when ideal)
 */
public record Adc(int bits, double fullScale) {
    /** The ideal ADC ({@code --adc-bits 0}). */
    public static final Adc IDEAL = new Adc(0, 1);

    public Adc {
        if (bits < 0 || bits > 30) {
            throw new IllegalArgumentException("adc_bits must be 0 (ideal) to 30, got " + bits);
        }
        if (!(fullScale > 0) || fullScale == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("ADC full scale must be a finite current > 0 A, got " + fullScale);
        }
    }

    /**
     * MODEL.md's ADC: {@code bits} over {@code [0, rowsUsed * vRead * gOn]}.
     *
     * @param rowsUsed the tile's rows that carry inputs (not padding), {@code >= 1}
     * @param vRead    read voltage in volts, {@code > 0}
     * @param gOn      on-state conductance in siemens, {@code > 0}
     */
    public static Adc uniform(int bits, int rowsUsed, double vRead, double gOn) {
        if (rowsUsed < 1) {
            throw new IllegalArgumentException("rows_used must be >= 1, got " + rowsUsed);
        }
        if (!(vRead > 0) || !Double.isFinite(vRead)) {
            throw new IllegalArgumentException("v_read must be a finite voltage > 0 V, got " + vRead);
        }
        if (!(gOn > 0) || !Double.isFinite(gOn)) {
            throw new IllegalArgumentException("g_on must be a finite conductance > 0 S, got " + gOn);
        }
        return bits == 0 ? IDEAL : new Adc(bits, rowsUsed * vRead * gOn);
    }

    public boolean isIdeal() {
        return bits == 0;
    }

    /** The converted value of one current. */
    public double convert(double current) {
        if (bits == 0) {
            return current;
        }
        double top = (1 << bits) - 1;
        double level = Math.rint(current * (top / fullScale));
        return Math.min(top, Math.max(0, level)) * (fullScale / top);
    }

    /** Converts {@code x[from..to)} in place. */
    public void convert(double[] x, int from, int to) {
        if (bits == 0) {
            return;
        }
        double top = (1 << bits) - 1;
        double toLevel = top / fullScale;
        double step = fullScale / top;
        for (int k = from; k < to; k++) {
            double level = Math.rint(x[k] * toLevel);
            x[k] = Math.min(top, Math.max(0, level)) * step;
        }
    }
}
