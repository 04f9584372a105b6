// LayerResult: the reconstructed outputs of a tiled MVM, their ideal twins, and the nonideality factor per tile and layer.
package io.xbar.mapping;

/**
 * Everything {@code mvm} and {@code nf} report for one layer and one input batch.
 *
 * @param batch        input vectors
 * @param outputs      {@code N_out}
 * @param y            row-major {@code batch x N_out}: reconstructed {@code y = s_w * s_x * sum(...)} with parasitics
 * @param yIdeal       row-major {@code batch x N_out}: {@code s_w * s_x * (a . q)}, the exact quantized product
 * @param levelProduct row-major {@code batch x N_out}: the accumulated level sums before scaling (equals {@code a . q} when ideal)
 * @param tileNfSum    per tile (row-block-major), the sum of its NF terms
 * @param tileNfTerms  per tile, the number of its NF terms
 */
public record LayerResult(int batch, int outputs, double[] y, double[] yIdeal, double[] levelProduct,
                          double[] tileNfSum, long[] tileNfTerms) {

    /** The layer NF: the mean of all terms of all tiles ({@code NaN} when there is none, e.g. all inputs zero). */
    public double nonidealityFactor() {
        double sum = 0;
        long n = 0;
        for (int t = 0; t < tileNfSum.length; t++) {
            sum += tileNfSum[t];
            n += tileNfTerms[t];
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Tile {@code t}'s NF, the mean of its terms ({@code NaN} without terms). */
    public double tileNonidealityFactor(int t) {
        return tileNfTerms[t] == 0 ? Double.NaN : tileNfSum[t] / tileNfTerms[t];
    }

    /** All NF terms of the layer. */
    public long nfTerms() {
        long n = 0;
        for (long k : tileNfTerms) {
            n += k;
        }
        return n;
    }

    /**
     * {@code ||Y - Y_ideal||_F / ||Y_ideal||_F}; {@code 0} when both are zero, {@code +Infinity}
     * when only the ideal output is zero.
     */
    public double mvmRelativeError() {
        return relativeError(y, yIdeal);
    }

    static double relativeError(double[] y, double[] ideal) {
        double diff = 0;
        double norm = 0;
        for (int k = 0; k < y.length; k++) {
            double d = y[k] - ideal[k];
            diff += d * d;
            norm += ideal[k] * ideal[k];
        }
        if (norm == 0) {
            return diff == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.sqrt(diff / norm);
    }
}
