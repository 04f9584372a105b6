// QuantizerTest: MODEL.md's quantization formulas, integer-typed pass-through and every rejection message.
package io.xbar.mapping;

import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuantizerTest {
    private static void rejects(String expected, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(expected), "'" + expected + "' in: " + e.getMessage());
    }

    @Test
    void weightsFollowTheSymmetricFormula() {
        double[] w = {1.27, -0.5, 0.004, -0.005, 0.0051, 0};
        QuantizedWeights q = Quantizer.weights(w, 2, 3, 8, Encoding.DIFFERENTIAL, false);
        assertEquals(0.01, q.scale(), 1e-15);
        // floor(|w|/s + 0.5): 0.5 rounds away from zero, 0.4 down.
        assertArrayEquals(new int[] {127, -50, 0, -1, 1, 0}, q.q());
    }

    @Test
    void activationsFollowTheFormula() {
        double[] x = {0, 2.55, 1.0, 0.005};
        QuantizedInputs a = Quantizer.inputs(x, 1, 4, 8, false, false);
        assertEquals(0.01, a.scale(), 1e-15);
        assertArrayEquals(new int[] {0, 255, 100, 1}, a.positive());
        assertNull(a.negative());
        QuantizedInputs s = Quantizer.inputs(new double[] {-2.55, 1.0}, 1, 2, 8, false, true);
        assertArrayEquals(new int[] {0, 100}, s.positive());
        assertArrayEquals(new int[] {255, 0}, s.negative());
    }

    @Test
    void integerTypedArraysAreTakenAsTheyAreOrRejected() {
        QuantizedWeights q = Quantizer.weights(new double[] {-127, 127, 3}, 1, 3, 8, Encoding.DIFFERENTIAL, true);
        assertEquals(1, q.scale());
        assertArrayEquals(new int[] {-127, 127, 3}, q.q());
        assertEquals(-128, Quantizer.weights(new double[] {-128}, 1, 1, 8, Encoding.OFFSET, true).q()[0]);
        rejects("weights[0][0] = -128.0 does not fit 8-bit differential weights [-127, 127]",
                () -> Quantizer.weights(new double[] {-128}, 1, 1, 8, Encoding.DIFFERENTIAL, true));
        rejects("weights[0][1] = 128.0 does not fit 8-bit offset weights [-128, 127]",
                () -> Quantizer.weights(new double[] {0, 128}, 1, 2, 8, Encoding.OFFSET, true));
        rejects("inputs[0][0] = 256.0 does not fit 8-bit activations [0, 255]",
                () -> Quantizer.inputs(new double[] {256}, 1, 1, 8, true, false));
        rejects("does not fit 8-bit differential", () -> LayerMapping.map(new QuantizedWeights(1, 1, new int[] {200}, 1),
                MappingOptions.DEFAULT, Drive.LEFT, Sense.BOTTOM));
    }

    @Test
    void badValuesAreNamed() {
        rejects("weights[1][0] = NaN is not finite",
                () -> Quantizer.weights(new double[] {0, 1, Double.NaN, 2}, 2, 2, 8, Encoding.DIFFERENTIAL, false));
        rejects("inputs[0][1] = Infinity is not finite",
                () -> Quantizer.inputs(new double[] {0, Double.POSITIVE_INFINITY}, 1, 2, 8, false, false));
        rejects("inputs[1][0] = -1.0 is negative", () -> Quantizer.inputs(new double[] {0, 1, -1, 0}, 2, 2, 8, false, false));
        rejects("weights has 3 values, expected 2x2 = 4",
                () -> Quantizer.weights(new double[3], 2, 2, 8, Encoding.DIFFERENTIAL, false));
        rejects("weights must be given", () -> Quantizer.weights(null, 2, 2, 8, Encoding.DIFFERENTIAL, false));
        rejects("weights shape must be at least 1x1, got 0x2",
                () -> Quantizer.weights(new double[0], 0, 2, 8, Encoding.DIFFERENTIAL, false));
        rejects("inputs has 4 values, expected 1x2 = 2", () -> Quantizer.inputs(new double[4], 1, 2, 8, false, false));
        rejects("inputs shape must be at least 1x1, got 0x2", () -> Quantizer.inputs(new double[0], 0, 2, 8, false, false));
    }

    @Test
    void optionsRejectOutOfRangeSettings() {
        MappingOptions d = MappingOptions.DEFAULT;
        rejects("weight bits must be 2..16, got 1", () -> d.withWeightBits(1));
        rejects("cell bits must be 1, 2 or 4, got 3", () -> d.withCellBits(3));
        rejects("tile must be 1x1..", () -> d.withTile(0, 256));
        rejects("tile 256x13 is narrower than one output's column group: 14 columns (7 slices x 2 halves",
                () -> d.withTile(256, 13));
        rejects("dac bits must be 1..4", () -> d.withInputs(4, 5, 0));
        rejects("adc bits must be 0 (ideal) .. 24, got 25", () -> d.withInputs(8, 1, 25));
        rejects("g_on must be finite and greater than g_off", () -> d.withDevice(1e-6, 1e-6, 0.2));
        rejects("v_read must be a finite voltage > 0 V", () -> d.withDevice(1e-4, 1e-6, 0));
        assertEquals(14, d.columnGroup());
        assertEquals(8, d.withEncoding(Encoding.OFFSET).columnGroup());
        assertEquals(4, d.withCellBits(4).columnGroup());
        assertEquals(3, d.withCellBits(4).withEncoding(Encoding.OFFSET).withWeightBits(9).slices());
    }

    @Test
    void presetsAndOverrides() {
        MappingOptions mdm = MappingOptions.DEFAULT.withPreset(Preset.MDM);
        assertEquals(Orientation.LSB_NEAR_DRIVER, mdm.orientation());
        assertEquals(RowOrder.MDM, mdm.rowOrder());
        assertTrue(mdm.method().startsWith("mdm:"));
        assertTrue(mdm.withRowOrder(RowOrder.NATURAL).method().contains("overridden"));
        assertEquals(Layout.SLICE_MAJOR, Layout.parse("slice-major"));
        assertEquals(Orientation.MSB_NEAR_DRIVER, Orientation.parse("MSB-near-driver"));
    }
}
