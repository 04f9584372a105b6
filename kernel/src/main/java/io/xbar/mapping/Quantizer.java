// Quantizer: per-tensor symmetric quantization of weights and activations (MODEL.md sections 2 and 3).
package io.xbar.mapping;

import io.xbar.kernel.Checks;

/**
 * {@code s_w = max|W| / (2^(B-1) - 1)}, {@code q = sign(w) * floor(|w| / s_w + 0.5)};
 * {@code s_x = max(x) / (2^A - 1)}, {@code a = floor(x / s_x + 0.5)}. Integer-typed arrays are taken
 * as they are (scale 1) after a range check. All-zero arrays get scale 0 and all-zero integers,
 * so the layer output is exactly 0 rather than a division by zero.
 */
public final class Quantizer {
    private Quantizer() {
    }

    /**
     * @param w            row-major {@code K x N_out}
     * @param integerTyped the values came from an integer array: take them as {@code q}
     */
    public static QuantizedWeights weights(double[] w, int inputs, int outputs, int weightBits, Encoding encoding,
                                           boolean integerTyped) {
        if (inputs < 1 || outputs < 1) {
            throw new IllegalArgumentException("weights shape must be at least 1x1, got " + inputs + "x" + outputs);
        }
        Checks.finiteBatch(w, inputs, outputs, "weights");
        double max = 0;
        for (double v : w) {
            max = Math.max(max, Math.abs(v));
        }
        int[] q = new int[w.length];
        if (integerTyped) {
            long lo = encoding.minWeight(weightBits);
            long hi = encoding.maxWeight(weightBits);
            for (int k = 0; k < w.length; k++) {
                double v = w[k];
                if (v != Math.rint(v) || v < lo || v > hi) {
                    throw new IllegalArgumentException("weights[" + (k / outputs) + "][" + (k % outputs) + "] = " + v
                            + " does not fit " + weightBits + "-bit " + encoding.label() + " weights [" + lo + ", " + hi + "]");
                }
                q[k] = (int) v;
            }
            return new QuantizedWeights(inputs, outputs, q, 1);
        }
        if (max == 0) {
            return new QuantizedWeights(inputs, outputs, q, 0);
        }
        int top = (1 << (weightBits - 1)) - 1;
        double scale = max / top;
        for (int k = 0; k < w.length; k++) {
            int m = (int) Math.min(top, Math.floor(Math.abs(w[k]) / scale + 0.5));
            q[k] = w[k] < 0 ? -m : m;
        }
        return new QuantizedWeights(inputs, outputs, q, scale);
    }

    /**
     * @param x            row-major {@code batch x K}
     * @param signedInputs split into positive and negative parts (two phases) instead of rejecting negatives
     */
    public static QuantizedInputs inputs(double[] x, int batch, int width, int inputBits, boolean integerTyped,
                                         boolean signedInputs) {
        if (batch < 1 || width < 1) {
            throw new IllegalArgumentException("inputs shape must be at least 1x1, got " + batch + "x" + width);
        }
        Checks.finiteBatch(x, batch, width, "inputs");
        double max = 0;
        boolean anyNegative = false;
        for (int k = 0; k < x.length; k++) {
            double v = x[k];
            if (v < 0) {
                if (!signedInputs) {
                    throw new IllegalArgumentException("inputs[" + (k / width) + "][" + (k % width) + "] = " + v
                            + " is negative; activations must be >= 0 unless two-phase signed inputs are enabled (--signed-inputs)");
                }
                anyNegative = true;
            }
            max = Math.max(max, Math.abs(v));
        }
        int top = (int) ((1L << inputBits) - 1);
        int[] pos = new int[x.length];
        int[] neg = signedInputs ? new int[x.length] : null;
        double scale;
        if (integerTyped) {
            for (int k = 0; k < x.length; k++) {
                double v = x[k];
                if (v != Math.rint(v) || Math.abs(v) > top) {
                    throw new IllegalArgumentException("inputs[" + (k / width) + "][" + (k % width) + "] = " + v
                            + " does not fit " + inputBits + "-bit activations [0, " + top + "]");
                }
            }
            scale = 1;
        } else {
            scale = max == 0 ? 0 : max / top;
        }
        for (int k = 0; k < x.length; k++) {
            double v = x[k];
            int m;
            if (integerTyped) {
                m = (int) Math.abs(v);
            } else {
                m = scale == 0 ? 0 : (int) Math.min(top, Math.floor(Math.abs(v) / scale + 0.5));
            }
            if (v < 0) {
                neg[k] = m;
            } else {
                pos[k] = m;
            }
        }
        return new QuantizedInputs(batch, width, pos, anyNegative ? neg : null, scale);
    }
}
