// MapCommand: `xbar map --weights W.npy --out DIR`: writes DIR/mapping.json and one DIR/tile_<r>_<c>.npy of conductances per tile.
package io.xbar.cli;

import io.xbar.io.AtomicFiles;
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
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Maps a layer and writes it out. Everything is staged in a temporary directory and moved into place
 * at the end, so an interrupted run leaves no half-written mapping. Into an existing {@code DIR}
 * (empty, or holding a previous mapping) only {@code mapping.json} and tile files are written, and
 * only the previous mapping's own tiles are removed: the user's other files stay.
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
            out.println(FlagSets.helpLine("--out DIR", "output directory (created; a previous mapping there is replaced, other files are kept)"));
            LayerArguments.printSharedHelp(out);
            return 0;
        }
        Flags flags = LayerArguments.parse(args, VALUED, SWITCHES);
        Circuit circuit = CircuitFlags.parse(flags);
        MappingOptions options = MappingFlags.parse(flags, DeviceFlags.parse(flags));
        CellModelFlags.parse(flags, circuit); // checked like the other commands; the tiles do not depend on it
        Path dir = outputDirectory(flags);
        QuantizedWeights weights = LayerArguments.weights(flags, options);
        LayerMapping mapping = LayerArguments.map(flags, weights, options, circuit);
        try {
            write(mapping, circuit, dir);
        } catch (IOException e) {
            throw OutputFiles.cannotWrite("out", dir, e);
        }
        if (!GlobalFlags.quiet()) {
            out.println("mapped " + mapping.inputs() + "x" + mapping.outputs() + " weights onto " + mapping.tiles().size()
                    + " tiles of " + options.tileRows() + "x" + options.tileCols() + " (" + options.preset().label() + ") in " + dir);
        }
        return 0;
    }

    /**
     * {@code --out DIR}: its parent must exist; an existing DIR must be a writable directory that is
     * empty or holds an xbar mapping (a {@code mapping.json} listing its tile files).
     */
    static Path outputDirectory(Flags flags) throws IOException {
        String given = flags.required("out");
        Path dir = io.xbar.io.WorkingDirectory.absolute(Path.of(given)).normalize();
        OutputFiles.checkDirectory("out", given, dir);
        if (Files.exists(dir) && !isEmpty(dir)) {
            if (!Files.exists(dir.resolve(MAPPING))) {
                throw new UsageException("--out " + given
                        + " is a non-empty directory without a mapping.json; refusing to write into it");
            }
            previousTiles(given, dir);
        }
        return dir;
    }

    /**
     * Writes the mapping. A new {@code dir} is filled as a temporary sibling and renamed into place.
     * Into an existing one, the files are staged in a temporary subdirectory, then moved in (tiles
     * first, {@code mapping.json} last); afterwards the tiles of the previous mapping that the new
     * one does not have are removed. Nothing else in {@code dir} is touched.
     */
    public static void write(LayerMapping mapping, Circuit circuit, Path dir) throws IOException {
        Path parent = io.xbar.io.WorkingDirectory.absolute(dir).getParent();
        boolean exists = Files.isDirectory(dir);
        Set<String> previous = exists ? previousTiles(dir.toString(), dir) : Set.of();
        Set<String> fresh = new LinkedHashSet<>();
        for (Tile t : mapping.tiles()) {
            fresh.add(t.fileName());
            Path existing = dir.resolve(t.fileName());
            if (exists && Files.exists(existing, LinkOption.NOFOLLOW_LINKS) && !previous.contains(t.fileName())) {
                throw new UsageException("--out " + dir + ": " + t.fileName()
                        + " exists but is not a tile of the mapping there; refusing to replace it");
            }
        }
        Path staging = AtomicFiles.createTempDirectory(exists ? dir : parent, exists ? "mapping" : dir.getFileName().toString());
        boolean done = false;
        try {
            for (Tile t : mapping.tiles()) {
                Npy.write(staging.resolve(t.fileName()), t.conductances(), t.rows(), t.cols());
            }
            JsonFiles.write(staging.resolve(MAPPING), MappingJson.of(mapping, circuit));
            // One step against an interrupt: the mapping is put in place whole, or not at all.
            AtomicFiles.commit(() -> {
                if (!exists) {
                    Files.move(staging, dir);
                } else {
                    for (String name : fresh) {
                        move(staging.resolve(name), dir.resolve(name));
                    }
                    move(staging.resolve(MAPPING), dir.resolve(MAPPING));
                    for (String name : previous) {
                        if (!fresh.contains(name)) {
                            Files.deleteIfExists(dir.resolve(name));
                        }
                    }
                    Files.delete(staging);
                }
            });
            done = true;
        } finally {
            if (!done) {
                AtomicFiles.deleteTree(staging);
            }
            AtomicFiles.release(staging);
        }
    }

    private static final String MAPPING = "mapping.json";
    private static final Pattern TILE = Pattern.compile("tile_\\d+_\\d+\\.npy");

    /** The tile files listed by {@code dir/mapping.json}; refuses a file that is not an xbar mapping. */
    private static Set<String> previousTiles(String given, Path dir) throws IOException {
        Path json = dir.resolve(MAPPING);
        Set<String> names = new LinkedHashSet<>();
        if (!Files.exists(json)) {
            return names;
        }
        JsonNode root;
        try {
            root = JsonFiles.MAPPER.readTree(json.toFile());
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.has("tile_rows") || !root.path("tiles").isArray()) {
            throw new UsageException("--out " + given + ": its mapping.json is not an xbar mapping; refusing to write into it");
        }
        for (JsonNode t : root.path("tiles")) {
            String file = t.path("file").asText("");
            if (TILE.matcher(file).matches()) {
                names.add(file);
            }
        }
        return names;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        AtomicFiles.removeStale(dir);
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
