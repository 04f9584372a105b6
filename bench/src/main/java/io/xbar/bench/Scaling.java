// Scaling: single-solve and transfer-matrix time vs size, fitted exponent, memory peak, and distance to bandwidth and dgemm limits.
package io.xbar.bench;

import io.xbar.blas.Blas;
import io.xbar.kernel.CrossbarSolver;
import io.xbar.kernel.ProgrammedCrossbar;
import io.xbar.kernel.Solution;
import io.xbar.kernel.TransferMatrix;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Issue 7, item 3: how the single solve ({@code 64..4096}) and the transfer matrix ({@code 64..1024})
 * scale, and how far each is from what the machine can do.
 *
 * <ul>
 *   <li>Time: median of a few runs after a warm-up (not JMH: a quick harness, numbers to read as
 *       orientation next to the JMH results).</li>
 *   <li>Exponent: least-squares slope of {@code log t} against {@code log n} (all sizes, and the
 *       upper half of the sizes where fixed costs no longer dominate).</li>
 *   <li>Memory: the heap pools' peak usage while the size ran (peak of each pool, summed: an upper
 *       bound) and the process's resident peak ({@code VmHWM}, reset per size through
 *       {@code /proc/self/clear_refs}; includes OpenBLAS's buffers and the JVM itself).</li>
 *   <li>Bandwidth limit of a solve: one multigrid-preconditioned CG iteration must at least stream the
 *       cell conductances and read and write the {@code 2MN} node values once, i.e. {@code 40 MN}
 *       bytes ({@code 8 MN} + {@code 2 * 16 MN}); against the measured single-thread triad bandwidth
 *       that is the least time an iteration can take. The ratio measured / least is the distance.</li>
 *   <li>Compute limit of the transfer matrix: {@link TransferMatrix#flops} over the time, against
 *       the measured {@link Blas#dgemm} rate on all cores.</li>
 * </ul>
 *
 * <p>{@code Scaling [--solve-sizes 64,...,4096] [--transfer-sizes 64,...,1024] [--coupling default|strong]
 * [--stream-mib 256] [--dgemm-size 2048] [--out bench/results/scaling]}: writes {@code <out>.json} and {@code <out>.md}.
 */
public final class Scaling {
    /** Bytes one solve iteration streams at least, per cell: conductance read, 2 node values read and written. */
    static final double BYTES_PER_CELL_ITERATION = 8 + 2 * 16;

    private Scaling() {
    }

    public static void main(String[] args) throws IOException {
        List<Integer> solveSizes = List.of(64, 128, 256, 512, 1024, 2048, 4096);
        List<Integer> transferSizes = List.of(64, 128, 256, 512, 1024);
        String coupling = "default";
        int streamMib = 256;
        int dgemmSize = 2048;
        String out = "bench/results/scaling";
        for (int k = 0; k < args.length; k++) {
            String a = args[k];
            if (k + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value; usage: Scaling [--solve-sizes 64,128] [--transfer-sizes 64,128]"
                        + " [--coupling default|strong] [--stream-mib 256] [--dgemm-size 2048] [--out PREFIX]");
            }
            String v = args[++k];
            switch (a) {
                case "--solve-sizes" -> solveSizes = sizes(v);
                case "--transfer-sizes" -> transferSizes = sizes(v);
                case "--coupling" -> coupling = v;
                case "--stream-mib" -> streamMib = Integer.parseInt(v);
                case "--dgemm-size" -> dgemmSize = Integer.parseInt(v);
                case "--out" -> out = v;
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        PeerComparison.Workload.of(coupling, 2); // names a bad coupling before any work
        if (streamMib < 16 || dgemmSize < 64) {
            throw new IllegalArgumentException("--stream-mib must be >= 16 and --dgemm-size >= 64, got " + streamMib + ", " + dgemmSize);
        }

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("machine", BenchRunner.stamp(List.of(args)));
        double bandwidth = streamBandwidth(streamMib);
        double dgemm = dgemmRate(dgemmSize);
        System.out.printf(Locale.ROOT, "triad bandwidth (1 thread, %d MiB arrays): %.1f GB/s; dgemm %d (%d threads): %.1f GFLOP/s%n",
                streamMib, bandwidth / 1e9, dgemmSize, Blas.threads(), dgemm / 1e9);
        report.put("limits", Map.of("triad_bytes_per_s", bandwidth, "stream_mib", streamMib,
                "dgemm_flops_per_s", dgemm, "dgemm_size", dgemmSize, "dgemm_threads", Blas.threads()));

        List<Map<String, Object>> solve = new ArrayList<>();
        for (int n : solveSizes) {
            Map<String, Object> row = solveRow(coupling, n, bandwidth);
            solve.add(row);
            System.out.println("solve " + row);
        }
        report.put("solve_coupling", coupling);
        report.put("solve", solve);
        report.put("solve_fit", fit(solve, "seconds"));

        List<Map<String, Object>> transfer = new ArrayList<>();
        for (int n : transferSizes) {
            Map<String, Object> row = transferRow(n, dgemm);
            transfer.add(row);
            System.out.println("transfer " + row);
        }
        report.put("transfer", transfer);
        report.put("transfer_fit", fit(transfer, "seconds"));

        Path json = Path.of(out + ".json");
        Files.createDirectories(json.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
        String md = markdown(report);
        Files.writeString(Path.of(out + ".md"), md);
        System.out.println();
        System.out.print(md);
        System.out.println("results written to " + json + " and " + out + ".md");
    }

    private static List<Integer> sizes(String s) {
        List<Integer> list = Arrays.stream(s.split(",")).map(String::trim).map(Integer::parseInt).toList();
        for (int n : list) {
            if (n < 2) {
                throw new IllegalArgumentException("sizes must be >= 2, got " + n);
            }
        }
        return list;
    }

    private static Map<String, Object> solveRow(String coupling, int n, double bandwidth) {
        Memory mem = Memory.start();
        PeerComparison.Workload w = PeerComparison.Workload.of(coupling, n);
        CrossbarSolver solver = CrossbarSolver.create(n, n, w.circuit());
        long t0 = System.nanoTime();
        ProgrammedCrossbar p = solver.program(w.conductances());
        double program = (System.nanoTime() - t0) / 1e9;
        Solution s = p.solve(w.voltages());
        if (!(s.residual() <= 1e-10)) {
            throw new IllegalStateException("solve " + n + " did not converge: residual " + s.residual());
        }
        int repeats = n <= 512 ? 7 : n <= 2048 ? 5 : 3;
        // Warm-up by time (at least 2 s and 3 solves), so that the measured solves run compiled code.
        long until = System.nanoTime() + 2_000_000_000L;
        for (int k = 0; k < 3 || System.nanoTime() < until; k++) {
            p.solve(w.voltages());
        }
        double[] t = new double[repeats];
        for (int k = 0; k < repeats; k++) {
            long start = System.nanoTime();
            s = p.solve(w.voltages());
            t[k] = (System.nanoTime() - start) / 1e9;
        }
        double seconds = PeerComparison.median(t);
        int iterations = Math.max(1, s.iterations());
        double perIteration = seconds / iterations;
        double least = BYTES_PER_CELL_ITERATION * n * (double) n / bandwidth;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("size", n);
        row.put("seconds", seconds);
        row.put("program_s", program);
        row.put("iterations", s.iterations());
        row.put("iteration_s", perIteration);
        row.put("bytes_per_iteration_min", BYTES_PER_CELL_ITERATION * n * (double) n);
        row.put("iteration_s_at_bandwidth", least);
        row.put("distance_to_bandwidth", perIteration / least);
        mem.into(row);
        return row;
    }

    private static Map<String, Object> transferRow(int n, double dgemm) {
        Memory mem = Memory.start();
        PeerComparison.Workload w = PeerComparison.Workload.of("default", n);
        TransferMatrix tm = new TransferMatrix(n, n, w.circuit());
        double[] out = new double[n * n];
        tm.compute(w.conductances(), out);
        BenchData.checkTransfer(n, n, w.circuit(), w.conductances(), out);
        long until = System.nanoTime() + 2_000_000_000L;
        for (int k = 0; k < 1 || System.nanoTime() < until; k++) {
            tm.compute(w.conductances(), out);
        }
        int repeats = n <= 256 ? 5 : 3;
        double[] t = new double[repeats];
        for (int k = 0; k < repeats; k++) {
            long start = System.nanoTime();
            tm.compute(w.conductances(), out);
            t[k] = (System.nanoTime() - start) / 1e9;
        }
        double seconds = PeerComparison.median(t);
        double flops = TransferMatrix.flops(n, n, w.circuit());
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("size", n);
        row.put("seconds", seconds);
        row.put("flops", flops);
        row.put("flops_per_s", flops / seconds);
        row.put("fraction_of_dgemm", flops / seconds / dgemm);
        row.put("seconds_at_dgemm_rate", flops / dgemm);
        mem.into(row);
        return row;
    }

    /** Least-squares slope of log(time) on log(size): over all sizes and over the upper half. */
    static Map<String, Object> fit(List<Map<String, Object>> rows, String key) {
        int m = rows.size();
        double[] x = new double[m];
        double[] y = new double[m];
        for (int k = 0; k < m; k++) {
            x[k] = Math.log(((Number) rows.get(k).get("size")).doubleValue());
            y[k] = Math.log(((Number) rows.get(k).get(key)).doubleValue());
        }
        Map<String, Object> f = new LinkedHashMap<>();
        if (m >= 2) {
            f.put("exponent_all", slope(x, y, 0, m));
        }
        int from = m / 2;
        if (m - from >= 2) {
            f.put("exponent_upper", slope(x, y, from, m));
            f.put("upper_from_size", rows.get(from).get("size"));
        }
        return f;
    }

    static double slope(double[] x, double[] y, int from, int to) {
        int m = to - from;
        double mx = 0;
        double my = 0;
        for (int k = from; k < to; k++) {
            mx += x[k] / m;
            my += y[k] / m;
        }
        double sxy = 0;
        double sxx = 0;
        for (int k = from; k < to; k++) {
            sxy += (x[k] - mx) * (y[k] - my);
            sxx += (x[k] - mx) * (x[k] - mx);
        }
        return sxy / sxx;
    }

    /**
     * Single-thread triad {@code a = b + s c} over three arrays of {@code mib} MiB each, best of 5,
     * counted as 24 bytes per element (the STREAM convention: write-allocate traffic not counted).
     */
    static double streamBandwidth(int mib) {
        int len = mib * (1 << 20) / 8;
        double[] a = new double[len];
        double[] b = new double[len];
        double[] c = new double[len];
        Arrays.fill(b, 1.0);
        Arrays.fill(c, 2.0);
        double best = Double.POSITIVE_INFINITY;
        for (int rep = 0; rep < 7; rep++) {
            double s = 0.5 + rep;
            long t = System.nanoTime();
            triad(a, b, c, s);
            double sec = (System.nanoTime() - t) / 1e9;
            if (rep >= 2) { // the first passes compile the loop and fault the pages in
                best = Math.min(best, sec);
            }
        }
        if (a[len - 1] != 1.0 + 6.5 * 2.0) {
            throw new IllegalStateException("triad check failed: " + a[len - 1]);
        }
        return 24.0 * len / best;
    }

    private static void triad(double[] a, double[] b, double[] c, double s) {
        for (int i = 0; i < a.length; i++) {
            a[i] = b[i] + s * c[i];
        }
    }

    /** {@link Blas#dgemm} rate on all cores, best of 3 after one warm-up, {@code 2 n^3} flops. */
    static double dgemmRate(int n) {
        int before = Blas.threads();
        Blas.setThreads(Runtime.getRuntime().availableProcessors());
        try {
            double[] a = new double[n * n];
            double[] b = new double[n * n];
            double[] c = new double[n * n];
            Arrays.fill(a, 1.0);
            Arrays.fill(b, 0.5);
            Blas.dgemm(n, n, n, 1.0, a, b, 0.0, c);
            double best = Double.POSITIVE_INFINITY;
            for (int rep = 0; rep < 3; rep++) {
                long t = System.nanoTime();
                Blas.dgemm(n, n, n, 1.0, a, b, 0.0, c);
                best = Math.min(best, (System.nanoTime() - t) / 1e9);
            }
            if (c[n * n - 1] != 0.5 * n) {
                throw new IllegalStateException("dgemm check failed: " + c[n * n - 1]);
            }
            return 2.0 * n * n * (double) n / best;
        } finally {
            Blas.setThreads(before);
        }
    }

    /** Peak memory while one size runs: heap pools' peaks and the process's resident peak. */
    record Memory(boolean rssReset) {
        static Memory start() {
            System.gc();
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
            boolean reset;
            try {
                Files.writeString(Path.of("/proc/self/clear_refs"), "5");
                reset = true;
            } catch (IOException | RuntimeException e) {
                reset = false;
            }
            return new Memory(reset);
        }

        void into(Map<String, Object> row) {
            long heap = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                    heap += pool.getPeakUsage().getUsed();
                }
            }
            row.put("heap_peak_mib", heap / 1048576.0);
            long rss = residentPeakKib();
            if (rss > 0) {
                row.put(rssReset ? "rss_peak_mib" : "rss_peak_since_start_mib", rss / 1024.0);
            }
        }

        private static long residentPeakKib() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmHWM:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | RuntimeException e) {
                return -1;
            }
            return -1;
        }
    }

    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> r) {
        Map<String, Object> m = (Map<String, Object>) r.get("machine");
        Map<String, Object> lim = (Map<String, Object>) r.get("limits");
        StringBuilder sb = new StringBuilder("# xbar scaling\n\n");
        sb.append(String.format(Locale.ROOT, "%s, commit %s%s, %s, %s cores, %s.%n%n", m.get("date"), m.get("git_commit"),
                Boolean.TRUE.equals(m.get("git_dirty")) ? " (dirty)" : "", m.get("cpu"), m.get("cores"), m.get("jdk")));
        sb.append(String.format(Locale.ROOT, "Machine limits measured in the same run: triad bandwidth %.1f GB/s (1 thread),"
                        + " dgemm %d on %s threads %.1f GFLOP/s.%n%n", (Double) lim.get("triad_bytes_per_s") / 1e9,
                (Integer) lim.get("dgemm_size"), lim.get("dgemm_threads"), (Double) lim.get("dgemm_flops_per_s") / 1e9));
        sb.append("## Single solve (").append(r.get("solve_coupling")).append(" coupling, programmed crossbar)\n\n");
        sb.append("Distance to bandwidth: time per CG iteration over the least time to stream ")
                .append((int) BYTES_PER_CELL_ITERATION).append(" bytes per cell (conductance, node values read and written once).\n\n");
        sb.append("| n | solve ms | program ms | iterations | ms / iteration | at bandwidth ms | distance | heap peak MiB | RSS peak MiB |\n");
        sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> row : (List<Map<String, Object>>) r.get("solve")) {
            sb.append(String.format(Locale.ROOT, "| %d | %.3g | %.3g | %d | %.3g | %.3g | %.1fx | %.0f | %s |%n",
                    (Integer) row.get("size"), d(row, "seconds") * 1e3, d(row, "program_s") * 1e3, (Integer) row.get("iterations"),
                    d(row, "iteration_s") * 1e3, d(row, "iteration_s_at_bandwidth") * 1e3, d(row, "distance_to_bandwidth"),
                    d(row, "heap_peak_mib"), rss(row)));
        }
        sb.append(fitText((Map<String, Object>) r.get("solve_fit")));
        sb.append("\n## Transfer matrix (default circuit)\n\n");
        sb.append("| n | ms | GFLOP | GFLOP/s | of dgemm | at dgemm rate ms | heap peak MiB | RSS peak MiB |\n");
        sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> row : (List<Map<String, Object>>) r.get("transfer")) {
            sb.append(String.format(Locale.ROOT, "| %d | %.3g | %.3g | %.1f | %.0f%% | %.3g | %.0f | %s |%n",
                    (Integer) row.get("size"), d(row, "seconds") * 1e3, d(row, "flops") / 1e9, d(row, "flops_per_s") / 1e9,
                    100 * d(row, "fraction_of_dgemm"), d(row, "seconds_at_dgemm_rate") * 1e3, d(row, "heap_peak_mib"), rss(row)));
        }
        sb.append(fitText((Map<String, Object>) r.get("transfer_fit")));
        return sb.toString();
    }

    private static double d(Map<String, Object> row, String key) {
        return ((Number) row.get(key)).doubleValue();
    }

    private static String rss(Map<String, Object> row) {
        Object v = row.get("rss_peak_mib");
        return v == null ? "-" : String.format(Locale.ROOT, "%.0f", ((Number) v).doubleValue());
    }

    private static String fitText(Map<String, Object> f) {
        if (!f.containsKey("exponent_all")) {
            return "\n";
        }
        String s = String.format(Locale.ROOT, "%nFitted exponent (time ~ n^p, least squares on log-log): p = %.2f over all sizes",
                ((Number) f.get("exponent_all")).doubleValue());
        if (f.containsKey("exponent_upper")) {
            s += String.format(Locale.ROOT, ", p = %.2f from n = %s up", ((Number) f.get("exponent_upper")).doubleValue(),
                    f.get("upper_from_size"));
        }
        return s + ".\n";
    }
}
