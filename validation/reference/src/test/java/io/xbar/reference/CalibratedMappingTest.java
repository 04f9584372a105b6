// CalibratedMappingTest: calibration inputs lower the NF of the optimized mapping on the reference network.
package io.xbar.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import io.xbar.mapping.Encoding;
import io.xbar.mapping.LayerMapping;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.Preset;
import io.xbar.mapping.QuantizedInputs;
import io.xbar.mapping.QuantizedWeights;
import io.xbar.mapping.Quantizer;
import io.xbar.mapping.TiledMvm;
import io.xbar.mapping.TrainedLikeData;
import io.xbar.mapping.TransferFunction;

import org.junit.jupiter.api.Test;

class CalibratedMappingTest {
    @Test
    void calibrationInputsLowerTheExactNf() {
        int k = 64;
        int n = 8;
        int batch = 8;
        TransferFunction reference = ReferenceSolver.transferFunction();
        for (long seed = 1; seed <= 3; seed++) {
            QuantizedWeights w = Quantizer.weights(TrainedLikeData.weights(k, n, seed), k, n, 8, Encoding.DIFFERENTIAL, false);
            // Same layer (channel statistics), different samples for calibration and evaluation.
            QuantizedInputs x = Quantizer.inputs(TrainedLikeData.activations(batch, k, seed + 100, 1), batch, k, 8, false, false);
            QuantizedInputs cal = Quantizer.inputs(TrainedLikeData.activations(batch, k, seed + 100, 2), batch, k, 8, false, false);
            MappingOptions o = MappingOptions.DEFAULT.withTile(32, 32).withPreset(Preset.OPTIMIZED);
            double plain = TiledMvm.run(LayerMapping.map(w, o, Drive.LEFT, Sense.BOTTOM), x, Circuit.DEFAULT, reference)
                    .nonidealityFactor();
            LayerMapping calibrated = LayerMapping.map(w, o, Drive.LEFT, Sense.BOTTOM, LayerMapping.activity(cal, o));
            assertTrue(calibrated.calibrated());
            double better = TiledMvm.run(calibrated, x, Circuit.DEFAULT, reference).nonidealityFactor();
            assertTrue(better < 0.97 * plain, "seed " + seed + ": calibrated " + better + " vs " + plain);
        }
    }
}
