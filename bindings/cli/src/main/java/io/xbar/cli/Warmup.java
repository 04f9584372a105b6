// Warmup: the daemon's first minute: the served commands on seeded inputs until the JIT has compiled their hot code.
package io.xbar.cli;

import io.xbar.io.AtomicFiles;
import io.xbar.io.Npy;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Runs {@link Main#run} as a client would: {@code solve} at every size class (64 to 1024; the first
 * call of a fresh JVM is about 30 times a warm one and the JIT needs tens of calls), then
 * {@code transfer}, {@code mvm}, {@code nf}, {@code map}, {@code spice export} once or twice each,
 * on files in a scratch directory that is removed afterwards. A command that fails is logged: the
 * daemon then serves anyway (a warm-up is an optimisation, never a condition).
 */
final class Warmup {
    private Warmup() {
    }

    /** Solves per size: many small ones (cheap), a few large ones (each compiles the same loops longer). */
    private static final int[][] SOLVES = {{64, 40}, {256, 12}, {512, 4}, {1024, 3}};

    static void run(Path scratch, Consumer<String> log) throws IOException {
        AtomicFiles.deleteTree(scratch);
        Files.createDirectories(scratch);
        PrintStream devNull = new PrintStream(OutputStream.nullOutputStream());
        try {
            Random rnd = new Random(17);
            for (int[] size : SOLVES) {
                int n = size[0];
                Path g = scratch.resolve("G" + n + ".npy");
                Path v = scratch.resolve("V" + n + ".npy");
                Npy.write(g, uniform(rnd, n * n, 1e-6, 1e-4), n, n);
                Npy.write(v, uniform(rnd, n, 0, 0.2), n);
                long t0 = System.nanoTime();
                for (int k = 0; k < size[1]; k++) {
                    check(log, "solve", Main.run(new String[] {"solve", "--conductances", g.toString(), "--inputs",
                            v.toString(), "--out", scratch.resolve("I.npy").toString()}, devNull, devNull));
                }
                log.accept(String.format(Locale.ROOT, "warm-up: %d solves of %dx%d in %.2f s", size[1], n, n,
                        (System.nanoTime() - t0) * 1e-9));
            }
            Path g = scratch.resolve("G64.npy");
            Path v = scratch.resolve("V64.npy");
            Path w = scratch.resolve("W.npy");
            Path x = scratch.resolve("X.npy");
            Npy.write(w, uniform(rnd, 128 * 64, -1, 1), 128, 64);
            Npy.write(x, uniform(rnd, 4 * 128, 0, 1), 4, 128);
            for (int k = 0; k < 2; k++) {
                check(log, "transfer", Main.run(new String[] {"transfer", "--conductances", g.toString(), "--out",
                        scratch.resolve("T.npy").toString()}, devNull, devNull));
                check(log, "mvm", Main.run(new String[] {"mvm", "--weights", w.toString(), "--inputs", x.toString(),
                        "--out", scratch.resolve("Y.npy").toString(), "--tile", "64x64"}, devNull, devNull));
                check(log, "nf", Main.run(new String[] {"nf", "--weights", w.toString(), "--inputs", x.toString(),
                        "--report", scratch.resolve("R.json").toString(), "--tile", "64x64"}, devNull, devNull));
                check(log, "map", Main.run(new String[] {"map", "--weights", w.toString(), "--out",
                        scratch.resolve("map").toString(), "--tile", "64x64"}, devNull, devNull));
                check(log, "spice export", Main.run(new String[] {"spice", "export", "--conductances", g.toString(),
                        "--inputs", v.toString(), "--out", scratch.resolve("net.cir").toString()}, devNull, devNull));
                check(log, "help", Main.run(new String[] {"--help"}, devNull, devNull));
            }
        } finally {
            AtomicFiles.deleteTree(scratch);
        }
    }

    private static void check(Consumer<String> log, String what, int status) {
        if (status != 0) {
            log.accept("warm-up: " + what + " exited " + status);
        }
    }

    private static double[] uniform(Random rnd, int count, double lo, double hi) {
        double[] a = new double[count];
        for (int k = 0; k < count; k++) {
            a[k] = lo + (hi - lo) * rnd.nextDouble();
        }
        return a;
    }
}
