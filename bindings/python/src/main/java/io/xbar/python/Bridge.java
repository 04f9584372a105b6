// Bridge: what the Python package `xbar` calls in process (through JPype): arrays as double[], settings as command-line flags.
package io.xbar.python;

import io.xbar.api.Crossbar;
import io.xbar.api.Xbar;
import io.xbar.cli.CellModelFlags;
import io.xbar.cli.CircuitFlags;
import io.xbar.cli.DeviceFlags;
import io.xbar.cli.FlagSets;
import io.xbar.cli.Flags;
import io.xbar.cli.GlobalFlags;
import io.xbar.cli.Main;
import io.xbar.cli.MappingFlags;
import io.xbar.cli.UsageException;
import io.xbar.io.AtomicFiles;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.Solution;
import io.xbar.mapping.MappingOptions;
import io.xbar.spice.SpiceExport;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

/**
 * The Java side of the Python binding (MODEL.md section 7). Python passes NumPy data as flat
 * row-major {@code double[]} with its shape, and keyword arguments as the flags of the command line
 * ({@code r_wl=2.5} becomes {@code --r-wl 2.5}), so every setting is parsed, checked and worded
 * exactly as {@code xbar} does. Bad arguments throw {@link UsageException} (Python raises
 * {@code ValueError} with its message); anything else is an {@code xbar.XbarError} on the Python side.
 */
public final class Bridge {
    private static final Set<String> MAPPING_FLAGS = FlagSets.union(CircuitFlags.NAMES, DeviceFlags.NAMES,
            MappingFlags.NAMES, CellModelFlags.NAMES);

    private Bridge() {
    }

    /**
     * Initializes, at JVM start, the classes the first solve would otherwise initialize on its own
     * critical path (issue 17): the line kernels (the Vector API's species and the kernels' constants,
     * about 0.1 s) and the flag parsing of {@link #crossbar}, and starts loading the compiled twin of the
     * solver on a background thread. Class initialization only: no solve runs.
     */
    public static void preload() {
        io.xbar.kernel.CrossbarSolver.preloadNativeTwin();
        io.xbar.kernel.LineKernels.get();
        Flags f = parse(new String[0], FlagSets.union(CircuitFlags.NAMES, CellModelFlags.NAMES));
        CellModelFlags.parse(f, CircuitFlags.parse(f));
    }

    /** The flags that take no value (a Python {@code True} becomes the bare flag, {@code False} leaves it out). */
    public static String[] switches() {
        return FlagSets.union(MappingFlags.SWITCHES, GlobalFlags.SWITCHES).toArray(String[]::new);
    }

    /** A programmed crossbar: {@code g} row-major {@code rows x cols} siemens, circuit flags as {@code xbar solve} takes them. */
    public static Crossbar crossbar(double[] g, int rows, int cols, String[] flags) {
        Flags f = parse(flags, FlagSets.union(CircuitFlags.NAMES, CellModelFlags.NAMES));
        Circuit circuit = CircuitFlags.parse(f);
        io.xbar.kernel.CellModel model = CellModelFlags.parse(f, circuit);
        try {
            return Xbar.crossbar(rows, cols, circuit, g, io.xbar.kernel.SolverOptions.DEFAULT, model);
        } catch (IllegalArgumentException e) {
            throw new UsageException("G: " + e.getMessage(), e);
        }
    }

    /** Output currents: {@code N} for one vector ({@code batch < 0}), else {@code batch x N}. */
    public static double[] solve(Crossbar crossbar, double[] v, int batch) {
        try {
            return batch < 0 ? crossbar.solve(v).currents() : crossbar.currents(v, batch);
        } catch (IllegalArgumentException e) {
            throw new UsageException("V: " + e.getMessage(), e);
        }
    }

    /** The transfer matrix of {@code xbar transfer}; a crossbar of nonlinear cells has none (refused as the command line does). */
    public static double[] transfer(Crossbar crossbar) {
        if (!crossbar.cellModel().isLinear()) {
            throw new UsageException("cell_model='" + crossbar.cellModel().kind().flagName() + "': a nonlinear circuit "
                    + "has no transfer matrix (I is not V . T); use solve for given inputs");
        }
        return crossbar.transfer();
    }

    /** The node voltages {@code {u, w}} (word line, bit line), each row-major {@code M x N}, of one input vector. */
    public static double[][] nodeVoltages(Crossbar crossbar, double[] v) {
        Solution s;
        try {
            s = crossbar.solveWithNodeVoltages(v);
        } catch (IllegalArgumentException e) {
            throw new UsageException("V: " + e.getMessage(), e);
        }
        return new double[][] {s.wordLineVoltages(), s.bitLineVoltages()};
    }

    /**
     * A layer mapped onto crossbars, as {@code xbar map} maps it.
     *
     * @param w            row-major {@code inputs x outputs} weights
     * @param integerTyped whether the NumPy array had an integer dtype (its values are then levels, MODEL.md section 2)
     * @param flags        mapping, device and circuit flags
     * @param calibration  optional activations ({@code calBatch x inputs}) guiding {@code mapping="optimized"}, or null
     */
    public static Layer mapLayer(double[] w, int inputs, int outputs, boolean integerTyped, String[] flags,
                                 double[] calibration, int calBatch, boolean calibrationIntegerTyped) {
        Flags f = parse(flags, MAPPING_FLAGS);
        Circuit circuit = CircuitFlags.parse(f);
        MappingOptions options = MappingFlags.parse(f, DeviceFlags.parse(f));
        io.xbar.kernel.CellModel model = CellModelFlags.parse(f, circuit);
        return Layer.map(w, inputs, outputs, integerTyped, options, circuit, calibration, calBatch,
                calibrationIntegerTyped, GlobalFlags.settings(f).threads()).withCellModel(model);
    }

    /**
     * The seed of layer {@code index} of a converted network ({@code xbar.torch.convert}): the seed
     * of the flags for layer 0, a derived one for the others ({@link io.xbar.mapping.DeviceVariability#forLayer}),
     * so the layers' crossbars get independent stuck cells, noise and drift.
     */
    public static long layerSeed(String[] flags, int index) {
        Flags f = parse(flags, MAPPING_FLAGS);
        return io.xbar.cli.VariabilityFlags.parse(f).forLayer(index).seed();
    }

    /** Writes the ngspice netlist of {@code xbar spice export} for one input vector {@code v} (length {@code rows}). */
    public static void spiceExport(double[] g, int rows, int cols, double[] v, String path, String[] flags) {
        Flags f = parse(flags, FlagSets.union(CircuitFlags.NAMES, CellModelFlags.NAMES));
        Circuit circuit = CircuitFlags.parse(f);
        io.xbar.kernel.CellModel model = CellModelFlags.parse(f, circuit);
        SpiceExport export;
        try {
            export = new SpiceExport(rows, cols, circuit, g, model);
            io.xbar.kernel.Checks.finiteBatch(v, 1, rows, "V");
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        Path file = Path.of(path);
        try {
            AtomicFiles.write(file, stream -> {
                Writer out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
                export.write(v, out);
                out.flush();
            });
        } catch (IOException e) {
            throw new UsageException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code xbar spice solve PATH}: the JSON it writes and its warnings (empty when none; the
     * Python side raises them as {@code RuntimeWarning}), or a {@link UsageException} with its
     * one-line message.
     */
    public static String[] spiceSolve(String path) {
        return runCommand("spice", "solve", path);
    }

    /**
     * Runs one command line in process: its standard output and what it wrote on standard error
     * (warnings) on success, its one-line error otherwise.
     */
    static String[] runCommand(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.run(args, o, e);
        }
        if (status != 0) {
            String message = err.toString(StandardCharsets.UTF_8).strip();
            int line = message.indexOf('\n');
            message = line < 0 ? message : message.substring(0, line).strip();
            if (status == 2) {
                throw new UsageException(message);
            }
            throw new IllegalStateException(message);
        }
        return new String[] {out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8).strip()};
    }

    /** Parses Python's keyword flags against the names a call accepts, plus the shared ones ({@code config}, {@code threads}, ...). */
    static Flags parse(String[] flags, Set<String> valued) {
        Flags f = Flags.parse(flags, valued, FlagSets.union(MappingFlags.SWITCHES, FlagSets.HELP_SWITCH));
        if (!f.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + f.positional().get(0) + "'");
        }
        return f;
    }
}
