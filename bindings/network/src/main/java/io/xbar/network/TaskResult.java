// TaskResult: what one task sends back: the level sums of its outputs and the NF sums of its tiles (compact PartialSums).
package io.xbar.network;

import io.xbar.mapping.PartialSums;

import java.io.Serializable;

/**
 * A task's {@link PartialSums}, cut to what it computed: level sums of outputs
 * {@code firstOutput .. firstOutput + outputs - 1} only (every other output's sum is exactly zero in
 * the task) and NF sums of its own tiles. {@link #expand} restores the layer-sized form.
 *
 * @param task          the task's index
 * @param layer         index into the study's layers
 * @param point         the grid point's index
 * @param tiles         the tiles it ran
 * @param firstOutput   its first output
 * @param outputs       how many outputs its column blocks feed
 * @param levelSums     row-major {@code batch x outputs}
 * @param tileNfSum     per tile of {@code tiles}, its NF sum
 * @param tileNfTerms   per tile of {@code tiles}, its NF term count
 * @param columnNfSum   per physical column position, this task's NF sum
 * @param columnNfTerms per physical column position, this task's NF term count
 * @param seconds       the time the task took on its executor (mapping, transfer matrices, read-out)
 */
record TaskResult(int task, int layer, int point, int[] tiles, int firstOutput, int outputs, double[] levelSums,
                  double[] tileNfSum, long[] tileNfTerms, double[] columnNfSum, long[] columnNfTerms, double seconds)
        implements Serializable {

    /** Cuts a task's layer-sized sums; refuses sums outside its outputs (they would not combine exactly). */
    static TaskResult of(StudyTask task, PartialSums p, int batch, int totalOutputs, int firstOutput, int outputs,
                         double seconds) {
        double[] levels = new double[batch * outputs];
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < totalOutputs; o++) {
                double v = p.levelSums()[b * totalOutputs + o];
                if (o >= firstOutput && o < firstOutput + outputs) {
                    levels[b * outputs + o - firstOutput] = v;
                } else if (v != 0 || Double.doubleToRawLongBits(v) != 0) {
                    throw new IllegalStateException("task " + task.index() + " summed into output " + o
                            + " outside its outputs " + firstOutput + ".." + (firstOutput + outputs - 1));
                }
            }
        }
        int[] tiles = p.tiles();
        double[] nf = new double[tiles.length];
        long[] terms = new long[tiles.length];
        for (int k = 0; k < tiles.length; k++) {
            nf[k] = p.tileNfSum()[tiles[k]];
            terms[k] = p.tileNfTerms()[tiles[k]];
        }
        return new TaskResult(task.index(), task.layer(), task.point().index(), tiles, firstOutput, outputs, levels, nf,
                terms, p.columnNfSum(), p.columnNfTerms(), seconds);
    }

    /** The layer-sized {@link PartialSums} of this task, zeros outside its tiles and outputs. */
    PartialSums expand(int batch, int totalOutputs, int totalTiles) {
        double[] levels = new double[batch * totalOutputs];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(levelSums, b * outputs, levels, b * totalOutputs + firstOutput, outputs);
        }
        double[] nf = new double[totalTiles];
        long[] terms = new long[totalTiles];
        for (int k = 0; k < tiles.length; k++) {
            nf[tiles[k]] = tileNfSum[k];
            terms[tiles[k]] = tileNfTerms[k];
        }
        return new PartialSums(tiles, levels, nf, terms, columnNfSum, columnNfTerms);
    }
}
