// LayerResult: the reconstructed outputs of a tiled MVM, their ideal twins, and the nonideality factor per tile, column position and layer.
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
 * @param columnNfSum  per physical column position {@code j} ({@code tile_cols} of them), the sum of its NF terms
 *                     over all tiles: where a mapping puts its currents along the word line
 * @param columnNfTerms per physical column position, the number of its NF terms (0 for padding columns)
 */
public record LayerResult(int batch, int outputs, double[] y, double[] yIdeal, double[] levelProduct,
                          double[] tileNfSum, long[] tileNfTerms, double[] columnNfSum, long[] columnNfTerms) {

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

    /** The NF of each physical column position, the mean of its terms over all tiles ({@code NaN} without terms). */
    public double[] columnNonidealityFactors() {
        double[] nf = new double[columnNfSum.length];
        for (int j = 0; j < nf.length; j++) {
            nf[j] = columnNfTerms[j] == 0 ? Double.NaN : columnNfSum[j] / columnNfTerms[j];
        }
        return nf;
    }

    /** The tile with the highest NF, the first of equals ({@code -1} when no tile has terms). */
    public int worstTile() {
        int worst = -1;
        double worstNf = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < tileNfSum.length; t++) {
            double nf = tileNonidealityFactor(t);
            if (!Double.isNaN(nf) && nf > worstNf) {
                worstNf = nf;
                worst = t;
            }
        }
        return worst;
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
