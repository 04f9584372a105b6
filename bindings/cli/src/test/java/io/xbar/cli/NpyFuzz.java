// NpyFuzz: .npy headers and bodies (valid variants, hostile headers, truncations, special files) as `xbar solve` inputs.
package io.xbar.cli;

import io.xbar.io.NdArray;
import io.xbar.kernel.Circuit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Every dtype, byte order, memory order and header version NumPy writes must be read as NumPy reads
 * it (the result then equals the reference's); malformed headers, truncated bodies, bad dtypes and
 * shapes, non-finite values and special files ({@code /dev/stdin} from a pipe, a FIFO without a
 * writer, {@code /dev/zero}, a directory, a symlink loop) must be refused at once with one line.
 */
final class NpyFuzz implements CliFuzzTest.Family {
    private static final String[] VALID_DTYPES = {"<f8", ">f8", "<f4", ">f4", "<i1", "|i1", "<i2", ">i2", "<i4", ">i4", "<i8",
            ">i8", "|u1", "<u2", ">u4", "<u8"};
    private static final String[] BAD_DTYPES = {"<c16", "<f2", "|O", "<U4", "|b1", "<M8[s]", "<f16", "|V8", "<i3", "<F8",
            "<f8\u0000", "", "<f" + "9".repeat(30)};

    @Override
    public int curated() {
        return 8;
    }

    @Override
    public String name() {
        return "npy";
    }

    /** The problem: a solve whose conductances or inputs file is under test. */
    private static final class Problem {
        int m;
        int n;
        int batch;
        boolean vector;
        double[] g;
        double[] v;
        Circuit circuit;
        boolean integerConductances;
    }

    @Override
    public void attempt(CliFuzz.Attempt a) throws Exception {
        Random rnd = a.rnd;
        Problem p = new Problem();
        p.m = 1 + rnd.nextInt(5);
        p.n = 1 + rnd.nextInt(5);
        p.vector = rnd.nextBoolean();
        p.batch = p.vector ? 1 : rnd.nextInt(4);
        p.circuit = FuzzWorkloads.circuit(rnd);
        p.g = CliFuzz.conductances(rnd, p.m, p.n, 1e-6, 1e-4);
        p.v = CliFuzz.uniform(rnd, p.batch * p.m, 0, 0.2);
        boolean conductances = rnd.nextBoolean();
        int curated = a.number;
        switch (curated) {
            case 0 -> nested(a, p, 200_000, '(');
            case 1 -> special(a, p, "stdin");
            case 2 -> special(a, p, "fifo");
            case 3 -> special(a, p, "zero");
            case 4 -> special(a, p, "directory");
            case 5 -> special(a, p, "loop");
            case 6 -> hostileHeader(a, p, "{'descr': '<f8', 'fortran_order': False, 'shape': (2147483647, 2147483647), }", true);
            case 7 -> valid(a, p, conductances, "<f8", true, 1);
            default -> random(a, p, conductances);
        }
    }

    private void random(CliFuzz.Attempt a, Problem p, boolean conductances) throws Exception {
        Random rnd = a.rnd;
        switch (rnd.nextInt(12)) {
            case 0, 1, 2 -> valid(a, p, conductances, VALID_DTYPES[rnd.nextInt(VALID_DTYPES.length)], rnd.nextBoolean(),
                    1 + rnd.nextInt(3));
            case 3 -> {
                String dtype = BAD_DTYPES[rnd.nextInt(BAD_DTYPES.length)];
                hostileHeader(a, p, "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': (" + p.m + ", " + p.n + "), }",
                        true);
            }
            case 4 -> {
                String[] shapes = {"(-1, 2)", "(" + p.m + ", " + p.n + ", 1)", "()", "(" + p.m + ",)", "(1099511627776, 1099511627776)",
                        "(" + p.m + ", -" + p.n + ")", "(2**31, 1)", "('2', 2)", "(" + p.m + ".0, " + p.n + ")", "[" + p.m + ", " + p.n + "]",
                        "(" + p.m + ", " + p.n + ", )(", "None", "(9223372036854775807, 9223372036854775807)",
                        "(" + (p.m + 1) + ", " + p.n + ")"};
                String shape = shapes[rnd.nextInt(shapes.length)];
                hostileHeader(a, p, "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }", true);
            }
            case 5 -> nested(a, p, 1 + rnd.nextInt(rnd.nextBoolean() ? 50 : 100_000), "([{".charAt(rnd.nextInt(3)));
            case 6 -> {
                // Truncated body or trailing bytes.
                byte[] b = CliFuzz.npyBytes("<f8", false, new int[] {p.m, p.n}, p.g);
                boolean truncate = rnd.nextBoolean();
                int cut = 1 + rnd.nextInt(8 * p.m * p.n);
                byte[] c = truncate ? java.util.Arrays.copyOf(b, b.length - cut) : java.util.Arrays.copyOf(b, b.length + cut);
                a.label = truncate ? "body truncated by " + cut + " bytes" : cut + " trailing bytes";
                runConductances(a, p, c, truncate ? CliFuzz.Expect.REFUSED : CliFuzz.Expect.SUCCESS_OR_REFUSED);
            }
            case 7 -> {
                // A non-finite or negative value in the body.
                double[] g = p.g.clone();
                double[] bad = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1e-6, -Double.MIN_VALUE};
                g[rnd.nextInt(g.length)] = bad[rnd.nextInt(bad.length)];
                a.label = "bad conductance value";
                runConductances(a, p, CliFuzz.npyBytes("<f8", false, new int[] {p.m, p.n}, g), CliFuzz.Expect.REFUSED);
            }
            case 8 -> {
                // Preamble damage: magic, version, header length.
                byte[] b = CliFuzz.npyBytes("<f8", false, new int[] {p.m, p.n}, p.g);
                int where = rnd.nextInt(10);
                byte[] values = {0, 4, (byte) 0xff, (byte) 0x7f, 2, 3, 1};
                byte value = values[rnd.nextInt(values.length)];
                if (b[where] == value || (where == 6 && value <= 3 && value >= 1)) {
                    value = (byte) (b[where] ^ 0x40);
                }
                b[where] = value;
                a.label = "preamble byte " + where + " := " + value;
                runConductances(a, p, b, where >= 8 ? CliFuzz.Expect.SUCCESS_OR_REFUSED : CliFuzz.Expect.REFUSED);
            }
            case 9 -> {
                // A random byte of the header replaced.
                byte[] b = CliFuzz.npyBytes("<f8", false, new int[] {p.m, p.n}, p.g);
                int where = 10 + rnd.nextInt(Math.max(1, headerEnd(b) - 10));
                byte old = b[where];
                b[where] = (byte) " ':,(){}[]\\\"0129xTFLN\u0000\n".charAt(rnd.nextInt(23));
                a.label = "header byte " + where + " " + (char) old + " := " + (char) b[where];
                runConductances(a, p, b, CliFuzz.Expect.SUCCESS_OR_REFUSED);
            }
            case 10 -> {
                // Random bytes anywhere.
                byte[] b = CliFuzz.npyBytes("<f8", false, new int[] {p.m, p.n}, p.g);
                int flips = 1 + rnd.nextInt(4);
                StringBuilder l = new StringBuilder("flipped bytes");
                for (int k = 0; k < flips; k++) {
                    int where = rnd.nextInt(b.length);
                    b[where] ^= (byte) (1 << rnd.nextInt(8));
                    l.append(' ').append(where);
                }
                a.label = l.toString();
                runConductances(a, p, b, CliFuzz.Expect.SUCCESS_OR_REFUSED);
            }
            default -> {
                // Header spellings NumPy accepts: key order, spacing, Python literals.
                String[] headers = {
                        "{'shape': (" + p.m + ", " + p.n + "), 'fortran_order': False, 'descr': '<f8'}",
                        "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (" + p.m + ", " + p.n + ")}",
                        "{'descr':'<f8','fortran_order':False,'shape':(" + p.m + "," + p.n + ")}",
                        "{ 'descr' : '<f8' , 'fortran_order' : False , 'shape' : ( " + p.m + " , " + p.n + " , ) , }"};
                String h = headers[rnd.nextInt(headers.length)];
                a.label = "header spelling";
                byte[] b = CliFuzz.npyBytes(1, h, CliFuzz.body("<f8", false, new int[] {p.m, p.n}, p.g));
                runConductances(a, p, b, CliFuzz.Expect.SUCCESS);
            }
        }
    }

    private static int headerEnd(byte[] b) {
        for (int k = 10; k < b.length; k++) {
            if (b[k] == '\n') {
                return k;
            }
        }
        return b.length;
    }

    /** A valid file of the given dtype: the result must equal the reference for the values as stored. */
    private void valid(CliFuzz.Attempt a, Problem p, boolean conductances, String dtype, boolean fortran, int version) throws Exception {
        a.label = "valid " + dtype + (fortran ? " fortran" : "") + " v" + version + (conductances ? " conductances" : " inputs");
        boolean integer = dtype.charAt(1) != 'f';
        if (conductances) {
            if (integer) {
                for (int k = 0; k < p.g.length; k++) {
                    p.g[k] = a.rnd.nextInt(3);
                }
            }
            double[] stored = CliFuzz.stored(dtype, p.g);
            p.g = stored;
            int[] shape = {p.m, p.n};
            byte[] b = CliFuzz.npyBytes(version, header(dtype, fortran, shape), CliFuzz.body(dtype, fortran, shape, p.g));
            runConductances(a, p, b, CliFuzz.Expect.SUCCESS);
        } else {
            if (integer) {
                for (int k = 0; k < p.v.length; k++) {
                    p.v[k] = a.rnd.nextInt(4);
                }
            }
            p.v = CliFuzz.stored(dtype, p.v);
            int[] shape = p.vector ? new int[] {p.m} : new int[] {p.batch, p.m};
            byte[] b = CliFuzz.npyBytes(version, header(dtype, fortran, shape), CliFuzz.body(dtype, fortran, shape, p.v));
            Path gFile = a.npy("i_G.npy", p.g, p.m, p.n);
            Path vFile = a.file("i_V.npy", b);
            solve(a, p, gFile, vFile, CliFuzz.Expect.SUCCESS, vFile);
        }
    }

    private static String header(String dtype, boolean fortran, int[] shape) {
        StringBuilder h = new StringBuilder("{'descr': '").append(dtype).append("', 'fortran_order': ")
                .append(fortran ? "True" : "False").append(", 'shape': (");
        for (int k = 0; k < shape.length; k++) {
            h.append(k == 0 ? "" : ", ").append(shape[k]);
        }
        return h.append(shape.length == 1 ? ",), }" : "), }").toString();
    }

    private void hostileHeader(CliFuzz.Attempt a, Problem p, String header, boolean refused) throws Exception {
        a.label = "header " + CliFuzz.abbreviate(header, 120);
        byte[] b = CliFuzz.npyBytes(header.length() > 65000 ? 2 : 1, header, CliFuzz.body("<f8", false, new int[] {p.m, p.n}, p.g));
        runConductances(a, p, b, refused ? CliFuzz.Expect.REFUSED : CliFuzz.Expect.SUCCESS_OR_REFUSED);
    }

    /** Item 5: a shape nested {@code depth} deep must be refused in one line, not overflow the stack. */
    private void nested(CliFuzz.Attempt a, Problem p, int depth, char open) throws Exception {
        char close = open == '(' ? ')' : open == '[' ? ']' : '}';
        String shape = String.valueOf(open).repeat(depth) + p.m + ", " + p.n + String.valueOf(close).repeat(depth);
        a.label = "shape nested " + depth + " deep in " + open + close;
        a.category = depth > 1000 ? "deep nesting" : "";
        byte[] b = CliFuzz.npyBytes(2, "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }",
                CliFuzz.body("<f8", false, new int[] {p.m, p.n}, p.g));
        runConductances(a, p, b, depth == 1 && open == '(' ? CliFuzz.Expect.SUCCESS : CliFuzz.Expect.REFUSED);
    }

    private void runConductances(CliFuzz.Attempt a, Problem p, byte[] gBytes, CliFuzz.Expect expect) throws Exception {
        Path gFile = a.file("i_G.npy", gBytes);
        Path vFile = p.vector ? a.npy("i_V.npy", p.v, p.m) : a.npy("i_V.npy", p.v, p.batch, p.m);
        solve(a, p, gFile, vFile, expect, gFile);
    }

    private void solve(CliFuzz.Attempt a, Problem p, Path gFile, Path vFile, CliFuzz.Expect expect, Path culprit) {
        Path out = a.path("o_I.npy");
        List<String> args = new ArrayList<>(List.of("solve", "--conductances", gFile.toString(), "--inputs", vFile.toString(),
                "--out", out.toString()));
        args.addAll(FuzzWorkloads.circuitArgs(p.circuit));
        CliFuzz.Snapshot before = a.snapshot();
        CliFuzz.Run r = a.run(args.toArray(String[]::new));
        boolean ok = a.checkRun(r, expect, culprit.getFileName().toString());
        a.checkChanges(before, q -> q.equals("o_I.npy"));
        checkResult(a, p, r, ok, out);
    }

    private static void checkResult(CliFuzz.Attempt a, Problem p, CliFuzz.Run r, boolean ok, Path out) {
        if (!ok) {
            if (Files.exists(out)) {
                a.fail("output after a failure", "o_I.npy exists after exit " + r.status());
            }
            return;
        }
        NdArray result = a.checkNpy(out, p.vector ? new int[] {p.n} : new int[] {p.batch, p.n});
        boolean known = a.label.startsWith("valid") || a.label.startsWith("header spelling") || a.label.startsWith("special")
                || a.label.startsWith("shape nested 1 ") || a.label.endsWith("trailing bytes");
        if (result != null && known) {
            double[] expected = FuzzWorkloads.reference(p.m, p.n, p.circuit, p.g, p.v, p.batch);
            FuzzWorkloads.compareColumns(a, "solve", expected, result.toArray(), p.batch, p.n, 1e-9);
        }
    }

    /** Special files as inputs, in a child JVM (they may block or exhaust memory). */
    private void special(CliFuzz.Attempt a, Problem p, String what) throws Exception {
        a.label = "special " + what;
        a.category = a.label;
        Path gValid = a.npy("i_G.npy", p.g, p.m, p.n);
        Path vFile = p.vector ? a.npy("i_V.npy", p.v, p.m) : a.npy("i_V.npy", p.v, p.batch, p.m);
        Path out = a.path("o_I.npy");
        String g;
        CliFuzz.Expect expect = CliFuzz.Expect.REFUSED;
        byte[] stdin = null;
        boolean inProcess = false;
        String mention;
        switch (what) {
            case "stdin" -> {
                // Item 5: a pipe on standard input works (as it does for netlists).
                g = "/dev/stdin";
                stdin = Files.readAllBytes(gValid);
                expect = CliFuzz.Expect.SUCCESS;
                mention = g;
            }
            case "fifo" -> {
                Path fifo = a.path("i_fifo.npy");
                if (!CliFuzz.tool("mkfifo", fifo.toString())) {
                    a.note("mkfifo unavailable: skipped");
                    return;
                }
                a.note("i_fifo.npy = a FIFO nobody writes to");
                g = fifo.toString();
                mention = "i_fifo.npy";
            }
            case "zero" -> {
                g = "/dev/zero";
                mention = g;
            }
            case "directory" -> {
                Files.createDirectory(a.path("i_dir.npy"));
                a.note("i_dir.npy = a directory");
                g = a.path("i_dir.npy").toString();
                inProcess = true;
                mention = "i_dir.npy";
            }
            default -> {
                Files.createSymbolicLink(a.path("i_loop1.npy"), Path.of("i_loop2.npy"));
                Files.createSymbolicLink(a.path("i_loop2.npy"), Path.of("i_loop1.npy"));
                a.note("i_loop1.npy -> i_loop2.npy -> i_loop1.npy (a symlink loop)");
                g = a.path("i_loop1.npy").toString();
                inProcess = true;
                mention = "i_loop1.npy";
            }
        }
        List<String> args = new ArrayList<>(List.of("solve", "--conductances", g, "--inputs", vFile.toString(), "--out", out.toString()));
        args.addAll(FuzzWorkloads.circuitArgs(p.circuit));
        CliFuzz.Snapshot before = a.snapshot();
        CliFuzz.Run r = inProcess ? a.run(args.toArray(String[]::new)) : a.child(args, stdin, a.hangTimeout());
        boolean ok = a.checkRun(r, expect, mention);
        a.checkChanges(before, q -> q.equals("o_I.npy"));
        checkResult(a, p, r, ok, out);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
