// MvmResult: the outputs and error measures of one tiled, bit-sliced MVM through a mapped layer (immutable).
package io.xbar.api;

/**
 * What {@link MappedLayer#mvm} computed. Arrays are copied in and out, so the value is immutable.
 *
 * @param batch                  number of input vectors {@code B}
 * @param outputs                outputs per vector {@code N_out}
 * @param y                      row-major {@code B x N_out}: the layer output as the crossbars compute it
 * @param yIdeal                 row-major {@code B x N_out}: the exact quantized product without parasitics
 * @param nonidealityFactor      NF of MODEL.md: the mean relative current loss over all tiles ({@code NaN} when
 *                               no column carried current, e.g. all inputs zero)
 * @param mvmRelativeError       {@code ||y - yIdeal||_F / ||yIdeal||_F} ({@code mvm_rel_error})
 * @param tileNonidealityFactors NF per tile, row-block-major ({@code NaN} for a tile without terms)
 */
public record MvmResult(int batch, int outputs, double[] y, double[] yIdeal, double nonidealityFactor,
                        double mvmRelativeError, double[] tileNonidealityFactors) {
    /** Copies the arrays; checks that their lengths match {@code batch x outputs}. */
    public MvmResult {
        if (y == null || yIdeal == null || tileNonidealityFactors == null) {
            throw new IllegalArgumentException("y, yIdeal and tileNonidealityFactors must be given");
        }
        if (y.length != (long) batch * outputs || yIdeal.length != y.length) {
            throw new IllegalArgumentException("y and yIdeal must have batch x outputs = " + batch + "x" + outputs
                    + " values, got " + y.length + " and " + yIdeal.length);
        }
        y = y.clone();
        yIdeal = yIdeal.clone();
        tileNonidealityFactors = tileNonidealityFactors.clone();
    }

    /** {@return a copy of the layer output, row-major {@code batch x outputs}} */
    @Override
    public double[] y() {
        return y.clone();
    }

    /** {@return a copy of the ideal quantized output, row-major {@code batch x outputs}} */
    @Override
    public double[] yIdeal() {
        return yIdeal.clone();
    }

    /** {@return a copy of the per-tile NF, row-block-major} */
    @Override
    public double[] tileNonidealityFactors() {
        return tileNonidealityFactors.clone();
    }
}
