// NetlistFuzz: generated and mutated netlists for `xbar spice solve`: valid ones against a dense MNA solve or the kernel, none may crash.
package io.xbar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.xbar.kernel.Circuit;
import io.xbar.spice.SpiceExport;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Generated netlists (R, V, I; SPICE suffixes, unit letters, continuation lines, comments, ASCII
 * case variants of one name, and names that differ only outside ASCII: {@code ı}/{@code i},
 * KELVIN SIGN/{@code k}) are valid: {@code spice solve} must accept them and agree with a dense
 * modified-nodal solve written here, which folds case the SPICE way (ASCII only). Exported crossbars
 * must agree with the reference solver. Mutated netlists may be refused, never crash, and a
 * successful one writes finite numbers only.
 */
final class NetlistFuzz implements CliFuzzTest.Family {
    @Override
    public int curated() {
        return 4;
    }

    @Override
    public String name() {
        return "netlists";
    }

    /** A generated netlist and its operating point (keys folded to ASCII lower case). */
    /**
     * A netlist with its MNA solution.
     *
     * @param currentScale the network's largest current (voltage sources, current sources and resistors):
     *                     source currents are judged against it, as xbar's rounding bounds are
     */
    record Generated(String text, Map<String, Double> voltages, Map<String, Double> currents, double currentScale) {
    }

    private static final String[] TAGS = {"n", "N", "a", "net", "x_", "ı", "i", "I", "K", "k", "é", "É", "ß", "İ"};

    static String fold(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            b.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return b.toString();
    }

    /** Flips the case of some ASCII letters: SPICE reads the result as the same name. */
    private static String respell(Random rnd, String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            boolean ascii = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            b.append(ascii && rnd.nextInt(3) == 0 ? (char) (c ^ 0x20) : c);
        }
        return b.toString();
    }

    /** A SPICE number for roughly {@code magnitude} (sign included): its text and the exact value a SPICE reader must see. */
    private static Object[] number(Random rnd, double lo, double hi, boolean signed) {
        int p = (int) Math.floor(lo + rnd.nextDouble() * (hi - lo));
        String mantissa = (100 + rnd.nextInt(900)) / 100 + "." + String.format("%02d", rnd.nextInt(100));
        if (signed && rnd.nextBoolean()) {
            mantissa = "-" + mantissa;
        }
        BigDecimal exact = new BigDecimal(mantissa).scaleByPowerOfTen(p);
        String text;
        String[][] suffixes = {{"12", "t"}, {"9", "g"}, {"6", "meg"}, {"3", "k"}, {"0", ""}, {"-3", "m"}, {"-6", "u"},
                {"-9", "n"}, {"-12", "p"}, {"-15", "f"}};
        String suffix = null;
        for (String[] s : suffixes) {
            if (Integer.parseInt(s[0]) == p && rnd.nextInt(3) > 0) {
                suffix = s[1];
            }
        }
        if (suffix != null) {
            String[] spellings = {suffix, suffix.toUpperCase(Locale.ROOT),
                    suffix.isEmpty() ? "" : Character.toUpperCase(suffix.charAt(0)) + suffix.substring(1)};
            text = mantissa + spellings[rnd.nextInt(3)];
        } else {
            text = mantissa + (rnd.nextBoolean() ? "e" : "E") + p;
        }
        int unit = rnd.nextInt(8);
        if (unit == 0) {
            text += "ohm";
        } else if (unit == 1 && (suffix == null || suffix.isEmpty() || suffix.equals("k"))) {
            // Letters that are no scale suffix are ignored, also when they are not ASCII (KELVIN SIGN is no 'k').
            text += "\u212A";
        }
        return new Object[] {text, exact.doubleValue()};
    }

    static Generated generate(Random rnd) {
        int k = 2 + rnd.nextInt(9);
        List<String> nodes = new ArrayList<>();
        java.util.Set<String> canonical = new java.util.HashSet<>();
        for (int q = 0; nodes.size() < k; q++) {
            String name = TAGS[rnd.nextInt(TAGS.length)] + (rnd.nextInt(4) == 0 ? "" : Integer.toString(q % 5));
            if (name.equals("0") || !canonical.add(fold(name))) {
                continue;
            }
            nodes.add(name);
        }
        // Node index 0 is ground; nodes.get(i) is index i + 1.
        List<String> cards = new ArrayList<>();
        List<int[]> resistors = new ArrayList<>();
        List<Double> ohms = new ArrayList<>();
        int names = 0;
        java.util.function.IntFunction<String> nodeText = i -> i == 0 ? "0" : respell(rnd, nodes.get(i - 1));
        for (int i = 1; i <= k; i++) {
            int to = rnd.nextInt(i);
            resistors.add(new int[] {i, to});
        }
        for (int extra = rnd.nextInt(k + 1); extra > 0; extra--) {
            int a = rnd.nextInt(k + 1);
            int b = rnd.nextInt(k + 1);
            if (a != b) {
                resistors.add(new int[] {a, b});
            }
        }
        for (int[] r : resistors) {
            Object[] v = number(rnd, 0, 6, false);
            ohms.add((Double) v[1]);
            String elementTag = rnd.nextInt(4) == 0 ? TAGS[rnd.nextInt(TAGS.length)] : "";
            String card = respell(rnd, "R" + elementTag + (names++)) + " " + nodeText.apply(r[0]) + " " + nodeText.apply(r[1]);
            cards.add(rnd.nextInt(6) == 0 ? card + "\n+ " + v[0] : card + " " + v[0]);
        }
        // Voltage sources to ground on distinct nodes; current sources anywhere.
        List<int[]> vsources = new ArrayList<>();
        List<Double> volts = new ArrayList<>();
        List<String> vnames = new ArrayList<>();
        List<Integer> free = new ArrayList<>();
        for (int i = 1; i <= k; i++) {
            free.add(i);
        }
        java.util.Collections.shuffle(free, rnd);
        int sources = 1 + rnd.nextInt(Math.min(3, k));
        for (int s = 0; s < sources; s++) {
            int node = free.get(s);
            Object[] v = number(rnd, -1, 1, true);
            boolean reversed = rnd.nextInt(3) == 0;
            String name = "V" + (rnd.nextInt(3) == 0 ? TAGS[rnd.nextInt(TAGS.length)] : "") + (names++);
            vnames.add(name);
            vsources.add(reversed ? new int[] {0, node} : new int[] {node, 0});
            volts.add((Double) v[1]);
            String a = reversed ? "0" : nodeText.apply(node);
            String b = reversed ? nodeText.apply(node) : "0";
            cards.add(respell(rnd, name) + " " + a + " " + b + (rnd.nextBoolean() ? " DC " : " ") + v[0]);
        }
        List<int[]> isources = new ArrayList<>();
        List<Double> amps = new ArrayList<>();
        for (int s = rnd.nextInt(3); s > 0; s--) {
            int a = rnd.nextInt(k + 1);
            int b = rnd.nextInt(k + 1);
            Object[] v = number(rnd, -6, -3, true);
            isources.add(new int[] {a, b});
            amps.add((Double) v[1]);
            cards.add(respell(rnd, "I" + (names++)) + " " + nodeText.apply(a) + " " + nodeText.apply(b) + " " + v[0]);
        }
        java.util.Collections.shuffle(cards, rnd);
        StringBuilder text = new StringBuilder("fuzz netlist ").append(rnd.nextInt(1000)).append('\n');
        for (String c : cards) {
            if (rnd.nextInt(8) == 0) {
                text.append("* a comment ").append(rnd.nextInt(100)).append('\n');
            }
            text.append(c).append('\n');
        }
        text.append(rnd.nextBoolean() ? ".op\n" : "").append(rnd.nextBoolean() ? ".end\n" : ".END\n");

        // Modified nodal analysis: unknowns v_1..v_k, then one current per voltage source (ngspice sign:
        // the current flows into the + terminal, through the source, out of the - terminal).
        int size = k + vsources.size();
        double[][] a = new double[size][size + 1];
        for (int e = 0; e < resistors.size(); e++) {
            int p = resistors.get(e)[0];
            int q = resistors.get(e)[1];
            double g = 1 / ohms.get(e);
            stamp(a, p, p, g);
            stamp(a, q, q, g);
            stamp(a, p, q, -g);
            stamp(a, q, p, -g);
        }
        for (int s = 0; s < vsources.size(); s++) {
            int p = vsources.get(s)[0];
            int q = vsources.get(s)[1];
            int row = k + s;
            if (p > 0) {
                a[p - 1][row] += 1;
                a[row][p - 1] += 1;
            }
            if (q > 0) {
                a[q - 1][row] -= 1;
                a[row][q - 1] -= 1;
            }
            a[row][size] = volts.get(s);
        }
        for (int s = 0; s < isources.size(); s++) {
            int p = isources.get(s)[0];
            int q = isources.get(s)[1];
            // SPICE: a current source drives its current from + through the source to -, i.e. out of the + node.
            if (p > 0) {
                a[p - 1][size] -= amps.get(s);
            }
            if (q > 0) {
                a[q - 1][size] += amps.get(s);
            }
        }
        double[] x = gauss(a);
        Map<String, Double> v = new LinkedHashMap<>();
        for (int i = 0; i < k; i++) {
            v.put(fold(nodes.get(i)), x[i]);
        }
        Map<String, Double> c = new LinkedHashMap<>();
        double currentScale = 0;
        for (int s = 0; s < vsources.size(); s++) {
            c.put(fold(vnames.get(s)), x[k + s]);
            currentScale = Math.max(currentScale, Math.abs(x[k + s]));
        }
        for (double i : amps) {
            currentScale = Math.max(currentScale, Math.abs(i));
        }
        for (int e = 0; e < resistors.size(); e++) {
            double vp = resistors.get(e)[0] == 0 ? 0 : x[resistors.get(e)[0] - 1];
            double vq = resistors.get(e)[1] == 0 ? 0 : x[resistors.get(e)[1] - 1];
            currentScale = Math.max(currentScale, Math.abs(vp - vq) / ohms.get(e));
        }
        return new Generated(text.toString(), v, c, currentScale);
    }

    private static void stamp(double[][] a, int p, int q, double g) {
        if (p > 0 && q > 0) {
            a[p - 1][q - 1] += g;
        }
    }

    /** Gaussian elimination with partial pivoting on an augmented matrix. */
    private static double[] gauss(double[][] a) {
        int n = a.length;
        for (int col = 0; col < n; col++) {
            int piv = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) {
                    piv = r;
                }
            }
            double[] t = a[col];
            a[col] = a[piv];
            a[piv] = t;
            for (int r = col + 1; r < n; r++) {
                double f = a[r][col] / a[col][col];
                if (f != 0) {
                    for (int c = col; c <= n; c++) {
                        a[r][c] -= f * a[col][c];
                    }
                }
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = a[r][n];
            for (int c = r + 1; c < n; c++) {
                s -= a[r][c] * x[c];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }

    private static final String[] JUNK_TOKENS = {"Infinity", "-Infinity", "NaN", "1e400", "1e-400", "1e-310", "-1", "0", "1e308",
            "1..2", "k", "0x10", "1e", "ı", "\u212A", "9".repeat(400), "1e-300", "-0", "+", "DC", "1f", "1µ", "١"};
    private static final String[] JUNK_LINES = {".tran 1n 1u", ".subckt x a b", "C1 a 0 1p", "X1 a b sub", "+ 1k", "R9x a",
            "V9x a 0 DC", "I9x a 0 AC 1", ".include i_missing.cir", "R10x n1 0 1e-310", "R11x n1 0 0", ".options klu",
            "* comment", "\t", ";", "V12x n1 0 1e308", "R13x 0 0 1", "V14x n1 n1 1", ".end", "R15x ı1 I1 1", "R16x k1 \u212A1 1",
            "L1 a b 1u", ".op", ".param x=1", "Rloop a a 1"};

    /** One to three random edits of a netlist's text. */
    static String mutate(Random rnd, String text, List<String> edits) {
        String s = text;
        for (int m = 1 + rnd.nextInt(3); m > 0; m--) {
            List<String> lines = new ArrayList<>(List.of(s.split("\n", -1)));
            int at = rnd.nextInt(lines.size());
            switch (rnd.nextInt(11)) {
                case 0 -> {
                    edits.add("delete line " + at);
                    lines.remove(at);
                }
                case 1 -> {
                    edits.add("duplicate line " + at);
                    lines.add(at, lines.get(at));
                }
                case 2 -> {
                    String[] tokens = lines.get(at).split(" ", -1);
                    int t = rnd.nextInt(tokens.length);
                    tokens[t] = JUNK_TOKENS[rnd.nextInt(JUNK_TOKENS.length)];
                    edits.add("token " + t + " of line " + at + " := " + CliFuzz.quote(tokens[t]));
                    lines.set(at, String.join(" ", tokens));
                }
                case 3 -> {
                    String l = JUNK_LINES[rnd.nextInt(JUNK_LINES.length)];
                    edits.add("insert line " + at + ": " + CliFuzz.quote(l));
                    lines.add(at, l);
                }
                case 4 -> {
                    String l = lines.get(at);
                    if (l.length() > 1) {
                        int p = rnd.nextInt(l.length() - 1);
                        edits.add("swap chars " + p + " of line " + at);
                        lines.set(at, l.substring(0, p) + l.charAt(p + 1) + l.charAt(p) + l.substring(p + 2));
                    }
                }
                case 5 -> {
                    char c = new char[] {'\u0000', '\u0007', '\r', '\u00a0', '\u2028', '\uFEFF', '"', '\'', '{'}[rnd.nextInt(9)];
                    String l = lines.get(at);
                    int p = rnd.nextInt(l.length() + 1);
                    edits.add("insert U+" + String.format("%04X", (int) c) + " at " + p + " of line " + at);
                    lines.set(at, l.substring(0, p) + c + l.substring(p));
                }
                case 6 -> {
                    int cut = rnd.nextInt(s.length() + 1);
                    edits.add("truncate at " + cut);
                    return s.substring(0, cut);
                }
                case 7 -> {
                    edits.add("remove .end");
                    lines.removeIf(l -> l.strip().toLowerCase(Locale.ROOT).startsWith(".end"));
                }
                case 8 -> {
                    edits.add("upper case");
                    return s.toUpperCase(Locale.ROOT);
                }
                case 9 -> {
                    edits.add("long comment line");
                    lines.add(at, "* " + "x".repeat(200_000));
                }
                default -> {
                    String l = lines.get(at);
                    edits.add("line " + at + " node names to Unicode case variants");
                    lines.set(at, l.replace('i', 'ı').replace('k', '\u212A'));
                }
            }
            s = String.join("\n", lines);
        }
        return s;
    }

    @Override
    public void attempt(CliFuzz.Attempt a) throws Exception {
        Random rnd = a.rnd;
        int kind = a.number < 4 ? a.number : 2 + rnd.nextInt(8);
        switch (kind) {
            case 0 -> curatedUnicode(a);
            case 1 -> curatedTinyResistor(a);
            case 2, 3 -> crossbar(a, rnd.nextInt(3) == 0);
            case 4, 5, 6 -> generated(a);
            default -> mutated(a, rnd.nextBoolean() ? generate(rnd).text() : exported(a));
        }
    }

    /** Solves {@code text} (file or, sometimes, standard output) and returns the JSON of a successful run, or null. */
    private JsonNode solve(CliFuzz.Attempt a, byte[] content, CliFuzz.Expect expect) throws Exception {
        Path net = a.file("i_net.cir", content);
        boolean toFile = a.rnd.nextBoolean();
        Path out = a.path("o_R.json");
        CliFuzz.Snapshot before = a.snapshot();
        CliFuzz.Run r = toFile ? a.run("spice", "solve", net.toString(), "--out", out.toString())
                : a.run("spice", "solve", net.toString());
        boolean ok = a.checkRun(r, expect, net.getFileName().toString());
        a.checkChanges(before, p -> toFile && p.equals("o_R.json"));
        // A source current known only to a few digits comes with a warning that states its bound.
        java.util.regex.Matcher m = PRECISION.matcher(r.err());
        warnedBound = ok && m.find() ? Double.parseDouble(m.group(1)) : 0;
        if (!ok) {
            if (toFile && Files.exists(out)) {
                a.fail("output after a failure", "o_R.json exists after exit " + r.status());
            }
            return null;
        }
        return toFile ? a.checkJson(out) : a.checkJsonText("stdout", r.out());
    }

    private static final java.util.regex.Pattern PRECISION = java.util.regex.Pattern.compile(
            "^xbar spice solve: warning: the currents? of voltage sources? .* determined only to within (\\S+) A",
            java.util.regex.Pattern.MULTILINE);
    /** The error bound the last successful solve warned of (0: no warning). */
    private double warnedBound;

    private void compare(CliFuzz.Attempt a, JsonNode json, Generated g) {
        if (json == null) {
            return;
        }
        compareMap(a, "node voltages", json.path("node_voltages"), g.voltages(), 0, 0);
        compareMap(a, "source currents", json.path("source_currents"), g.currents(), g.currentScale(), 2 * warnedBound);
    }

    /**
     * Agreement to 1e-8 of the largest value (or of {@code scale} when larger), or to {@code bound}
     * where xbar warned that rounding allows no better.
     */
    private static void compareMap(CliFuzz.Attempt a, String what, JsonNode got, Map<String, Double> expected,
                                   double scale, double bound) {
        Map<String, Double> actual = new HashMap<>();
        got.properties().forEach(e -> actual.put(fold(e.getKey()), e.getValue().asDouble()));
        if (!actual.keySet().equals(expected.keySet())) {
            a.fail(what + ": names differ from SPICE's (ASCII case folding)", "expected " + expected.keySet() + ", got "
                    + got.properties().stream().map(Map.Entry::getKey).toList());
            return;
        }
        scale = Math.max(scale, expected.values().stream().mapToDouble(Math::abs).max().orElse(0));
        for (Map.Entry<String, Double> e : expected.entrySet()) {
            double x = actual.get(e.getKey());
            if (!(Math.abs(x - e.getValue()) <= Math.max(1e-8 * scale, bound) + 1e-300)) {
                a.fail(what + " disagree with the MNA solve", e.getKey() + ": expected " + e.getValue() + ", got " + x);
                return;
            }
        }
    }

    private void generated(CliFuzz.Attempt a) throws Exception {
        Generated g = generate(a.rnd);
        a.label = "generated";
        compare(a, solve(a, g.text().getBytes(StandardCharsets.UTF_8), CliFuzz.Expect.SUCCESS), g);
    }

    /** Item 11: ASCII case folding only; {@code ı1} and {@code I1} are two nodes, a KELVIN SIGN is no kilo. */
    private void curatedUnicode(CliFuzz.Attempt a) throws Exception {
        a.label = "unicode names";
        a.category = a.label;
        String text = "unicode names\nV1 I1 0 1\nR1 I1 ı1 1\u212A\nR2 ı1 0 1k\nRı3 i1 0 2\nRI3 ı1 0 1\n.end\n";
        // V1 fixes I1 = i1 = 1 V; R1 = 1 ohm (the KELVIN SIGN is an ignored unit letter) from I1 to ı1;
        // ı1 to ground: 1k || 1 ohm; Rı3 = 2 ohm from i1 (= I1) to ground.
        double gDown = 1 / 1000.0 + 1;
        double u = 1.0 / (1 + gDown);
        double current = -((1 - u) / 1 + 1.0 / 2);
        Map<String, Double> v = new LinkedHashMap<>();
        v.put("i1", 1.0);
        v.put("ı1", u);
        compare(a, solve(a, text.getBytes(StandardCharsets.UTF_8), CliFuzz.Expect.SUCCESS),
                new Generated(text, v, Map.of("v1", current), Math.abs(current)));
    }

    /** Item 9: a 1e-310 ohm resistor across a source: the current is not finite, so no JSON value may say it is. */
    private void curatedTinyResistor(CliFuzz.Attempt a) throws Exception {
        a.label = "1e-310 ohm";
        a.category = a.label;
        solve(a, "tiny\nV1 a 0 1\nR1 a 0 1e-310\n.end\n".getBytes(StandardCharsets.UTF_8), CliFuzz.Expect.SUCCESS_OR_REFUSED);
    }

    private void mutated(CliFuzz.Attempt a, String base) throws Exception {
        List<String> edits = new ArrayList<>();
        String text = mutate(a.rnd, base, edits);
        a.label = "mutated: " + String.join("; ", edits);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (a.rnd.nextInt(8) == 0) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int p = a.rnd.nextInt(bytes.length + 1);
            b.write(bytes, 0, p);
            b.write(0xff);
            b.write(bytes, p, bytes.length - p);
            bytes = b.toByteArray();
            a.label += "; byte 0xff at " + p;
        }
        solve(a, bytes, CliFuzz.Expect.SUCCESS_OR_REFUSED);
    }

    /** A small crossbar netlist as {@code SpiceExport} writes it (the text only). */
    private String exported(CliFuzz.Attempt a) throws Exception {
        int m = 1 + a.rnd.nextInt(4);
        int n = 1 + a.rnd.nextInt(4);
        SpiceExport e = new SpiceExport(m, n, FuzzWorkloads.circuit(a.rnd), CliFuzz.conductances(a.rnd, m, n, 1e-6, 1e-4));
        java.io.StringWriter w = new java.io.StringWriter();
        e.write(CliFuzz.uniform(a.rnd, m, 0, 0.2), w);
        return w.toString();
    }

    /** {@code spice export} then {@code spice solve}: column currents i(VSENSE<j>) equal the reference's I[j]. */
    private void crossbar(CliFuzz.Attempt a, boolean mutate) throws Exception {
        a.label = "exported crossbar";
        int m = 1 + a.rnd.nextInt(6);
        int n = 1 + a.rnd.nextInt(6);
        Circuit c = FuzzWorkloads.circuit(a.rnd);
        double[] g = CliFuzz.conductances(a.rnd, m, n, 1e-6, 1e-4);
        double[] v = CliFuzz.uniform(a.rnd, m, 0, 0.2);
        Path gFile = a.npy("i_G.npy", g, m, n);
        Path vFile = a.npy("i_V.npy", v, m);
        Path net = a.path("o_net.cir");
        List<String> args = new ArrayList<>(List.of("spice", "export", "--conductances", gFile.toString(), "--inputs",
                vFile.toString(), "--out", net.toString()));
        args.addAll(FuzzWorkloads.circuitArgs(c));
        CliFuzz.Snapshot before = a.snapshot();
        CliFuzz.Run r = a.run(args.toArray(String[]::new));
        a.checkChanges(before, p -> p.equals("o_net.cir"));
        if (!a.checkRun(r, CliFuzz.Expect.SUCCESS)) {
            return;
        }
        String text = Files.readString(net);
        if (mutate) {
            mutated(a, text);
            return;
        }
        Path out = a.path("o_R.json");
        before = a.snapshot();
        r = a.run("spice", "solve", net.toString(), "--out", out.toString());
        a.checkChanges(before, p -> p.equals("o_R.json"));
        if (!a.checkRun(r, CliFuzz.Expect.SUCCESS)) {
            return;
        }
        JsonNode json = a.checkJson(out);
        if (json == null) {
            return;
        }
        double[] expected = FuzzWorkloads.reference(m, n, c, g, v, 1);
        double[] actual = new double[n];
        for (int j = 0; j < n; j++) {
            JsonNode x = json.path("source_currents").path(SpiceExport.senseSource(j));
            actual[j] = x.isNumber() ? x.doubleValue() : Double.NaN;
        }
        FuzzWorkloads.compareColumns(a, "spice solve of an exported crossbar", expected, actual, 1, n, 1e-9);
    }
}
