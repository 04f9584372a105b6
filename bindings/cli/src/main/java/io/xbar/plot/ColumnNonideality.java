// ColumnNonideality: a tiled MVM that also collects the NF per physical column position, for the per-column NF picture.
package io.xbar.plot;

import java.util.IdentityHashMap;
import java.util.Map;

import io.xbar.blas.Blas;
import io.xbar.kernel.Circuit;
import io.xbar.mapping.ColumnRole;
import io.xbar.mapping.LayerMapping;
import io.xbar.mapping.LayerResult;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.QuantizedInputs;
import io.xbar.mapping.Tile;
import io.xbar.mapping.TiledMvm;
import io.xbar.mapping.TransferFunction;

/**
 * Runs {@link TiledMvm} on a mapped layer and, from the same transfer matrices (each computed
 * once), the NF terms {@code (I_ideal - I) / I_ideal} of every read column summed by physical
 * column position {@code j} over all tiles, vectors, cycles and phases. Where a mapping puts its
 * currents along the word line shows up as the NF profile over {@code j}; the weighted mean of the
 * profile is the layer NF.
 */
public final class ColumnNonideality {
    /**
     * @param result    the layer run
     * @param nfSum     per physical column {@code j}, the sum of its NF terms over all tiles
     * @param nfTerms   per physical column, the number of terms
     * @param worstTile index of the tile with the highest NF ({@code -1} when no tile has terms)
     */
    public record Run(LayerResult result, double[] nfSum, long[] nfTerms, int worstTile) {
        /** NF of column {@code j}, {@code NaN} without terms. */
        public double[] columnNf() {
            double[] nf = new double[nfSum.length];
            for (int j = 0; j < nf.length; j++) {
                nf[j] = nfTerms[j] == 0 ? Double.NaN : nfSum[j] / nfTerms[j];
            }
            return nf;
        }
    }

    private ColumnNonideality() {
    }

    /** Runs the layer with exact transfer matrices. */
    public static Run run(LayerMapping mapping, QuantizedInputs inputs, Circuit circuit) {
        if (mapping == null || inputs == null || circuit == null) {
            throw new IllegalArgumentException("column NF: mapping, inputs and circuit must be given");
        }
        MappingOptions o = mapping.options();
        int cols = o.tileCols();
        double[] sum = new double[cols];
        long[] terms = new long[cols];
        Map<double[], Tile> tiles = new IdentityHashMap<>();
        for (Tile t : mapping.tiles()) {
            tiles.put(t.conductances(), t);
        }
        TransferFunction exact = TransferFunction.exact();
        TransferFunction collecting = (rows, c, circ, g) -> {
            double[] transfer = exact.compute(rows, c, circ, g);
            Tile tile = tiles.get(g);
            if (tile == null) {
                throw new IllegalStateException("column NF: transfer asked for conductances of no tile of this mapping");
            }
            accumulate(o, tile, transfer, circ, inputs, sum, terms);
            return transfer;
        };
        LayerResult result = TiledMvm.run(mapping, inputs, circuit, collecting);
        int worst = -1;
        double worstNf = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < mapping.tiles().size(); t++) {
            double nf = result.tileNonidealityFactor(t);
            if (!Double.isNaN(nf) && nf > worstNf) {
                worstNf = nf;
                worst = t;
            }
        }
        return new Run(result, sum, terms, worst);
    }

    /** The analog currents of one tile for every vector, cycle and phase, as TiledMvm drives it (before any ADC). */
    private static void accumulate(MappingOptions o, Tile tile, double[] transfer, Circuit circuit, QuantizedInputs inputs,
                                   double[] sum, long[] terms) {
        int rows = tile.rows();
        int cols = tile.cols();
        double[] ideal = new double[rows * cols];
        double[] g = tile.conductances();
        for (int k = 0; k < ideal.length; k++) {
            ideal[k] = circuit.cellConductance(g[k]);
        }
        int cycles = o.cycles();
        int dacBits = o.dacBits();
        int digitMax = (1 << dacBits) - 1;
        double vRead = o.vRead();
        int[] rowMap = tile.rowMap();
        ColumnRole[] roles = tile.columns();
        int width = inputs.width();
        int chunk = Math.max(1, Math.min(inputs.batch(), (1 << 20) / (cycles * Math.max(rows, cols))));
        double[] v = new double[chunk * cycles * rows];
        double[] current = new double[chunk * cycles * cols];
        double[] currentIdeal = new double[chunk * cycles * cols];
        for (int phase = 0; phase < inputs.phases(); phase++) {
            int[] a = inputs.phase(phase);
            for (int b0 = 0; b0 < inputs.batch(); b0 += chunk) {
                int nb = Math.min(chunk, inputs.batch() - b0);
                int m = nb * cycles;
                for (int bb = 0; bb < nb; bb++) {
                    int aBase = (b0 + bb) * width;
                    for (int c = 0; c < cycles; c++) {
                        int vBase = (bb * cycles + c) * rows;
                        int shift = dacBits * c;
                        for (int i = 0; i < rows; i++) {
                            int r = rowMap[i];
                            v[vBase + i] = r < 0 ? 0 : vRead * ((a[aBase + r] >>> shift) & digitMax) / digitMax;
                        }
                    }
                }
                Blas.dgemm(false, false, m, cols, rows, 1, v, 0, rows, transfer, 0, cols, 0, current, 0, cols);
                Blas.dgemm(false, false, m, cols, rows, 1, v, 0, rows, ideal, 0, cols, 0, currentIdeal, 0, cols);
                for (int row = 0; row < m; row++) {
                    for (int j = 0; j < cols; j++) {
                        double iIdeal = currentIdeal[row * cols + j];
                        if (roles[j] != null && iIdeal > 0) {
                            sum[j] += (iIdeal - current[row * cols + j]) / iIdeal;
                            terms[j]++;
                        }
                    }
                }
            }
        }
    }
}
