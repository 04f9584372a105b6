// XbarTest: the Java API against independent expectations (ideal product, closed-form ladder, linearity) and the mapping layer.
package io.xbar.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.ConvergenceException;
import io.xbar.kernel.Drive;
import io.xbar.kernel.LineKernels;
import io.xbar.kernel.Sense;
import io.xbar.kernel.Solution;
import io.xbar.kernel.SolverOptions;
import io.xbar.mapping.LayerMapping;
import io.xbar.mapping.LayerResult;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.Preset;
import io.xbar.mapping.Quantizer;
import io.xbar.mapping.TiledMvm;
import io.xbar.mapping.TrainedLikeData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class XbarTest {
    private static double[] conductances(int rows, int cols, long seed) {
        Random rnd = new Random(seed);
        double[] g = new double[rows * cols];
        for (int k = 0; k < g.length; k++) {
            g[k] = 1e-6 + rnd.nextDouble() * (1e-4 - 1e-6);
        }
        return g;
    }

    private static double[] voltages(int n, long seed) {
        Random rnd = new Random(seed);
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            v[k] = rnd.nextDouble() * 0.2;
        }
        return v;
    }

    @Test
    void zeroParasiticsGiveTheIdealProduct() {
        int m = 7;
        int n = 5;
        double[] g = conductances(m, n, 1);
        double[] v = voltages(m, 2);
        Crossbar xb = Xbar.crossbar(m, n, Xbar.circuit(0, 0), g);
        double[] i = xb.solve(v).currents();
        for (int j = 0; j < n; j++) {
            double ideal = 0;
            for (int r = 0; r < m; r++) {
                ideal += v[r] * g[r * n + j];
            }
            assertEquals(ideal, i[j], 1e-14 * ideal, "column " + j);
        }
    }

    @Test
    void oneRowLadderMatchesItsClosedForm() {
        // V -- r_source -- u0 -- r_wl -- u1, cells g0, g1 to the sense amplifiers' virtual ground.
        double rs = 40;
        double rwl = 25;
        double g0 = 3e-3;
        double g1 = 7e-3;
        double vin = 0.3;
        Circuit c = Xbar.circuit(rwl, 0, rs, 0, 0, Drive.LEFT, Sense.BOTTOM);
        double[] i = Xbar.crossbar(1, 2, c, new double[] {g0, g1}).solve(new double[] {vin}).currents();
        double u0 = (vin / rs) / (1 / rs + g0 + (1 - 1 / (1 + g1 * rwl)) / rwl);
        double u1 = u0 / (1 + g1 * rwl);
        assertEquals(g0 * u0, i[0], 1e-12 * g0 * u0);
        assertEquals(g1 * u1, i[1], 1e-12 * g1 * u1);
    }

    @Test
    void transferRowsAreUnitSolvesAndSolvesAreLinear() {
        int m = 9;
        int n = 6;
        double[] g = conductances(m, n, 3);
        Crossbar xb = Xbar.crossbar(m, n, Circuit.DEFAULT, g);
        double[] t = xb.transfer();
        assertArrayEquals(t, Xbar.transfer(m, n, Circuit.DEFAULT, g), 0.0);
        for (int r = 0; r < m; r++) {
            double[] e = new double[m];
            e[r] = 1;
            double[] row = xb.solve(e).currents();
            for (int j = 0; j < n; j++) {
                assertEquals(t[r * n + j], row[j], 1e-9 * Math.abs(t[r * n + j]), "T[" + r + "][" + j + "]");
            }
        }
        int batch = 4;
        double[] vs = voltages(batch * m, 4);
        double[] batchCurrents = xb.currents(vs, batch);
        for (int b = 0; b < batch; b++) {
            double[] v = java.util.Arrays.copyOfRange(vs, b * m, (b + 1) * m);
            double[] one = xb.solve(v).currents();
            for (int j = 0; j < n; j++) {
                double viaT = 0;
                for (int r = 0; r < m; r++) {
                    viaT += v[r] * t[r * n + j];
                }
                assertEquals(viaT, one[j], 1e-9 * Math.abs(viaT));
                assertEquals(one[j], batchCurrents[b * n + j], 1e-9 * Math.abs(one[j]));
            }
        }
        assertEquals(0, xb.currents(new double[0], 0).length);
    }

    @Test
    void nodeVoltagesSatisfyTheOutputCurrentDefinition() {
        int m = 5;
        int n = 4;
        double[] g = conductances(m, n, 5);
        double[] v = voltages(m, 6);
        Solution s = Xbar.crossbar(m, n, Circuit.DEFAULT, g).solveWithNodeVoltages(v);
        for (int j = 0; j < n; j++) {
            double sum = 0;
            for (int r = 0; r < m; r++) {
                sum += g[r * n + j] * (s.wordLineVoltages()[r * n + j] - s.bitLineVoltages()[r * n + j]);
            }
            assertEquals(sum, s.currents()[j], 1e-9 * Math.abs(sum));
        }
    }

    @Test
    void crossbarIsUnaffectedByLaterChangesToTheCallersArrays() {
        double[] g = conductances(3, 3, 7);
        double[] v = voltages(3, 8);
        Crossbar xb = Xbar.crossbar(3, 3, Circuit.DEFAULT, g);
        double[] before = xb.solve(v).currents();
        java.util.Arrays.fill(g, 0);
        assertArrayEquals(before, xb.solve(v).currents(), 0.0);
        xb.conductances()[0] = 1;
        assertNotEquals(1.0, xb.conductances()[0]);
        assertEquals(3, xb.rows());
        assertEquals(3, xb.cols());
        assertEquals(Circuit.DEFAULT, xb.circuit());
    }

    @Test
    void concurrentSolvesOnOneCrossbarAgreeWithSequentialOnes() throws Exception {
        int m = 32;
        int n = 16;
        Crossbar xb = Xbar.crossbar(m, n, Circuit.DEFAULT, conductances(m, n, 9));
        List<double[]> inputs = new ArrayList<>();
        List<double[]> expected = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            inputs.add(voltages(m, 100 + k));
            expected.add(xb.solve(inputs.get(k)).currents());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<double[]>> results = new ArrayList<>();
            for (double[] v : inputs) {
                results.add(pool.submit(() -> xb.solve(v).currents()));
            }
            for (int k = 0; k < inputs.size(); k++) {
                assertArrayEquals(expected.get(k), results.get(k).get(), 0.0);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void convergenceExceptionPassesThrough() {
        int m = 64;
        int n = 64;
        SolverOptions oneIteration = SolverOptions.DEFAULT.withMaxIterations(1);
        Crossbar xb = Xbar.crossbar(m, n, Xbar.circuit(25, 25), conductances(m, n, 10), oneIteration);
        assertThrows(ConvergenceException.class, () -> xb.solve(voltages(m, 11)));
    }

    @Test
    void idealLayerHasZeroNfAndMatchesTheMappingLayer() {
        int k = 40;
        int nOut = 6;
        double[] w = TrainedLikeData.weights(k, nOut, 12);
        double[] x = TrainedLikeData.activations(3, k, 13);
        MappingOptions small = MappingOptions.DEFAULT.withTile(16, 16);
        MappedLayer ideal = Xbar.map(w, k, nOut, small, Xbar.circuit(0, 0));
        MvmResult r = ideal.mvm(x, 3);
        assertEquals(0.0, r.nonidealityFactor(), 1e-15);
        assertEquals(0.0, r.mvmRelativeError(), 1e-15);
        assertArrayEquals(r.yIdeal(), r.y(), 1e-12 * LineKernels.maxAbs(r.yIdeal()));
        // The quantized product is close to the float product x . W (8-bit weights and inputs).
        double[] exact = new double[3 * nOut];
        for (int b = 0; b < 3; b++) {
            for (int j = 0; j < nOut; j++) {
                for (int i = 0; i < k; i++) {
                    exact[b * nOut + j] += x[b * k + i] * w[i * nOut + j];
                }
            }
        }
        assertTrue(relativeError(r.yIdeal(), exact) < 0.03, "quantization error " + relativeError(r.yIdeal(), exact));

        MappedLayer real = Xbar.map(w, k, nOut, small.withPreset(Preset.MDM), Circuit.DEFAULT);
        MvmResult p = real.mvm(x, 3);
        assertTrue(p.nonidealityFactor() > 0, "parasitics lose current: " + p.nonidealityFactor());
        assertEquals(real.tiles(), p.tileNonidealityFactors().length);
        LayerMapping direct = LayerMapping.map(Quantizer.weights(w, k, nOut, 8, small.encoding(), false),
                small.withPreset(Preset.MDM), Drive.LEFT, Sense.BOTTOM);
        LayerResult d = TiledMvm.run(direct, Quantizer.inputs(x, 3, k, 8, false, false), Circuit.DEFAULT);
        assertEquals(d.nonidealityFactor(), p.nonidealityFactor(), 0.0);
        assertEquals(d.mvmRelativeError(), p.mvmRelativeError(), 0.0);
        assertArrayEquals(d.y(), p.y(), 0.0);
        assertEquals(k, real.inputs());
        assertEquals(nOut, real.outputs());
        assertEquals(Preset.MDM, real.options().preset());
        assertEquals(Preset.OPTIMIZED, Xbar.map(w, k, nOut, Preset.OPTIMIZED, Circuit.DEFAULT).options().preset());
        // Results are values: changing a returned array changes nothing.
        p.y()[0] = 1e9;
        assertEquals(d.y()[0], p.y()[0], 0.0);
    }

    @Test
    void everyBadArgumentIsNamedInTheKernelsWords() {
        double[] g = conductances(2, 3, 14);
        message("crossbar shape must be at least 1x1, got 0x3", () -> Xbar.crossbar(0, 3, Circuit.DEFAULT, g));
        message("crossbar shape must be at least 1x1, got 2x0", () -> Xbar.transfer(2, 0, Circuit.DEFAULT, g));
        message("circuit must be given", () -> Xbar.crossbar(2, 3, null, g));
        message("circuit must be given", () -> Xbar.transfer(2, 3, null, g));
        message("solver options must be given", () -> Xbar.crossbar(2, 3, Circuit.DEFAULT, g, null));
        message("conductances has 5 values, expected 2x3 = 6",
                () -> Xbar.crossbar(2, 3, Circuit.DEFAULT, new double[5]));
        message("conductances must be given", () -> Xbar.transfer(2, 3, Circuit.DEFAULT, null));
        message("conductances must be given", () -> Xbar.crossbar(2, 3, Circuit.DEFAULT, null));
        double[] bad = g.clone();
        bad[4] = -1e-6;
        message("conductances[1][1] = -1.0E-6 is not a finite conductance >= 0 S",
                () -> Xbar.crossbar(2, 3, Circuit.DEFAULT, bad));
        bad[4] = Double.NaN;
        message("conductances[1][1] = NaN is not a finite conductance >= 0 S", () -> Xbar.transfer(2, 3, Circuit.DEFAULT, bad));
        message("r_wl must be a finite resistance >= 0 ohm, got -1.0", () -> Xbar.circuit(-1, 0));
        message("r_bl must be a finite resistance >= 0 ohm, got NaN", () -> Xbar.circuit(0, Double.NaN));
        message("r_source must be a finite resistance", () -> Xbar.circuit(0, 0, -2, 0, 0, Drive.LEFT, Sense.BOTTOM));
        message("r_sense must be a finite resistance",
                () -> Xbar.circuit(0, 0, 0, Double.POSITIVE_INFINITY, 0, Drive.LEFT, Sense.BOTTOM));
        message("r_access must be a finite resistance", () -> Xbar.circuit(0, 0, 0, 0, -1, Drive.LEFT, Sense.BOTTOM));
        message("drive must be given", () -> Xbar.circuit(0, 0, 0, 0, 0, null, Sense.BOTTOM));
        message("sense must be given", () -> Xbar.circuit(0, 0, 0, 0, 0, Drive.BOTH, null));

        Crossbar xb = Xbar.crossbar(2, 3, Circuit.DEFAULT, g);
        message("input voltages has 3 values, expected 1x2 = 2", () -> xb.solve(new double[3]));
        message("input voltages must be given", () -> xb.solveWithNodeVoltages(null));
        message("input voltages[0][1] = Infinity is not finite", () -> xb.solve(new double[] {0, Double.POSITIVE_INFINITY}));
        message("input voltages: negative batch size -1", () -> xb.currents(new double[0], -1));
        message("input voltages has 3 values, expected 2x2 = 4", () -> xb.currents(new double[3], 2));
        message("input voltages[1][0] = NaN is not finite", () -> xb.currents(new double[] {0, 0, Double.NaN, 0}, 2));

        double[] w = TrainedLikeData.weights(4, 2, 15);
        message("weights shape must be at least 1x1, got 0x2", () -> Xbar.map(w, 0, 2, Preset.NAIVE, Circuit.DEFAULT));
        message("weights must be given", () -> Xbar.map(null, 4, 2, Preset.NAIVE, Circuit.DEFAULT));
        message("preset must be given", () -> Xbar.map(w, 4, 2, (Preset) null, Circuit.DEFAULT));
        message("mapping options must be given", () -> Xbar.map(w, 4, 2, (MappingOptions) null, Circuit.DEFAULT));
        message("circuit must be given", () -> Xbar.map(w, 4, 2, Preset.MDM, null));
        message("weights has 8 values, expected 4x3 = 12", () -> Xbar.map(w, 4, 3, Preset.MDM, Circuit.DEFAULT));
        double[] badW = w.clone();
        badW[3] = Double.NaN;
        message("weights[1][1] = NaN is not finite", () -> Xbar.map(badW, 4, 2, Preset.MDM, Circuit.DEFAULT));

        MappedLayer layer = Xbar.map(w, 4, 2, Preset.NAIVE, Circuit.DEFAULT);
        message("inputs shape must be at least 1x1, got 0x4", () -> layer.mvm(new double[0], 0));
        message("inputs has 4 values, expected 2x4 = 8", () -> layer.mvm(new double[4], 2));
        message("inputs must be given", () -> layer.mvm(null, 1));
        message("inputs[0][2] = NaN is not finite", () -> layer.mvm(new double[] {0, 1, Double.NaN, 0}, 1));
        message("inputs[0][1] = -1.0 is negative", () -> layer.mvm(new double[] {0, -1, 0, 0}, 1));
        message("y and yIdeal must have batch x outputs = 1x2 values, got 1 and 1",
                () -> new MvmResult(1, 2, new double[1], new double[1], 0, 0, new double[0]));
    }

    @Test
    void theCallersArraysAreReadNotChanged() {
        double[] g = conductances(4, 3, 16);
        double[] v = voltages(4, 17);
        double[] gBefore = g.clone();
        double[] vBefore = v.clone();
        Crossbar xb = Xbar.crossbar(4, 3, Circuit.DEFAULT, g);
        xb.solve(v);
        xb.solveWithNodeVoltages(v);
        xb.currents(v, 1);
        Xbar.transfer(4, 3, Circuit.DEFAULT, g);
        assertArrayEquals(gBefore, g, 0.0);
        assertArrayEquals(vBefore, v, 0.0);
        assertArrayEquals(gBefore, xb.conductances(), 0.0);
        double[] w = TrainedLikeData.weights(4, 2, 18);
        double[] x = TrainedLikeData.activations(2, 4, 19);
        double[] wBefore = w.clone();
        double[] xBefore = x.clone();
        MappedLayer layer = Xbar.map(w, 4, 2, Preset.MDM, Circuit.DEFAULT);
        MvmResult first = layer.mvm(x, 2);
        assertArrayEquals(wBefore, w, 0.0);
        java.util.Arrays.fill(w, 0);
        assertArrayEquals(first.y(), layer.mvm(x, 2).y(), 0.0, "the layer keeps no reference to the weights");
        assertArrayEquals(xBefore, x, 0.0);
    }

    private static void message(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "'" + expected + "' in: " + e.getMessage());
    }

    private static double relativeError(double[] y, double[] ref) {
        double d = 0;
        double n = 0;
        for (int k = 0; k < y.length; k++) {
            d += (y[k] - ref[k]) * (y[k] - ref[k]);
            n += ref[k] * ref[k];
        }
        return Math.sqrt(d / n);
    }
}
