// DemoCommand: `xbar demo`, the main job on a built-in seeded workload: one crossbar solve, then a layer mapped three ways, with pictures.
package io.xbar.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarSolver;
import io.xbar.kernel.ProgrammedCrossbar;
import io.xbar.kernel.Solution;
import io.xbar.mapping.Encoding;
import io.xbar.mapping.LayerMapping;
import io.xbar.mapping.LayerResult;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.Preset;
import io.xbar.mapping.QuantizedInputs;
import io.xbar.mapping.QuantizedWeights;
import io.xbar.mapping.Quantizer;
import io.xbar.mapping.Tile;
import io.xbar.mapping.TiledMvm;
import io.xbar.mapping.TrainedLikeData;
import io.xbar.plot.IrDrop;
import io.xbar.plot.Plots;

/**
 * Runs the built-in default workload with MODEL.md default parameters:
 * <ol>
 *   <li>a seeded {@code 256 x 256} crossbar (cells uniform in [g_off, g_on], 2.5 ohm wires,
 *       inputs up to v_read), solved exactly: how far the column currents fall below the ideal
 *       product, the residual and the time;</li>
 *   <li>a seeded trained-like layer mapped {@code naive}, {@code mdm} and {@code optimized} onto
 *       {@code 256 x 256} tiles, a batch of trained-like activations run through it with
 *       parasitics (exact transfer matrices, one per tile): NF, {@code mvm_rel_error}, NF
 *       reduction vs naive and time per mapping, on the default device (10 kOhm cells, deep in
 *       IR-drop saturation) and at the non-saturated operating point of MODEL.md (100 kOhm
 *       cells), with one line on why the two differ;</li>
 *   <li>pictures: the IR-drop map of the naive mapping's most distorted tile and the per-column NF
 *       of the three mappings, on the default device.</li>
 * </ol>
 */
public final class DemoCommand implements Command {
    /**
     * Default layer: a whole 3x3x256x256 convolution (2304 inputs x 256 outputs: 9 x 15 = 135
     * tiles of 256x256 per mapping, each with its exact transfer matrix).
     */
    static final String DEFAULT_LAYER = "2304x256";
    static final String QUICK_LAYER = "128x16";

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "run the built-in default workload (a 256x256 crossbar, then a trained-like layer mapped naive/mdm/optimized on 10 and 100 kOhm cells, with pictures)";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        Flags f = Flags.parse(args, Set.of("size", "seed", "out", "layer", "batch"), Set.of("help", "no-plots", "quick"));
        if (f.has("help")) {
            out.println("usage: xbar demo [--out DIR (xbar-demo)] [--no-plots] [--quick] [--layer KxN (" + DEFAULT_LAYER
                    + ")] [--batch B (64)] [--size N (256)] [--seed S (2026)]");
            out.println(FlagSets.helpLine("--out DIR", "where the pictures go (created if missing)"));
            out.println(FlagSets.helpLine("--no-plots", "write no pictures"));
            out.println(FlagSets.helpLine("--quick", "small sizes (64x64 crossbar and tiles, " + QUICK_LAYER + " layer, 8 vectors)"));
            out.println(FlagSets.helpLine("--layer KxN", "layer weights K inputs x N outputs (default: a whole 3x3x256x256 convolution)"));
            out.println(FlagSets.helpLine("--batch B", "activation vectors run through the layer"));
            out.println(FlagSets.helpLine("--size N", "side of the single crossbar and of the tiles"));
            return 0;
        }
        if (!f.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + f.positional().get(0) + "'");
        }
        boolean quick = f.has("quick");
        int size = f.integer("size", quick ? 64 : 256);
        if (size < 14 || size > 4096) {
            throw new UsageException("--size must be in 14..4096 (a tile holds at least one output's 14 columns), got " + size);
        }
        long seed = f.integer("seed", 2026);
        int[] layer = layer(f.string("layer", quick ? QUICK_LAYER : DEFAULT_LAYER));
        int batch = f.integer("batch", quick ? 8 : 64);
        if (batch < 1 || batch > 4096) {
            throw new UsageException("--batch must be in 1..4096, got " + batch);
        }
        boolean plots = !f.has("no-plots");
        Path dir = io.xbar.io.WorkingDirectory.absolute(Path.of(f.string("out", "xbar-demo"))).normalize();
        if (plots) {
            OutputFiles.checkDirectory("out", f.string("out", "xbar-demo"), dir);
        }
        Circuit circuit = Circuit.DEFAULT;
        singleCrossbar(out, size, seed, circuit);
        layerStudy(out, size, seed, layer, batch, circuit, plots ? dir : null);
        return 0;
    }

    /** Part 1: one seeded crossbar, solved exactly. */
    private static void singleCrossbar(PrintStream out, int size, long seed, Circuit circuit) {
        double gOn = MappingOptions.DEFAULT.gOn();
        double gOff = MappingOptions.DEFAULT.gOff();
        double vRead = MappingOptions.DEFAULT.vRead();
        java.util.Random rnd = new java.util.Random(seed);
        double[] g = new double[size * size];
        for (int k = 0; k < g.length; k++) {
            g[k] = gOff + (gOn - gOff) * rnd.nextDouble();
        }
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = vRead * rnd.nextDouble();
        }
        out.printf("xbar demo: %dx%d crossbar, cells uniform in [%.0e, %.0e] S, r_wl = r_bl = %.1f ohm, inputs in [0, %.1f] V (seed %d)%n",
                size, size, gOff, gOn, circuit.wordLine(), vRead, seed);
        long t0 = System.nanoTime();
        ProgrammedCrossbar xbar = CrossbarSolver.create(size, size, circuit).program(g);
        long t1 = System.nanoTime();
        Solution s = xbar.solve(v);
        long t2 = System.nanoTime();
        double[] ideal = new double[size];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                ideal[j] += g[i * size + j] * v[i];
            }
        }
        double sum = 0;
        double worst = 0;
        int worstColumn = 0;
        for (int j = 0; j < size; j++) {
            double nf = (ideal[j] - s.currents()[j]) / ideal[j];
            sum += nf;
            if (nf > worst) {
                worst = nf;
                worstColumn = j;
            }
        }
        out.printf("  exact solve: %d unknowns, %d CG iterations, scaled KCL residual %.1e%n",
                2L * size * size, s.iterations(), s.residual());
        // The first solve runs on a cold JVM (interpreted, then compiled); repeat it to show the
        // steady-state time that JMH measures, within a 2 s budget.
        double[] warm = new double[200];
        int repeats = 0;
        long spent = 0;
        while (size <= 1024 && repeats < warm.length && spent < 2_000_000_000L) {
            long r0 = System.nanoTime();
            xbar.solve(v);
            long dt = System.nanoTime() - r0;
            warm[repeats++] = dt / 1e6;
            spent += dt;
        }
        if (repeats > 0) {
            // The later half: by then the solver's loops are compiled.
            int from = repeats / 2;
            java.util.Arrays.sort(warm, from, repeats);
            out.printf("  time: program %.1f ms, first solve %.1f ms (cold JVM, includes JIT compilation); "
                    + "median of the last %d of %d repeated solves %.1f ms%n",
                    (t1 - t0) / 1e6, (t2 - t1) / 1e6, repeats - from, repeats, warm[from + (repeats - from) / 2]);
        } else {
            out.printf("  time: program %.1f ms, solve %.1f ms (first solve, cold JVM)%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        }
        out.printf("  output distortion (I_ideal - I) / I_ideal: mean %.2f%%, worst %.2f%% (column %d, farthest from the driver is column %d)%n",
                100 * sum / size, 100 * worst, worstColumn, size - 1);
    }

    /**
     * The non-saturated operating point of MODEL.md: 100 kOhm cells ({@code g_on = 1e-5},
     * {@code g_off = 1e-7} S), ten times less current through the same wires.
     */
    static final double LOW_G_ON = 1e-5;
    static final double LOW_G_OFF = 1e-7;

    /** Part 2 and 3: a trained-like layer mapped three ways on two devices, run with parasitics; the tables and the pictures. */
    private static void layerStudy(PrintStream out, int size, long seed, int[] layer, int batch, Circuit circuit, Path dir)
            throws IOException {
        int k = layer[0];
        int n = layer[1];
        MappingOptions base = MappingOptions.DEFAULT.withTile(size, size);
        QuantizedWeights weights = Quantizer.weights(TrainedLikeData.weights(k, n, seed), k, n, base.weightBits(),
                Encoding.DIFFERENTIAL, false);
        QuantizedInputs inputs = Quantizer.inputs(TrainedLikeData.activations(batch, k, seed + 1, seed + 2), batch, k,
                base.inputBits(), false, false);
        out.println();
        out.printf("layer: trained-like %d x %d weights (seed %d), %d trained-like activation vectors, %d-bit weights %s in %d-bit cells,"
                        + " %d-bit inputs through a %d-bit DAC, %dx%d tiles, exact parasitics%n",
                k, n, seed, batch, base.weightBits(), base.encoding().label(), base.cellBits(), base.inputBits(), base.dacBits(),
                size, size);
        MappingTable defaults = mapThreeWays(out, weights, inputs, base, circuit, "the default device");
        MappingTable low = mapThreeWays(out, weights, inputs, base.withDevice(LOW_G_ON, LOW_G_OFF, base.vRead()), circuit,
                "the non-saturated operating point");
        out.println(whyTheyDiffer(base, circuit, defaults, low));
        // The pictures show the default device.
        LayerMapping naive = defaults.naive();
        LayerResult naiveRun = defaults.naiveRun();
        Map<String, double[]> columnNf = defaults.columnNf();
        if (dir == null) {
            return;
        }
        long t0 = System.nanoTime();
        int worst = Math.max(0, naiveRun.worstTile());
        Tile tile = naive.tiles().get(worst);
        double vRead = base.vRead();
        double[] v = new double[tile.rows()];
        for (int i = 0; i < v.length; i++) {
            v[i] = tile.rowMap()[i] < 0 ? 0 : vRead;
        }
        double[] rel = IrDrop.relativeCellVoltage(tile.rows(), tile.cols(), circuit, tile.conductances(), v);
        double worstNf = naiveRun.tileNonidealityFactor(worst);
        // The directory is created with its first picture; a failed write leaves neither pictures nor an empty directory.
        try (OutputFiles.Directory files = new OutputFiles.Directory("out", dir)) {
            Path irPng = files.write("ir-drop-tile.png", png -> Plots.irDropMap(png, tile.rows(), tile.cols(), rel,
                    String.format(Locale.ROOT, "IR drop in tile (%d, %d) of the naive mapping (its most distorted, NF %.3f),"
                            + " every used row at v_read = %.1f V", tile.rowBlock(), tile.colBlock(), worstNf, vRead)));
            Path nfPng = files.write("column-nf.png", png -> Plots.columnNf(png, columnNf, String.format(Locale.ROOT,
                    "Per-column NF of a %d x %d trained-like layer on %dx%d tiles: naive vs mdm vs optimized", k, n, size, size)));
            files.commit();
            out.printf(Locale.ROOT, "pictures (%.1fs):%n  %s  IR-drop map (cell voltage / ideal) of the naive mapping's most distorted tile%n"
                    + "  %s  NF per physical column, naive vs mdm vs optimized%n", (System.nanoTime() - t0) / 1e9, irPng, nfPng);
        }
    }

    /** One device's table: the naive mapping and its run (for the pictures), NF per mapping, per-column NF per mapping. */
    private record MappingTable(LayerMapping naive, LayerResult naiveRun, double naiveNf, double optimizedNf,
                                Map<String, double[]> columnNf) {
        double reduction() {
            return (naiveNf - optimizedNf) / naiveNf;
        }
    }

    /** Maps the layer naive, mdm and optimized with {@code options}' device, runs it and prints one table. */
    private static MappingTable mapThreeWays(PrintStream out, QuantizedWeights weights, QuantizedInputs inputs,
                                             MappingOptions options, Circuit circuit, String what) {
        out.printf(Locale.ROOT, "  %s: g_on = %.0e S, g_off = %.0e S (%s cells)%n", what, options.gOn(), options.gOff(),
                ohms(1 / options.gOn()));
        out.printf("  %-10s %6s %10s %14s %22s %8s%n", "mapping", "tiles", "NF", "mvm_rel_error", "NF reduction vs naive", "time");
        Map<String, double[]> columnNf = new LinkedHashMap<>();
        double naiveNf = Double.NaN;
        double optimizedNf = Double.NaN;
        LayerMapping naive = null;
        LayerResult naiveRun = null;
        for (Preset p : new Preset[] {Preset.NAIVE, Preset.MDM, Preset.OPTIMIZED}) {
            long start = System.nanoTime();
            LayerMapping m = LayerMapping.map(weights, options.withPreset(p), circuit.drive(), circuit.senseAt());
            LayerResult r = TiledMvm.run(m, inputs, circuit);
            double seconds = (System.nanoTime() - start) / 1e9;
            double nf = r.nonidealityFactor();
            if (p == Preset.NAIVE) {
                naiveNf = nf;
                naive = m;
                naiveRun = r;
            } else if (p == Preset.OPTIMIZED) {
                optimizedNf = nf;
            }
            String reduction = p == Preset.NAIVE ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * (naiveNf - nf) / naiveNf);
            out.printf(Locale.ROOT, "  %-10s %6d %10.5f %14.5f %22s %7.1fs%n", p.label(), m.tiles().size(), nf,
                    r.mvmRelativeError(), reduction, seconds);
            columnNf.put(p.label(), r.columnNonidealityFactors());
        }
        return new MappingTable(naive, naiveRun, naiveNf, optimizedNf, columnNf);
    }

    /**
     * One line from the two tables' numbers: the same wires carry {@code g_on} ratio times less
     * current, so the loss falls; whether placement then matters more is read off the reductions.
     */
    static String whyTheyDiffer(MappingOptions base, Circuit circuit, MappingTable defaults, MappingTable low) {
        String high = ohms(1 / base.gOn());
        String lowCells = ohms(1 / LOW_G_ON);
        String saturated = defaults.naiveNf() >= 0.25
                ? " (at " + high + " every placement is in IR-drop saturation and loses about the same share)" : "";
        String verdict = low.reduction() > defaults.reduction() ? "placement matters more" : "placement matters no more";
        return String.format(Locale.ROOT, "  why they differ: %s cells draw %.0fx less current through the same %s ohm wires, "
                        + "so naive NF falls from %.3f to %.3f and %s: optimized cuts NF by %.1f%% at %s vs %.1f%% at %s%s.",
                lowCells, base.gOn() / LOW_G_ON, plain(circuit.wordLine()), defaults.naiveNf(), low.naiveNf(), verdict,
                100 * low.reduction(), lowCells, 100 * defaults.reduction(), high, saturated);
    }

    /** {@code 10 kOhm}, {@code 100 kOhm}, {@code 1 MOhm}: three significant digits, no trailing zeros. */
    static String ohms(double r) {
        String unit = r >= 1e6 ? "MOhm" : r >= 1e3 ? "kOhm" : "ohm";
        double scaled = r >= 1e6 ? r / 1e6 : r >= 1e3 ? r / 1e3 : r;
        return plain(scaled) + " " + unit;
    }

    private static String plain(double x) {
        return new java.math.BigDecimal(x).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    static int[] layer(String s) {
        String p = s.trim().toLowerCase(Locale.ROOT);
        int x = p.indexOf('x');
        try {
            if (x < 0) {
                throw new NumberFormatException();
            }
            int k = Integer.parseInt(p.substring(0, x));
            int n = Integer.parseInt(p.substring(x + 1));
            if (k < 1 || n < 1 || (long) k * n > 1L << 24) {
                throw new NumberFormatException();
            }
            return new int[] {k, n};
        } catch (NumberFormatException e) {
            throw new UsageException("--layer: '" + s + "' is not K x N (inputs x outputs, e.g. 2304x256, at most 2^24 weights)");
        }
    }
}
