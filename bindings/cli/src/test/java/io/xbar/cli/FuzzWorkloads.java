// FuzzWorkloads: small valid workloads and command templates shared by the fuzz families, with their output checks and references.
package io.xbar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.xbar.io.NdArray;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import io.xbar.reference.ReferenceSolver;
import io.xbar.spice.NetlistParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/** Valid inputs and one-output command templates; file names: {@code i_*} inputs, {@code o_*} outputs. */
final class FuzzWorkloads {
    /** Placeholder for the output path in a template's arguments. */
    static final String OUT = "@OUT";

    private FuzzWorkloads() {
    }

    /** A random circuit: wires and resistances 0 (exact shorts) or a few ohms, any drive and sense side. */
    static Circuit circuit(Random rnd) {
        double[] pool = {0, 0.5, 2.5, 10};
        return new Circuit(pool[rnd.nextInt(4)], pool[rnd.nextInt(4)], rnd.nextBoolean() ? 0 : pool[rnd.nextInt(4)],
                rnd.nextBoolean() ? 0 : pool[rnd.nextInt(4)], rnd.nextInt(4) == 0 ? 100 : 0,
                Drive.values()[rnd.nextInt(3)], Sense.values()[rnd.nextInt(3)]);
    }

    /** The flags that give {@code c}, all of them spelled out. */
    static List<String> circuitArgs(Circuit c) {
        return List.of("--r-wl", num(c.wordLine()), "--r-bl", num(c.bitLine()), "--r-source", num(c.source()),
                "--r-sense", num(c.sense()), "--r-access", num(c.access()),
                "--drive", c.drive().name().toLowerCase(Locale.ROOT), "--sense", c.senseAt().name().toLowerCase(Locale.ROOT));
    }

    static String num(double v) {
        return Double.toString(v);
    }

    /** Reference currents, row-major {@code batch x n}. */
    static double[] reference(int m, int n, Circuit circuit, double[] g, double[] v, int batch) {
        if (batch == 0) {
            return new double[0];
        }
        return ReferenceSolver.factor(m, n, circuit, g).currents(v, batch);
    }

    /**
     * Per column: {@code |actual - expected| <= tol * max_b |expected[b][j]|} (columns that are zero
     * everywhere are judged against the largest column).
     */
    static void compareColumns(CliFuzz.Attempt a, String what, double[] expected, double[] actual, int batch, int n, double tol) {
        if (actual.length != expected.length) {
            a.fail(what + ": wrong length", "expected " + expected.length + " values, got " + actual.length);
            return;
        }
        double global = 0;
        for (double e : expected) {
            global = Math.max(global, Math.abs(e));
        }
        double worst = 0;
        String where = "";
        for (int j = 0; j < n; j++) {
            double scale = 0;
            for (int b = 0; b < batch; b++) {
                scale = Math.max(scale, Math.abs(expected[b * n + j]));
            }
            if (scale == 0) {
                scale = global == 0 ? Double.MIN_NORMAL : global;
            }
            for (int b = 0; b < batch; b++) {
                double e = expected[b * n + j];
                double x = actual[b * n + j];
                double rel = Math.abs(x - e) / scale;
                if (!(rel <= worst) || Double.isNaN(rel)) {
                    if (Double.isNaN(rel) || rel > worst) {
                        worst = Double.isNaN(rel) ? Double.POSITIVE_INFINITY : rel;
                        where = "[" + b + ", " + j + "]: expected " + e + ", got " + x;
                    }
                }
            }
        }
        if (!(worst <= tol)) {
            a.fail(what + " disagrees with the reference", String.format(Locale.ROOT,
                    "worst column-relative error %.3g > %.1g at %s", worst, tol, where));
        }
    }

    /** A command with one output, its arguments (output as {@link #OUT}) and how to check that output. */
    record Template(String command, List<String> args, String outputName, OutputCheck check) {
        List<String> with(String output) {
            return args.stream().map(s -> s.equals(OUT) ? output : s).toList();
        }
    }

    /** Checks the output of a successful run at {@code file} (the regular file that received the content). */
    interface OutputCheck {
        void check(CliFuzz.Attempt a, Path file) throws IOException;
    }

    static final List<String> COMMANDS = List.of("solve", "transfer", "mvm", "map", "nf", "export", "spice");

    /** A valid workload for {@code command} written into the attempt's directory. */
    static Template template(CliFuzz.Attempt a, String command) throws IOException {
        Random rnd = a.rnd;
        int m = 1 + rnd.nextInt(5);
        int n = 1 + rnd.nextInt(5);
        switch (command) {
            case "solve", "transfer", "export" -> {
                Circuit c = circuit(rnd);
                double[] g = CliFuzz.conductances(rnd, m, n, 1e-6, 1e-4);
                Path gFile = a.npy("i_G.npy", g, m, n);
                List<String> args = new ArrayList<>();
                if (command.equals("transfer")) {
                    args.addAll(List.of("transfer", "--conductances", gFile.toString(), "--out", OUT));
                    args.addAll(circuitArgs(c));
                    double[] identity = new double[m * m];
                    for (int i = 0; i < m; i++) {
                        identity[i * m + i] = 1;
                    }
                    double[] expected = reference(m, n, c, g, identity, m);
                    return new Template(command, args, "o_T.npy", (at, f) -> {
                        NdArray t = at.checkNpy(f, m, n);
                        if (t != null) {
                            compareColumns(at, "transfer", expected, t.toArray(), m, n, 1e-9);
                        }
                    });
                }
                boolean vector = command.equals("export") || rnd.nextBoolean();
                int batch = vector ? 1 : rnd.nextInt(4);
                double[] v = CliFuzz.uniform(rnd, batch * m, 0, 0.2);
                Path vFile = vector ? a.npy("i_V.npy", v, m) : a.npy("i_V.npy", v, batch, m);
                if (command.equals("export")) {
                    args.addAll(List.of("spice", "export", "--conductances", gFile.toString(), "--inputs", vFile.toString(), "--out", OUT));
                    args.addAll(circuitArgs(c));
                    return new Template(command, args, "o_net.cir", (at, f) -> {
                        String text = Files.readString(f);
                        if (!text.strip().toLowerCase(Locale.ROOT).endsWith(".end")) {
                            at.fail("netlist incomplete", f.getFileName() + " does not end with .end");
                        }
                        try {
                            NetlistParser.parse(f);
                        } catch (RuntimeException e) {
                            at.fail("netlist unreadable", e.getMessage());
                        }
                    });
                }
                args.addAll(List.of("solve", "--conductances", gFile.toString(), "--inputs", vFile.toString(), "--out", OUT));
                args.addAll(circuitArgs(c));
                double[] expected = reference(m, n, c, g, v, batch);
                int[] shape = vector ? new int[] {n} : new int[] {batch, n};
                return new Template(command, args, "o_I.npy", (at, f) -> {
                    NdArray out = at.checkNpy(f, shape);
                    if (out != null) {
                        compareColumns(at, "solve", expected, out.toArray(), batch, n, 1e-9);
                    }
                });
            }
            case "mvm", "nf", "map" -> {
                int k = 1 + rnd.nextInt(12);
                int outputs = 1 + rnd.nextInt(4);
                int batch = 1 + rnd.nextInt(3);
                double[] w = CliFuzz.uniform(rnd, k * outputs, -1, 1);
                double[] x = CliFuzz.uniform(rnd, batch * k, 0, 1);
                Path wFile = a.npy("i_W.npy", w, k, outputs);
                Path xFile = a.npy("i_X.npy", x, batch, k);
                // At least 14 columns: one output's column group (7 magnitude slices x 2 halves at the default 8 bits, differential).
                List<String> tile = List.of("--tile", (2 + rnd.nextInt(7)) + "x" + (14 + rnd.nextInt(40)));
                List<String> args = new ArrayList<>();
                switch (command) {
                    case "mvm" -> {
                        args.addAll(List.of("mvm", "--weights", wFile.toString(), "--inputs", xFile.toString(), "--out", OUT));
                        args.addAll(tile);
                        return new Template(command, args, "o_Y.npy", (at, f) -> at.checkNpy(f, batch, outputs));
                    }
                    case "nf" -> {
                        args.addAll(List.of("nf", "--weights", wFile.toString(), "--inputs", xFile.toString(), "--report", OUT));
                        args.addAll(tile);
                        return new Template(command, args, "o_R.json", (at, f) -> {
                            JsonNode r = at.checkJson(f);
                            if (r != null && !(r.has("nf") && r.has("mvm_rel_error") && r.path("tiles").isArray())) {
                                at.fail("nf report incomplete", "keys: " + r.properties().stream().map(java.util.Map.Entry::getKey).toList());
                            }
                        });
                    }
                    default -> {
                        args.addAll(List.of("map", "--weights", wFile.toString(), "--out", OUT));
                        args.addAll(tile);
                        return new Template(command, args, "o_map", FuzzWorkloads::checkMapping);
                    }
                }
            }
            case "spice" -> {
                Path net = a.text("i_net.cir", NetlistFuzz.generate(rnd).text());
                return new Template(command, List.of("spice", "solve", net.toString(), "--out", OUT), "o_R.json", (at, f) -> {
                    JsonNode r = at.checkJson(f);
                    if (r != null && !(r.path("node_voltages").isObject() && r.path("source_currents").isObject())) {
                        at.fail("spice report incomplete", CliFuzz.abbreviate(r.toString(), 200));
                    }
                });
            }
            default -> throw new IllegalArgumentException(command);
        }
    }

    /** A mapping directory: mapping.json parses and names tile files that exist and parse. */
    static void checkMapping(CliFuzz.Attempt a, Path dir) throws IOException {
        Path json = dir.resolve("mapping.json");
        if (!Files.isRegularFile(json)) {
            a.fail("output missing", "no mapping.json in " + dir.getFileName());
            return;
        }
        JsonNode m = a.checkJson(json);
        if (m == null) {
            return;
        }
        JsonNode tiles = m.path("tiles");
        if (!tiles.isArray() || tiles.isEmpty()) {
            a.fail("mapping incomplete", "mapping.json has no tiles[]");
            return;
        }
        for (JsonNode t : tiles) {
            Path f = dir.resolve(t.path("file").asText());
            a.checkNpy(f, (int[]) null);
        }
    }
}
