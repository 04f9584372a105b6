// PeerComparison: xbar, SciPy (splu) and ngspice (.op) on the same seeded crossbars, with times, ratios and agreement.
package io.xbar.bench;

import io.xbar.io.Npy;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarSolver;
import io.xbar.reference.Crossbars;
import io.xbar.kernel.ProgrammedCrossbar;
import io.xbar.kernel.Solution;
import io.xbar.kernel.TransferMatrix;
import io.xbar.spice.SpiceExport;
import io.xbar.validation.NgSpice;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Issue 7, item 2: one run that times xbar's single solve, SciPy's sparse direct solve and
 * ngspice's operating point on the same seeded crossbars and checks that all three give the same
 * column currents.
 *
 * <ul>
 *   <li>xbar: in this JVM; {@code program} then {@code solve}, warmed, medians of several runs.</li>
 *   <li>SciPy: {@code bench/scipy_crossbar.py} assembles the same {@code 2MN} nodal system from the
 *       same {@code .npy} files and times {@code splu} + {@code solve} inside Python (interpreter
 *       start and file reading are not counted).</li>
 *   <li>ngspice: the netlist of {@link SpiceExport}, {@code ngspice -b} through {@link NgSpice}; its
 *       time is the wall time of the process (parse, setup, factor, solve, raw-file output).</li>
 * </ul>
 * A peer that is missing is named and skipped; a size whose predicted time (last measured time
 * scaled by {@code (n / n_last)^3}) exceeds the budget is skipped and recorded as such, and a run
 * that exceeds it is stopped. Also a transfer-matrix comparison: xbar {@link TransferMatrix} against
 * SciPy's one factorization and {@code M} right-hand sides.
 *
 * <p>{@code PeerComparison [--sizes 64,128,256,512,1024] [--couplings default,strong]
 * [--transfer-size 256] [--budget SECONDS] [--ngspice-budget SECONDS (default: --budget)] [--python PATH] [--script bench/scipy_crossbar.py]
 * [--no-scipy] [--no-ngspice] [--out bench/results/peers]}: writes {@code <out>.json} and {@code <out>.md}.
 */
public final class PeerComparison {
    /** Agreement required between any two solvers' currents (relative, per column). */
    static final double AGREEMENT = 1e-6;

    private PeerComparison() {
    }

    /** Seeded workload of one row of the comparison (the same as {@code SolveBenchmark}'s). */
    record Workload(String coupling, int size, Circuit circuit, double[] conductances, double[] voltages) {
        static Workload of(String coupling, int size) {
            return switch (coupling) {
                case "default" -> new Workload(coupling, size, Circuit.DEFAULT,
                        Crossbars.defaultCells(1, size, size), Crossbars.voltages(2, 1, size, 0.2));
                case "strong" -> new Workload(coupling, size, Circuit.DEFAULT.withWires(1.0),
                        Crossbars.strongCells(1, size, size), Crossbars.voltages(2, 1, size, 0.2));
                default -> throw new IllegalArgumentException("coupling must be default or strong, got '" + coupling + "'");
            };
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Path scratch = Files.createTempDirectory("xbar-peers");
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("machine", BenchRunner.stamp(List.of(args)));
        List<String> notes = new ArrayList<>();
        String python = o.scipy ? SciPyPeer.check(o.python, o.script) : "disabled (--no-scipy)";
        boolean scipy = python == null;
        if (!scipy) {
            notes.add("SciPy skipped: " + python);
        }
        boolean ngspice = o.ngspice && NgSpice.isAvailable();
        if (!ngspice) {
            notes.add("ngspice skipped: " + (o.ngspice ? NgSpice.INSTALL_HINT : "disabled (--no-ngspice)"));
        }
        notes.forEach(n -> System.out.println("note: " + n));
        report.put("agreement_required", AGREEMENT);
        report.put("budget_s", o.budget);
        report.put("ngspice_budget_s", o.ngspiceBudget);

        List<Map<String, Object>> rows = new ArrayList<>();
        for (String coupling : o.couplings) {
            double scipyLast = 0;
            int scipyLastSize = 0;
            double ngLast = 0;
            int ngLastSize = 0;
            for (int n : o.sizes) {
                Workload w = Workload.of(coupling, n);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("coupling", coupling);
                row.put("size", n);
                double[] xbar = timeXbar(w, row);
                Path g = scratch.resolve("g.npy");
                Path v = scratch.resolve("v.npy");
                Npy.write(g, w.conductances(), n, n);
                Npy.write(v, w.voltages(), n);

                Map<String, Object> sp = new LinkedHashMap<>();
                if (!scipy) {
                    sp.put("status", "missing");
                } else if (predicted(scipyLast, scipyLastSize, n) > o.budget) {
                    sp.put("status", skipped(predicted(scipyLast, scipyLastSize, n), o.budget));
                } else {
                    try {
                        Path out = scratch.resolve("i_scipy.npy");
                        JsonNode t = SciPyPeer.run(o.python, o.script, w.circuit(), "solve",
                                List.of(g.toString(), v.toString(), out.toString()), n <= 256 ? 3 : 1, o.budget);
                        double seconds = t.get("factor_s").asDouble() + t.get("solve_s").asDouble();
                        sp.put("status", "ok");
                        sp.put("seconds", seconds);
                        sp.put("factor_s", t.get("factor_s").asDouble());
                        sp.put("solve_s", t.get("solve_s").asDouble());
                        sp.put("assemble_s", t.get("assemble_s").asDouble());
                        sp.put("repeats", t.get("repeats").asInt());
                        sp.put("nnz_lu", t.get("nnz_lu").asLong());
                        sp.put("version", t.get("scipy").asText());
                        sp.put("max_rel_diff", maxRelativeDifference(Npy.read(out).toArray(), xbar));
                        scipyLast = t.get("assemble_s").asDouble() + seconds;
                        scipyLastSize = n;
                    } catch (IOException e) {
                        sp.put("status", e.getMessage().contains("did not finish")
                                ? String.format(Locale.ROOT, "over budget (%.0f s)", o.budget) : "failed: " + e.getMessage());
                        scipyLast = Double.POSITIVE_INFINITY;
                        scipyLastSize = n;
                    }
                }
                row.put("scipy", sp);

                Map<String, Object> ng = new LinkedHashMap<>();
                if (!ngspice) {
                    ng.put("status", "missing");
                } else if (predicted(ngLast, ngLastSize, n) > o.ngspiceBudget) {
                    ng.put("status", skipped(predicted(ngLast, ngLastSize, n), o.ngspiceBudget));
                } else {
                    try {
                        Path net = scratch.resolve("net.cir");
                        try (Writer out = Files.newBufferedWriter(net, StandardCharsets.US_ASCII)) {
                            new SpiceExport(n, n, w.circuit(), w.conductances()).write(w.voltages(), out);
                        }
                        NgSpice.Result r = NgSpice.run(net, Duration.ofMillis((long) (o.ngspiceBudget * 1000)));
                        double[] currents = new double[n];
                        for (int j = 0; j < n; j++) {
                            currents[j] = r.current(SpiceExport.senseSource(j));
                        }
                        ng.put("status", "ok");
                        ng.put("seconds", r.seconds());
                        ng.put("max_rel_diff", maxRelativeDifference(currents, xbar));
                        ngLast = r.seconds();
                        ngLastSize = n;
                    } catch (IOException e) {
                        ng.put("status", e.getMessage().contains("did not finish")
                                ? String.format(Locale.ROOT, "over budget (%.0f s)", o.ngspiceBudget) : "failed: " + e.getMessage());
                        ngLast = Double.POSITIVE_INFINITY;
                        ngLastSize = n;
                    }
                }
                row.put("ngspice", ng);
                rows.add(row);
                System.out.println(Report.line(row));
            }
        }
        report.put("solve", rows);

        if (o.transferSize > 0) {
            Map<String, Object> tr = transfer(o, o.transferSize, scratch, scipy);
            report.put("transfer", tr);
            System.out.println(Report.transferLine(tr));
        }
        report.put("notes", notes);
        List<String> failures = Report.failures(report);
        report.put("agree", failures.isEmpty());

        Path json = Path.of(o.out + ".json");
        Path md = Path.of(o.out + ".md");
        Files.createDirectories(json.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
        Files.writeString(md, Report.markdown(report));
        System.out.println();
        System.out.print(Report.markdown(report));
        System.out.println("results written to " + json + " and " + md);
        deleteTree(scratch);
        if (!failures.isEmpty()) {
            System.err.println("DISAGREEMENT: " + String.join("; ", failures));
            System.exit(1);
        }
    }

    private static String skipped(double predicted, double budget) {
        return Double.isInfinite(predicted)
                ? String.format(Locale.ROOT, "skipped: a smaller size failed or exceeded the budget (%.0f s)", budget)
                : String.format(Locale.ROOT, "skipped: predicted %.0f s > budget %.0f s", predicted, budget);
    }

    /** Extrapolated time of size {@code n} from the last measured size, assuming cubic growth (sparse direct). */
    static double predicted(double lastSeconds, int lastSize, int n) {
        if (lastSize == 0) {
            return 0;
        }
        return lastSeconds * Math.pow((double) n / lastSize, 3);
    }

    /** xbar's times (into {@code row}) and currents. */
    private static double[] timeXbar(Workload w, Map<String, Object> row) {
        int n = w.size();
        CrossbarSolver solver = CrossbarSolver.create(n, n, w.circuit());
        ProgrammedCrossbar p = solver.program(w.conductances());
        Solution s = p.solve(w.voltages());
        if (!(s.residual() <= 1e-10)) {
            throw new IllegalStateException(w.coupling() + " " + n + ": xbar did not converge, residual " + s.residual());
        }
        // Warm-up: at least 5 solves and 2 s, so that the measured solves run compiled code.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (int k = 0; k < 5 || System.nanoTime() < until; k++) {
            p.solve(w.voltages());
        }
        int repeats = n <= 256 ? 21 : n <= 1024 ? 9 : 5;
        double[] solve = new double[repeats];
        for (int k = 0; k < repeats; k++) {
            long t = System.nanoTime();
            s = p.solve(w.voltages());
            solve[k] = (System.nanoTime() - t) / 1e9;
        }
        int programRepeats = Math.max(3, repeats / 3);
        double[] programAndSolve = new double[programRepeats];
        for (int k = 0; k < programRepeats; k++) {
            long t = System.nanoTime();
            solver.program(w.conductances()).solve(w.voltages());
            programAndSolve[k] = (System.nanoTime() - t) / 1e9;
        }
        row.put("xbar", Map.of("solve_s", median(solve), "program_and_solve_s", median(programAndSolve),
                "iterations", s.iterations(), "residual", s.residual(), "repeats", repeats));
        return s.currents();
    }

    /** The transfer-matrix comparison at one size, default circuit. */
    private static Map<String, Object> transfer(Options o, int n, Path scratch, boolean scipy) throws IOException {
        Map<String, Object> tr = new LinkedHashMap<>();
        tr.put("size", n);
        double[] g = Crossbars.defaultCells(42, n, n);
        TransferMatrix tm = new TransferMatrix(n, n, Circuit.DEFAULT);
        double[] t = tm.compute(g);
        tm.compute(g, t); // warm
        double[] times = new double[5];
        for (int k = 0; k < times.length; k++) {
            long start = System.nanoTime();
            tm.compute(g, t);
            times[k] = (System.nanoTime() - start) / 1e9;
        }
        tr.put("xbar_s", median(times));
        if (!scipy) {
            tr.put("scipy", Map.of("status", "missing"));
            return tr;
        }
        Path gf = scratch.resolve("g_transfer.npy");
        Path out = scratch.resolve("t_scipy.npy");
        Npy.write(gf, g, n, n);
        Map<String, Object> sp = new LinkedHashMap<>();
        try {
            JsonNode r = SciPyPeer.run(o.python, o.script, Circuit.DEFAULT, "transfer",
                    List.of(gf.toString(), out.toString()), 1, o.budget);
            sp.put("status", "ok");
            sp.put("seconds", r.get("factor_s").asDouble() + r.get("solve_s").asDouble());
            sp.put("factor_s", r.get("factor_s").asDouble());
            sp.put("solve_s", r.get("solve_s").asDouble());
            sp.put("assemble_s", r.get("assemble_s").asDouble());
            sp.put("max_rel_diff", maxNormDifference(Npy.read(out).toArray(), t));
        } catch (IOException e) {
            sp.put("status", "failed: " + e.getMessage());
        }
        tr.put("scipy", sp);
        return tr;
    }

    /** {@code max_j |a_j - ref_j| / |ref_j|} (currents are all positive here). */
    static double maxRelativeDifference(double[] a, double[] ref) {
        if (a.length != ref.length) {
            throw new IllegalStateException("peer returned " + a.length + " currents, expected " + ref.length);
        }
        double worst = 0;
        for (int j = 0; j < a.length; j++) {
            worst = Math.max(worst, Math.abs(a[j] - ref[j]) / Math.abs(ref[j]));
        }
        return worst;
    }

    /** {@code max |a - ref| / max |ref|}: for transfer matrices, whose far entries are tiny. */
    static double maxNormDifference(double[] a, double[] ref) {
        if (a.length != ref.length) {
            throw new IllegalStateException("peer returned " + a.length + " values, expected " + ref.length);
        }
        double diff = 0;
        double scale = 0;
        for (int k = 0; k < a.length; k++) {
            diff = Math.max(diff, Math.abs(a[k] - ref[k]));
            scale = Math.max(scale, Math.abs(ref[k]));
        }
        return diff / scale;
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Command-line options. */
    record Options(List<Integer> sizes, List<String> couplings, int transferSize, double budget, double ngspiceBudget, String python,
                   String script, boolean scipy, boolean ngspice, String out) {
        static Options parse(String[] args) {
            List<Integer> sizes = List.of(64, 128, 256, 512, 1024);
            List<String> couplings = List.of("default", "strong");
            int transferSize = 256;
            double budget = 120;
            double ngspiceBudget = -1;
            String python = "python3";
            String script = "bench/scipy_crossbar.py";
            boolean scipy = true;
            boolean ngspice = true;
            String out = "bench/results/peers";
            for (int k = 0; k < args.length; k++) {
                String a = args[k];
                switch (a) {
                    case "--sizes" -> sizes = Arrays.stream(value(args, ++k, a).split(",")).map(String::trim).map(Integer::parseInt).toList();
                    case "--couplings" -> couplings = List.of(value(args, ++k, a).split(","));
                    case "--transfer-size" -> transferSize = Integer.parseInt(value(args, ++k, a));
                    case "--budget" -> budget = Double.parseDouble(value(args, ++k, a));
                    case "--ngspice-budget" -> ngspiceBudget = Double.parseDouble(value(args, ++k, a));
                    case "--python" -> python = value(args, ++k, a);
                    case "--script" -> script = value(args, ++k, a);
                    case "--no-scipy" -> scipy = false;
                    case "--no-ngspice" -> ngspice = false;
                    case "--out" -> out = value(args, ++k, a);
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'; usage: PeerComparison [--sizes 64,128]"
                            + " [--couplings default,strong] [--transfer-size 256|0] [--budget SECONDS] [--ngspice-budget SECONDS] [--python PATH]"
                            + " [--script FILE] [--no-scipy] [--no-ngspice] [--out PREFIX]");
                }
            }
            for (int n : sizes) {
                if (n < 2) {
                    throw new IllegalArgumentException("sizes must be >= 2, got " + n);
                }
            }
            for (String c : couplings) {
                Workload.of(c, 2); // names the bad coupling
            }
            if (!(budget > 0)) {
                throw new IllegalArgumentException("--budget must be > 0 seconds, got " + budget);
            }
            if (ngspiceBudget < 0) {
                ngspiceBudget = budget;
            } else if (ngspiceBudget == 0) {
                throw new IllegalArgumentException("--ngspice-budget must be > 0 seconds, got 0");
            }
            return new Options(sizes, couplings, transferSize, budget, ngspiceBudget, python, script, scipy, ngspice, out);
        }

        private static String value(String[] args, int k, String flag) {
            if (k >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[k];
        }
    }
}
