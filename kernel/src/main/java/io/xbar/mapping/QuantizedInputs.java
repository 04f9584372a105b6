// QuantizedInputs: integer activations a (batch x K) of a layer, split into non-negative parts, and the scale s_x.
package io.xbar.mapping;

/**
 * {@code x ~ s_x * (positive - negative)}. Without two-phase signed inputs {@code negative} is
 * {@code null}. Every entry is in {@code [0, 2^A - 1]}.
 *
 * @param batch    input vectors
 * @param width    {@code K}
 * @param positive row-major {@code batch x K}
 * @param negative row-major {@code batch x K}, or {@code null}
 * @param scale    {@code s_x} ({@code 0} for all-zero float inputs, {@code 1} for integer-typed inputs)
 */
public record QuantizedInputs(int batch, int width, int[] positive, int[] negative, double scale) {
    public QuantizedInputs {
        if (batch < 1 || width < 1) {
            throw new IllegalArgumentException("inputs must be at least 1x1, got " + batch + "x" + width);
        }
        if (positive == null || positive.length != (long) batch * width) {
            throw new IllegalArgumentException("inputs: expected " + batch + "x" + width + " integers");
        }
        if (negative != null && negative.length != positive.length) {
            throw new IllegalArgumentException("inputs: negative part has " + negative.length + " values, expected " + positive.length);
        }
        if (!(scale >= 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("input scale must be finite and >= 0, got " + scale);
        }
    }

    /** 1 or 2 passes. */
    public int phases() {
        return negative == null ? 1 : 2;
    }

    /** Part {@code phase} (0 positive, 1 negative). */
    public int[] phase(int phase) {
        return phase == 0 ? positive : negative;
    }
}
