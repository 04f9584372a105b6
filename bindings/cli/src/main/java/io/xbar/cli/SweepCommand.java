// SweepCommand: `xbar sweep --weights W.npy --inputs X.npy --out DIR`: NF and mvm_rel_error over tile sizes, wire resistances and mappings.
package io.xbar.cli;

import io.xbar.io.AtomicFiles;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xbar.kernel.Circuit;
import io.xbar.mapping.LayerMapping;
import io.xbar.mapping.LayerResult;
import io.xbar.cli.MappingJson;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.Preset;
import io.xbar.mapping.QuantizedWeights;
import io.xbar.mapping.TiledMvm;
import io.xbar.plot.Plots;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The design-space study done by hand today: every combination of {@code --tiles},
 * {@code --wires} (both {@code r_wl} and {@code r_bl}) and {@code --mappings}, the other settings
 * from the usual flags. Writes {@code DIR/sweep.csv}, {@code DIR/sweep.json} and the picture
 * {@code DIR/sweep-nf.png} (NF vs tile size; {@code --no-plots} turns it off); shows a progress
 * bar on stderr when it is a terminal.
 */
public final class SweepCommand implements Command {
    private static final Set<String> VALUED = LayerArguments.valued("weights", "inputs", "out", "tiles", "wires", "mappings", "calibration");
    private static final Set<String> SWITCHES = LayerArguments.switches("no-plots");

    /** One point of the sweep. */
    record Point(int tileRows, int tileCols, double wire, Preset preset, int tiles, double nf, double mvmRelError,
                 double seconds) {
    }

    @Override
    public String name() {
        return "sweep";
    }

    @Override
    public String summary() {
        return "design-space sweep: NF and MVM error over tile sizes, wire resistances and mappings";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (FlagSets.wantsHelp(args)) {
            out.println("usage: xbar sweep --weights W.npy --inputs X.npy --out DIR [--tiles LIST] [--wires LIST] [--mappings LIST]");
            out.println(FlagSets.helpLine("--tiles LIST", "square sizes or RxC, comma-separated (default 64,128,256,512,1024)"));
            out.println(FlagSets.helpLine("--wires LIST", "r_wl = r_bl values in ohms (default 1,2.5,5)"));
            out.println(FlagSets.helpLine("--mappings LIST", "presets (default naive,mdm,optimized)"));
            out.println(FlagSets.helpLine("--out DIR", "writes DIR/sweep.csv, DIR/sweep.json and DIR/sweep-nf.png (DIR is created)"));
            out.println(FlagSets.helpLine("--no-plots", "write no picture"));
            LayerArguments.printSharedHelp(out);
            return 0;
        }
        Flags flags = LayerArguments.parse(args, VALUED, SWITCHES);
        Circuit base = CircuitFlags.parse(flags);
        MappingOptions options = MappingFlags.parse(flags, DeviceFlags.parse(flags));
        io.xbar.kernel.CellModel cellModel = CellModelFlags.parse(flags, base);
        CellModelFlags.checkReadVoltage(flags, cellModel, options.vRead());
        List<int[]> tiles = tiles(flags.string("tiles", "64,128,256,512,1024"));
        List<Double> wires = wires(flags.string("wires", "1,2.5,5"));
        List<Preset> presets = presets(flags.string("mappings", "naive,mdm,optimized"));
        for (int[] t : tiles) {
            try {
                options.withTile(t[0], t[1]);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--tiles: " + e.getMessage());
            }
        }
        Path dir = io.xbar.io.WorkingDirectory.absolute(Path.of(flags.required("out"))).normalize();
        OutputFiles.checkDirectory("out", flags.required("out"), dir);
        QuantizedWeights weights = LayerArguments.weights(flags, options);
        LayerArguments.Inputs inputs = LayerArguments.inputs(flags, options, weights);
        double[] activity = LayerArguments.calibration(flags, options, weights);

        int total = tiles.size() * wires.size() * presets.size();
        // Only on a real terminal, and never under --quiet.
        ProgressBar bar = ProgressBar.on(err);
        List<Point> points = new ArrayList<>(total);
        for (int[] t : tiles) {
            for (double wire : wires) {
                Circuit circuit = base.withWires(wire);
                for (Preset p : presets) {
                    bar.show(points.size(), total, points.size() + "/" + total + " " + t[0] + "x" + t[1] + " r=" + wire
                            + " " + p.label());
                    long start = System.nanoTime();
                    MappingOptions o = options.withTile(t[0], t[1]).withPreset(p);
                    LayerMapping m = LayerMapping.map(weights, o, circuit.drive(), circuit.senseAt(), activity);
                    LayerResult r = TiledMvm.run(m, inputs.quantized(), circuit, cellModel, null);
                    points.add(new Point(t[0], t[1], wire, p, m.tiles().size(), r.nonidealityFactor(),
                            r.mvmRelativeError(), (System.nanoTime() - start) / 1e9));
                }
            }
        }
        bar.show(total, total, total + "/" + total + " done");
        bar.finish();
        // The directory is created with its first file; a failed write leaves neither files nor an empty directory.
        try (OutputFiles.Directory files = new OutputFiles.Directory("out", dir)) {
            Path csv = files.write("sweep.csv", f -> AtomicFiles.write(f,
                    stream -> stream.write(csv(points).getBytes(StandardCharsets.UTF_8))));
            ObjectNode json = json(points, options, base, inputs.quantized().batch(), weights);
            json.put("cell_model", cellModel.kind().flagName());
            if (!cellModel.isLinear()) {
                json.put("v0", cellModel.v0());
            }
            Path jsonFile = files.write("sweep.json", f -> JsonFiles.write(f, json));
            Path png = null;
            if (!flags.has("no-plots")) {
                png = files.write("sweep-nf.png", f -> Plots.sweepNf(f, plotPoints(points, wires.size() > 1),
                        String.format(Locale.ROOT, "Layer NF vs tile size (%d x %d weights, %d vectors)", weights.inputs(),
                                weights.outputs(), inputs.quantized().batch())));
            }
            files.commit();
            out.println("swept " + total + " points into " + csv + " and " + jsonFile);
            if (png != null) {
                out.println("picture: " + png + "  layer NF vs tile size, one line per mapping"
                        + (wires.size() > 1 ? " and wire resistance" : ""));
            }
        }
        return 0;
    }

    /** One line per mapping, or per mapping and wire when several wires were swept. */
    static List<Plots.SweepPoint> plotPoints(List<Point> points, boolean byWire) {
        List<Plots.SweepPoint> list = new ArrayList<>(points.size());
        for (Point p : points) {
            String series = byWire ? p.preset.label() + ", r_wl = r_bl = " + p.wire + " ohm" : p.preset.label();
            list.add(new Plots.SweepPoint(p.tileRows + "x" + p.tileCols, series, p.nf));
        }
        return list;
    }

    /** NF reduction of each point against the naive point with the same tile and wires, when swept. */
    private static double reduction(List<Point> points, Point p) {
        for (Point q : points) {
            if (q.preset == Preset.NAIVE && q.tileRows == p.tileRows && q.tileCols == p.tileCols && q.wire == p.wire) {
                return (q.nf - p.nf) / q.nf;
            }
        }
        return Double.NaN;
    }

    static String csv(List<Point> points) {
        StringBuilder sb = new StringBuilder("tile_rows,tile_cols,r_wl,r_bl,mapping,tiles,nf,mvm_rel_error,nf_reduction_vs_naive,seconds\n");
        for (Point p : points) {
            sb.append(String.format(Locale.ROOT, "%d,%d,%s,%s,%s,%d,%s,%s,%s,%.3f%n", p.tileRows, p.tileCols, p.wire, p.wire,
                    p.preset.label(), p.tiles, num(p.nf), num(p.mvmRelError), num(reduction(points, p)), p.seconds));
        }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.9g", v) : "";
    }

    static ObjectNode json(List<Point> points, MappingOptions o, Circuit base, int batch, QuantizedWeights w) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("inputs", w.inputs());
        root.put("outputs", w.outputs());
        root.put("batch", batch);
        root.put("weight_bits", o.weightBits());
        root.put("cell_bits", o.cellBits());
        root.put("signed", o.encoding().label());
        root.put("input_bits", o.inputBits());
        root.put("dac_bits", o.dacBits());
        root.put("adc_bits", o.adcBits());
        root.set("circuit", MappingJson.circuit(base));
        root.set("device", MappingJson.device(o.variability()));
        ArrayNode list = root.putArray("points");
        for (Point p : points) {
            ObjectNode n = list.addObject();
            n.put("tile_rows", p.tileRows);
            n.put("tile_cols", p.tileCols);
            n.put("r_wl", p.wire);
            n.put("r_bl", p.wire);
            n.put("mapping", p.preset.label());
            n.put("tiles", p.tiles);
            putNumber(n, "nf", p.nf);
            putNumber(n, "mvm_rel_error", p.mvmRelError);
            putNumber(n, "nf_reduction_vs_naive", reduction(points, p));
            n.put("seconds", p.seconds);
        }
        return root;
    }

    private static void putNumber(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) {
            n.put(key, v);
        } else {
            n.putNull(key);
        }
    }

    static List<int[]> tiles(String s) {
        List<int[]> list = new ArrayList<>();
        for (String part : s.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            try {
                int x = p.indexOf('x');
                int rows = Integer.parseInt(x < 0 ? p : p.substring(0, x));
                int cols = Integer.parseInt(x < 0 ? p : p.substring(x + 1));
                if (rows < 1 || cols < 1 || rows > MappingOptions.MAX_TILE || cols > MappingOptions.MAX_TILE) {
                    throw new NumberFormatException();
                }
                list.add(new int[] {rows, cols});
            } catch (NumberFormatException e) {
                throw new UsageException("--tiles: '" + part + "' is not a tile size N or RxC (1.." + MappingOptions.MAX_TILE + ")");
            }
        }
        return list;
    }

    static List<Double> wires(String s) {
        List<Double> list = new ArrayList<>();
        for (String part : s.split(",")) {
            try {
                double v = Double.parseDouble(part.trim());
                if (!(v >= 0) || !Double.isFinite(v)) {
                    throw new NumberFormatException();
                }
                list.add(v);
            } catch (NumberFormatException e) {
                throw new UsageException("--wires: '" + part + "' is not a resistance >= 0 ohm");
            }
        }
        return list;
    }

    static List<Preset> presets(String s) {
        List<Preset> list = new ArrayList<>();
        for (String part : s.split(",")) {
            try {
                list.add(Preset.parse(part));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--mappings: " + e.getMessage());
            }
        }
        return list;
    }
}
