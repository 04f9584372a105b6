// SpiceVsNgspice: times xbar's netlist solve and a real ngspice on the same exported crossbars; writes bench/results.
package io.xbar.bench;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarSolver;
import io.xbar.kernel.Solution;
import io.xbar.spice.Netlist;
import io.xbar.spice.NetlistParser;
import io.xbar.spice.NetlistSolution;
import io.xbar.spice.NetlistSolver;
import io.xbar.spice.SpiceExport;
import io.xbar.validation.NgSpice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The side-by-side record of issue 5: for each size, the exported {@code n x n} crossbar netlist
 * (MODEL.md default circuit) is parsed and solved by xbar (first run in a fresh JVM, then the best
 * of three warm runs) and run by ngspice ({@code ngspice -b}, one run, wall time including its
 * start), and the column currents of both are compared.
 *
 * <p>{@code SpiceVsNgspice [--sizes 64,128,256] [--ngspice-timeout SECONDS] [--out FILE.md]}.
 * ngspice's sparse solver is slow on large meshes; a run past the timeout is recorded as such.
 */
public final class SpiceVsNgspice {
    private SpiceVsNgspice() {
    }

    /** Wall time of {@code ./xbar spice solve file --out json} (the launcher at the working directory), or "-". */
    private static String timeCommandLine(Path file, Path json) {
        Path launcher = Path.of("xbar").toAbsolutePath();
        if (!Files.isExecutable(launcher)) {
            return "-";
        }
        try {
            // One untimed run so that the launcher's build check and the page cache are settled.
            for (int rep = 0; rep < 2; rep++) {
                long t = System.nanoTime();
                Process p = new ProcessBuilder(launcher.toString(), "spice", "solve", file.toString(), "--out", json.toString())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                int status = p.waitFor();
                double seconds = (System.nanoTime() - t) / 1e9;
                if (status != 0) {
                    return "failed (" + status + ")";
                }
                if (rep == 1) {
                    return String.format(Locale.ROOT, "%.3f", seconds);
                }
            }
        } catch (IOException e) {
            return "failed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "-";
    }

    public static void main(String[] args) throws IOException {
        List<Integer> sizes = List.of(64, 128, 256);
        long timeout = 3600;
        Path out = Path.of("bench/results/spice-vs-ngspice.md");
        for (int k = 0; k < args.length; k++) {
            switch (args[k]) {
                case "--sizes" -> {
                    List<Integer> s = new ArrayList<>();
                    for (String x : args[++k].split(",")) {
                        s.add(Integer.parseInt(x.trim()));
                    }
                    sizes = s;
                }
                case "--ngspice-timeout" -> timeout = Long.parseLong(args[++k]);
                case "--out" -> out = Path.of(args[++k]);
                default -> {
                    System.err.println("usage: SpiceVsNgspice [--sizes 64,128,256] [--ngspice-timeout SECONDS] [--out FILE.md]");
                    System.exit(2);
                }
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("# xbar spice solve vs ngspice\n\n")
                .append("Exported n x n crossbars (MODEL.md default circuit: r_wl = r_bl = 2.5 ohm, drive left, sense bottom; ")
                .append("g in {1e-6, 1e-4} S and V in {0, 0.2} V, seeded). xbar: parse + solve in process (`NetlistParser` + ")
                .append("`NetlistSolver`, sparse Cholesky with AMD), the first run of a fresh JVM and the best of 3 warm runs. ")
                .append("ngspice: `ngspice -b` with ASCII raw output, one run, wall time. Agreement: max over columns of ")
                .append("|I_ngspice - I_xbar| / |I_xbar|.\n\n")
                .append("Run ").append(Instant.now()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, Java ").append(System.getProperty("java.version")).append(", ngspice ")
                .append(NgSpice.isAvailable() ? NgSpice.executable().get() : "not installed").append(".\n\n")
                .append("`./xbar spice solve` is the whole command as a user runs it (JVM start, parse, solve, JSON output).\n\n")
                .append("kernel: the same crossbar by `CrossbarSolver` (create + program + solve, best of 3 warm runs); its ")
                .append("max rel. diff is against xbar's netlist solution.\n\n")
                .append("| n | elements | ./xbar spice solve (s) | xbar first (s) | xbar warm (s) | kernel (s) | xbar warm / kernel "
                        + "| kernel max rel. diff | ngspice (s) | ngspice / xbar warm | ngspice max rel. diff |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        Path dir = Files.createTempDirectory("xbar-spice-vs-ngspice");
        try {
            for (int n : sizes) {
                SpiceCrossbars crossbar = new SpiceCrossbars(n, 20261122L + n);
                Path file = crossbar.write(dir.resolve("crossbar-" + n + ".cir"));
                long t0 = System.nanoTime();
                Netlist net = NetlistParser.parse(file);
                NetlistSolution xbar = NetlistSolver.solve(net);
                double first = (System.nanoTime() - t0) / 1e9;
                double warm = Double.POSITIVE_INFINITY;
                for (int rep = 0; rep < 3; rep++) {
                    long t = System.nanoTime();
                    NetlistSolver.solve(NetlistParser.parse(file));
                    warm = Math.min(warm, (System.nanoTime() - t) / 1e9);
                }
                double kernelTime = Double.POSITIVE_INFINITY;
                Solution kernel = null;
                for (int rep = 0; rep < 4; rep++) {
                    long t = System.nanoTime();
                    kernel = CrossbarSolver.create(n, n, Circuit.DEFAULT).program(crossbar.conductances).solve(crossbar.voltages);
                    if (rep > 0) {
                        kernelTime = Math.min(kernelTime, (System.nanoTime() - t) / 1e9);
                    }
                }
                double kernelDiff = 0;
                for (int j = 0; j < n; j++) {
                    double a = xbar.current(SpiceExport.senseSource(j));
                    kernelDiff = Math.max(kernelDiff, Math.abs(kernel.currents()[j] - a) / Math.abs(a));
                }
                String cli = timeCommandLine(file, dir.resolve("result-" + n + ".json"));
                String ngTime;
                String ratio;
                String diff;
                if (!NgSpice.isAvailable()) {
                    ngTime = "not installed";
                    ratio = "-";
                    diff = "-";
                } else {
                    try {
                        NgSpice.Result ng = NgSpice.run(file, Duration.ofSeconds(timeout));
                        double worst = 0;
                        for (int j = 0; j < n; j++) {
                            double a = xbar.current(SpiceExport.senseSource(j));
                            double b = ng.current(SpiceExport.senseSource(j));
                            worst = Math.max(worst, Math.abs(a - b) / Math.abs(a));
                        }
                        ngTime = String.format(Locale.ROOT, "%.3f", ng.seconds());
                        ratio = String.format(Locale.ROOT, "%.0fx", ng.seconds() / warm);
                        diff = String.format(Locale.ROOT, "%.1e", worst);
                    } catch (NgSpice.NgSpiceException e) {
                        ngTime = e.getMessage().contains("did not finish") ? "> " + timeout + " (timeout)" : "failed";
                        ratio = "-";
                        diff = "-";
                        System.err.println(e.getMessage());
                    }
                }
                String row = String.format(Locale.ROOT, "| %d | %d | %s | %.3f | %.3f | %.4f | %.0fx | %.1e | %s | %s | %s |%n", n,
                        net.elementCount(), cli, first, warm, kernelTime, warm / kernelTime, kernelDiff, ngTime, ratio, diff);
                System.out.print(row);
                md.append(row);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, md);
        System.out.println("wrote " + out);
    }
}
