// Planner: cuts a study (layers x grid points) into tasks of whole column blocks, none tiny.
package io.xbar.network;

import io.xbar.mapping.MappingOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * A layer at one grid point has {@code rowBlocks x columnBlocks} tiles; a task takes a run of
 * consecutive column blocks with all their row blocks (so its outputs' sums are whole, see
 * {@link StudyTask}). The work of a tile is estimated as {@code rows * cols * min(rows, cols)}
 * (transfer matrices cost about {@code n^3}); a task gets enough column blocks for at least
 * {@code minWork} of it, and the column blocks are spread evenly over the layer's tasks. The unit of
 * {@code minWork} is one 256x256 tile.
 */
final class Planner {
    static final double TILE_256 = 256.0 * 256.0 * 256.0;

    private Planner() {
    }

    /**
     * @param options per grid point, its mapping options
     * @param minWork the least work of a task, in 256x256 tiles ({@code 0}: one column block per task)
     */
    static List<StudyTask> plan(List<StudyLayer> layers, List<GridPoint> points, List<MappingOptions> options,
                                double minWork) {
        List<StudyTask> tasks = new ArrayList<>();
        for (GridPoint p : points) {
            MappingOptions o = options.get(p.index());
            for (int l = 0; l < layers.size(); l++) {
                StudyLayer layer = layers.get(l);
                int rowBlocks = (layer.inputs() + o.tileRows() - 1) / o.tileRows();
                int perTile = o.outputsPerTile();
                int columnBlocks = (layer.outputs() + perTile - 1) / perTile;
                double tileWork = (double) o.tileRows() * o.tileCols() * Math.min(o.tileRows(), o.tileCols());
                double blockWork = rowBlocks * tileWork;
                int perTask = (int) Math.max(1, Math.min(columnBlocks, Math.ceil(minWork * TILE_256 / blockWork)));
                int count = (columnBlocks + perTask - 1) / perTask;
                for (int k = 0; k < count; k++) {
                    int from = (int) ((long) columnBlocks * k / count);
                    int to = (int) ((long) columnBlocks * (k + 1) / count);
                    tasks.add(new StudyTask(tasks.size(), l, p, rowBlocks, columnBlocks, from, to, (to - from) * blockWork));
                }
            }
        }
        return tasks;
    }
}
