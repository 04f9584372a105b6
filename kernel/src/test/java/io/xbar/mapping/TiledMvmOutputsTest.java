// TiledMvmOutputsTest: the forward-pass read-out (DAC cycles summed before the crossbar) equals the full run's outputs.
package io.xbar.mapping;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TiledMvmOutputsTest {
    /** Wires, a driver and a sense resistance: every cycle sees a different IR drop pattern. */
    static final Circuit WIRES = Circuit.DEFAULT.withWires(5).withSource(20).withSense(10);

    static Stream<Arguments> choices() {
        List<Arguments> list = new ArrayList<>();
        for (Encoding e : Encoding.values()) {
            for (int dacBits : new int[] {1, 2, 3, 8}) {
                for (boolean signed : new boolean[] {false, true}) {
                    list.add(Arguments.of(e, dacBits, signed));
                }
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} dac={1} signed={2}")
    @MethodSource("choices")
    void summedCyclesGiveTheFullRunsOutputs(Encoding encoding, int dacBits, boolean signed) {
        SplittableRandom r = new SplittableRandom(3 + dacBits * 7L + encoding.ordinal());
        int k = 37; // three 16-row blocks, the last one with padding rows
        int n = 5;
        int batch = 6;
        double[] wf = new double[k * n];
        for (int i = 0; i < wf.length; i++) {
            wf[i] = r.nextDouble(-1, 1);
        }
        double[] xf = new double[batch * k];
        for (int i = 0; i < xf.length; i++) {
            xf[i] = r.nextInt(4) == 0 ? 0 : signed ? r.nextDouble(-1, 1) : r.nextDouble();
        }
        MappingOptions o = MappingOptions.DEFAULT.withEncoding(encoding).withTile(16, 32).withInputs(8, dacBits, 0)
                .withSignedInputs(signed).withPreset(Preset.MDM);
        LayerMapping m = LayerMapping.map(Quantizer.weights(wf, k, n, 8, encoding, false), o, Drive.BOTH, Sense.BOTTOM);
        QuantizedInputs x = Quantizer.inputs(xf, batch, k, 8, false, signed);
        double[] full = TiledMvm.run(m, x, WIRES).y();
        double[] fast = TiledMvm.outputs(m, x, WIRES);
        double scale = 0;
        for (double y : full) {
            scale = Math.max(scale, Math.abs(y));
        }
        assertTrue(scale > 0);
        for (int i = 0; i < full.length; i++) {
            assertEquals(full[i], fast[i], 1e-12 * scale, "output " + i);
        }
    }

    @Test
    void withAnAdcEachCycleIsRoundedSoTheFullRunIsUsed() {
        int k = 20;
        int n = 4;
        QuantizedWeights w = Quantizer.weights(TrainedLikeData.weights(k, n, 1), k, n, 8, Encoding.DIFFERENTIAL, false);
        QuantizedInputs x = Quantizer.inputs(TrainedLikeData.activations(3, k, 2), 3, k, 8, false, false);
        LayerMapping m = LayerMapping.map(w, MappingOptions.DEFAULT.withTile(16, 16).withInputs(8, 1, 6), Drive.LEFT,
                Sense.BOTTOM);
        assertArrayEquals(TiledMvm.run(m, x, WIRES).y(), TiledMvm.outputs(m, x, WIRES), 0);
    }

    @Test
    void badArgumentsAreNamed() {
        int k = 4;
        QuantizedWeights w = Quantizer.weights(new double[k], k, 1, 8, Encoding.DIFFERENTIAL, false);
        LayerMapping m = LayerMapping.map(w, MappingOptions.DEFAULT.withTile(8, 16), Drive.LEFT, Sense.BOTTOM);
        QuantizedInputs wrong = Quantizer.inputs(new double[3], 1, 3, 8, false, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TiledMvm.outputs(m, wrong, WIRES));
        assertTrue(e.getMessage().contains("inputs have length 3, the weights have 4 rows"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TiledMvm.outputs(m, null, WIRES));
        assertTrue(e.getMessage().startsWith("outputs: mapping, inputs"), e.getMessage());
    }
}
