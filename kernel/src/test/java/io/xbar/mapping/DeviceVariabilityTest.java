// DeviceVariabilityTest: stuck cells, programming noise and drift in the mapped tiles: definition, seeding, padding, NF against the nominal cells.
package io.xbar.mapping;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceVariabilityTest {
    private static final int K = 70;
    private static final int N = 9;
    private static final QuantizedWeights W = Quantizer.weights(TrainedLikeData.weights(K, N, 5), K, N, 8,
            Encoding.DIFFERENTIAL, false);
    private static final MappingOptions BASE = MappingOptions.DEFAULT.withTile(32, 40);

    private static LayerMapping map(MappingOptions o) {
        return LayerMapping.map(W, o, Drive.LEFT, Sense.BOTTOM);
    }

    /** Realized conductance per programmed cell, keyed by its logical identity (row, output, slice, half). */
    private static Map<Long, Double> byCell(LayerMapping m, boolean nominal) {
        MappingOptions o = m.options();
        Map<Long, Double> cells = new HashMap<>();
        for (Tile t : m.tiles()) {
            double[] g = nominal ? t.nominal() : t.conductances();
            for (int i = 0; i < t.rows(); i++) {
                for (int j = 0; j < t.cols(); j++) {
                    ColumnRole role = t.columns()[j];
                    if (t.rowMap()[i] < 0 || role == null) {
                        continue;
                    }
                    long key = DeviceVariability.cellKey(t.rowMap()[i], role.output(), role.slice(), role.sign() > 0 ? 0 : 1,
                            m.outputs(), o.slices(), o.encoding().halves());
                    assertTrue(cells.put(key, g[i * t.cols() + j]) == null, "one physical cell per logical cell");
                }
            }
        }
        return cells;
    }

    @Test
    void noVariabilityKeepsTheNominalTilesItself() {
        LayerMapping m = map(BASE);
        for (Tile t : m.tiles()) {
            assertSame(t.nominal(), t.conductances());
        }
        // Drift with a zero exponent, or a drift time of 1 s with any exponent, draws nothing either.
        for (DeviceVariability d : new DeviceVariability[] {new DeviceVariability(0, 0, 0, 1e6, 0, 0, 9),
                new DeviceVariability(0, 0, 0, 1, 0.1, 0.05, 9)}) {
            assertTrue(d.isNone());
            LayerMapping v = map(BASE.withVariability(d));
            for (int t = 0; t < m.tiles().size(); t++) {
                assertArrayEquals(m.tiles().get(t).conductances(), v.tiles().get(t).conductances());
            }
        }
    }

    @Test
    void drawsFollowTheLogicalCellNotItsPlaceTileOrThreads() {
        DeviceVariability d = new DeviceVariability(0.02, 0.03, 0.1, 3600, 0.06, 0.02, 77);
        Map<Long, Double> reference = byCell(map(BASE.withVariability(d)), false);
        Map<Long, Double> nominal = byCell(map(BASE), false);
        assertEquals(K * N * 14, reference.size());
        for (MappingOptions o : new MappingOptions[] {BASE.withPreset(Preset.MDM), BASE.withPreset(Preset.OPTIMIZED),
                BASE.withTile(64, 14), BASE.withTile(7, 140).withPreset(Preset.OPTIMIZED)}) {
            assertEquals(reference, byCell(map(o.withVariability(d)), false), o.tileRows() + "x" + o.tileCols());
        }
        // Another seed changes the draws; the same seed repeats them exactly.
        assertEquals(reference, byCell(map(BASE.withVariability(d)), false));
        assertNotEquals(reference, byCell(map(BASE.withVariability(d.withSeed(78))), false));
        // Every programmed cell follows its definition from the nominal level.
        for (var e : reference.entrySet()) {
            assertEquals(d.realize(nominal.get(e.getKey()), BASE.gOn(), BASE.gOff(), e.getKey()), e.getValue());
        }
        // The nominal conductances of a varied mapping are the mapping without variability.
        assertEquals(nominal, byCell(map(BASE.withVariability(d)), true));
    }

    @Test
    void paddingCellsStayExactlyGOff() {
        DeviceVariability d = new DeviceVariability(0.3, 0.3, 0.5, 1e5, 0.1, 0.1, 3);
        LayerMapping m = map(BASE.withVariability(d));   // 70 rows in 32-row tiles, 9 outputs of 14 columns in 40
        int padding = 0;
        for (Tile t : m.tiles()) {
            for (int i = 0; i < t.rows(); i++) {
                for (int j = 0; j < t.cols(); j++) {
                    if (t.rowMap()[i] < 0 || t.columns()[j] == null) {
                        assertEquals(BASE.gOff(), t.conductances()[i * t.cols() + j]);
                        padding++;
                    }
                }
            }
        }
        assertTrue(padding > 1000, "padding cells seen: " + padding);
    }

    @Test
    void stuckCellsSkipNoiseAndDrift() {
        DeviceVariability d = new DeviceVariability(0.2, 0.3, 0.5, 1e6, 0.2, 0.1, 11);
        double gOn = 1e-4;
        double gOff = 1e-6;
        double nominal = 5.05e-5;
        int on = 0;
        int off = 0;
        for (long cell = 0; cell < 20000; cell++) {
            double[] u = d.draws(cell);
            double g = d.realize(nominal, gOn, gOff, cell);
            if (u[0] < 0.2) {
                assertEquals(gOn, g);
                on++;
            } else if (u[0] < 0.5) {
                assertEquals(gOff, g);
                off++;
            } else {
                double nu = 0.2 + 0.1 * u[2];
                assertEquals(Math.max(0, nominal * (1 + 0.5 * u[1])) * Math.pow(1e6, -nu), g, 1e-18);
            }
        }
        // Binomial: 20000 * 0.2 = 4000 +- 57, 20000 * 0.3 = 6000 +- 65; five sigma.
        assertTrue(Math.abs(on - 4000) < 5 * 57, "stuck on " + on);
        assertTrue(Math.abs(off - 6000) < 5 * 65, "stuck off " + off);
    }

    @Test
    void allStuckOnGivesGOnEverywhereItIsProgrammed() {
        LayerMapping m = map(BASE.withVariability(new DeviceVariability(1, 0, 0.3, 100, 0.1, 0, 1)));
        for (double g : byCell(m, false).values()) {
            assertEquals(BASE.gOn(), g);
        }
    }

    @Test
    void withoutParasiticsTheNfIsTheDriftLossExactly() {
        // Uniform drift (no exponent spread) scales every programmed cell by T^-nu: with ideal wires
        // each NF term is 1 - T^-nu, because I_ideal is taken from the nominal cells.
        double t = 86400;
        double nu = 0.05;
        MappingOptions o = BASE.withVariability(new DeviceVariability(0, 0, 0, t, nu, 0, 4));
        Circuit ideal = new Circuit(0, 0, 0, 0, 0, Drive.LEFT, Sense.BOTTOM);
        QuantizedInputs x = Quantizer.inputs(TrainedLikeData.activations(3, K, 6), 3, K, 8, false, false);
        LayerResult r = TiledMvm.run(map(o), x, ideal);
        assertEquals(1 - Math.pow(t, -nu), r.nonidealityFactor(), 1e-12);
        LayerResult nominal = TiledMvm.run(map(BASE), x, ideal);
        assertEquals(0, nominal.nonidealityFactor(), 1e-13);
        assertTrue(r.mvmRelativeError() > 0.1, "drift shows in the MVM error: " + r.mvmRelativeError());
        // The outputs-only path reads the same varied tiles.
        double[] y = TiledMvm.outputs(map(o), x, ideal);
        for (int k = 0; k < y.length; k++) {
            assertEquals(r.y()[k], y[k], 1e-9 * Math.abs(r.y()[k]) + 1e-9);
        }
    }

    @Test
    void nonlinearCellsAlsoMeasureTheDriftAgainstTheNominalCells() {
        // The solved (sinh) read-out takes I_ideal from the nominal cells as the linear one does. With
        // ideal wires and v0 far above the read voltage (sinh(x)/x - 1 < 1e-8) each NF term is 1 - T^-nu.
        double t = 86400;
        double nu = 0.05;
        MappingOptions o = BASE.withVariability(new DeviceVariability(0, 0, 0, t, nu, 0, 4));
        Circuit ideal = new Circuit(0, 0, 0, 0, 0, Drive.LEFT, Sense.BOTTOM);
        QuantizedInputs x = Quantizer.inputs(TrainedLikeData.activations(2, K, 6), 2, K, 8, false, false);
        LayerResult r = TiledMvm.run(map(o), x, ideal, io.xbar.kernel.CellModel.sinh(1000), null);
        assertEquals(1 - Math.pow(t, -nu), r.nonidealityFactor(), 1e-7);
    }

    @Test
    void forLayerGivesEachLayerItsOwnDraws() {
        DeviceVariability d = new DeviceVariability(0.1, 0, 0, 1, 0, 0, 5);
        assertSame(d, d.forLayer(0));
        assertNotEquals(d.seed(), d.forLayer(1).seed());
        assertNotEquals(d.forLayer(1).seed(), d.forLayer(2).seed());
        assertEquals(d.forLayer(3), d.forLayer(3));
        assertThrows(IllegalArgumentException.class, () -> d.forLayer(-1));
    }

    @Test
    void badOptionsAreRefusedNamingTheOption() {
        Object[][] bad = {
                {"stuck-on", new double[] {Double.NaN, 0, 0, 1, 0, 0}},
                {"stuck-on", new double[] {-0.1, 0, 0, 1, 0, 0}},
                {"stuck-off", new double[] {0, 1.5, 0, 1, 0, 0}},
                {"sum to at most 1", new double[] {0.6, 0.5, 0, 1, 0, 0}},
                {"program-noise", new double[] {0, 0, -0.01, 1, 0, 0}},
                {"program-noise", new double[] {0, 0, Double.POSITIVE_INFINITY, 1, 0, 0}},
                {"drift-time", new double[] {0, 0, 0, 0.5, 0, 0}},
                {"drift-time", new double[] {0, 0, 0, Double.NaN, 0, 0}},
                {"drift-nu", new double[] {0, 0, 0, 10, -0.05, 0}},
                {"drift-nu-sigma", new double[] {0, 0, 0, 10, 0.05, -1}},
        };
        for (Object[] b : bad) {
            double[] v = (double[]) b[1];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new DeviceVariability(v[0], v[1], v[2], v[3], v[4], v[5], 0));
            assertTrue(e.getMessage().contains((String) b[0]), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> BASE.withVariability(null));
        assertFalse(new DeviceVariability(1, 0, 0, 1, 0, 0, 0).isNone());
    }
}
