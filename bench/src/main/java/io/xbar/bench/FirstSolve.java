// FirstSolve: the first Java API solves of a fresh JVM against the warm solve (issue 17; bench/first_solve.sh).
package io.xbar.bench;

import io.xbar.api.Crossbar;
import io.xbar.api.Xbar;
import io.xbar.kernel.Circuit;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One fresh JVM per run: {@code calls} times {@code Xbar.crossbar(n, n, Circuit.DEFAULT, g).solve(v)} with
 * new seeded conductances {@code g} in [1e-6, 1e-4] S and inputs {@code v} in [0, 0.2] V each call
 * (programming and solve, as a user's loop does; the arrays are drawn before the clock starts), then
 * one JSON line on stdout: the JVM's uptime when {@code main} began, the first call, calls 2-5, the
 * warm median (the last 10 calls), first / warm, and the CPU time the whole process (JIT threads
 * included) spent during the first call and the first five (less sensitive to other load on the machine). The same workload as {@code bench/first_solve.py}.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp ... io.xbar.bench.FirstSolve [size [calls]]</pre>
 */
public final class FirstSolve {
    private FirstSolve() {
    }

    public static void main(String[] args) {
        long mainAt = System.nanoTime();
        double uptime = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 31;
        SplittableRandom rng = new SplittableRandom(n);
        double[] times = new double[calls];
        double[] cpu = new double[calls];
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        double keep = 0;
        for (int k = 0; k < calls; k++) {
            double[] g = new double[n * n];
            for (int i = 0; i < g.length; i++) {
                g[i] = 1e-6 + (1e-4 - 1e-6) * rng.nextDouble();
            }
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = 0.2 * rng.nextDouble();
            }
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            Crossbar c = Xbar.crossbar(n, n, Circuit.DEFAULT, g);
            keep += c.solve(v).currents()[0];
            times[k] = (System.nanoTime() - t0) / 1e9;
            cpu[k] = (os.getProcessCpuTime() - c0) / 1e9;
        }
        double[] last = Arrays.copyOfRange(times, Math.max(0, calls - 10), calls);
        Arrays.sort(last);
        double warm = last.length % 2 == 1 ? last[last.length / 2]
                : (last[last.length / 2 - 1] + last[last.length / 2]) / 2;
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        StringBuilder all = new StringBuilder();
        for (int k = 0; k < calls; k++) {
            all.append(k == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6f", times[k]));
        }
        System.out.printf(Locale.ROOT, "{\"api\": \"java\", \"size\": %d, \"jvm_uptime_at_main_s\": %.3f, \"first_s\": %.6f, "
                        + "\"calls_2_to_5_s\": [%s], \"warm_median_s\": %.6f, \"first_over_warm\": %.2f, "
                        + "\"load_average_1m\": %.2f, \"total_s\": %.3f, \"first_process_cpu_s\": %.3f, \"first_5_process_cpu_s\": %.3f, "
                        + "\"check\": %s, \"all_s\": [%s]}%n",
                n, uptime, times[0], all.toString().split(", ", 2).length > 1 ? String.join(", ",
                        Arrays.copyOfRange(all.toString().split(", "), 1, Math.min(5, calls))) : "",
                warm, times[0] / warm, load, (System.nanoTime() - mainAt) / 1e9, cpu[0],
                Arrays.stream(cpu, 0, Math.min(5, calls)).sum(), keep != 0, all);
    }
}
