// LayerMappingTest: where each layout, orientation, row order and drive/sense side puts columns and rows (the exactness test cannot see placement).
package io.xbar.mapping;

import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerMappingTest {
    static QuantizedWeights weights(int k, int n, long seed) {
        return Quantizer.weights(TrainedLikeData.weights(k, n, seed), k, n, 8, Encoding.DIFFERENTIAL, false);
    }

    @Test
    void naiveInterleavedMsbNearTheLeftDriver() {
        LayerMapping m = LayerMapping.map(weights(20, 5, 1), MappingOptions.DEFAULT.withTile(16, 32), Drive.LEFT, Sense.BOTTOM);
        assertEquals(2, m.rowBlocks());
        assertEquals(3, m.colBlocks());
        Tile t = m.tile(1, 2);
        assertEquals(new ColumnRole(4, 6, 1), t.columns()[0]);
        assertEquals(new ColumnRole(4, 0, 1), t.columns()[6]);
        assertEquals(new ColumnRole(4, 6, -1), t.columns()[7]);
        assertEquals(new ColumnRole(4, 0, -1), t.columns()[13]);
        for (int j = 14; j < 32; j++) {
            assertNull(t.columns()[j]);
        }
        // Natural rows: logical order from the top, the last block half padding.
        for (int i = 0; i < 16; i++) {
            assertEquals(i < 4 ? 16 + i : -1, t.rowMap()[i]);
        }
        assertEquals(4, t.usedRows());
        for (int i = 4; i < 16; i++) {
            for (int j = 0; j < 32; j++) {
                assertEquals(1e-6, t.conductances()[i * 32 + j], 0, "padding rows hold g_off");
            }
        }
    }

    @Test
    void lsbNearARightDriverMirrorsTheColumns() {
        MappingOptions o = MappingOptions.DEFAULT.withTile(16, 32).withOrientation(Orientation.LSB_NEAR_DRIVER);
        Tile t = LayerMapping.map(weights(16, 2, 1), o, Drive.RIGHT, Sense.BOTTOM).tile(0, 0);
        assertEquals(new ColumnRole(0, 0, 1), t.columns()[31]);
        assertEquals(new ColumnRole(0, 6, 1), t.columns()[25]);
        assertEquals(new ColumnRole(1, 0, 1), t.columns()[17]);
        assertNull(t.columns()[0]);
    }

    @Test
    void sliceMajorGroupsOneSignificance() {
        MappingOptions o = MappingOptions.DEFAULT.withTile(16, 32).withLayout(Layout.SLICE_MAJOR);
        Tile t = LayerMapping.map(weights(16, 2, 1), o, Drive.LEFT, Sense.BOTTOM).tile(0, 0);
        assertEquals(new ColumnRole(0, 6, 1), t.columns()[0]);
        assertEquals(new ColumnRole(0, 6, -1), t.columns()[1]);
        assertEquals(new ColumnRole(1, 6, 1), t.columns()[2]);
        assertEquals(new ColumnRole(1, 6, -1), t.columns()[3]);
        assertEquals(new ColumnRole(0, 5, 1), t.columns()[4]);
        assertEquals(new ColumnRole(1, 0, -1), t.columns()[27]);
    }

    static double columnSum(Tile t, int j) {
        double s = 0;
        for (int i = 0; i < t.rows(); i++) {
            s += t.conductances()[i * t.cols() + j];
        }
        return s;
    }

    static double rowSum(Tile t, int i) {
        double s = 0;
        for (int j = 0; j < t.cols(); j++) {
            if (t.columns()[j] != null) {
                s += t.conductances()[i * t.cols() + j];
            }
        }
        return s;
    }

    @Test
    void densityPutsTheHeaviestColumnsNearestTheDriver() {
        MappingOptions o = MappingOptions.DEFAULT.withTile(64, 64).withPreset(Preset.OPTIMIZED);
        Tile t = LayerMapping.map(weights(64, 4, 3), o, Drive.LEFT, Sense.BOTTOM).tile(0, 0);
        for (int j = 0; j + 1 < 56; j++) {
            // Level sums decide; equal sums may differ in the last bit of the summed conductances.
            assertTrue(columnSum(t, j) >= columnSum(t, j + 1) - 1e-15, "column " + j);
        }
        assertTrue(columnSum(t, 0) > columnSum(t, 55));
    }

    @Test
    void mdmRowsDescendTowardsTheSenseAmplifier() {
        SplittableRandom r = new SplittableRandom(5);
        for (Sense sense : new Sense[] {Sense.BOTTOM, Sense.TOP}) {
            MappingOptions o = MappingOptions.DEFAULT.withTile(32, 28).withPreset(Preset.MDM);
            Tile t = LayerMapping.map(weights(20, 2, r.nextLong()), o, Drive.LEFT, sense).tile(0, 0);
            // Ranks from the sense end: scores never increase; the 12 padding rows are farthest.
            double previous = Double.POSITIVE_INFINITY;
            for (int rank = 0; rank < 32; rank++) {
                int i = sense == Sense.BOTTOM ? 31 - rank : rank;
                if (rank < 20) {
                    assertTrue(t.rowMap()[i] >= 0, "rank " + rank);
                    double s = rowSum(t, i);
                    assertTrue(s <= previous + 1e-18, sense + " rank " + rank);
                    previous = s;
                } else {
                    assertEquals(-1, t.rowMap()[i]);
                }
            }
        }
    }

    @Test
    void bothSensesFillBothEndsFirst() {
        MappingOptions o = MappingOptions.DEFAULT.withTile(16, 14).withPreset(Preset.MDM);
        Tile t = LayerMapping.map(weights(10, 1, 2), o, Drive.LEFT, Sense.BOTH).tile(0, 0);
        assertTrue(t.rowMap()[15] >= 0 && t.rowMap()[0] >= 0, "both ends used");
        // Rank 0 at the first row, rank 1 at the last, rank 2 at the second, ...
        assertTrue(rowSum(t, 0) >= rowSum(t, 15) - 1e-15);
        assertTrue(rowSum(t, 15) >= rowSum(t, 1) - 1e-15);
        assertTrue(rowSum(t, 1) >= rowSum(t, 14) - 1e-15);
        assertTrue(rowSum(t, 0) > rowSum(t, 11));
        for (int i = 5; i <= 10; i++) {
            assertEquals(-1, t.rowMap()[i], "padding in the middle");
        }
    }
}
