// NonidealityFactorTest: NF terms against an independent per-vector recomputation, tile/layer means, and naive > mdm > optimized.
package io.xbar.reference;

import io.xbar.mapping.ColumnRole;
import io.xbar.mapping.Encoding;
import io.xbar.mapping.LayerMapping;
import io.xbar.mapping.LayerResult;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.Preset;
import io.xbar.mapping.QuantizedInputs;
import io.xbar.mapping.QuantizedWeights;
import io.xbar.mapping.Quantizer;
import io.xbar.mapping.Tile;
import io.xbar.mapping.TiledMvm;
import io.xbar.mapping.TrainedLikeData;
import io.xbar.mapping.TransferFunction;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NonidealityFactorTest {
    private static final TransferFunction REFERENCE = ReferenceSolver.transferFunction();

    @Test
    void termsMatchAnIndependentPerVectorRecomputation() {
        int k = 20;
        int n = 3;
        int batch = 2;
        QuantizedWeights w = Quantizer.weights(TrainedLikeData.weights(k, n, 7), k, n, 6, Encoding.OFFSET, false);
        QuantizedInputs x = Quantizer.inputs(TrainedLikeData.activations(batch, k, 8), batch, k, 4, false, false);
        MappingOptions o = MappingOptions.DEFAULT.withWeightBits(6).withEncoding(Encoding.OFFSET).withCellBits(2)
                .withTile(12, 8).withInputs(4, 2, 0).withPreset(Preset.MDM);
        Circuit circuit = new Circuit(4, 3, 1, 2, 500, Drive.LEFT, Sense.BOTTOM);
        LayerMapping m = LayerMapping.map(w, o, Drive.LEFT, Sense.BOTTOM);
        LayerResult result = TiledMvm.run(m, x, circuit, REFERENCE);

        double layerSum = 0;
        long layerTerms = 0;
        double[] y = new double[batch * n];
        for (int t = 0; t < m.tiles().size(); t++) {
            Tile tile = m.tiles().get(t);
            double[] tm = REFERENCE.compute(tile.rows(), tile.cols(), circuit, tile.conductances());
            double sum = 0;
            long terms = 0;
            for (int b = 0; b < batch; b++) {
                for (int cycle = 0; cycle < 2; cycle++) {
                    double[] v = new double[tile.rows()];
                    double sumV = 0;
                    for (int i = 0; i < tile.rows(); i++) {
                        int r = tile.rowMap()[i];
                        v[i] = r < 0 ? 0 : 0.2 * ((x.positive()[b * k + r] >> (2 * cycle)) & 3) / 3.0;
                        sumV += v[i];
                    }
                    for (int j = 0; j < tile.cols(); j++) {
                        ColumnRole role = tile.columns()[j];
                        if (role == null) {
                            continue;
                        }
                        double current = 0;
                        double ideal = 0;
                        for (int i = 0; i < tile.rows(); i++) {
                            current += v[i] * tm[i * tile.cols() + j];
                            ideal += v[i] * circuit.cellConductance(tile.conductances()[i * tile.cols() + j]);
                        }
                        if (ideal > 0) {
                            sum += (ideal - current) / ideal;
                            terms++;
                        }
                        double levels = (current - 1e-6 * sumV) * 3 * 3 / ((1e-4 - 1e-6) * 0.2);
                        y[b * n + role.output()] += levels * Math.pow(4, role.slice()) * Math.pow(4, cycle);
                    }
                }
            }
            assertEquals(terms, result.tileNfTerms()[t]);
            assertEquals(sum / terms, result.tileNonidealityFactor(t), 1e-12);
            assertTrue(sum / terms > 0, "wires lose current in tile " + t);
            layerSum += sum;
            layerTerms += terms;
        }
        assertEquals(layerSum / layerTerms, result.nonidealityFactor(), 1e-12);
        for (int b = 0; b < batch; b++) {
            long total = 0;
            for (int i = 0; i < k; i++) {
                total += x.positive()[b * k + i];
            }
            for (int j = 0; j < n; j++) {
                double expected = (y[b * n + j] - 32.0 * total) * w.scale() * x.scale();
                assertEquals(expected, result.y()[b * n + j], 1e-9 * Math.abs(expected) + 1e-12);
            }
        }
        assertTrue(result.mvmRelativeError() > 0);
    }

    @Test
    void mdmBeatsNaiveAndOptimizedBeatsMdmOnTrainedLikeLayers() {
        int k = 64;
        int n = 8;
        int batch = 8;
        for (long seed = 1; seed <= 3; seed++) {
            QuantizedWeights w = Quantizer.weights(TrainedLikeData.weights(k, n, seed), k, n, 8, Encoding.DIFFERENTIAL, false);
            QuantizedInputs x = Quantizer.inputs(TrainedLikeData.activations(batch, k, seed + 100), batch, k, 8, false, false);
            double[] nf = new double[Preset.values().length];
            for (Preset p : Preset.values()) {
                MappingOptions o = MappingOptions.DEFAULT.withTile(32, 32).withPreset(p);
                nf[p.ordinal()] = TiledMvm.run(LayerMapping.map(w, o, Drive.LEFT, Sense.BOTTOM), x, Circuit.DEFAULT, REFERENCE)
                        .nonidealityFactor();
            }
            double naive = nf[Preset.NAIVE.ordinal()];
            double mdm = nf[Preset.MDM.ordinal()];
            double optimized = nf[Preset.OPTIMIZED.ordinal()];
            assertTrue(mdm < 0.95 * naive, "seed " + seed + ": mdm " + mdm + " vs naive " + naive);
            assertTrue(optimized < 0.95 * mdm, "seed " + seed + ": optimized " + optimized + " vs mdm " + mdm);
        }
    }

    @Test
    void allZeroInputsHaveNoTermsAndZeroOutput() {
        int k = 8;
        int n = 2;
        QuantizedWeights w = Quantizer.weights(TrainedLikeData.weights(k, n, 1), k, n, 8, Encoding.DIFFERENTIAL, false);
        QuantizedInputs x = Quantizer.inputs(new double[2 * k], 2, k, 8, false, false);
        LayerResult r = TiledMvm.run(LayerMapping.map(w, MappingOptions.DEFAULT.withTile(8, 16), Drive.LEFT, Sense.BOTTOM),
                x, Circuit.DEFAULT, REFERENCE);
        assertEquals(0, r.nfTerms());
        assertTrue(Double.isNaN(r.nonidealityFactor()));
        assertEquals(0, r.mvmRelativeError());
    }

    @Test
    void exactTransferFunctionAgreesWithTheIndependentReference() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        int rows = 24;
        int cols = 20;
        double[] g = new double[rows * cols];
        for (int k = 0; k < g.length; k++) {
            g[k] = 1e-6 + r.nextDouble() * 1e-4;
        }
        TransferFunction exact = TransferFunction.exact();
        for (Circuit c : new Circuit[] {Circuit.DEFAULT, new Circuit(3, 2, 1, 0.5, 100, Drive.BOTH, Sense.BOTH),
                Circuit.DEFAULT.withAccess(300)}) {
            double[] a = exact.compute(rows, cols, c, g);
            double[] b = REFERENCE.compute(rows, cols, c, g);
            for (int k = 0; k < a.length; k++) {
                assertEquals(b[k], a[k], 1e-12 * Math.abs(b[k]), c + " at " + k);
            }
        }
    }
}
