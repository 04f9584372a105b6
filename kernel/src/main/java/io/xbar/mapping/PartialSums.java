// PartialSums: what some tiles of a layer contribute to its read-out (level sums, NF sums), to be combined into a LayerResult.
package io.xbar.mapping;

/**
 * The raw sums of {@link TiledMvm#runTiles}: a layer's read-out split by tiles, so that the tiles
 * can be run apart and {@link TiledMvm#combine combined}. Arrays are sized for the whole layer;
 * entries of tiles and outputs this part did not run are zero.
 *
 * @param tiles         the tile indices this part ran ({@link LayerMapping#tiles()} numbering)
 * @param levelSums     row-major {@code batch x N_out}: level sums before offset removal and scaling
 * @param tileNfSum     per tile of the layer, the sum of its NF terms
 * @param tileNfTerms   per tile of the layer, the number of its NF terms
 * @param columnNfSum   per physical column position, the sum of this part's NF terms
 * @param columnNfTerms per physical column position, the number of this part's NF terms
 */
public record PartialSums(int[] tiles, double[] levelSums, double[] tileNfSum, long[] tileNfTerms,
                          double[] columnNfSum, long[] columnNfTerms) {
    public PartialSums {
        if (tiles == null || levelSums == null || tileNfSum == null || tileNfTerms == null || columnNfSum == null
                || columnNfTerms == null) {
            throw new IllegalArgumentException("partial sums: every array must be given");
        }
        if (tileNfSum.length != tileNfTerms.length || columnNfSum.length != columnNfTerms.length) {
            throw new IllegalArgumentException("partial sums: " + tileNfSum.length + " tile sums with " + tileNfTerms.length
                    + " term counts, " + columnNfSum.length + " column sums with " + columnNfTerms.length + " term counts");
        }
    }
}
