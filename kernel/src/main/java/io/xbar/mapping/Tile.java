// Tile: one physical crossbar of a mapped layer: its conductances and which logical row/column each physical line holds.
package io.xbar.mapping;

/**
 * A {@code rows x cols} crossbar. Padding rows ({@code rowMap[i] == -1}) are driven at 0 V;
 * padding columns ({@code columns[j] == null}) hold {@code g_off} cells and are not read.
 *
 * @param rowBlock     which block of {@code tile_rows} logical inputs
 * @param colBlock     which block of outputs
 * @param rowMap       logical input row per physical row, {@code -1} for padding
 * @param columns      role per physical column, {@code null} for padding
 * @param conductances row-major {@code rows x cols}, siemens: what the cells hold (after stuck cells,
 *                     programming noise and drift, {@link DeviceVariability}); the circuit is solved with these
 * @param nominal      row-major {@code rows x cols}, siemens: what the mapping programmed (the level's
 *                     conductance), the same array as {@code conductances} without variability; the ideal
 *                     currents {@code I_ideal} of the NF are computed from these
 */
public record Tile(int rowBlock, int colBlock, int rows, int cols, int[] rowMap, ColumnRole[] columns,
                   double[] conductances, double[] nominal) {
    public Tile {
        if (rowMap.length != rows || columns.length != cols || conductances.length != rows * cols
                || nominal.length != rows * cols) {
            throw new IllegalArgumentException("tile " + rowBlock + "," + colBlock + ": inconsistent shape " + rows + "x" + cols);
        }
    }

    /** A tile whose cells hold exactly the nominal conductances. */
    public Tile(int rowBlock, int colBlock, int rows, int cols, int[] rowMap, ColumnRole[] columns, double[] conductances) {
        this(rowBlock, colBlock, rows, cols, rowMap, columns, conductances, conductances);
    }

    /** Physical rows that carry a logical input. */
    public int usedRows() {
        int n = 0;
        for (int r : rowMap) {
            if (r >= 0) {
                n++;
            }
        }
        return n;
    }

    /** {@code tile_<r>_<c>.npy}. */
    public String fileName() {
        return "tile_" + rowBlock + "_" + colBlock + ".npy";
    }
}
