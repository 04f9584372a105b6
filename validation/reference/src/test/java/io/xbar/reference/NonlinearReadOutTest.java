// NonlinearReadOutTest: the mapped layer's read-out with sinh cells (every cycle solved) against closed forms and the linear path.
package io.xbar.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xbar.kernel.CellModel;
import io.xbar.kernel.Circuit;
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
import org.junit.jupiter.api.Test;

/**
 * {@code TiledMvm} with a nonlinear cell model: on the ideal circuit every cell sees its input voltage,
 * so each column current has the closed form {@code sum_i g v0 sinh(V_i / v0)} and the layer NF can be
 * computed by hand, cycle by cycle; at microvolt reads sinh is linear and the result equals the
 * transfer-matrix path.
 */
class NonlinearReadOutTest {
    private static final int K = 40;
    private static final int OUT = 6;
    private static final int BATCH = 5;

    @Test
    void idealCircuitNfIsTheClosedForm() {
        // 4-bit weights: 3 slices per half, 6 columns per output.
        MappingOptions o = MappingOptions.DEFAULT.withWeightBits(4).withTile(16, 12).withPreset(Preset.MDM)
                .withInputs(4, 1, 0);
        QuantizedWeights w = Quantizer.weights(TrainedLikeData.weights(K, OUT, 3), K, OUT, 4, o.encoding(), false);
        QuantizedInputs x = Quantizer.inputs(TrainedLikeData.activations(BATCH, K, 4), BATCH, K, 4, false, false);
        LayerMapping m = LayerMapping.map(w, o, Circuit.IDEAL.drive(), Circuit.IDEAL.senseAt());
        double v0 = 0.25;
        LayerResult r = TiledMvm.run(m, x, Circuit.IDEAL, CellModel.sinh(v0), null);
        double sum = 0;
        long terms = 0;
        int digitMax = 1;
        for (Tile tile : m.tiles()) {
            for (int b = 0; b < BATCH; b++) {
                for (int c = 0; c < o.cycles(); c++) {
                    for (int j = 0; j < tile.cols(); j++) {
                        if (tile.columns()[j] == null) {
                            continue;
                        }
                        double i = 0;
                        double ideal = 0;
                        for (int row = 0; row < tile.rows(); row++) {
                            int logical = tile.rowMap()[row];
                            if (logical < 0) {
                                continue;
                            }
                            int a = x.phase(0)[b * K + logical];
                            double volts = o.vRead() * ((a >>> c) & digitMax);
                            double g = tile.conductances()[row * tile.cols() + j];
                            i += g * v0 * Math.sinh(volts / v0);
                            ideal += g * volts;
                        }
                        if (ideal > 0) {
                            sum += (ideal - i) / ideal;
                            terms++;
                        }
                    }
                }
            }
        }
        assertEquals(terms, r.nfTerms());
        assertEquals(sum / terms, r.nonidealityFactor(), 1e-12);
        assertTrue(r.nonidealityFactor() < -0.05, "sinh cells conduct more than g V: NF " + r.nonidealityFactor());
    }

    @Test
    void microvoltReadsEqualTheLinearPath() {
        MappingOptions o = MappingOptions.DEFAULT.withWeightBits(4).withTile(16, 12).withInputs(4, 2, 0)
                .withDevice(1e-4, 1e-6, 1e-6);
        QuantizedWeights w = Quantizer.weights(TrainedLikeData.weights(K, OUT, 5), K, OUT, 4, o.encoding(), false);
        QuantizedInputs x = Quantizer.inputs(TrainedLikeData.activations(BATCH, K, 6), BATCH, K, 4, false, false);
        Circuit c = Circuit.DEFAULT.withSource(20).withSense(5);
        LayerMapping m = LayerMapping.map(w, o, c.drive(), c.senseAt());
        LayerResult lin = TiledMvm.run(m, x, c);
        LayerResult non = TiledMvm.run(m, x, c, CellModel.sinh(0.25), null);
        assertEquals(lin.nonidealityFactor(), non.nonidealityFactor(), 1e-9);
        for (int k = 0; k < lin.y().length; k++) {
            assertEquals(lin.y()[k], non.y()[k], 1e-8 * Math.max(1, Math.abs(lin.y()[k])));
        }
        double[] y = TiledMvm.outputs(m, x, c, CellModel.sinh(0.25));
        assertEquals(non.y().length, y.length);
        for (int k = 0; k < y.length; k++) {
            assertEquals(non.y()[k], y[k], 0);
        }
    }
}
