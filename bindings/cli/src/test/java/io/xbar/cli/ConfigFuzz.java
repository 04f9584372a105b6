// ConfigFuzz: --config files (valid, mutated, trailing text, hostile JSON, special files) on `xbar solve`.
package io.xbar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.xbar.io.NdArray;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A valid configuration (circuit keys as numbers or strings, shared settings, switches) must be
 * honoured: the result equals the reference for the circuit it describes, with command-line flags
 * winning. Anything that is not exactly one JSON object (trailing text, a second object) must be
 * refused (item 3), as must special files: a FIFO without a writer and {@code /dev/zero} within
 * seconds (item 6), a directory, a missing file, a symlink loop.
 */
final class ConfigFuzz implements CliFuzzTest.Family {
    private static final String[] TRAILING = {" {}", " x", "\n{\"r-wl\": 1}", " ]", "//c", " null", ",", "}", "\u0000", " 1",
            "{\"r-wl\": 1}", "\n\n{}\n"};

    @Override
    public int curated() {
        return 6;
    }

    @Override
    public String name() {
        return "config";
    }

    @Override
    public void attempt(CliFuzz.Attempt a) throws Exception {
        Random rnd = a.rnd;
        switch (a.number) {
            case 0 -> special(a, "fifo");
            case 1 -> special(a, "zero");
            case 2 -> special(a, "directory");
            case 3 -> special(a, "missing");
            case 4 -> special(a, "loop");
            case 5 -> trailing(a, " {\"r-wl\": 1}");
            default -> {
                switch (rnd.nextInt(6)) {
                    case 0, 1 -> valid(a);
                    case 2 -> trailing(a, TRAILING[rnd.nextInt(TRAILING.length)]);
                    case 3 -> mutated(a);
                    default -> hostile(a);
                }
            }
        }
    }

    /** Solve inputs plus a config; returns the run's status after the common checks. */
    private record Setup(int m, int n, double[] g, double[] v, Path gFile, Path vFile) {
    }

    private static Setup setup(CliFuzz.Attempt a) throws Exception {
        int m = 1 + a.rnd.nextInt(4);
        int n = 1 + a.rnd.nextInt(4);
        double[] g = CliFuzz.conductances(a.rnd, m, n, 1e-6, 1e-4);
        double[] v = CliFuzz.uniform(a.rnd, m, 0, 0.2);
        return new Setup(m, n, g, v, a.npy("i_G.npy", g, m, n), a.npy("i_V.npy", v, m));
    }

    private static CliFuzz.Run solve(CliFuzz.Attempt a, Setup s, String config, List<String> flags, CliFuzz.Expect expect,
                                     boolean child, String mention) {
        List<String> args = new ArrayList<>(List.of("solve", "--conductances", s.gFile().toString(), "--inputs", s.vFile().toString(),
                "--out", a.path("o_I.npy").toString(), "--config", config));
        args.addAll(flags);
        CliFuzz.Snapshot before = a.snapshot();
        CliFuzz.Run r = child ? a.child(args, null, a.hangTimeout()) : a.run(args.toArray(String[]::new));
        boolean ok = mention == null ? a.checkRun(r, expect) : a.checkRun(r, expect, mention);
        a.checkChanges(before, p -> p.equals("o_I.npy"));
        if (!ok && Files.exists(a.path("o_I.npy"))) {
            a.fail("output after a failure", "o_I.npy exists after exit " + r.status());
        }
        return r;
    }

    /** A valid configuration: the result must be the one of the circuit it describes, flags winning. */
    private void valid(CliFuzz.Attempt a) throws Exception {
        Random rnd = a.rnd;
        Setup s = setup(a);
        Circuit c = FuzzWorkloads.circuit(rnd);
        Map<String, Object> entries = new LinkedHashMap<>();
        String[] keys = {"r-wl", "r-bl", "r-source", "r-sense", "r-access"};
        double[] values = {c.wordLine(), c.bitLine(), c.source(), c.sense(), c.access()};
        for (int k = 0; k < keys.length; k++) {
            if (rnd.nextInt(4) > 0) {
                entries.put(keys[k], rnd.nextBoolean() ? (Object) values[k] : Double.toString(values[k]));
            } else {
                values[k] = new double[] {2.5, 2.5, 0, 0, 0}[k];
            }
        }
        Drive drive = Drive.LEFT;
        Sense sense = Sense.BOTTOM;
        if (rnd.nextBoolean()) {
            drive = c.drive();
            entries.put("drive", drive.name().toLowerCase(Locale.ROOT));
        }
        if (rnd.nextBoolean()) {
            sense = c.senseAt();
            entries.put("sense", sense.name().toLowerCase(Locale.ROOT));
        }
        // Shared study settings the solve command ignores or uses.
        if (rnd.nextBoolean()) {
            entries.put("g-on", 1e-4);
        }
        if (rnd.nextBoolean()) {
            entries.put("mapping", "mdm");
        }
        if (rnd.nextBoolean()) {
            entries.put("quiet", rnd.nextBoolean());
        }
        if (rnd.nextBoolean()) {
            entries.put("threads", 1 + rnd.nextInt(2));
        }
        if (rnd.nextBoolean()) {
            entries.put("tolerance", 1e-12);
        }
        List<String> flags = new ArrayList<>();
        if (rnd.nextBoolean()) {
            // A flag on the command line wins over the file.
            values[0] = 1.0 + rnd.nextInt(3);
            flags.addAll(List.of("--r-wl", Double.toString(values[0])));
        }
        String json = CliFuzz.STRICT_JSON.writerWithDefaultPrettyPrinter().writeValueAsString(entries);
        if (rnd.nextBoolean()) {
            json = json.replace("\n", rnd.nextBoolean() ? "\r\n" : " ") + (rnd.nextBoolean() ? "\n" : "  \n\t");
        }
        a.label = "valid config";
        Path config = a.text("i_config.json", json);
        CliFuzz.Run r = solve(a, s, config.toString(), flags, CliFuzz.Expect.SUCCESS, false, null);
        if (r.status() == 0) {
            NdArray out = a.checkNpy(a.path("o_I.npy"), s.n());
            if (out != null) {
                Circuit expected = new Circuit(values[0], values[1], values[2], values[3], values[4], drive, sense);
                FuzzWorkloads.compareColumns(a, "solve with --config", FuzzWorkloads.reference(s.m(), s.n(), expected, s.g(), s.v(), 1),
                        out.toArray(), 1, s.n(), 1e-9);
            }
        }
    }

    /** Item 3: one object, then more text: refused, naming the file. */
    private void trailing(CliFuzz.Attempt a, String tail) throws Exception {
        Setup s = setup(a);
        a.label = "trailing text " + CliFuzz.quote(tail);
        a.category = "trailing text";
        Path config = a.text("i_config.json", "{\"r-wl\": 2.5}" + tail);
        solve(a, s, config.toString(), List.of(), CliFuzz.Expect.REFUSED, false, "i_config.json");
    }

    private void mutated(CliFuzz.Attempt a) throws Exception {
        Random rnd = a.rnd;
        Setup s = setup(a);
        String base = "{\"r-wl\": 1.5, \"drive\": \"both\", \"quiet\": true, \"tile\": \"64x64\", \"threads\": 1}";
        StringBuilder t = new StringBuilder(base);
        List<String> edits = new ArrayList<>();
        for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
            int p = rnd.nextInt(t.length() + 1);
            switch (rnd.nextInt(3)) {
                case 0 -> {
                    if (p < t.length()) {
                        edits.add("delete " + p);
                        t.deleteCharAt(p);
                    }
                }
                case 1 -> {
                    char c = "{}[]\",:0e-.tfn \\\u0000\u00e9".charAt(rnd.nextInt(18));
                    edits.add("insert " + CliFuzz.quote(String.valueOf(c)) + " at " + p);
                    t.insert(p, c);
                }
                default -> {
                    if (p < t.length()) {
                        edits.add("duplicate " + p);
                        t.insert(p, t.charAt(p));
                    }
                }
            }
        }
        String text = t.toString();
        a.label = "mutated config: " + String.join("; ", edits);
        boolean oneObject;
        try {
            JsonNode n = CliFuzz.STRICT_JSON.readTree(text);
            oneObject = n != null && n.isObject();
        } catch (Exception e) {
            oneObject = false;
        }
        Path config = a.text("i_config.json", text);
        solve(a, s, config.toString(), List.of(), oneObject ? CliFuzz.Expect.SUCCESS_OR_REFUSED : CliFuzz.Expect.REFUSED, false,
                oneObject ? null : "i_config.json");
    }

    private void hostile(CliFuzz.Attempt a) throws Exception {
        Random rnd = a.rnd;
        Setup s = setup(a);
        String[] texts = {"", " ", "null", "[]", "\"x\"", "123", "{\"r-wl\": 1e999}", "{\"r-wl\": NaN}", "{\"r-wl\": -1}",
                "{\"r-wl\": [1]}", "{\"r-wl\": {}}", "{\"r-wl\": null}", "{\"config\": \"x.json\"}", "{\"unknown\": 1}",
                "{\"drive\": \"sideways\"}", "{\"quiet\": 1}", "{\"r-wl\": true}", "[".repeat(100_000) + "]".repeat(100_000),
                "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000), "{\"r-wl\": \"" + "9".repeat(100_000) + "\"}",
                "\uFEFF{\"r-wl\": 1}", "{'r-wl': 1}", "{r-wl: 1}", "{\"r-wl\": 01}", "{\"r-wl\": 1,}", "{\"threads\": 0}",
                "{\"threads\": 2147483648}", "{\"tolerance\": 1}", "{\"quiet\": true, \"verbose\": true}"};
        int pick = rnd.nextInt(texts.length);
        String text = texts[pick];
        a.label = "hostile config #" + pick;
        boolean bom = text.startsWith("\uFEFF");
        Path config = a.text("i_config.json", text);
        solve(a, s, config.toString(), List.of(), bom ? CliFuzz.Expect.SUCCESS_OR_REFUSED : CliFuzz.Expect.REFUSED, false, null);
    }

    private void special(CliFuzz.Attempt a, String what) throws Exception {
        Setup s = setup(a);
        a.label = "special " + what;
        a.category = a.label;
        String config;
        boolean child = false;
        String mention;
        switch (what) {
            case "fifo" -> {
                Path fifo = a.path("i_fifo.json");
                if (!CliFuzz.tool("mkfifo", fifo.toString())) {
                    return;
                }
                a.note("i_fifo.json = a FIFO nobody writes to");
                config = fifo.toString();
                child = true;
                mention = "i_fifo.json";
            }
            case "zero" -> {
                config = "/dev/zero";
                child = true;
                mention = config;
            }
            case "directory" -> {
                Files.createDirectory(a.path("i_dir.json"));
                a.note("i_dir.json = a directory");
                config = a.path("i_dir.json").toString();
                mention = "i_dir.json";
            }
            case "missing" -> {
                config = a.path("i_missing.json").toString();
                mention = "i_missing.json";
            }
            default -> {
                Files.createSymbolicLink(a.path("i_loop1.json"), Path.of("i_loop2.json"));
                Files.createSymbolicLink(a.path("i_loop2.json"), Path.of("i_loop1.json"));
                a.note("i_loop1.json -> i_loop2.json -> i_loop1.json");
                config = a.path("i_loop1.json").toString();
                mention = "i_loop1.json";
            }
        }
        solve(a, s, config, List.of(), CliFuzz.Expect.REFUSED, child, mention);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
