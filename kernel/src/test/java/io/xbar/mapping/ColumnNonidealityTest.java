// ColumnNonidealityTest: the per-column NF sums of a TiledMvm run equal a separate re-run of every tile's GEMMs, bit for bit.
package io.xbar.mapping;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xbar.blas.Blas;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import org.junit.jupiter.api.Test;

class ColumnNonidealityTest {

    /**
     * The per-column NF profile as the plot layer computed it before TiledMvm summed it: every
     * tile's transfer matrix and ideal conductances in two separate GEMMs over the same DAC cycle
     * voltages, terms summed per physical column in tile, phase, vector and cycle order.
     */
    private static Object[] rerun(LayerMapping mapping, QuantizedInputs inputs, Circuit circuit) {
        MappingOptions o = mapping.options();
        double[] sum = new double[o.tileCols()];
        long[] terms = new long[o.tileCols()];
        for (Tile tile : mapping.tiles()) {
            int rows = tile.rows();
            int cols = tile.cols();
            double[] transfer = TransferFunction.exact().compute(rows, cols, circuit, tile.conductances());
            double[] ideal = new double[rows * cols];
            for (int k = 0; k < ideal.length; k++) {
                ideal[k] = circuit.cellConductance(tile.conductances()[k]);
            }
            int cycles = o.cycles();
            int digitMax = (1 << o.dacBits()) - 1;
            int m = inputs.batch() * cycles;
            double[] v = new double[m * rows];
            double[] current = new double[m * cols];
            double[] currentIdeal = new double[m * cols];
            for (int phase = 0; phase < inputs.phases(); phase++) {
                int[] a = inputs.phase(phase);
                for (int b = 0; b < inputs.batch(); b++) {
                    for (int c = 0; c < cycles; c++) {
                        for (int i = 0; i < rows; i++) {
                            int r = tile.rowMap()[i];
                            v[(b * cycles + c) * rows + i] = r < 0 ? 0
                                    : o.vRead() * ((a[b * inputs.width() + r] >>> (o.dacBits() * c)) & digitMax) / digitMax;
                        }
                    }
                }
                Blas.dgemm(false, false, m, cols, rows, 1, v, 0, rows, transfer, 0, cols, 0, current, 0, cols);
                Blas.dgemm(false, false, m, cols, rows, 1, v, 0, rows, ideal, 0, cols, 0, currentIdeal, 0, cols);
                for (int row = 0; row < m; row++) {
                    for (int j = 0; j < cols; j++) {
                        double iIdeal = currentIdeal[row * cols + j];
                        if (tile.columns()[j] != null && iIdeal > 0) {
                            sum[j] += (iIdeal - current[row * cols + j]) / iIdeal;
                            terms[j]++;
                        }
                    }
                }
            }
        }
        return new Object[] {sum, terms};
    }

    @Test
    void columnSumsEqualASeparateRerunOfTheTiles() {
        int k = 70;
        int n = 5;
        for (Preset preset : Preset.values()) {
            for (boolean signed : new boolean[] {false, true}) {
                MappingOptions o = MappingOptions.DEFAULT.withTile(32, 32).withPreset(preset).withSignedInputs(signed)
                        .withInputs(8, 4, 0);
                QuantizedWeights w = Quantizer.weights(TrainedLikeData.weights(k, n, 3), k, n, 8, Encoding.DIFFERENTIAL, false);
                double[] xs = TrainedLikeData.activations(4, k, 4);
                if (signed) {
                    for (int i = 0; i < xs.length; i += 5) {
                        xs[i] = -xs[i];
                    }
                }
                QuantizedInputs x = Quantizer.inputs(xs, 4, k, 8, false, signed);
                Circuit circuit = Circuit.DEFAULT.withDrive(Drive.BOTH);
                LayerMapping m = LayerMapping.map(w, o, circuit.drive(), Sense.BOTTOM);
                LayerResult r = TiledMvm.run(m, x, circuit);
                Object[] expected = rerun(m, x, circuit);
                String label = preset + (signed ? " signed" : "");
                assertArrayEquals((long[]) expected[1], r.columnNfTerms(), label);
                assertArrayEquals((double[]) expected[0], r.columnNfSum(), 0.0, label);
            }
        }
    }

    @Test
    void columnProfileAddsUpToTheLayerNf() {
        int k = 70;
        int n = 5;
        MappingOptions o = MappingOptions.DEFAULT.withTile(32, 32).withPreset(Preset.MDM);
        QuantizedWeights w = Quantizer.weights(TrainedLikeData.weights(k, n, 3), k, n, 8, Encoding.DIFFERENTIAL, false);
        QuantizedInputs x = Quantizer.inputs(TrainedLikeData.activations(4, k, 4), 4, k, 8, false, false);
        Circuit circuit = Circuit.DEFAULT;
        LayerResult r = TiledMvm.run(LayerMapping.map(w, o, circuit.drive(), circuit.senseAt()), x, circuit);
        long terms = 0;
        double sum = 0;
        for (int j = 0; j < 32; j++) {
            terms += r.columnNfTerms()[j];
            sum += r.columnNfSum()[j];
        }
        assertEquals(r.nfTerms(), terms);
        assertTrue(terms > 0);
        assertEquals(r.nonidealityFactor(), sum / terms, 1e-12 * r.nonidealityFactor());
        // 32-wide tiles hold 2 outputs x 14 columns: columns 28..31 are padding and never read.
        double[] nf = r.columnNonidealityFactors();
        for (int j = 0; j < 32; j++) {
            assertEquals(j >= 28, r.columnNfTerms()[j] == 0, "column " + j);
            assertEquals(j >= 28, Double.isNaN(nf[j]), "column " + j);
        }
        int worst = r.worstTile();
        assertTrue(worst >= 0);
        for (int t = 0; t < r.tileNfSum().length; t++) {
            assertTrue(r.tileNonidealityFactor(t) <= r.tileNonidealityFactor(worst));
        }
    }

    @Test
    void allZeroInputsHaveNoTermsAndNoWorstTile() {
        QuantizedWeights w = Quantizer.weights(TrainedLikeData.weights(20, 3, 5), 20, 3, 8, Encoding.DIFFERENTIAL, false);
        QuantizedInputs x = Quantizer.inputs(new double[2 * 20], 2, 20, 8, false, false);
        MappingOptions o = MappingOptions.DEFAULT.withTile(16, 16);
        LayerResult r = TiledMvm.run(LayerMapping.map(w, o, Drive.LEFT, Sense.BOTTOM), x, Circuit.DEFAULT);
        assertEquals(-1, r.worstTile());
        for (double nf : r.columnNonidealityFactors()) {
            assertTrue(Double.isNaN(nf));
        }
    }
}
