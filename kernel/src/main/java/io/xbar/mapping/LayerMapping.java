// LayerMapping: a quantized weight matrix cut into bit-sliced crossbar tiles (MODEL.md section 2).
package io.xbar.mapping;

import io.xbar.kernel.Drive;
import io.xbar.kernel.Parallel;
import io.xbar.kernel.Sense;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The physical form of one layer: {@code ceil(K / tile_rows) x ceil(N_out / outputs_per_tile)}
 * tiles, tile {@code (r, c)} holding logical rows {@code r*tile_rows ..} and outputs
 * {@code c*outputs_per_tile ..}, so an output's columns never straddle two tiles. Which end is
 * "near the driver" and "near the sense amplifier" follows the circuit's {@link Drive} and
 * {@link Sense}; with {@code both}, positions alternate between the two ends so the nearest
 * places are filled first at each end.
 *
 * <p>Immutable once built.
 */
public final class LayerMapping {
    private final QuantizedWeights weights;
    private final MappingOptions options;
    private final Drive drive;
    private final Sense sense;
    private final int rowBlocks;
    private final int colBlocks;
    private final List<Tile> tiles;
    private final boolean calibrated;

    private LayerMapping(QuantizedWeights weights, MappingOptions options, Drive drive, Sense sense,
                         int rowBlocks, int colBlocks, List<Tile> tiles, boolean calibrated) {
        this.calibrated = calibrated;
        this.weights = weights;
        this.options = options;
        this.drive = drive;
        this.sense = sense;
        this.rowBlocks = rowBlocks;
        this.colBlocks = colBlocks;
        this.tiles = Collections.unmodifiableList(tiles);
    }

    /** Maps {@code weights} with {@code options} for crossbars driven at {@code drive} and sensed at {@code sense}. */
    public static LayerMapping map(QuantizedWeights weights, MappingOptions options, Drive drive, Sense sense) {
        return map(weights, options, drive, sense, null);
    }

    /**
     * As {@link #map(QuantizedWeights, MappingOptions, Drive, Sense)}, with the expected activity of
     * each logical input row (its mean applied voltage over {@code v_read}, from calibration inputs;
     * see {@link #activity}) for the activity-aware parts of the {@code density} layout and the
     * {@code refined} row order. {@code null} means every row equally active.
     */
    public static LayerMapping map(QuantizedWeights weights, MappingOptions options, Drive drive, Sense sense,
                                   double[] rowActivity) {
        if (weights == null || options == null || drive == null || sense == null) {
            throw new IllegalArgumentException("map: weights, options, drive and sense must be given");
        }
        if (rowActivity != null) {
            if (rowActivity.length != weights.inputs()) {
                throw new IllegalArgumentException("row activity has " + rowActivity.length + " values, the weights have "
                        + weights.inputs() + " rows");
            }
            for (int k = 0; k < rowActivity.length; k++) {
                if (!(rowActivity[k] >= 0) || !Double.isFinite(rowActivity[k])) {
                    throw new IllegalArgumentException("row activity[" + k + "] = " + rowActivity[k] + " is not finite and >= 0");
                }
            }
        }
        long lo = options.encoding().minWeight(options.weightBits());
        long hi = options.encoding().maxWeight(options.weightBits());
        int[] q = weights.q();
        for (int k = 0; k < q.length; k++) {
            if (q[k] < lo || q[k] > hi) {
                throw new IllegalArgumentException("weights[" + (k / weights.outputs()) + "][" + (k % weights.outputs())
                        + "] = " + q[k] + " does not fit " + options.weightBits() + "-bit " + options.encoding().label()
                        + " weights [" + lo + ", " + hi + "]");
            }
        }
        int rowBlocks = (weights.inputs() + options.tileRows() - 1) / options.tileRows();
        int perTile = options.outputsPerTile();
        int colBlocks = (weights.outputs() + perTile - 1) / perTile;
        // Tiles are independent: build them in parallel (the refined row order is the costly part).
        Tile[] built = new Tile[rowBlocks * colBlocks];
        long work = (long) built.length * options.tileRows() * options.tileCols();
        Parallel.range(built.length, 1, work, (from, to) -> {
            for (int t = from; t < to; t++) {
                built[t] = buildTile(weights, options, drive, sense, t / colBlocks, t % colBlocks, rowActivity);
            }
        });
        List<Tile> tiles = new ArrayList<>(Arrays.asList(built));
        return new LayerMapping(weights, options, drive, sense, rowBlocks, colBlocks, tiles, rowActivity != null);
    }

    /**
     * Builds tile {@code (rb, cb)}: the roles of its logical columns, their cell levels, the
     * physical column of each role and physical row of each input, then the conductances.
     */
    private static Tile buildTile(QuantizedWeights w, MappingOptions o, Drive drive, Sense sense, int rb, int cb,
                                  double[] rowActivity) {
        Block block = Block.of(w, o, rb, cb);                                // logical rows and outputs it holds
        ColumnRole[] roles = roles(o, block);                                 // canonical interleaved roles
        double[] activity = activity(block, rowActivity);                     // expected activity per row
        int[] level = levels(w, o, block, roles);                             // level per (row, role)
        Integer[] columnOrder = columnOrder(o, block, roles.length, level, activity); // roles, nearest the driver first
        int[] physicalColumn = placeColumns(columnOrder, o.tileCols(), drive);
        int[] physicalRow = placeRows(o, block, roles.length, level, activity, sense);
        int[] rowMap = new int[o.tileRows()];
        Arrays.fill(rowMap, -1);
        for (int r = 0; r < block.used(); r++) {
            rowMap[physicalRow[r]] = block.row0() + r;
        }
        ColumnRole[] columns = new ColumnRole[o.tileCols()];
        for (int j = 0; j < roles.length; j++) {
            columns[physicalColumn[j]] = roles[j];
        }
        double[] g = conductances(o, block, roles.length, level, physicalRow, physicalColumn);
        double[] held = program(o, w.outputs(), block, roles, physicalRow, physicalColumn, g);  // stuck, noise, drift
        return new Tile(rb, cb, o.tileRows(), o.tileCols(), rowMap, columns, held, g);
    }

    /**
     * The conductances the cells take: {@code nominal} itself without variability, else a copy in
     * which every programmed cell (one that holds a weight slice: a used row and a read column)
     * went through {@link DeviceVariability#realize}, keyed by its logical identity. Padding cells
     * stay exactly {@code g_off}.
     */
    private static double[] program(MappingOptions o, int outputs, Block block, ColumnRole[] roles, int[] physicalRow,
                                    int[] physicalColumn, double[] nominal) {
        DeviceVariability device = o.variability();
        if (device.isNone()) {
            return nominal;
        }
        double[] held = nominal.clone();
        int tileCols = o.tileCols();
        int slices = o.slices();
        int halves = o.encoding().halves();
        for (int r = 0; r < block.used(); r++) {
            int base = physicalRow[r] * tileCols;
            for (int j = 0; j < roles.length; j++) {
                ColumnRole role = roles[j];
                long key = DeviceVariability.cellKey(block.row0() + r, role.output(), role.slice(), role.sign() > 0 ? 0 : 1,
                        outputs, slices, halves);
                int k = base + physicalColumn[j];
                held[k] = device.realize(nominal[k], o.gOn(), o.gOff(), key);
            }
        }
        return held;
    }

    /** The logical rows {@code row0 .. row0+used-1} and outputs {@code out0 .. out0+outs-1} of one tile. */
    private record Block(int row0, int used, int out0, int outs) {
        static Block of(QuantizedWeights w, MappingOptions o, int rb, int cb) {
            int row0 = rb * o.tileRows();
            int out0 = cb * o.outputsPerTile();
            return new Block(row0, Math.min(o.tileRows(), w.inputs() - row0), out0,
                    Math.min(o.outputsPerTile(), w.outputs() - out0));
        }
    }

    /** Roles in the canonical interleaved order: per output [+ slices..., - slices...], slices in orientation order. */
    private static ColumnRole[] roles(MappingOptions o, Block block) {
        int slices = o.slices();
        int halves = o.encoding().halves();
        int[] sliceOrder = new int[slices];
        for (int s = 0; s < slices; s++) {
            sliceOrder[s] = o.orientation() == Orientation.MSB_NEAR_DRIVER ? slices - 1 - s : s;
        }
        ColumnRole[] roles = new ColumnRole[block.outs() * slices * halves];
        int n = 0;
        for (int out = 0; out < block.outs(); out++) {
            for (int h = 0; h < halves; h++) {
                for (int s = 0; s < slices; s++) {
                    roles[n++] = new ColumnRole(block.out0() + out, sliceOrder[s], h == 0 ? 1 : -1);
                }
            }
        }
        return roles;
    }

    private static double[] activity(Block block, double[] rowActivity) {
        double[] activity = new double[block.used()];
        for (int r = 0; r < block.used(); r++) {
            activity[r] = rowActivity == null ? 1 : rowActivity[block.row0() + r];
        }
        return activity;
    }

    /** Row-major {@code used x roles}: the cell level each role stores for each logical row. */
    private static int[] levels(QuantizedWeights w, MappingOptions o, Block block, ColumnRole[] roles) {
        int nRoles = roles.length;
        int[] level = new int[block.used() * nRoles];
        for (int r = 0; r < block.used(); r++) {
            for (int j = 0; j < nRoles; j++) {
                ColumnRole role = roles[j];
                int stored = BitSlicer.stored(w.at(block.row0() + r, role.output()), role.sign(), o.encoding(),
                        o.weightBits());
                level[r * nRoles + j] = BitSlicer.level(stored, role.slice(), o.cellBits());
            }
        }
        return level;
    }

    /** Column order by distance from the driver: position {@code p} holds role {@code columnOrder[p]}. */
    private static Integer[] columnOrder(MappingOptions o, Block block, int nRoles, int[] level, double[] activity) {
        Integer[] columnOrder = new Integer[nRoles];
        switch (o.layout()) {
            case INTERLEAVED -> {
                for (int j = 0; j < nRoles; j++) {
                    columnOrder[j] = j;
                }
            }
            case SLICE_MAJOR -> {
                int slices = o.slices();
                int halves = o.encoding().halves();
                int p = 0;
                for (int s = 0; s < slices; s++) {
                    for (int out = 0; out < block.outs(); out++) {
                        for (int h = 0; h < halves; h++) {
                            columnOrder[p++] = (out * halves + h) * slices + s;
                        }
                    }
                }
            }
            case DENSITY -> {
                // Expected column current above the g_off floor: sum_r activity(r) * level(r, j).
                double[] sum = new double[nRoles];
                for (int r = 0; r < block.used(); r++) {
                    for (int j = 0; j < nRoles; j++) {
                        sum[j] += activity[r] * level[r * nRoles + j];
                    }
                }
                for (int j = 0; j < nRoles; j++) {
                    columnOrder[j] = j;
                }
                Arrays.sort(columnOrder, (a, b) -> sum[a] != sum[b] ? Double.compare(sum[b], sum[a]) : Integer.compare(a, b));
            }
        }
        return columnOrder;
    }

    /** The physical column of each role: the {@code p}-th in column order takes the {@code p}-th nearest place to the driver. */
    private static int[] placeColumns(Integer[] columnOrder, int tileCols, Drive drive) {
        int[] physicalColumn = new int[columnOrder.length];
        for (int p = 0; p < columnOrder.length; p++) {
            physicalColumn[columnOrder[p]] = place(p, tileCols, drive == Drive.RIGHT, drive == Drive.BOTH);
        }
        return physicalColumn;
    }

    /** The physical row of each logical row: rank 0 nearest the sense amplifier ({@code natural} ignores the sense side). */
    private static int[] placeRows(MappingOptions o, Block block, int nRoles, int[] level, double[] activity, Sense sense) {
        int used = block.used();
        int[] physicalRow = new int[used];
        if (o.rowOrder() == RowOrder.NATURAL) {
            for (int r = 0; r < used; r++) {
                physicalRow[r] = r;
            }
            return physicalRow;
        }
        double[] score = rowScores(o, level, used, nRoles);
        Integer[] byScore = new Integer[used];
        for (int r = 0; r < used; r++) {
            byScore[r] = r;
        }
        Arrays.sort(byScore, (a, b) -> score[a] != score[b] ? Double.compare(score[b], score[a]) : Integer.compare(a, b));
        if (o.rowOrder() == RowOrder.REFINED && sense != Sense.BOTH) {
            refine(o, byScore, level, activity, used, nRoles, o.tileRows());
        }
        for (int rank = 0; rank < used; rank++) {
            physicalRow[byScore[rank]] = place(rank, o.tileRows(), sense == Sense.BOTTOM, sense == Sense.BOTH);
        }
        return physicalRow;
    }

    /** Row-major {@code tile_rows x tile_cols}: {@code g_off} everywhere, the level's conductance at each placed cell. */
    private static double[] conductances(MappingOptions o, Block block, int nRoles, int[] level, int[] physicalRow,
                                         int[] physicalColumn) {
        int tileCols = o.tileCols();
        double[] levelConductance = levelConductances(o);
        double[] g = new double[o.tileRows() * tileCols];
        Arrays.fill(g, o.gOff());
        for (int r = 0; r < block.used(); r++) {
            int base = physicalRow[r] * tileCols;
            for (int j = 0; j < nRoles; j++) {
                g[base + physicalColumn[j]] = levelConductance[level[r * nRoles + j]];
            }
        }
        return g;
    }

    /** {@code g(l)} for every level {@code l = 0 .. L}. */
    private static double[] levelConductances(MappingOptions o) {
        double[] g = new double[o.maxLevel() + 1];
        for (int l = 0; l <= o.maxLevel(); l++) {
            g[l] = BitSlicer.conductance(l, o.maxLevel(), o.gOn(), o.gOff());
        }
        return g;
    }

    /**
     * Physical index of the {@code rank}-th nearest place to an end of a line of {@code size}:
     * counted from index 0, from the last index ({@code fromEnd}), or alternately from both ends.
     */
    private static int place(int rank, int size, boolean fromEnd, boolean bothEnds) {
        if (bothEnds) {
            return (rank & 1) == 0 ? rank / 2 : size - 1 - rank / 2;
        }
        return fromEnd ? size - 1 - rank : rank;
    }

    /** Runs {@link RowRefinement} on the ranked rows ({@code byScore[0]} nearest the sense amplifier). */
    private static void refine(MappingOptions o, Integer[] byScore, int[] level, double[] activity, int used, int nRoles,
                               int tileRows) {
        double[] g = levelConductances(o);
        double[] conductance = new double[used * nRoles];
        for (int k = 0; k < conductance.length; k++) {
            conductance[k] = g[level[k]];
        }
        // Padding rows take the far ranks: they sit beyond position 0 and load every bit line with g_off.
        double[] fixedPrefix = new double[nRoles];
        Arrays.fill(fixedPrefix, (tileRows - used) * o.gOff());
        int[] farFirst = new int[used];
        for (int p = 0; p < used; p++) {
            farFirst[p] = byScore[used - 1 - p];
        }
        RowRefinement.refine(farFirst, conductance, activity, nRoles, fixedPrefix);
        for (int p = 0; p < used; p++) {
            byScore[used - 1 - p] = farFirst[p];
        }
    }

    /** Row scores for the sorted row orders; exact integer sums so ties are ties. */
    private static double[] rowScores(MappingOptions o, int[] level, int used, int nRoles) {
        double[] score = new double[used];
        if (o.rowOrder() == RowOrder.MDM || o.rowOrder() == RowOrder.REFINED) {
            for (int r = 0; r < used; r++) {
                long s = 0;
                for (int j = 0; j < nRoles; j++) {
                    s += level[r * nRoles + j];
                }
                score[r] = (double) s / o.maxLevel();
            }
            return score;
        }
        throw new IllegalStateException("no score for row order " + o.rowOrder());
    }

    /** Whether calibration row activities guided the mapping (recorded; not needed to rebuild any number). */
    public boolean calibrated() {
        return calibrated;
    }

    public QuantizedWeights weights() {
        return weights;
    }

    public MappingOptions options() {
        return options;
    }

    public Drive drive() {
        return drive;
    }

    public Sense sense() {
        return sense;
    }

    /** {@code K}. */
    public int inputs() {
        return weights.inputs();
    }

    /** {@code N_out}. */
    public int outputs() {
        return weights.outputs();
    }

    /** {@code s_w}. */
    public double weightScale() {
        return weights.scale();
    }

    public int rowBlocks() {
        return rowBlocks;
    }

    public int colBlocks() {
        return colBlocks;
    }

    /** Tiles in row-block-major order. */
    public List<Tile> tiles() {
        return tiles;
    }

    public Tile tile(int rowBlock, int colBlock) {
        return tiles.get(rowBlock * colBlocks + colBlock);
    }

    /**
     * Expected activity of each input row under bit-serial reading: the mean over vectors, phases
     * and cycles of the applied digit over its maximum, {@code (a_i >> (p*t)) & (2^p-1)) / (2^p-1)}.
     */
    public static double[] activity(QuantizedInputs inputs, MappingOptions o) {
        int width = inputs.width();
        int cycles = o.cycles();
        int digitMax = (1 << o.dacBits()) - 1;
        double[] act = new double[width];
        for (int phase = 0; phase < inputs.phases(); phase++) {
            int[] a = inputs.phase(phase);
            for (int b = 0; b < inputs.batch(); b++) {
                for (int k = 0; k < width; k++) {
                    int v = a[b * width + k];
                    int s = 0;
                    for (int t = 0; t < cycles; t++) {
                        s += (v >>> (o.dacBits() * t)) & digitMax;
                    }
                    act[k] += s;
                }
            }
        }
        double norm = 1.0 / ((double) inputs.batch() * inputs.phases() * cycles * digitMax);
        for (int k = 0; k < width; k++) {
            act[k] *= norm;
        }
        return act;
    }
}
