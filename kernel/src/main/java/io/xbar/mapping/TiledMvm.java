// TiledMvm: tiles to outputs (MODEL.md sections 3-4): bit-serial inputs, level-sum estimation, shift-and-add, offset removal, NF.
package io.xbar.mapping;

import io.xbar.blas.Blas;
import io.xbar.kernel.CellModel;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarSolver;
import io.xbar.kernel.ProgrammedCrossbar;
import java.util.function.IntConsumer;

/**
 * Runs a mapped layer on a batch of quantized inputs. Per tile the transfer matrix {@code T} is
 * computed once; all input vectors and cycles then go through one dgemm {@code [I | I_ideal] =
 * V . [T | g']}, in chunks that bound the memory. Per physical
 * column and cycle the periphery estimates the level sum
 * {@code (I - g_off * sum_i V[i]) * (2^p - 1) * L / ((g_on - g_off) * v_read)} and accumulates it
 * with weight {@code sign * 2^(c*k) * 2^(p*t)}. The NF terms {@code (I_ideal - I) / I_ideal} of
 * the same currents are summed per tile and per physical column position.
 */
public final class TiledMvm {
    /** Upper bound on doubles per work matrix (V, I, I_ideal) of one chunk. */
    private static final int CHUNK_DOUBLES = 1 << 22;

    private TiledMvm() {
    }

    /** With the exact transfer matrix. */
    public static LayerResult run(LayerMapping mapping, QuantizedInputs inputs, Circuit circuit) {
        return run(mapping, inputs, circuit, TransferFunction.exact());
    }

    public static LayerResult run(LayerMapping mapping, QuantizedInputs inputs, Circuit circuit, TransferFunction transfer) {
        check("run", mapping, inputs, circuit, transfer);
        MappingOptions o = mapping.options();
        Sums sums = new Sums(inputs.batch(), mapping.outputs(), mapping.tiles().size(), o.tileCols());
        for (int t = 0; t < mapping.tiles().size(); t++) {
            runTile(mapping, inputs, circuit, transfer, sums, t);
        }
        return finish(mapping.weights(), o, inputs, sums);
    }

    /**
     * The raw sums of some tiles of a layer: a piece of {@link #run} that can be computed on its own
     * (another thread, process or machine) and put together with {@link #combine}. Tiles are
     * numbered as in {@link LayerMapping#tiles()}.
     *
     * @throws IllegalArgumentException if a tile index is out of range or repeated
     */
    public static PartialSums runTiles(LayerMapping mapping, QuantizedInputs inputs, Circuit circuit,
                                       TransferFunction transfer, int[] tiles) {
        return runTiles(mapping, inputs, circuit, transfer, CellModel.LINEAR, tiles);
    }

    /**
     * {@link #runTiles(LayerMapping, QuantizedInputs, Circuit, TransferFunction, int[])} with cells
     * following {@code model}: linear cells read out through {@code transfer}; nonlinear ones solve
     * every cycle of each tile as {@link #run(LayerMapping, QuantizedInputs, Circuit, CellModel,
     * IntConsumer)} does ({@code transfer} unused), into the same sums, so {@link #combine} gives that
     * run's result.
     *
     * @param model the cells' law; null is linear
     */
    public static PartialSums runTiles(LayerMapping mapping, QuantizedInputs inputs, Circuit circuit,
                                       TransferFunction transfer, CellModel model, int[] tiles) {
        check("runTiles", mapping, inputs, circuit, transfer);
        boolean linear = model == null || model.isLinear();
        int n = mapping.tiles().size();
        boolean[] seen = new boolean[n];
        for (int t : tiles) {
            if (t < 0 || t >= n || seen[t]) {
                throw new IllegalArgumentException("runTiles: tile " + t + " is out of range 0.." + (n - 1) + " or repeated");
            }
            seen[t] = true;
        }
        Sums sums = new Sums(inputs.batch(), mapping.outputs(), n, mapping.options().tileCols());
        for (int t : tiles) {
            if (linear) {
                runTile(mapping, inputs, circuit, transfer, sums, t);
            } else {
                Tile tile = mapping.tiles().get(t);
                runTileSolved(tile, Periphery.of(mapping.options(), tile), circuit, model, inputs, sums, t);
            }
        }
        return new PartialSums(tiles.clone(), sums.levels, sums.tileNf, sums.tileTerms, sums.columnNf, sums.columnTerms);
    }

    /**
     * {@link #run}'s result from pieces that together hold every tile of the layer exactly once.
     * Tile NF sums are taken as computed and level sums added in the order of {@code parts}; when
     * every column block (all tiles that feed one output) lies within one part, each output's level
     * sum is the one {@link #run} accumulates, so {@code y}, the NF and the error are bit for bit
     * those of {@link #run}. The per-column NF sums add the parts' sums (equal to rounding).
     *
     * @param weights the layer's quantized weights (for the ideal product and {@code s_w})
     * @param options the mapping options the parts were run with
     * @throws IllegalArgumentException if the parts do not cover every tile exactly once, or do not fit
     */
    public static LayerResult combine(QuantizedWeights weights, MappingOptions options, QuantizedInputs inputs,
                                      java.util.List<PartialSums> parts) {
        if (weights == null || options == null || inputs == null || parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException("combine: weights, options, inputs and at least one part must be given");
        }
        int tiles = parts.get(0).tileNfSum().length;
        int outputs = weights.outputs();
        Sums sums = new Sums(inputs.batch(), outputs, tiles, options.tileCols());
        boolean[] seen = new boolean[tiles];
        for (PartialSums p : parts) {
            if (p.tileNfSum().length != tiles || p.levelSums().length != sums.levels.length
                    || p.columnNfSum().length != sums.columnNf.length) {
                throw new IllegalArgumentException("combine: a part does not fit a layer of " + tiles + " tiles, "
                        + inputs.batch() + " x " + outputs + " outputs and " + options.tileCols() + "-column tiles");
            }
            for (int t : p.tiles()) {
                if (t < 0 || t >= tiles || seen[t]) {
                    throw new IllegalArgumentException("combine: tile " + t + " is out of range or in two parts");
                }
                seen[t] = true;
                sums.tileNf[t] = p.tileNfSum()[t];
                sums.tileTerms[t] = p.tileNfTerms()[t];
            }
            for (int k = 0; k < sums.levels.length; k++) {
                sums.levels[k] += p.levelSums()[k];
            }
            for (int j = 0; j < sums.columnNf.length; j++) {
                sums.columnNf[j] += p.columnNfSum()[j];
                sums.columnTerms[j] += p.columnNfTerms()[j];
            }
        }
        for (int t = 0; t < tiles; t++) {
            if (!seen[t]) {
                throw new IllegalArgumentException("combine: tile " + t + " is in no part");
            }
        }
        return finish(weights, options, inputs, sums);
    }

    /** One tile: its periphery, {@code [T | g']} of its used rows, then every vector and cycle into the sums. */
    private static void runTile(LayerMapping mapping, QuantizedInputs inputs, Circuit circuit, TransferFunction transfer,
                                Sums sums, int t) {
        Tile tile = mapping.tiles().get(t);
        Periphery periphery = Periphery.of(mapping.options(), tile);             // DAC, columns, ADC
        double[] actualAndIdeal = actualAndIdeal(tile, periphery.usedRows(), circuit, transfer); // [T | g'], used rows
        runTile(periphery, actualAndIdeal, inputs, sums, t);                     // levels, NF terms
    }

    /** Offset removal, the ideal product and the scaling: from the level sums to the layer's result. */
    private static LayerResult finish(QuantizedWeights weights, MappingOptions o, QuantizedInputs inputs, Sums sums) {
        removeOffset(o, inputs, sums.outputs, sums.levels);                    // offset encoding only
        double[] ideal = idealProduct(weights, inputs);                        // a . q
        double scale = weights.scale() * inputs.scale();
        double[] y = new double[sums.levels.length];
        double[] yIdeal = new double[sums.levels.length];
        for (int k = 0; k < y.length; k++) {
            y[k] = sums.levels[k] * scale + 0.0; // no -0.0 in output files
            yIdeal[k] = ideal[k] * scale + 0.0;
        }
        return new LayerResult(inputs.batch(), sums.outputs, y, yIdeal, sums.levels, sums.tileNf, sums.tileTerms,
                sums.columnNf, sums.columnTerms);
    }

    /**
     * The outputs alone, {@code y = x . W} as the crossbars read it ({@link LayerResult#y} of
     * {@link #run}): what a forward pass needs. With an ideal ADC the periphery is linear in the
     * column currents, and the DAC digits of an input sum back to it ({@code a = sum_t 2^(p t)
     * digit_t}), so the cycles of every input are summed before the crossbar instead of after it:
     * one product {@code V . T} with {@code V = v_read a / (2^p - 1)} per vector instead of one per
     * cycle, and no ideal currents: {@code 2 * cycles} times fewer flops. The same numbers as
     * {@link #run} up to rounding (about 1e-15 relative); no NF terms. With an ADC (which rounds each
     * cycle's current) it is {@link #run}'s.
     */
    public static double[] outputs(LayerMapping mapping, QuantizedInputs inputs, Circuit circuit) {
        return outputs(mapping, inputs, circuit, TransferFunction.exact());
    }

    /** {@link #outputs(LayerMapping, QuantizedInputs, Circuit)} with the given transfer function. */
    public static double[] outputs(LayerMapping mapping, QuantizedInputs inputs, Circuit circuit, TransferFunction transfer) {
        check("outputs", mapping, inputs, circuit, transfer);
        MappingOptions o = mapping.options();
        if (o.adcBits() > 0) {
            return run(mapping, inputs, circuit, transfer).y();
        }
        double[] levels = new double[inputs.batch() * mapping.outputs()];
        for (Tile tile : mapping.tiles()) {
            Periphery periphery = Periphery.of(o, tile);
            double[] t = transferRows(tile, periphery.usedRows(), circuit, transfer);   // T, used rows
            readSummed(periphery, t, inputs, levels, mapping.outputs());              // level sums
        }
        removeOffset(o, inputs, mapping.outputs(), levels);
        double scale = mapping.weightScale() * inputs.scale();
        for (int k = 0; k < levels.length; k++) {
            levels[k] = levels[k] * scale + 0.0; // no -0.0 in output files
        }
        return levels;
    }

    /**
     * As {@link #run(LayerMapping, QuantizedInputs, Circuit)} with cells following {@code model}
     * (MODEL.md section 6). A linear model is the transfer-matrix path. A nonlinear one has no transfer
     * matrix: every input cycle of every vector is solved exactly on each tile (Newton,
     * {@link ProgrammedCrossbar#currents}, the cycles of a chunk batched on the kernel's worker pool);
     * cycles that apply the same voltages share one solve, and all-zero cycles carry no current.
     * {@code I_ideal} stays linear, {@code sum_i g V[i]}, so NF counts the nonlinearity as distortion.
     *
     * @param tileDone called with the tile index after each tile (progress), or null
     * @throws IllegalArgumentException for a nonlinear model with {@code r_access > 0}
     */
    public static LayerResult run(LayerMapping mapping, QuantizedInputs inputs, Circuit circuit, CellModel model,
                                  IntConsumer tileDone) {
        if (model == null || model.isLinear()) {
            return run(mapping, inputs, circuit);
        }
        check("run", mapping, inputs, circuit, TransferFunction.exact());
        MappingOptions o = mapping.options();
        Sums sums = new Sums(inputs.batch(), mapping.outputs(), mapping.tiles().size(), o.tileCols());
        for (int t = 0; t < mapping.tiles().size(); t++) {
            Tile tile = mapping.tiles().get(t);
            Periphery periphery = Periphery.of(o, tile);
            runTileSolved(tile, periphery, circuit, model, inputs, sums, t);
            if (tileDone != null) {
                tileDone.accept(t);
            }
        }
        removeOffset(o, inputs, sums.outputs, sums.levels);
        double[] ideal = idealProduct(mapping.weights(), inputs);
        double scale = mapping.weightScale() * inputs.scale();
        double[] y = new double[sums.levels.length];
        double[] yIdeal = new double[sums.levels.length];
        for (int k = 0; k < y.length; k++) {
            y[k] = sums.levels[k] * scale + 0.0;
            yIdeal[k] = ideal[k] * scale + 0.0;
        }
        return new LayerResult(inputs.batch(), sums.outputs, y, yIdeal, sums.levels, sums.tileNf, sums.tileTerms,
                sums.columnNf, sums.columnTerms);
    }

    /** The outputs with cells following {@code model}: {@link #outputs} for a linear model, else {@link #run}'s {@code y}. */
    public static double[] outputs(LayerMapping mapping, QuantizedInputs inputs, Circuit circuit, CellModel model) {
        if (model == null || model.isLinear()) {
            return outputs(mapping, inputs, circuit);
        }
        // A nonlinear crossbar does not sum its cycles: each is read on its own.
        return run(mapping, inputs, circuit, model, null).y();
    }

    /**
     * Every vector, phase and DAC cycle through one tile of nonlinear cells, each distinct cycle solved
     * exactly; the same periphery as the linear path reads {@code [I | I_ideal]}.
     */
    private static void runTileSolved(Tile tile, Periphery periphery, Circuit circuit, CellModel model,
                                      QuantizedInputs inputs, Sums sums, int t) {
        int[] used = periphery.usedRows();
        int rows = used.length;
        int tileRows = tile.rows();
        int cols = periphery.cols();
        int width2 = 2 * cols;
        int cycles = periphery.cycles();
        double[] g = tile.conductances();
        double[] nominal = tile.nominal(); // I_ideal: the programmed (nominal) cells, so NF includes the device error
        double[] cell = new double[rows * cols]; // g' of the used rows, for I_ideal
        for (int u = 0; u < rows; u++) {
            for (int j = 0; j < cols; j++) {
                cell[u * cols + j] = circuit.cellConductance(nominal[used[u] * cols + j]);
            }
        }
        ProgrammedCrossbar crossbar = CrossbarSolver.create(tileRows, cols, circuit).withCellModel(model).program(g);
        int chunk = Math.max(1, Math.min(inputs.batch(), CHUNK_DOUBLES / (cycles * Math.max(tileRows, width2))));
        double[] v = new double[chunk * cycles * rows];
        double[] currents = new double[chunk * cycles * width2];
        double[] sumV = new double[chunk * cycles];
        double[] ideal = new double[chunk * cycles * cols];
        for (int phase = 0; phase < inputs.phases(); phase++) {
            int[] a = inputs.phase(phase);
            double phaseSign = phase == 0 ? 1 : -1;
            for (int b0 = 0; b0 < inputs.batch(); b0 += chunk) {
                int nb = Math.min(chunk, inputs.batch() - b0);
                int count = nb * cycles;
                periphery.drive(a, inputs.width(), b0, nb, v, sumV);
                java.util.Arrays.fill(currents, 0);
                if (rows > 0) {
                    // Distinct nonzero cycles, each once, on the full tile (padding rows at 0 V).
                    java.util.Map<java.nio.ByteBuffer, Integer> distinct = new java.util.HashMap<>();
                    int[] solveOf = new int[count];
                    java.util.List<Integer> firsts = new java.util.ArrayList<>();
                    for (int r = 0; r < count; r++) {
                        boolean zero = true;
                        for (int u = 0; u < rows && zero; u++) {
                            zero = v[r * rows + u] == 0;
                        }
                        if (zero) {
                            solveOf[r] = -1;
                            continue;
                        }
                        java.nio.ByteBuffer key = java.nio.ByteBuffer.allocate(rows * Double.BYTES);
                        key.asDoubleBuffer().put(v, r * rows, rows);
                        Integer k = distinct.putIfAbsent(key, firsts.size());
                        if (k == null) {
                            solveOf[r] = firsts.size();
                            firsts.add(r);
                        } else {
                            solveOf[r] = k;
                        }
                    }
                    double[] full = new double[firsts.size() * tileRows];
                    for (int s = 0; s < firsts.size(); s++) {
                        int r = firsts.get(s);
                        for (int u = 0; u < rows; u++) {
                            full[s * tileRows + used[u]] = v[r * rows + u];
                        }
                    }
                    double[] solved = firsts.isEmpty() ? new double[0] : crossbar.currents(full, firsts.size());
                    for (int r = 0; r < count; r++) {
                        if (solveOf[r] >= 0) {
                            System.arraycopy(solved, solveOf[r] * cols, currents, r * width2, cols);
                        }
                    }
                    // I_ideal = V . g' (linear, MODEL.md section 6)
                    Blas.dgemm(false, false, count, cols, rows, 1, v, 0, rows, cell, 0, cols, 0, ideal, 0, cols);
                    for (int r = 0; r < count; r++) {
                        System.arraycopy(ideal, r * cols, currents, r * width2 + cols, cols);
                    }
                }
                periphery.read(currents, sumV, b0, nb, phaseSign, sums, t);
            }
        }
    }

    private static void check(String what, LayerMapping mapping, QuantizedInputs inputs, Circuit circuit,
                              TransferFunction transfer) {
        if (mapping == null || inputs == null || circuit == null || transfer == null) {
            throw new IllegalArgumentException(what + ": mapping, inputs, circuit and transfer function must be given");
        }
        if (inputs.width() != mapping.inputs()) {
            throw new IllegalArgumentException("inputs have length " + inputs.width() + ", the weights have "
                    + mapping.inputs() + " rows");
        }
    }

    /** Every vector and phase through one tile with its DAC cycles summed (ideal ADC), into the level sums. */
    private static void readSummed(Periphery p, double[] t, QuantizedInputs inputs, double[] levels, int outputs) {
        int rows = p.usedRows().length;
        int cols = p.cols();
        int chunk = Math.max(1, Math.min(inputs.batch(), CHUNK_DOUBLES / Math.max(1, Math.max(rows, cols))));
        double[] v = new double[chunk * rows];
        double[] currents = new double[chunk * cols];
        double[] sumV = new double[chunk];
        for (int phase = 0; phase < inputs.phases(); phase++) {
            int[] a = inputs.phase(phase);
            double phaseSign = phase == 0 ? 1 : -1;
            for (int b0 = 0; b0 < inputs.batch(); b0 += chunk) {
                int nb = Math.min(chunk, inputs.batch() - b0);
                p.driveSummed(a, inputs.width(), b0, nb, v, sumV);                     // V = v_read a / (2^p-1)
                if (rows > 0) {
                    Blas.dgemm(false, false, nb, cols, rows, 1, v, 0, rows, t, 0, cols, 0, currents, 0, cols);
                } else {
                    java.util.Arrays.fill(currents, 0);
                }
                p.readSummed(currents, sumV, b0, nb, phaseSign, levels, outputs);      // level sums
            }
        }
    }

    /** What the run accumulates: level sums per output and NF terms per tile and per physical column. */
    private static final class Sums {
        final int outputs;
        final double[] levels;
        final double[] tileNf;
        final long[] tileTerms;
        final double[] columnNf;
        final long[] columnTerms;

        Sums(int batch, int outputs, int tiles, int tileCols) {
            this.outputs = outputs;
            levels = new double[batch * outputs];
            tileNf = new double[tiles];
            tileTerms = new long[tiles];
            columnNf = new double[tileCols];
            columnTerms = new long[tileCols];
        }
    }

    /**
     * {@code [T | g']} side by side for the tile's used rows, row-major {@code used x 2*cols}, so one
     * dgemm gives the actual and the ideal currents. Padding rows are held at 0 V and add nothing:
     * they are left out of the product (a first conv layer fills 9 or 27 rows of a 256-row tile).
     */
    private static double[] actualAndIdeal(Tile tile, int[] used, Circuit circuit, TransferFunction transfer) {
        int cols = tile.cols();
        double[] transferMatrix = transferMatrix(tile, circuit, transfer);
        double[] both = new double[used.length * 2 * cols];
        double[] g = tile.nominal();  // I_ideal: the programmed (nominal) cells, so NF includes the device error
        for (int u = 0; u < used.length; u++) {
            int i = used[u];
            System.arraycopy(transferMatrix, i * cols, both, u * 2 * cols, cols);
            for (int j = 0; j < cols; j++) {
                both[u * 2 * cols + cols + j] = circuit.cellConductance(g[i * cols + j]);
            }
        }
        return both;
    }

    /** {@code T} of the tile's used rows, row-major {@code used x cols}. */
    private static double[] transferRows(Tile tile, int[] used, Circuit circuit, TransferFunction transfer) {
        double[] full = transferMatrix(tile, circuit, transfer);
        int cols = tile.cols();
        double[] t = new double[used.length * cols];
        for (int u = 0; u < used.length; u++) {
            System.arraycopy(full, used[u] * cols, t, u * cols, cols);
        }
        return t;
    }

    private static double[] transferMatrix(Tile tile, Circuit circuit, TransferFunction transfer) {
        int rows = tile.rows();
        int cols = tile.cols();
        double[] transferMatrix = transfer.compute(rows, cols, circuit, tile.conductances());
        if (transferMatrix == null || transferMatrix.length != rows * cols) {
            throw new IllegalStateException("transfer function returned " + (transferMatrix == null ? "nothing"
                    : transferMatrix.length + " values") + " for a " + rows + "x" + cols + " tile");
        }
        return transferMatrix;
    }

    /** Every vector, phase and DAC cycle through one tile, chunk by chunk. */
    private static void runTile(Periphery periphery, double[] actualAndIdeal, QuantizedInputs inputs, Sums sums, int t) {
        int rows = periphery.usedRows().length;
        int width2 = 2 * periphery.cols();
        int cycles = periphery.cycles();
        int chunk = Math.max(1, Math.min(inputs.batch(), CHUNK_DOUBLES / (cycles * Math.max(rows, width2))));
        double[] v = new double[chunk * cycles * rows];
        double[] currents = new double[chunk * cycles * width2];
        double[] sumV = new double[chunk * cycles];
        for (int phase = 0; phase < inputs.phases(); phase++) {
            int[] a = inputs.phase(phase);
            double phaseSign = phase == 0 ? 1 : -1;
            for (int b0 = 0; b0 < inputs.batch(); b0 += chunk) {
                int nb = Math.min(chunk, inputs.batch() - b0);
                periphery.drive(a, inputs.width(), b0, nb, v, sumV);                  // V: one row per vector and cycle
                if (rows > 0) {
                    Blas.dgemm(false, false, nb * cycles, width2, rows, 1, v, 0, rows,
                            actualAndIdeal, 0, width2, 0, currents, 0, width2);       // [I | I_ideal] = V . [T | g']
                } else {
                    java.util.Arrays.fill(currents, 0);                                // every row padding: no current
                }
                periphery.read(currents, sumV, b0, nb, phaseSign, sums, t);           // NF terms, ADC, level sums
            }
        }
    }

    /**
     * One tile's DAC and sense periphery: which output and weight each physical column feeds, the
     * DAC digit per cycle, the ADC and the level-sum gain.
     */
    private record Periphery(int[] usedRows, int cols, int cycles, int dacBits, int digitMax, double vRead, double gOff,
                             double gain, int[] rowMap, int[] columnOutput, double[] columnWeight, double adcFullScale,
                             double adcLevels) {

        static Periphery of(MappingOptions o, Tile tile) {
            int cols = tile.cols();
            int digitMax = (1 << o.dacBits()) - 1;
            int[] columnOutput = new int[cols];
            double[] columnWeight = new double[cols];
            for (int j = 0; j < cols; j++) {
                ColumnRole role = tile.columns()[j];
                columnOutput[j] = role == null ? -1 : role.output();
                columnWeight[j] = role == null ? 0 : role.sign() * Math.scalb(1.0, o.cellBits() * role.slice());
            }
            double gain = (double) digitMax * o.maxLevel() / ((o.gOn() - o.gOff()) * o.vRead());
            double adcFullScale = tile.usedRows() * o.vRead() * o.gOn();
            double adcLevels = o.adcBits() == 0 ? 0 : Math.scalb(1.0, o.adcBits()) - 1;
            int[] rowMap = tile.rowMap();
            int[] usedRows = java.util.stream.IntStream.range(0, rowMap.length).filter(i -> rowMap[i] >= 0).toArray();
            return new Periphery(usedRows, cols, o.cycles(), o.dacBits(), digitMax, o.vRead(), o.gOff(), gain,
                    rowMap, columnOutput, columnWeight, adcFullScale, adcLevels);
        }

        /**
         * Cycle {@code c} applies digit {@code (a >> (p*c)) & (2^p-1)} of each input as
         * {@code v_read * digit / (2^p-1)}, one value per used row (padding rows are at 0 V and left out).
         */
        void drive(int[] a, int width, int b0, int nb, double[] v, double[] sumV) {
            for (int bb = 0; bb < nb; bb++) {
                int aBase = (b0 + bb) * width;
                for (int c = 0; c < cycles; c++) {
                    int vBase = (bb * cycles + c) * usedRows.length;
                    int shift = dacBits * c;
                    double s = 0;
                    for (int u = 0; u < usedRows.length; u++) {
                        int r = rowMap[usedRows[u]];
                        double volts = vRead * ((a[aBase + r] >>> shift) & digitMax) / digitMax;
                        v[vBase + u] = volts;
                        s += volts;
                    }
                    sumV[bb * cycles + c] = s;
                }
            }
        }

        /** One row per vector: {@code v_read a / (2^p - 1)} on each used row, the sum of its DAC cycles' voltages weighted {@code 2^(p t)}. */
        void driveSummed(int[] a, int width, int b0, int nb, double[] v, double[] sumV) {
            for (int bb = 0; bb < nb; bb++) {
                int aBase = (b0 + bb) * width;
                int vBase = bb * usedRows.length;
                double s = 0;
                for (int u = 0; u < usedRows.length; u++) {
                    double volts = vRead * a[aBase + rowMap[usedRows[u]]] / digitMax;
                    v[vBase + u] = volts;
                    s += volts;
                }
                sumV[bb] = s;
            }
        }

        /** Per read column: level-sum estimate of the summed cycles into its output (ideal ADC, no NF terms). */
        void readSummed(double[] currents, double[] sumV, int b0, int nb, double phaseSign, double[] levels, int outputs) {
            for (int bb = 0; bb < nb; bb++) {
                int yBase = (b0 + bb) * outputs;
                double leak = gOff * sumV[bb];
                int base = bb * cols;
                for (int j = 0; j < cols; j++) {
                    int out = columnOutput[j];
                    if (out >= 0) {
                        levels[yBase + out] += phaseSign * columnWeight[j] * (currents[base + j] - leak) * gain;
                    }
                }
            }
        }

        /** Per read column and cycle: its NF term, then ADC, level-sum estimate and shift-and-add into its output. */
        void read(double[] currents, double[] sumV, int b0, int nb, double phaseSign, Sums sums, int t) {
            int width2 = 2 * cols;
            for (int bb = 0; bb < nb; bb++) {
                int yBase = (b0 + bb) * sums.outputs;
                for (int c = 0; c < cycles; c++) {
                    int row = bb * cycles + c;
                    double cycleWeight = phaseSign * Math.scalb(1.0, dacBits * c);
                    double leak = gOff * sumV[row];
                    int base = row * width2;
                    for (int j = 0; j < cols; j++) {
                        int out = columnOutput[j];
                        if (out < 0) {
                            continue;
                        }
                        double i = currents[base + j];
                        double iIdeal = currents[base + cols + j];
                        if (iIdeal > 0) {
                            double term = (iIdeal - i) / iIdeal;
                            sums.tileNf[t] += term;
                            sums.tileTerms[t]++;
                            sums.columnNf[j] += term;
                            sums.columnTerms[j]++;
                        }
                        if (adcLevels > 0) {
                            double code = Math.rint(i / adcFullScale * adcLevels);
                            i = Math.min(adcLevels, Math.max(0, code)) * adcFullScale / adcLevels;
                        }
                        sums.levels[yBase + out] += columnWeight[j] * cycleWeight * (i - leak) * gain;
                    }
                }
            }
        }
    }

    /** {@code offset} stores {@code q + 2^(B-1)}: subtract {@code 2^(B-1) * sum(a)} per vector and phase. */
    private static void removeOffset(MappingOptions o, QuantizedInputs inputs, int outs, double[] acc) {
        if (o.encoding() != Encoding.OFFSET) {
            return;
        }
        double offset = Math.scalb(1.0, o.weightBits() - 1);
        for (int phase = 0; phase < inputs.phases(); phase++) {
            int[] a = inputs.phase(phase);
            double phaseSign = phase == 0 ? 1 : -1;
            for (int b = 0; b < inputs.batch(); b++) {
                long total = 0;
                for (int k = 0; k < inputs.width(); k++) {
                    total += a[b * inputs.width() + k];
                }
                double d = phaseSign * offset * total;
                for (int out = 0; out < outs; out++) {
                    acc[b * outs + out] -= d;
                }
            }
        }
    }

    /** {@code a . q} over both phases; exact in double (every partial sum stays far below 2^53). */
    static double[] idealProduct(QuantizedWeights w, QuantizedInputs inputs) {
        int k = w.inputs();
        int n = w.outputs();
        int batch = inputs.batch();
        double[] q = new double[k * n];
        for (int i = 0; i < q.length; i++) {
            q[i] = w.q()[i];
        }
        double[] a = new double[batch * k];
        double[] out = new double[batch * n];
        for (int phase = 0; phase < inputs.phases(); phase++) {
            int[] part = inputs.phase(phase);
            for (int i = 0; i < a.length; i++) {
                a[i] = part[i];
            }
            Blas.dgemm(false, false, batch, n, k, phase == 0 ? 1 : -1, a, 0, k, q, 0, n, 1, out, 0, n);
        }
        return out;
    }
}
