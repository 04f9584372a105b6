// QuantizedWeights: the integer weights q (K x N_out, row-major) of a layer and the scale s_w with W ~ s_w * q.
package io.xbar.mapping;

/**
 * @param inputs  {@code K}, the logical rows
 * @param outputs {@code N_out}
 * @param q       row-major {@code K x N_out} integers
 * @param scale   {@code s_w} ({@code 0} for an all-zero float matrix, {@code 1} for integer-typed weights)
 */
public record QuantizedWeights(int inputs, int outputs, int[] q, double scale) {
    public QuantizedWeights {
        if (inputs < 1 || outputs < 1) {
            throw new IllegalArgumentException("weights must be at least 1x1, got " + inputs + "x" + outputs);
        }
        if (q == null || q.length != (long) inputs * outputs) {
            throw new IllegalArgumentException("weights: expected " + inputs + "x" + outputs + " integers, got "
                    + (q == null ? "none" : q.length));
        }
        if (!(scale >= 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("weight scale must be finite and >= 0, got " + scale);
        }
    }

    public int at(int row, int output) {
        return q[row * outputs + output];
    }
}
