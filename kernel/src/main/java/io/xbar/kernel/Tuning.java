// Tuning: the kernel's performance knobs and diagnostics, read once from system properties (table in docs/solver.md).
package io.xbar.kernel;

import java.util.Locale;
import java.util.function.Function;

/**
 * Knobs that change how fast the kernel runs, never what it computes (every setting gives results
 * within the solver tolerance). {@link #get()} reads them once, on first use, from the system
 * properties below; a value that does not parse is ignored with one warning
 * ({@link System.Logger} {@code io.xbar.kernel}) and the default is used. Per-solver settings
 * (tolerances, iteration limit, batch threads) are in {@link SolverOptions}.
 *
 * <table>
 *   <caption>System properties</caption>
 *   <tr><th>property</th><th>default</th><th>component</th></tr>
 *   <tr><td>{@code xbar.threads}</td><td>available processors</td><td>worker threads of the kernel's one
 *       fork-join pool ({@link #threads})</td></tr>
 *   <tr><td>{@code xbar.scalar}</td><td>false (true in a one-shot {@code xbar} process)</td><td>{@link #scalar}</td></tr>
 *   <tr><td>{@code xbar.parallel.minWork}</td><td>131072</td><td>{@link #parallelMinWork}</td></tr>
 *   <tr><td>{@code xbar.sweeps}</td><td>0 (by size)</td><td>{@link #smoothingSweeps}</td></tr>
 *   <tr><td>{@code xbar.cycle}</td><td>2</td><td>{@link #cycleIndex}</td></tr>
 *   <tr><td>{@code xbar.wfrom}</td><td>2</td><td>{@link #cycleFromLevel}</td></tr>
 *   <tr><td>{@code xbar.refineDrop}</td><td>0.01</td><td>{@link #refineDrop}</td></tr>
 *   <tr><td>{@code xbar.trace}</td><td>false</td><td>{@link #trace}</td></tr>
 *   <tr><td>{@code xbar.nd.leaf}</td><td>8</td><td>{@link #nestedLeaf}</td></tr>
 *   <tr><td>{@code xbar.nd.wide}</td><td>1024</td><td>{@link #nestedWideMerge}</td></tr>
 *   <tr><td>{@code xbar.transfer.blasThreads}</td><td>false</td><td>{@link #transferBlasThreads}</td></tr>
 *   <tr><td>{@code xbar.transfer.method}</td><td>auto</td><td>{@link #transferMethod}</td></tr>
 *   <tr><td>{@code xbar.native.maxCells}</td><td>262144</td><td>{@link #nativeMaxCells}</td></tr>
 * </table>
 *
 * @param threads             worker threads of the kernel's one parallelism mechanism (a fork-join
 *                            pool): splits of one large solve, batches of input vectors, nested-dissection
 *                            subtrees and the row sweep's carry all run there; at least 1
 * @param scalar              force the scalar line kernels instead of the Vector API ones
 * @param parallelMinWork     elements touched by one sweep below which it is not split across threads
 *                            (a split costs more than it saves; a 256x256 solve, 65536 cells per sweep,
 *                            ran no faster split in two on 2 cores)
 * @param smoothingSweeps     multigrid smoothing sweeps before and after each coarse correction; 0
 *                            chooses by size (two up to {@link Multigrid#TWO_SWEEP_CELLS} cells, else one)
 * @param cycleIndex          coarse-grid cycles per multigrid level from {@code cycleFromLevel} on:
 *                            1 is a V-cycle, 2 a W-cycle
 * @param cycleFromLevel      first multigrid level (0 = finest) corrected by {@code cycleIndex} cycles;
 *                            finer levels use one
 * @param refineDrop          CG checks the exact residual once the recursive one fell by this factor
 *                            since the last check; in (0, 1)
 * @param trace               print every CG iteration's residuals to stderr
 * @param nestedLeaf          widest leaf strip (cells) of nested dissection
 * @param nestedWideMerge     eliminated nodes from which nested dissection's last merge uses OpenBLAS's
 *                            own threads
 * @param transferBlasThreads the row sweep uses OpenBLAS threading instead of the carry beside the
 *                            inverse on two threads
 * @param transferMethod      force the transfer-matrix method ({@code auto}, {@code nested}, {@code sweep})
 * @param nativeMaxCells      largest crossbar (cells) whose solves run in the compiled twin of the
 *                            multigrid solve ({@link NativeCrossbar}, one thread, the same bits); larger
 *                            ones run in Java on every worker; 0 never uses the twin (neither does
 *                            {@code -Dxbar.native=false}, which does not load the library)
 */
public record Tuning(int threads, boolean scalar, int parallelMinWork, int smoothingSweeps, int cycleIndex,
                     int cycleFromLevel, double refineDrop, boolean trace, int nestedLeaf, int nestedWideMerge,
                     boolean transferBlasThreads, TransferMatrix.Method transferMethod, int nativeMaxCells) {

    /** The defaults, whatever the system properties say. */
    public static final Tuning DEFAULT = new Tuning(Runtime.getRuntime().availableProcessors(), false, 1 << 17, 0, 2,
            2, 1e-2, false, 8, 1024, false, TransferMatrix.Method.AUTO, 1 << 18);

    /** The kernel's logger, made on first use: setting up logging costs a cold JVM some 40 ms. */
    static System.Logger log() {
        return LogHolder.LOG;
    }

    private static final class LogHolder {
        static final System.Logger LOG = System.getLogger("io.xbar.kernel");
    }

    public Tuning {
        if (threads < 1 || parallelMinWork < 0 || smoothingSweeps < 0 || cycleIndex < 1 || cycleFromLevel < 0
                || !(refineDrop > 0 && refineDrop < 1) || nestedLeaf < 1 || nestedWideMerge < 0
                || transferMethod == null || nativeMaxCells < 0) {
            throw new IllegalArgumentException("tuning out of range: " + threads + " threads, minWork "
                    + parallelMinWork + ", sweeps " + smoothingSweeps + ", cycle " + cycleIndex + " from level "
                    + cycleFromLevel + ", refineDrop " + refineDrop + ", leaf " + nestedLeaf + ", wide merge "
                    + nestedWideMerge + ", method " + transferMethod);
        }
    }

    /** The settings in use: the system properties, read once on first call. */
    public static Tuning get() {
        return Holder.CURRENT;
    }

    private static final class Holder {
        // A class, not a method reference: the first lambda of a fresh JVM costs its first solve ~2 ms.
        static final Tuning CURRENT = read(new Function<String, String>() {
            @Override
            public String apply(String key) {
                return System.getProperty(key);
            }
        });
    }

    /**
     * Reads the settings from {@code properties} (a system-property lookup); missing keys keep the
     * default, and a value that does not parse or is out of range keeps it with one warning.
     */
    static Tuning read(Function<String, String> properties) {
        Tuning d = DEFAULT;
        Reader r = new Reader(properties);
        return new Tuning(
                r.integer("xbar.threads", d.threads, 1),
                r.bool("xbar.scalar", d.scalar),
                r.integer("xbar.parallel.minWork", d.parallelMinWork, 0),
                r.integer("xbar.sweeps", d.smoothingSweeps, 0),
                r.integer("xbar.cycle", d.cycleIndex, 1),
                r.integer("xbar.wfrom", d.cycleFromLevel, 0),
                r.fraction("xbar.refineDrop", d.refineDrop),
                r.bool("xbar.trace", d.trace),
                r.integer("xbar.nd.leaf", d.nestedLeaf, 1),
                r.integer("xbar.nd.wide", d.nestedWideMerge, 0),
                r.bool("xbar.transfer.blasThreads", d.transferBlasThreads),
                r.method("xbar.transfer.method", d.transferMethod),
                r.integer("xbar.native.maxCells", d.nativeMaxCells, 0));
    }

    private record Reader(Function<String, String> properties) {
        private String value(String key) {
            String v = properties.apply(key);
            return v == null ? null : v.trim();
        }

        private static <T> T ignored(String key, String value, String expected, T fallback) {
            log().log(System.Logger.Level.WARNING, "ignoring -D{0}={1}: expected {2}; using {3}", key, value, expected,
                    String.valueOf(fallback).toLowerCase(Locale.ROOT));
            return fallback;
        }

        int integer(String key, int fallback, int min) {
            String v = value(key);
            if (v == null) {
                return fallback;
            }
            try {
                int x = Integer.parseInt(v);
                if (x >= min) {
                    return x;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            return ignored(key, v, "an integer >= " + min, fallback);
        }

        double fraction(String key, double fallback) {
            String v = value(key);
            if (v == null) {
                return fallback;
            }
            try {
                double x = Double.parseDouble(v);
                if (x > 0 && x < 1) {
                    return x;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            return ignored(key, v, "a number in (0, 1)", fallback);
        }

        boolean bool(String key, boolean fallback) {
            String v = value(key);
            if (v == null) {
                return fallback;
            }
            if (v.equalsIgnoreCase("true")) {
                return true;
            }
            if (v.equalsIgnoreCase("false")) {
                return false;
            }
            return ignored(key, v, "true or false", fallback);
        }

        TransferMatrix.Method method(String key, TransferMatrix.Method fallback) {
            String v = value(key);
            if (v == null) {
                return fallback;
            }
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "auto" -> TransferMatrix.Method.AUTO;
                case "nested" -> TransferMatrix.Method.NESTED;
                case "sweep" -> TransferMatrix.Method.SWEEP;
                default -> ignored(key, v, "auto, nested or sweep", fallback);
            };
        }
    }
}
