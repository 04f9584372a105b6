// BitSerialMvmTest: bit-serial cycles, one-GEMM batches, shift-and-add and the ADC against loops and exact integer products.
package io.xbar.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class BitSerialMvmTest {
    private static int[] activations(Random rnd, int batch, int rows, int bits) {
        int[] a = new int[batch * rows];
        for (int k = 0; k < a.length; k++) {
            a[k] = rnd.nextInt(1 << bits);
        }
        return a;
    }

    @Test
    void cyclesFollowTheDacSlicing() {
        BitSerialMvm mvm = new BitSerialMvm(8, 3, 0.2);
        assertEquals(3, mvm.cycles());
        double[] v = mvm.voltages(new int[] {0b10110101, 255, 0, 7}, 2, 2);
        // cycle t, vector b, row i at (t * 2 + b) * 2 + i; digits of 181 = 0b10_110_101: 5, 6, 2
        assertEquals(0.2 * 5 / 7, v[0], 1e-15);
        assertEquals(0.2 * 6 / 7, v[4], 1e-15);
        assertEquals(0.2 * 2 / 7, v[8], 1e-15);
        assertEquals(0.2, v[1], 1e-15);
        assertEquals(0.2 * 3 / 7, v[9], 1e-15);
        assertEquals(0.2, v[3], 1e-15);
        assertEquals(0.0, v[7], 0.0);
        assertEquals(64.0, mvm.cycleWeight(2), 0.0);
    }

    @Test
    void zeroParasiticsReproduceTheIntegerProduct() {
        Random rnd = new Random(21);
        int rows = 13;
        int cols = 6;
        int batch = 9;
        double[] g = TransferMatrixTest.cells(rnd, rows, cols, 1e-6, 1e-4);
        double[] t = TransferMatrix.compute(rows, cols, Circuit.IDEAL, g);
        for (int p : new int[] {1, 2, 3, 8}) {
            BitSerialMvm mvm = new BitSerialMvm(8, p, 0.2);
            int[] a = activations(rnd, batch, rows, 8);
            double[] y = mvm.mvm(t, rows, cols, a, batch, Adc.IDEAL);
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < cols; j++) {
                    double expect = 0;
                    for (int i = 0; i < rows; i++) {
                        expect += a[b * rows + i] * g[i * cols + j];
                    }
                    expect *= 0.2 / ((1 << p) - 1);
                    assertEquals(expect, y[b * cols + j], 1e-13 * expect, "p=" + p);
                }
            }
        }
    }

    @Test
    void everyCycleIsTheVoltageVectorTimesTheTransferMatrix() {
        Random rnd = new Random(22);
        int rows = 11;
        int cols = 7;
        int batch = 5;
        double[] t = TransferMatrix.compute(rows, cols, Circuit.DEFAULT.withWires(10),
                TransferMatrixTest.cells(rnd, rows, cols, 1e-6, 1e-4));
        BitSerialMvm mvm = new BitSerialMvm(6, 2, 0.3);
        int[] a = activations(rnd, batch, rows, 6);
        double[] v = mvm.voltages(a, batch, rows);
        double[] cyc = mvm.cycleCurrents(t, rows, cols, a, batch, Adc.IDEAL);
        assertEquals(3 * batch * cols, cyc.length);
        for (int r = 0; r < 3 * batch; r++) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int i = 0; i < rows; i++) {
                    s += v[r * rows + i] * t[i * cols + j];
                }
                assertEquals(s, cyc[r * cols + j], 1e-15 + 1e-12 * s);
            }
        }
        AnalogTile tile = new AnalogTile(rows, cols, Circuit.DEFAULT.withWires(10), new double[rows * cols]);
        assertEquals(3 * batch * cols, mvm.cycleCurrents(tile, a, batch, Adc.IDEAL).length);
        double[] y = mvm.shiftAdd(cyc, batch, cols);
        for (int k = 0; k < batch * cols; k++) {
            double s = cyc[k] + 4 * cyc[batch * cols + k] + 16 * cyc[2 * batch * cols + k];
            assertEquals(s, y[k], 1e-12 * s);
        }
        double[] sums = mvm.voltageSums(a, batch, rows);
        for (int r = 0; r < 3 * batch; r++) {
            double s = 0;
            for (int i = 0; i < rows; i++) {
                s += v[r * rows + i];
            }
            assertEquals(s, sums[r], 1e-14);
        }
    }

    @Test
    void theAdcQuantizesUniformlyAndClips() {
        Adc adc = Adc.uniform(3, 4, 0.5, 1e-4);
        assertEquals(2e-4, adc.fullScale(), 1e-20);
        double step = 2e-4 / 7;
        assertEquals(0.0, adc.convert(-1e-5), 0.0);
        assertEquals(2e-4, adc.convert(5e-4), 1e-20);
        assertEquals(3 * step, adc.convert(3.4 * step), 1e-20);
        assertEquals(4 * step, adc.convert(3.6 * step), 1e-20);
        double[] x = {-1, 3.4 * step, 3.6 * step, 1};
        adc.convert(x, 0, 4);
        assertArrayEquals(new double[] {0, 3 * step, 4 * step, 2e-4}, x, 1e-20);
        assertTrue(Adc.uniform(0, 4, 0.5, 1e-4).isIdeal());
        assertEquals(1.234e-5, Adc.IDEAL.convert(1.234e-5), 0.0);

        BitSerialMvm mvm = new BitSerialMvm(4, 1, 0.2);
        double[] t = {1e-4, 5e-5, 2e-5, 1e-5};
        int[] a = {15, 9};
        double[] ideal = mvm.cycleCurrents(t, 2, 2, a, 1, Adc.IDEAL);
        Adc coarse = Adc.uniform(4, 2, 0.2, 1e-4);
        double[] quantized = mvm.cycleCurrents(t, 2, 2, a, 1, coarse);
        for (int k = 0; k < ideal.length; k++) {
            assertEquals(coarse.convert(ideal[k]), quantized[k], 0.0);
        }
    }

    @Test
    void anEmptyBatchGivesEmptyResults() {
        BitSerialMvm mvm = new BitSerialMvm(8, 1, 0.2);
        double[] t = {1e-4, 1e-5};
        assertEquals(0, mvm.cycleCurrents(t, 2, 1, new int[0], 0, Adc.IDEAL).length);
        assertEquals(0, mvm.mvm(t, 2, 1, new int[0], 0, Adc.IDEAL).length);
        assertEquals(0, mvm.voltages(new int[0], 0, 2).length);
    }

    @Test
    void badInputIsRejectedWithItsName() {
        BitSerialMvm mvm = new BitSerialMvm(8, 1, 0.2);
        double[] t = {1e-4, 1e-5, 2e-5, 3e-5};
        var e = assertThrows(IllegalArgumentException.class,
                () -> mvm.cycleCurrents(t, 2, 2, new int[] {3, 256}, 1, Adc.IDEAL));
        assertTrue(e.getMessage().contains("256") && e.getMessage().contains("input_bits = 8")
                && e.getMessage().contains("bit width"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mvm.cycleCurrents(t, 2, 2, new int[] {-1, 0}, 1, Adc.IDEAL));
        assertTrue(e.getMessage().contains("activations[0][0] = -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mvm.cycleCurrents(t, 2, 2, new int[] {1, 2, 3}, 1, Adc.IDEAL));
        assertTrue(e.getMessage().contains("1x2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mvm.cycleCurrents(new double[3], 2, 2, new int[] {1, 2}, 1, Adc.IDEAL));
        assertTrue(e.getMessage().contains("transfer matrix"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> mvm.cycleCurrents(new double[] {1, Double.NaN, 1, 1}, 2, 2, new int[] {1, 2}, 1, Adc.IDEAL));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mvm.cycleCurrents(t, 2, 2, new int[] {1, 2}, 1, null));
        assertTrue(e.getMessage().contains("adc"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mvm.shiftAdd(new double[5], 1, 2));
        assertTrue(e.getMessage().contains("8x1x2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BitSerialMvm(0, 1, 0.2));
        assertThrows(IllegalArgumentException.class, () -> new BitSerialMvm(8, 0, 0.2));
        e = assertThrows(IllegalArgumentException.class, () -> new BitSerialMvm(8, 1, Double.NaN));
        assertTrue(e.getMessage().contains("v_read"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Adc(-1, 1));
        assertTrue(e.getMessage().contains("adc_bits"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Adc.uniform(4, 0, 0.2, 1e-4));
        assertTrue(e.getMessage().contains("rows_used"), e.getMessage());
    }
}
