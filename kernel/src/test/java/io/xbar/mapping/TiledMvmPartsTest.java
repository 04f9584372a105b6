// TiledMvmPartsTest: a layer run in pieces (runTiles) and put together (combine) equals the whole run bit for bit when pieces hold whole column blocks.
package io.xbar.mapping;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.xbar.kernel.CellModel;
import io.xbar.kernel.Circuit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TiledMvmPartsTest {

    /** The tiles of column blocks {@code from .. to-1}, all row blocks. */
    private static int[] columnBlocks(LayerMapping m, int from, int to) {
        List<Integer> tiles = new ArrayList<>();
        for (int rb = 0; rb < m.rowBlocks(); rb++) {
            for (int cb = from; cb < to; cb++) {
                tiles.add(rb * m.colBlocks() + cb);
            }
        }
        return tiles.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void columnBlockPartsCombineToTheWholeRunBitForBit() {
        int k = 150;
        int n = 11;
        for (Encoding encoding : Encoding.values()) {
            for (boolean signed : new boolean[] {false, true}) {
                MappingOptions o = MappingOptions.DEFAULT.withTile(32, 32).withPreset(Preset.OPTIMIZED)
                        .withSignedInputs(signed).withEncoding(encoding);
                QuantizedWeights w = Quantizer.weights(TrainedLikeData.weights(k, n, 5), k, n, 8, encoding, false);
                double[] xs = TrainedLikeData.activations(6, k, 7);
                if (signed) {
                    for (int i = 0; i < xs.length; i += 3) {
                        xs[i] = -xs[i];
                    }
                }
                QuantizedInputs x = Quantizer.inputs(xs, 6, k, 8, false, signed);
                Circuit circuit = Circuit.DEFAULT;
                LayerMapping m = LayerMapping.map(w, o, circuit.drive(), circuit.senseAt());
                LayerResult whole = TiledMvm.run(m, x, circuit);
                // Uneven pieces, run with separate transfer functions, combined in a shuffled order.
                List<PartialSums> parts = new ArrayList<>();
                int cb = m.colBlocks();
                parts.add(TiledMvm.runTiles(m, x, circuit, TransferFunction.exact(1), columnBlocks(m, 2, cb)));
                parts.add(TiledMvm.runTiles(m, x, circuit, TransferFunction.exact(), columnBlocks(m, 0, 1)));
                parts.add(TiledMvm.runTiles(m, x, circuit, TransferFunction.exact(2), columnBlocks(m, 1, 2)));
                LayerResult combined = TiledMvm.combine(w, o, x, parts);
                String label = encoding + (signed ? " signed" : "");
                assertEquals(whole.nonidealityFactor(), combined.nonidealityFactor(), 0.0, label);
                assertEquals(whole.mvmRelativeError(), combined.mvmRelativeError(), 0.0, label);
                assertArrayEquals(whole.y(), combined.y(), 0.0, label);
                assertArrayEquals(whole.yIdeal(), combined.yIdeal(), 0.0, label);
                assertArrayEquals(whole.tileNfSum(), combined.tileNfSum(), 0.0, label);
                assertArrayEquals(whole.tileNfTerms(), combined.tileNfTerms(), label);
                assertArrayEquals(whole.columnNfTerms(), combined.columnNfTerms(), label);
                assertArrayEquals(whole.columnNfSum(), combined.columnNfSum(), 1e-12 * whole.nfTerms(), label);
            }
        }
    }

    @Test
    void nonlinearCellPartsCombineToTheWholeSolvedRunBitForBit() {
        int k = 40;
        int n = 6;
        MappingOptions o = MappingOptions.DEFAULT.withTile(16, 16).withPreset(Preset.OPTIMIZED);
        QuantizedWeights w = Quantizer.weights(TrainedLikeData.weights(k, n, 5), k, n, 8, Encoding.DIFFERENTIAL, false);
        QuantizedInputs x = Quantizer.inputs(TrainedLikeData.activations(2, k, 7), 2, k, 8, false, false);
        Circuit circuit = Circuit.DEFAULT;
        CellModel sinh = CellModel.sinh(0.2);
        LayerMapping m = LayerMapping.map(w, o, circuit.drive(), circuit.senseAt());
        LayerResult whole = TiledMvm.run(m, x, circuit, sinh, null);
        int cb = m.colBlocks();
        List<PartialSums> parts = new ArrayList<>();
        parts.add(TiledMvm.runTiles(m, x, circuit, TransferFunction.exact(1), sinh, columnBlocks(m, 2, cb)));
        parts.add(TiledMvm.runTiles(m, x, circuit, TransferFunction.exact(1), sinh, columnBlocks(m, 0, 2)));
        LayerResult combined = TiledMvm.combine(w, o, x, parts);
        assertEquals(whole.nonidealityFactor(), combined.nonidealityFactor(), 0.0);
        assertEquals(whole.mvmRelativeError(), combined.mvmRelativeError(), 0.0);
        assertArrayEquals(whole.y(), combined.y(), 0.0);
        assertArrayEquals(whole.tileNfSum(), combined.tileNfSum(), 0.0);
        assertArrayEquals(whole.tileNfTerms(), combined.tileNfTerms());
        // The solved path, not the transfer matrices: the linear pieces give another NF.
        LayerResult linear = TiledMvm.combine(w, o, x, List.of(TiledMvm.runTiles(m, x, circuit, TransferFunction.exact(1),
                CellModel.LINEAR, columnBlocks(m, 0, cb))));
        assertEquals(TiledMvm.run(m, x, circuit).nonidealityFactor(), linear.nonidealityFactor(), 0.0);
        assertNotEquals(linear.nonidealityFactor(), combined.nonidealityFactor());
    }

    @Test
    void partsMustCoverEveryTileOnce() {
        QuantizedWeights w = Quantizer.weights(TrainedLikeData.weights(40, 3, 5), 40, 3, 8, Encoding.DIFFERENTIAL, false);
        QuantizedInputs x = Quantizer.inputs(TrainedLikeData.activations(2, 40, 7), 2, 40, 8, false, false);
        MappingOptions o = MappingOptions.DEFAULT.withTile(16, 16);
        LayerMapping m = LayerMapping.map(w, o, Circuit.DEFAULT.drive(), Circuit.DEFAULT.senseAt());
        PartialSums first = TiledMvm.runTiles(m, x, Circuit.DEFAULT, TransferFunction.exact(), new int[] {0, 1});
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> TiledMvm.combine(w, o, x, List.of(first)));
        assertEquals("combine: tile 2 is in no part", missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TiledMvm.combine(w, o, x, List.of(first, first)));
        assertThrows(IllegalArgumentException.class,
                () -> TiledMvm.runTiles(m, x, Circuit.DEFAULT, TransferFunction.exact(), new int[] {0, 0}));
        assertThrows(IllegalArgumentException.class,
                () -> TiledMvm.runTiles(m, x, Circuit.DEFAULT, TransferFunction.exact(), new int[] {m.tiles().size()}));
    }
}
