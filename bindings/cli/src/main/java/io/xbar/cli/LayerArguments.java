// LayerArguments: reads and quantizes the --weights and --inputs files of the mapping commands, one-line errors naming the file.
package io.xbar.cli;

import io.xbar.io.NdArray;
import io.xbar.mapping.LayerMapping;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.QuantizedInputs;
import io.xbar.mapping.QuantizedWeights;
import io.xbar.mapping.Quantizer;
import io.xbar.kernel.Circuit;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** The layer a mapping command works on: the weight matrix, its mapping, and optionally the input batch. */
final class LayerArguments {
    private LayerArguments() {
    }

    /** A mapping command's valued flags: its own plus the circuit, device and mapping flags. */
    static Set<String> valued(String... own) {
        return FlagSets.union(CircuitFlags.NAMES, DeviceFlags.NAMES, MappingFlags.NAMES, CellModelFlags.NAMES, Set.of(own));
    }

    /** A mapping command's switches: its own plus the mapping switches and help. */
    static Set<String> switches(String... own) {
        return FlagSets.union(MappingFlags.SWITCHES, FlagSets.HELP_SWITCH, Set.of(own));
    }

    /** The help lines every mapping command prints after its own. */
    static void printSharedHelp(PrintStream out) {
        out.println(FlagSets.helpLine("--calibration X.npy", "inputs whose row activities guide --mapping optimized"));
        out.println(MappingFlags.HELP);
        out.println(CircuitFlags.HELP);
        out.println(DeviceFlags.HELP);
        out.println(CellModelFlags.HELP);
    }

    /** Parses a mapping command's flags; positional arguments are an error. */
    static Flags parse(String[] args, Set<String> valued, Set<String> switches) {
        Flags flags = Flags.parse(args, valued, switches);
        if (!flags.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + flags.positional().get(0) + "'");
        }
        return flags;
    }

    /** {@code --weights W.npy}: a 2-D {@code K x N_out} matrix, quantized per MODEL.md section 2. */
    static QuantizedWeights weights(Flags flags, MappingOptions options) throws IOException {
        NdArray a = ArrayFiles.read(flags, "weights");
        Path file = Path.of(flags.required("weights"));
        if (a.rank() != 2 || a.dim(0) < 1 || a.dim(1) < 1) {
            throw new UsageException("--weights " + file + " has shape " + a.shapeString()
                    + "; weights must be a 2-D K x N_out matrix (y = x . W)");
        }
        try {
            return Quantizer.weights(a.toArray(), a.dim(0), a.dim(1), options.weightBits(), options.encoding(),
                    a.integerTyped());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--weights " + file + ": " + e.getMessage());
        }
    }

    /** {@code --inputs X.npy}: a vector of {@code K} activations or a {@code B x K} batch. */
    static Inputs inputs(Flags flags, MappingOptions options, QuantizedWeights w) throws IOException {
        ArrayFiles.Vectors v = ArrayFiles.vectors(flags, "inputs", w.inputs(),
                "--weights " + flags.required("weights") + " has " + w.inputs() + " rows",
                "one activation per weight row");
        if (v.batch() < 1) {
            throw new UsageException("--inputs " + v.file() + " has shape " + v.array().shapeString() + "; it holds no input vector");
        }
        try {
            QuantizedInputs q = Quantizer.inputs(v.values(), v.batch(), v.width(), options.inputBits(),
                    v.array().integerTyped(), options.signedInputs());
            return new Inputs(v, q);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--inputs " + v.file() + ": " + e.getMessage());
        }
    }

    /** Maps the layer; with {@code --calibration X.npy} the row activities of those inputs guide the optimized mapping. */
    static LayerMapping map(Flags flags, QuantizedWeights w, MappingOptions options, Circuit circuit) throws IOException {
        return LayerMapping.map(w, options, circuit.drive(), circuit.senseAt(), calibration(flags, options, w));
    }

    /** Row activities of {@code --calibration X.npy} (a vector or batch of K activations), or {@code null}. */
    static double[] calibration(Flags flags, MappingOptions options, QuantizedWeights w) throws IOException {
        if (!flags.has("calibration")) {
            return null;
        }
        ArrayFiles.Vectors v = ArrayFiles.vectors(flags, "calibration", w.inputs(),
                "--weights " + flags.required("weights") + " has " + w.inputs() + " rows",
                "one activation per weight row");
        if (v.batch() < 1) {
            throw new UsageException("--calibration " + v.file() + " has shape " + v.array().shapeString() + "; it holds no input vector");
        }
        try {
            QuantizedInputs q = Quantizer.inputs(v.values(), v.batch(), v.width(), options.inputBits(),
                    v.array().integerTyped(), options.signedInputs());
            return LayerMapping.activity(q, options);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--calibration " + v.file() + ": " + e.getMessage());
        }
    }

    record Inputs(ArrayFiles.Vectors file, QuantizedInputs quantized) {
    }
}
