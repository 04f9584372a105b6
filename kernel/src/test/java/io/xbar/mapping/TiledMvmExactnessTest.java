// TiledMvmExactnessTest: with zero parasitics and an ideal ADC the tiled bit-sliced MVM equals a . q exactly, for every mapping choice.
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TiledMvmExactnessTest {

    static Stream<Arguments> everyChoice() {
        List<Arguments> list = new ArrayList<>();
        for (Encoding e : Encoding.values()) {
            for (int cellBits : new int[] {1, 2, 4}) {
                for (Layout layout : Layout.values()) {
                    for (Orientation orientation : Orientation.values()) {
                        for (RowOrder rowOrder : RowOrder.values()) {
                            list.add(Arguments.of(e, cellBits, layout, orientation, rowOrder));
                        }
                    }
                }
            }
        }
        return list.stream();
    }

    /** Independent reference: the integer product in long arithmetic. */
    static long[] product(int[] a, int[] q, int batch, int k, int n) {
        long[] y = new long[batch * n];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < k; i++) {
                long ai = a[b * k + i];
                for (int j = 0; j < n; j++) {
                    y[b * n + j] += ai * q[i * n + j];
                }
            }
        }
        return y;
    }

    static int[] randomWeights(SplittableRandom r, int k, int n, long lo, long hi) {
        int[] q = new int[k * n];
        for (int i = 0; i < q.length; i++) {
            // Mix of extremes, zeros and small values so every slice and both halves are exercised.
            int pick = r.nextInt(4);
            q[i] = (int) (pick == 0 ? (r.nextBoolean() ? lo : hi) : pick == 1 ? 0 : r.nextLong(lo, hi + 1));
        }
        return q;
    }

    static int[] randomActivations(SplittableRandom r, int batch, int k, int bits) {
        int[] a = new int[batch * k];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextInt(3) == 0 ? 0 : r.nextInt(1 << bits);
        }
        a[0] = (1 << bits) - 1;
        return a;
    }

    @ParameterizedTest(name = "{0} c={1} {2} {3} {4}")
    @MethodSource("everyChoice")
    void idealCircuitReproducesIntegerProduct(Encoding encoding, int cellBits, Layout layout, Orientation orientation,
                                              RowOrder rowOrder) {
        SplittableRandom r = new SplittableRandom(17 + cellBits * 31L + encoding.ordinal());
        int k = 37;
        int n = 7;
        int batch = 3;
        MappingOptions o = MappingOptions.DEFAULT.withEncoding(encoding).withCellBits(cellBits).withTile(16, 32)
                .withLayout(layout).withOrientation(orientation).withRowOrder(rowOrder);
        int[] q = randomWeights(r, k, n, encoding.minWeight(8), encoding.maxWeight(8));
        int[] a = randomActivations(r, batch, k, 8);
        QuantizedWeights w = new QuantizedWeights(k, n, q, 1);
        QuantizedInputs x = new QuantizedInputs(batch, k, a, null, 1);
        long[] expected = product(a, q, batch, k, n);
        for (Drive drive : Drive.values()) {
            for (Sense sense : Sense.values()) {
                LayerMapping m = LayerMapping.map(w, o, drive, sense);
                LayerResult result = TiledMvm.run(m, x, Circuit.IDEAL);
                for (int i = 0; i < expected.length; i++) {
                    double got = result.levelProduct()[i];
                    assertEquals(expected[i], Math.rint(got), 0, "output " + i + " " + drive + "/" + sense);
                    assertTrue(Math.abs(got - expected[i]) < 1e-6 * Math.max(1, Math.abs(expected[i])),
                            "output " + i + ": " + got + " vs " + expected[i]);
                }
                assertEquals(0, result.nonidealityFactor(), 0);
                assertEquals(0, result.mvmRelativeError(), 1e-12);
            }
        }
    }

    @ParameterizedTest(name = "dac {0} bits, input {1} bits")
    @MethodSource("dacChoices")
    void multiBitDacReproducesIntegerProduct(int dacBits, int inputBits) {
        SplittableRandom r = new SplittableRandom(5 + dacBits);
        int k = 40;
        int n = 9;
        int batch = 4;
        MappingOptions o = MappingOptions.DEFAULT.withCellBits(2).withTile(32, 24).withInputs(inputBits, dacBits, 0)
                .withPreset(Preset.MDM);
        int[] q = randomWeights(r, k, n, -127, 127);
        int[] a = randomActivations(r, batch, k, inputBits);
        LayerResult result = TiledMvm.run(LayerMapping.map(new QuantizedWeights(k, n, q, 1), o, Drive.LEFT, Sense.BOTTOM),
                new QuantizedInputs(batch, k, a, null, 1), Circuit.IDEAL);
        long[] expected = product(a, q, batch, k, n);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], result.levelProduct()[i], 1e-6 * Math.max(1, Math.abs(expected[i])));
        }
    }

    static Stream<Arguments> dacChoices() {
        return Stream.of(Arguments.of(1, 8), Arguments.of(2, 8), Arguments.of(3, 8), Arguments.of(4, 8),
                Arguments.of(8, 8), Arguments.of(3, 5), Arguments.of(1, 1));
    }

    @Test
    void floatLayerIsScaledBack() {
        int k = 70;
        int n = 11;
        int batch = 5;
        double[] wf = TrainedLikeData.weights(k, n, 3);
        double[] xf = TrainedLikeData.activations(batch, k, 4);
        MappingOptions o = MappingOptions.DEFAULT.withTile(32, 32).withPreset(Preset.OPTIMIZED);
        QuantizedWeights w = Quantizer.weights(wf, k, n, 8, Encoding.DIFFERENTIAL, false);
        QuantizedInputs x = Quantizer.inputs(xf, batch, k, 8, false, false);
        LayerResult result = TiledMvm.run(LayerMapping.map(w, o, Drive.LEFT, Sense.BOTTOM), x, Circuit.IDEAL);
        long[] exact = product(x.positive(), w.q(), batch, k, n);
        double norm = 0;
        double diff = 0;
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < n; j++) {
                double yq = exact[b * n + j] * w.scale() * x.scale();
                assertEquals(yq, result.y()[b * n + j], 1e-9 * Math.max(1e-9, Math.abs(yq)) + 1e-15);
                double yf = 0;
                for (int i = 0; i < k; i++) {
                    yf += xf[b * k + i] * wf[i * n + j];
                }
                norm += yf * yf;
                diff += (yf - result.y()[b * n + j]) * (yf - result.y()[b * n + j]);
            }
        }
        // 8-bit quantization of both operands: the float product is close but not equal.
        double rel = Math.sqrt(diff / norm);
        assertTrue(rel > 0 && rel < 0.05, "quantization error " + rel);
    }

    @Test
    void twoPhaseSignedInputsSubtractDigitally() {
        SplittableRandom r = new SplittableRandom(9);
        int k = 30;
        int n = 6;
        int batch = 3;
        double[] xf = new double[batch * k];
        for (int i = 0; i < xf.length; i++) {
            xf[i] = r.nextInt(-255, 256);
        }
        int[] q = randomWeights(r, k, n, -128, 127);
        QuantizedInputs x = Quantizer.inputs(xf, batch, k, 8, true, true);
        MappingOptions o = MappingOptions.DEFAULT.withEncoding(Encoding.OFFSET).withTile(16, 16).withSignedInputs(true);
        LayerResult result = TiledMvm.run(LayerMapping.map(new QuantizedWeights(k, n, q, 1), o, Drive.LEFT, Sense.BOTTOM),
                x, Circuit.IDEAL);
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < n; j++) {
                long e = 0;
                for (int i = 0; i < k; i++) {
                    e += (long) xf[b * k + i] * q[i * n + j];
                }
                assertEquals(e, result.y()[b * n + j], 1e-6 * Math.max(1, Math.abs(e)));
            }
        }
    }

    @Test
    void adcQuantizationAddsErrorThatShrinksWithBits() {
        int k = 64;
        int n = 8;
        QuantizedWeights w = Quantizer.weights(TrainedLikeData.weights(k, n, 1), k, n, 8, Encoding.DIFFERENTIAL, false);
        QuantizedInputs x = Quantizer.inputs(TrainedLikeData.activations(4, k, 2), 4, k, 8, false, false);
        double previous = Double.POSITIVE_INFINITY;
        for (int bits : new int[] {4, 8, 12, 20}) {
            MappingOptions o = MappingOptions.DEFAULT.withTile(64, 64).withInputs(8, 1, bits);
            double e = TiledMvm.run(LayerMapping.map(w, o, Drive.LEFT, Sense.BOTTOM), x, Circuit.IDEAL).mvmRelativeError();
            assertTrue(e < previous, bits + " ADC bits: error " + e + " not below " + previous);
            previous = e;
        }
        assertTrue(previous < 1e-3, "20-bit ADC error " + previous);
    }

    @Test
    void allZeroWeightsGiveZeroOutputs() {
        int k = 10;
        int n = 3;
        QuantizedWeights w = Quantizer.weights(new double[k * n], k, n, 8, Encoding.DIFFERENTIAL, false);
        assertEquals(0, w.scale());
        QuantizedInputs x = Quantizer.inputs(TrainedLikeData.activations(2, k, 3), 2, k, 8, false, false);
        LayerResult result = TiledMvm.run(LayerMapping.map(w, MappingOptions.DEFAULT, Drive.LEFT, Sense.BOTTOM), x,
                Circuit.IDEAL);
        for (double v : result.y()) {
            assertEquals(0, v);
        }
        assertEquals(0, result.mvmRelativeError());
    }
}
