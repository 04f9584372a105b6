// LayerStudy: the mapping commands' own flag handling, reading and mapping, opened to studies built on the command line (xbar network).
package io.xbar.cli;

import io.xbar.kernel.CellModel;
import io.xbar.kernel.Circuit;
import io.xbar.mapping.LayerMapping;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.Preset;
import io.xbar.mapping.QuantizedInputs;
import io.xbar.mapping.QuantizedWeights;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What {@code nf} does with its flags, step by step, for a caller that runs the steps apart (the
 * {@code network} command runs them on Spark executors). Every step is the very code {@code nf}
 * runs, so a flag another command gains (a device or mapping flag) reaches the study too.
 */
public final class LayerStudy {
    private LayerStudy() {
    }

    /**
     * The circuit, mapping options and cell model a command line describes, parsed as {@code nf}
     * parses them.
     */
    public record Setup(Circuit circuit, MappingOptions options, CellModel cellModel) {
    }

    /** Valued flags of a mapping command: {@code own} plus the circuit, device and mapping flags. */
    public static Set<String> valued(String... own) {
        return LayerArguments.valued(own);
    }

    /** Switches of a mapping command: {@code own} plus the mapping switches and help. */
    public static Set<String> switches(String... own) {
        return LayerArguments.switches(own);
    }

    /** The help lines of the shared circuit, device, mapping and cell-model flags. */
    public static void printSharedHelp(PrintStream out) {
        out.println(MappingFlags.HELP);
        out.println(CircuitFlags.HELP);
        out.println(DeviceFlags.HELP);
        out.println(CellModelFlags.HELP);
    }

    /** Parses a command line of mapping-command flags; positional arguments are an error. */
    public static Flags parse(String[] args, Set<String> valued, Set<String> switches) {
        return LayerArguments.parse(args, valued, switches);
    }

    /**
     * The circuit, mapping options (device variability included) and cell model of {@code flags},
     * exactly as {@code nf} takes them, with {@code nf}'s checks ({@code --v0}, {@code --r-access}
     * with a nonlinear cell, {@code --v-read} against {@code --v0}).
     */
    public static Setup setup(Flags flags) {
        Circuit circuit = CircuitFlags.parse(flags);
        MappingOptions options = MappingFlags.parse(flags, DeviceFlags.parse(flags));
        CellModel cellModel = CellModelFlags.parse(flags, circuit);
        CellModelFlags.checkReadVoltage(flags, cellModel, options.vRead());
        return new Setup(circuit, options, cellModel);
    }

    /**
     * The circuit, device and mapping flags that {@code flags} holds (from the command line or a
     * {@code --config} file), as a command line of their own: what a study hands to its workers.
     */
    public static List<String> sharedArguments(Flags flags) {
        List<String> args = new ArrayList<>();
        for (String name : new java.util.TreeSet<>(valued())) {
            if (flags.has(name)) {
                args.add("--" + name);
                args.add(flags.string(name, ""));
            }
        }
        for (String name : new java.util.TreeSet<>(switches())) {
            if (!name.equals("help") && flags.has(name)) {
                args.add("--" + name);
            }
        }
        return args;
    }

    /** {@code --weights} of {@code flags}, read and quantized as {@code nf} does. */
    public static QuantizedWeights weights(Flags flags, MappingOptions options) throws IOException {
        return LayerArguments.weights(flags, options);
    }

    /** {@code --inputs} of {@code flags}, read and quantized as {@code nf} does. */
    public static QuantizedInputs inputs(Flags flags, MappingOptions options, QuantizedWeights weights) throws IOException {
        return LayerArguments.inputs(flags, options, weights).quantized();
    }

    /** The layer mapped as {@code nf} maps it (with {@code --calibration} when {@code flags} has it). */
    public static LayerMapping map(Flags flags, QuantizedWeights weights, MappingOptions options, Circuit circuit)
            throws IOException {
        return LayerArguments.map(flags, weights, options, circuit);
    }

    /** {@code --tiles} as {@code sweep} reads it: square sizes {@code N} or {@code RxC}, comma-separated. */
    public static List<int[]> tiles(String list) {
        return SweepCommand.tiles(list);
    }

    /** {@code --wires} as {@code sweep} reads it: {@code r_wl = r_bl} values in ohms. */
    public static List<Double> wires(String list) {
        return SweepCommand.wires(list);
    }

    /** {@code --mappings} as {@code sweep} reads it: preset names. */
    public static List<Preset> presets(String list) {
        return SweepCommand.presets(list);
    }

    /** Checks before any work that {@code --flag DIR} can be created or written (see {@code map --out}). */
    public static void checkDirectory(String flag, String given, Path dir) {
        OutputFiles.checkDirectory(flag, given, dir);
    }

    /**
     * An output directory that appears whole or not at all: files go in one by one ({@link #write});
     * unless {@link #commit} is called, {@link #close} removes them, and the directory if it made it.
     */
    public static final class OutputDirectory implements AutoCloseable {
        private final OutputFiles.Directory files;

        public OutputDirectory(String flag, Path dir) {
            files = new OutputFiles.Directory(flag, dir);
        }

        /** Writes one file of the directory through {@code writer} (an atomic write, see {@code io.AtomicFiles}). */
        public Path write(String name, FileWriter writer) {
            return files.write(name, writer::write);
        }

        public void commit() {
            files.commit();
        }

        @Override
        public void close() {
            files.close();
        }
    }

    /** Writes one file. */
    @FunctionalInterface
    public interface FileWriter {
        void write(Path file) throws IOException;
    }
}
