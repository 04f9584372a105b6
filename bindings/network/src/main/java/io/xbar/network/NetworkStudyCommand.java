// NetworkStudyCommand: `xbar network --model DIR --out OUT`: every layer of a network over a grid of tiles, wires and mappings, on Apache Spark (MODEL.md section 8).
package io.xbar.network;

import io.xbar.blas.Blas;
import io.xbar.cli.Command;
import io.xbar.cli.FlagSets;
import io.xbar.cli.Flags;
import io.xbar.cli.GlobalFlags;
import io.xbar.cli.JsonFiles;
import io.xbar.cli.LayerStudy;
import io.xbar.cli.MappingJson;
import io.xbar.cli.ProgressBar;
import io.xbar.cli.UsageException;
import io.xbar.io.AtomicFiles;
import io.xbar.kernel.Circuit;
import io.xbar.mapping.LayerResult;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.PartialSums;
import io.xbar.mapping.Preset;
import io.xbar.mapping.QuantizedInputs;
import io.xbar.mapping.QuantizedWeights;
import io.xbar.mapping.TiledMvm;
import io.xbar.plot.Plots;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * The study: read {@code model.json} and every layer (as {@code nf} reads {@code --weights} and
 * {@code --inputs}), build the grid, cut it into tasks ({@link Planner}), run them on Spark
 * ({@link SparkRunner}) or in process, combine each layer's tasks ({@link TiledMvm#combine}: bit
 * for bit {@code nf}'s result), and write {@code results.csv}, {@code results.json} and
 * {@code network-nf.png} into a directory that appears whole or not at all.
 */
public final class NetworkStudyCommand implements Command {
    private static final Set<String> GRID = Set.of("tile", "mapping", "r-wl", "r-bl");
    private static final Set<String> VALUED = LayerStudy.valued("model", "out", "tiles", "wires", "mappings", "master",
            "task-work");
    private static final Set<String> SWITCHES = LayerStudy.switches("no-plots");

    @Override
    public String name() {
        return io.xbar.cli.NetworkCommand.NAME;
    }

    @Override
    public String summary() {
        return io.xbar.cli.NetworkCommand.SUMMARY;
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length > 0 && args[0].equals("generate")) {
            return ModelGenerator.run(java.util.Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        if (FlagSets.wantsHelp(args)) {
            help(out);
            return 0;
        }
        Flags flags = LayerStudy.parse(args, VALUED, SWITCHES);
        LayerStudy.Setup base = LayerStudy.setup(flags);
        Master master = Master.parse(flags.string("master", "local[*]"));
        double taskWork = flags.number("task-work", 8);
        if (taskWork < 0) {
            throw new UsageException("--task-work: " + taskWork + " must be >= 0 (256x256 tiles of work per task)");
        }
        List<GridPoint> points = grid(flags, base.circuit());
        List<MappingOptions> options = new ArrayList<>();
        for (GridPoint p : points) {
            options.add(LayerStudy.setup(LayerStudy.parse(p.argumentArray(), LayerStudy.valued(), LayerStudy.switches()))
                    .options());
        }
        Path dir = Path.of(flags.required("out")).toAbsolutePath().normalize();
        LayerStudy.checkDirectory("out", flags.required("out"), dir);
        ModelFile model = ModelFile.read(flags.required("model"));
        List<StudyLayer> layers = readLayers(model, LayerStudy.sharedArguments(flags), base.options());

        List<StudyTask> tasks = Planner.plan(layers, points, options, taskWork);
        String study = UUID.randomUUID().toString();
        ProgressBar bar = ProgressBar.on(err);
        long start = System.nanoTime();
        List<TaskResult> results;
        int blasThreads = Blas.threads(); // tasks in this JVM (local Spark, in-process) run single-threaded OpenBLAS
        try {
            TaskListener listener = (done, total) -> bar.show(done, total, "task " + done + "/" + total);
            if (master.spark() == null) {
                results = InProcessRunner.run(study, tasks, layers, GlobalFlags.threads(Runtime.getRuntime().availableProcessors()),
                        listener);
            } else {
                results = SparkRunner.run(master, study, tasks, layers, listener);
            }
        } catch (UsageException e) {
            throw e;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // A job Spark gave up on (a task failed on every attempt, executors lost): one line, exit 1.
            bar.finish();
            err.println("xbar network: the study failed on " + master.given() + ": " + SparkRunner.rootMessage(e));
            return 1;
        } finally {
            bar.finish();
            Blas.setThreads(blasThreads);
        }
        double wall = (System.nanoTime() - start) / 1e9;

        List<StudyResults.Row> rows = combine(layers, points, options, tasks, results);
        ObjectNode settings = settings(flags, base, model, master, layers, tasks.size(), wall);
        boolean byWire = points.stream().map(GridPoint::wire).distinct().count() > 1;
        try (LayerStudy.OutputDirectory files = new LayerStudy.OutputDirectory("out", dir)) {
            Path csv = files.write("results.csv", f -> AtomicFiles.write(f,
                    s -> s.write(StudyResults.csv(rows).getBytes(StandardCharsets.UTF_8))));
            Path json = files.write("results.json", f -> JsonFiles.write(f, StudyResults.json(rows, settings)));
            Path png = null;
            if (!flags.has("no-plots")) {
                png = files.write("network-nf.png", f -> Plots.sweepNf(f, StudyResults.plotPoints(rows, byWire),
                        String.format(Locale.ROOT, "Network NF (all terms of %d layers) vs tile size", layers.size())));
            }
            files.commit();
            out.printf(Locale.ROOT, "network study: %d layers x %d grid points, %d tasks on %s in %.1f s%n", layers.size(),
                    points.size(), tasks.size(), master.given(), wall);
            out.println("results: " + csv + " and " + json + (png == null ? "" : "; picture: " + png));
        }
        return 0;
    }

    private static void help(PrintStream out) {
        out.println("usage: xbar network --model DIR --out OUT [--tiles LIST] [--wires LIST] [--mappings LIST]"
                + " [--master local[*]|spark://HOST:PORT] [mapping, circuit and device flags]");
        out.println("       xbar network generate --out DIR [--shapes resnet18] [--batch B] [--layers LIST] [--seed S]");
        out.println(FlagSets.helpLine("--model DIR", "DIR/model.json: {\"layers\": [{\"name\", \"weights\": W.npy (K x N_out), \"inputs\": X.npy (B x K)}]}"));
        out.println(FlagSets.helpLine("--out OUT", "writes OUT/results.csv, OUT/results.json and OUT/network-nf.png (OUT is created)"));
        out.println(FlagSets.helpLine("--tiles LIST", "tile sizes N or RxC, comma-separated (default: --tile, else 256x256)"));
        out.println(FlagSets.helpLine("--wires LIST", "r_wl = r_bl values in ohms (default: --r-wl and --r-bl as given)"));
        out.println(FlagSets.helpLine("--mappings LIST", "naive,mdm,optimized (default: --mapping, else naive)"));
        out.println(FlagSets.helpLine("--master M", "local[*] (default: embedded Spark), local[N], spark://HOST:PORT"
                + " (standalone cluster) or in-process (no Spark)"));
        out.println(FlagSets.helpLine("--task-work W", "least work per task in 256x256 tiles (default 8; 0: one column block each)"));
        out.println(FlagSets.helpLine("--no-plots", "write no picture"));
        out.println("Spark settings: any -Dspark.KEY=VALUE in XBAR_JAVA_OPTS (e.g. spark.executor.memory); see docs/network.md");
        LayerStudy.printSharedHelp(out);
    }

    /** The grid: every tile size, then every wire resistance, then every mapping; each point as nf flags. */
    static List<GridPoint> grid(Flags flags, Circuit base) {
        List<int[]> tiles = LayerStudy.tiles(nonEmpty(flags, "tiles", flags.string("tiles", flags.string("tile", "256x256"))));
        List<Double> wires = flags.has("wires") ? LayerStudy.wires(nonEmpty(flags, "wires", flags.string("wires", ""))) : null;
        List<Preset> presets = LayerStudy.presets(nonEmpty(flags, "mappings",
                flags.string("mappings", flags.string("mapping", "naive"))));
        List<String> shared = new ArrayList<>();
        List<String> all = LayerStudy.sharedArguments(flags);
        for (int k = 0; k < all.size(); k++) {
            String name = all.get(k).substring(2);
            boolean valued = LayerStudy.valued().contains(name);
            boolean replaced = name.equals("tile") || name.equals("mapping")
                    || (wires != null && (name.equals("r-wl") || name.equals("r-bl")));
            if (!replaced) {
                shared.add(all.get(k));
                if (valued) {
                    shared.add(all.get(k + 1));
                }
            }
            if (valued) {
                k++;
            }
        }
        List<GridPoint> points = new ArrayList<>();
        for (int[] t : tiles) {
            for (Double w : wires == null ? java.util.Collections.<Double>singletonList(null) : wires) {
                for (Preset p : presets) {
                    List<String> a = new ArrayList<>(shared);
                    a.addAll(List.of("--tile", t[0] + "x" + t[1], "--mapping", p.label()));
                    if (w != null) {
                        a.addAll(List.of("--r-wl", w.toString(), "--r-bl", w.toString()));
                    }
                    double rWl = w == null ? base.wordLine() : w;
                    double rBl = w == null ? base.bitLine() : w;
                    points.add(new GridPoint(points.size(), t[0], t[1], rWl, rBl, p.label(), a));
                }
            }
        }
        return points;
    }

    /** A grid list that names no value is an empty grid: refused by name. */
    private static String nonEmpty(Flags flags, String flag, String list) {
        if (list.replace(",", "").isBlank()) {
            throw new UsageException("--" + flag + " '" + list + "' is empty: the grid has no point");
        }
        return list;
    }

    /** Every layer read and quantized as {@code nf} reads its {@code --weights} and {@code --inputs}. */
    private static List<StudyLayer> readLayers(ModelFile model, List<String> shared, MappingOptions options)
            throws java.io.IOException {
        List<StudyLayer> layers = new ArrayList<>();
        for (ModelFile.Layer l : model.layers()) {
            List<String> a = new ArrayList<>(shared);
            a.addAll(List.of("--weights", l.weights().toString(), "--inputs", l.inputs().toString()));
            Flags f = LayerStudy.parse(a.toArray(new String[0]), LayerStudy.valued("weights", "inputs"), LayerStudy.switches());
            try {
                QuantizedWeights w = LayerStudy.weights(f, options);
                QuantizedInputs x = LayerStudy.inputs(f, options, w);
                layers.add(StudyLayer.of(l.name(), w, x));
            } catch (UsageException e) {
                throw new UsageException(model.file() + " layer '" + l.name() + "': "
                        + e.getMessage().replace("--weights ", "weights ").replace("--inputs ", "inputs "));
            }
        }
        return layers;
    }

    /** Each layer's tasks combined in task order; then the point's network row. */
    private static List<StudyResults.Row> combine(List<StudyLayer> layers, List<GridPoint> points,
                                                  List<MappingOptions> options, List<StudyTask> tasks,
                                                  List<TaskResult> results) {
        List<List<List<TaskResult>>> byPoint = new ArrayList<>();
        for (int p = 0; p < points.size(); p++) {
            List<List<TaskResult>> byLayer = new ArrayList<>();
            for (int l = 0; l < layers.size(); l++) {
                byLayer.add(new ArrayList<>());
            }
            byPoint.add(byLayer);
        }
        for (TaskResult r : results) {
            byPoint.get(r.point()).get(r.layer()).add(r);
        }
        List<StudyResults.Row> rows = new ArrayList<>();
        for (GridPoint p : points) {
            MappingOptions o = options.get(p.index());
            List<LayerResult> layerResults = new ArrayList<>();
            int tilesAll = 0;
            int tasksAll = 0;
            double secondsAll = 0;
            for (int l = 0; l < layers.size(); l++) {
                StudyLayer layer = layers.get(l);
                List<TaskResult> own = byPoint.get(p.index()).get(l);
                own.sort(Comparator.comparingInt(TaskResult::task));
                StudyTask first = tasks.get(own.get(0).task());
                int tiles = first.rowBlocks() * first.columnBlocks();
                List<PartialSums> parts = new ArrayList<>();
                double seconds = 0;
                for (TaskResult r : own) {
                    parts.add(r.expand(layer.batch(), layer.outputs(), tiles));
                    seconds += r.seconds();
                }
                LayerResult result = TiledMvm.combine(layer.weights(), o, layer.activations(), parts);
                layerResults.add(result);
                rows.add(new StudyResults.Row(layer.name(), p, result.nonidealityFactor(), result.mvmRelativeError(), tiles,
                        result.nfTerms(), own.size(), seconds));
                tilesAll += tiles;
                tasksAll += own.size();
                secondsAll += seconds;
            }
            rows.add(StudyResults.network(p, layerResults, tilesAll, tasksAll, secondsAll));
        }
        return rows;
    }

    private static ObjectNode settings(Flags flags, LayerStudy.Setup base, ModelFile model, Master master,
                                       List<StudyLayer> layers, int tasks, double wall) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("model", model.file().toAbsolutePath().normalize().toString());
        root.put("master", master.given());
        root.put("tasks", tasks);
        root.put("wall_seconds", wall);
        ArrayNode shared = root.putArray("flags");
        LayerStudy.sharedArguments(flags).forEach(shared::add);
        // As nf's report: the programming (every layer and point draws from this one seed) and the cell model.
        root.set("device", MappingJson.device(base.options().variability()));
        root.put("cell_model", base.cellModel().kind().flagName());
        if (!base.cellModel().isLinear()) {
            root.put("v0", base.cellModel().v0());
        }
        ArrayNode list = root.putArray("layers");
        for (StudyLayer l : layers) {
            ObjectNode n = list.addObject();
            n.put("name", l.name());
            n.put("inputs", l.inputs());
            n.put("outputs", l.outputs());
            n.put("batch", l.batch());
        }
        return root;
    }
}
