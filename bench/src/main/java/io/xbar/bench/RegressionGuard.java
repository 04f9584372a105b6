// RegressionGuard: runs the quick JMH subset, compares with the last recorded results and flags confirmed slowdowns over 20%.
package io.xbar.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Issue 7, item 4: {@code RegressionGuard [--threshold 0.20] [--repeats 2] [--results bench/results] [--no-record]
 * [--only REGEX]} ({@code --only} keeps the quick entries whose benchmark name matches).
 *
 * <ol>
 *   <li>Runs {@link #QUICK}, the quick subset (one fork, short iterations; a few minutes on 2 cores).</li>
 *   <li>For every configuration (benchmark, mode, parameters) finds the baseline: its score in the
 *       newest result file under {@code results} (by the file's recorded date) that has it, from
 *       {@code bench/run.sh} or from an earlier guard run.</li>
 *   <li>A configuration more than {@code threshold} slower is run again {@code repeats} times; it is
 *       reported as a regression only if every run, the first and the repeats, is over the threshold
 *       (the best run decides), otherwise as noise.</li>
 *   <li>Passing runs are recorded as {@code results/guard-<date>.json} (the next run's baseline);
 *       a run with a regression is not, so that it cannot become the baseline. Exit status 1 on a
 *       confirmed regression.</li>
 * </ol>
 */
public final class RegressionGuard {
    /** One entry of the quick subset: an exact benchmark, fixed parameters, and iteration counts. */
    record Entry(String benchmark, Map<String, String[]> params, int warmups, int iterations) {
    }

    /** The quick subset: small sizes of every hot path that runs in seconds. Extend here. */
    static final List<Entry> QUICK = List.of(
            new Entry("io.xbar.bench.SolveBenchmark.solve", Map.of("size", new String[] {"64", "256"},
                    "coupling", new String[] {"default", "strong"}), 3, 5),
            new Entry("io.xbar.bench.SolveBenchmark.programAndSolve", Map.of("size", new String[] {"256"},
                    "coupling", new String[] {"default"}), 3, 5),
            new Entry("io.xbar.bench.BatchSolveBenchmark.batch", Map.of(), 3, 5),
            new Entry("io.xbar.bench.LineKernelBenchmark.solve", Map.of("shape", new String[] {"256x256"},
                    "impl", new String[] {"vector", "scalar"}), 3, 5),
            new Entry("io.xbar.bench.TransferBenchmark.transfer", Map.of("size", new String[] {"64", "256"}), 5, 10),
            new Entry("io.xbar.bench.ReadOutBenchmark.readOut", Map.of(), 3, 5),
            new Entry("io.xbar.bench.ReadOutBenchmark.plainDgemm", Map.of(), 3, 5),
            new Entry("io.xbar.bench.SpiceBenchmark.kernel", Map.of("size", new String[] {"64"}), 3, 5),
            new Entry("io.xbar.bench.SpiceBenchmark.solve", Map.of("size", new String[] {"64"}), 3, 5));

    private RegressionGuard() {
    }

    /** A measured or recorded score; {@code lowerIsBetter} for time modes, not for throughput. */
    record Score(String key, String benchmark, String mode, Map<String, String> params, double score, double error,
                 String unit) {
        boolean lowerIsBetter() {
            return !mode.equals("thrpt");
        }

        /** How many times slower than {@code base} (above 1: slower). */
        double slowdown(Score base) {
            return lowerIsBetter() ? score / base.score : base.score / score;
        }
    }

    static String key(String benchmark, String mode, Map<String, String> params) {
        return benchmark + " [" + mode + "] " + new TreeMap<>(params);
    }

    public static void main(String[] args) throws Exception {
        double threshold = 0.20;
        int repeats = 2;
        Path results = Path.of("bench/results");
        boolean record = true;
        java.util.regex.Pattern only = null;
        for (int k = 0; k < args.length; k++) {
            switch (args[k]) {
                case "--threshold" -> threshold = Double.parseDouble(args[++k]);
                case "--repeats" -> repeats = Integer.parseInt(args[++k]);
                case "--results" -> results = Path.of(args[++k]);
                case "--no-record" -> record = false;
                case "--only" -> only = java.util.regex.Pattern.compile(args[++k]);
                default -> {
                    System.err.println("usage: RegressionGuard [--threshold 0.20] [--repeats 2] [--results DIR] [--no-record] [--only REGEX]");
                    System.exit(2);
                }
            }
        }
        if (!(threshold > 0) || repeats < 0) {
            System.err.println("--threshold must be > 0 and --repeats >= 0, got " + threshold + ", " + repeats);
            System.exit(2);
        }
        Map<String, Score> baseline = baseline(results);
        System.out.println("baseline: " + baseline.size() + " recorded configurations under " + results);

        long start = System.nanoTime();
        List<Score> current = new ArrayList<>();
        for (Entry e : QUICK) {
            if (only == null || only.matcher(e.benchmark()).find()) {
                current.addAll(run(e, null));
            }
        }

        List<Map<String, Object>> rows = new ArrayList<>();
        int regressions = 0;
        for (Score s : current) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("benchmark", s.key());
            row.put("score", s.score());
            row.put("unit", s.unit());
            Score base = baseline.get(s.key());
            if (base == null || !base.unit().equals(s.unit())) {
                row.put("verdict", base == null ? "new (no baseline)" : "unit changed (" + base.unit() + ")");
                rows.add(row);
                continue;
            }
            row.put("baseline", base.score());
            double best = s.slowdown(base);
            List<Double> runs = new ArrayList<>(List.of(best));
            if (best > 1 + threshold) {
                Entry e = entryOf(s);
                for (int r = 0; r < repeats && best > 1 + threshold; r++) {
                    System.out.printf(Locale.ROOT, "%s is %.0f%% slower: repeating (%d of %d)%n", s.key(), 100 * (best - 1), r + 1, repeats);
                    for (Score again : run(e, s.params())) {
                        runs.add(again.slowdown(base));
                        best = Math.min(best, again.slowdown(base));
                    }
                }
            }
            row.put("slowdowns", runs);
            String verdict;
            if (best > 1 + threshold) {
                verdict = repeats == 0 ? "REGRESSION (not repeated)" : "REGRESSION";
                regressions++;
            } else if (runs.get(0) > 1 + threshold) {
                verdict = "noise (a repeat was within " + Math.round(100 * threshold) + "%)";
            } else {
                verdict = "ok";
            }
            row.put("verdict", verdict);
            rows.add(row);
        }
        double minutes = (System.nanoTime() - start) / 60e9;

        System.out.println();
        System.out.printf(Locale.ROOT, "%-90s %12s %12s %8s  %s%n", "benchmark", "baseline", "now", "change", "verdict");
        for (Map<String, Object> row : rows) {
            Object base = row.get("baseline");
            double now = (Double) row.get("score");
            System.out.printf(Locale.ROOT, "%-90s %12s %12.4g %8s  %s%n", row.get("benchmark"),
                    base == null ? "-" : String.format(Locale.ROOT, "%.4g", (Double) base), now,
                    base == null ? "-" : String.format(Locale.ROOT, "%+.0f%%", 100 * (((List<?>) row.get("slowdowns")).isEmpty()
                            ? 0 : ((Double) ((List<?>) row.get("slowdowns")).get(0)) - 1)),
                    row.get("verdict"));
        }
        System.out.printf(Locale.ROOT, "%d configurations in %.1f min, %d regression(s) over %.0f%%%n",
                rows.size(), minutes, regressions, 100 * threshold);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("machine", BenchRunner.stamp(List.of("RegressionGuard quick subset")));
        out.put("jmh", current.stream().map(RegressionGuard::asJmh).toList());
        out.put("guard", Map.of("threshold", threshold, "repeats", repeats, "regressions", regressions, "rows", rows));
        Path target = regressions == 0 && record
                ? results.resolve("guard-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".json")
                : Files.createTempFile("xbar-guard", ".json");
        Files.createDirectories(target.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(target.toFile(), out);
        System.out.println((regressions == 0 && record ? "recorded as baseline: " : "not recorded as baseline, written to ") + target);
        System.exit(regressions == 0 ? 0 : 1);
    }

    private static Entry entryOf(Score s) {
        for (Entry e : QUICK) {
            if (e.benchmark().equals(s.benchmark())) {
                return e;
            }
        }
        throw new IllegalStateException("no quick entry for " + s.benchmark());
    }

    /** Runs one entry (all its parameter combinations, or only {@code only}). */
    static List<Score> run(Entry e, Map<String, String> only) throws RunnerException {
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include("^" + e.benchmark().replace(".", "\\.") + "$")
                .forks(1)
                .warmupIterations(e.warmups()).warmupTime(TimeValue.seconds(1))
                .measurementIterations(e.iterations()).measurementTime(TimeValue.seconds(1))
                .shouldFailOnError(true);
        if (only != null) {
            only.forEach((k, v) -> b.param(k, v));
        } else {
            e.params().forEach(b::param);
        }
        Collection<RunResult> results = new Runner(b.build()).run();
        List<Score> scores = new ArrayList<>();
        for (RunResult r : results) {
            var p = r.getParams();
            Map<String, String> params = new TreeMap<>();
            for (String k : p.getParamsKeys()) {
                params.put(k, p.getParam(k));
            }
            String mode = p.getMode().shortLabel();
            var primary = r.getPrimaryResult();
            scores.add(new Score(key(p.getBenchmark(), mode, params), p.getBenchmark(), mode, params,
                    primary.getScore(), primary.getScoreError(), primary.getScoreUnit()));
        }
        return scores;
    }

    /** The newest recorded score of every configuration in {@code dir}'s result files. */
    static Map<String, Score> baseline(Path dir) throws IOException {
        Map<String, Score> newest = new TreeMap<>();
        Map<String, String> dates = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return newest;
        }
        ObjectMapper mapper = new ObjectMapper();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".json")).toList();
        }
        for (Path f : files) {
            JsonNode root;
            try {
                root = mapper.readTree(f.toFile());
            } catch (IOException e) {
                System.err.println("skipping unreadable " + f + ": " + e.getMessage());
                continue;
            }
            JsonNode jmh = root.path("jmh");
            String date = root.path("machine").path("date").asText("");
            if (!jmh.isArray()) {
                continue;
            }
            for (JsonNode r : jmh) {
                Map<String, String> params = new TreeMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = r.path("params").fields(); it.hasNext(); ) {
                    var e = it.next();
                    params.put(e.getKey(), e.getValue().asText());
                }
                String benchmark = r.path("benchmark").asText();
                String mode = r.path("mode").asText();
                JsonNode pm = r.path("primaryMetric");
                String k = key(benchmark, mode, params);
                if (date.compareTo(dates.getOrDefault(k, "")) >= 0) {
                    dates.put(k, date);
                    newest.put(k, new Score(k, benchmark, mode, params, pm.path("score").asDouble(),
                            pm.path("scoreError").asDouble(), pm.path("scoreUnit").asText()));
                }
            }
        }
        return newest;
    }

    /** A score in the shape of JMH's JSON, so that guard records are baselines like {@code bench/run.sh} records. */
    private static Map<String, Object> asJmh(Score s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("benchmark", s.benchmark());
        m.put("mode", s.mode());
        m.put("params", s.params());
        m.put("primaryMetric", Map.of("score", s.score(), "scoreError", s.error(), "scoreUnit", s.unit()));
        return m;
    }
}
