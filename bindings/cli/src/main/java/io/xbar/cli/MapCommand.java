// MapCommand: `xbar map --weights W.npy --out DIR`: writes DIR/mapping.json and one DIR/tile_<r>_<c>.npy of conductances per tile.
package io.xbar.cli;

import io.xbar.io.Npy;
import io.xbar.kernel.Circuit;
import io.xbar.mapping.LayerMapping;
import io.xbar.cli.MappingJson;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.QuantizedWeights;
import io.xbar.mapping.Tile;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Maps a layer and writes it out. Everything goes into a temporary directory next to {@code DIR}
 * that is renamed into place at the end, so an interrupted run leaves no half-written mapping.
 * An existing {@code DIR} is replaced only if it is empty or holds a previous mapping.
 */
public final class MapCommand implements Command {
    private static final Set<String> VALUED = LayerArguments.valued("weights", "out", "calibration");
    private static final Set<String> SWITCHES = LayerArguments.switches();

    @Override
    public String name() {
        return "map";
    }

    @Override
    public String summary() {
        return "bit-slice and tile a weight matrix: DIR/mapping.json and one DIR/tile_<r>_<c>.npy per tile";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (FlagSets.wantsHelp(args)) {
            out.println("usage: xbar map --weights W.npy --out DIR [mapping, circuit and device flags]");
            out.println(FlagSets.helpLine("--weights W.npy", "K x N_out weight matrix (y = x . W)"));
            out.println(FlagSets.helpLine("--out DIR", "output directory (created; a previous mapping there is replaced)"));
            LayerArguments.printSharedHelp(out);
            return 0;
        }
        Flags flags = LayerArguments.parse(args, VALUED, SWITCHES);
        Circuit circuit = CircuitFlags.parse(flags);
        MappingOptions options = MappingFlags.parse(flags, DeviceFlags.parse(flags));
        Path dir = outputDirectory(flags);
        QuantizedWeights weights = LayerArguments.weights(flags, options);
        LayerMapping mapping = LayerArguments.map(flags, weights, options, circuit);
        write(mapping, circuit, dir);
        if (!GlobalFlags.quiet()) {
            out.println("mapped " + mapping.inputs() + "x" + mapping.outputs() + " weights onto " + mapping.tiles().size()
                    + " tiles of " + options.tileRows() + "x" + options.tileCols() + " (" + options.preset().label() + ") in " + dir);
        }
        return 0;
    }

    /** {@code --out DIR}: its parent must exist; an existing DIR must be empty or a previous mapping. */
    static Path outputDirectory(Flags flags) throws IOException {
        Path dir = Path.of(flags.required("out")).toAbsolutePath().normalize();
        Path parent = dir.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new UsageException("--out " + flags.required("out") + ": directory " + parent + " does not exist");
        }
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new UsageException("--out " + flags.required("out") + " exists and is not a directory");
            }
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent() && !Files.exists(dir.resolve("mapping.json"))) {
                    throw new UsageException("--out " + flags.required("out")
                            + " is a non-empty directory without a mapping.json; refusing to replace it");
                }
            }
        }
        return dir;
    }

    /** Writes the mapping into a temporary sibling of {@code dir}, then swaps it into place. */
    public static void write(LayerMapping mapping, Circuit circuit, Path dir) throws IOException {
        Path parent = dir.getParent();
        Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".");
        boolean done = false;
        try {
            for (Tile t : mapping.tiles()) {
                Npy.write(tmp.resolve(t.fileName()), t.conductances(), t.rows(), t.cols());
            }
            JsonFiles.write(tmp.resolve("mapping.json"), MappingJson.of(mapping, circuit));
            if (Files.exists(dir)) {
                Path old = Files.createTempDirectory(parent, "." + dir.getFileName() + ".old.");
                Files.delete(old);
                Files.move(dir, old);
                Files.move(tmp, dir);
                deleteTree(old);
            } else {
                Files.move(tmp, dir);
            }
            done = true;
        } finally {
            if (!done) {
                deleteTree(tmp);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
