// StudyTask: one unit of work of a network study: a layer, a block of its column blocks (all row blocks), a grid point.
package io.xbar.network;

import java.io.Serializable;

/**
 * Runs on one executor. The tiles are whole column blocks ({@code firstColumnBlock ..
 * lastColumnBlock - 1}, every row block), so each output's level sum is accumulated by one task in
 * the order {@code xbar nf} accumulates it: the combined layer is {@code nf}'s bit for bit.
 *
 * @param index            position in the study's task list
 * @param layer            index into the study's layers
 * @param point            the grid point
 * @param rowBlocks        row blocks of the layer at this point
 * @param columnBlocks     column blocks of the layer at this point
 * @param firstColumnBlock first column block of this task
 * @param lastColumnBlock  one past the last
 * @param work             estimated work (cells x tile size, summed over its tiles)
 */
record StudyTask(int index, int layer, GridPoint point, int rowBlocks, int columnBlocks, int firstColumnBlock,
                 int lastColumnBlock, double work) implements Serializable {

    /** The tiles of this task in {@code LayerMapping.tiles()} numbering, ascending. */
    int[] tiles() {
        int width = lastColumnBlock - firstColumnBlock;
        int[] tiles = new int[rowBlocks * width];
        int k = 0;
        for (int rb = 0; rb < rowBlocks; rb++) {
            for (int cb = firstColumnBlock; cb < lastColumnBlock; cb++) {
                tiles[k++] = rb * columnBlocks + cb;
            }
        }
        return tiles;
    }
}
