// SolveCommandTest: `xbar solve` in-process over temp files: results against independent references, every error path.
package io.xbar.cli;

import static io.xbar.cli.CommandTesting.refused;
import static io.xbar.cli.CommandTesting.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xbar.io.NdArray;
import io.xbar.io.Npy;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarSolver;
import io.xbar.kernel.Drive;
import io.xbar.kernel.ProgrammedCrossbar;
import io.xbar.kernel.Sense;
import io.xbar.kernel.Solution;
import io.xbar.reference.ReferenceSolver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SolveCommandTest {
    @TempDir
    Path dir;

    private final Random rnd = new Random(20261122);

    private Path save(String name, NdArray a) throws IOException {
        Path p = dir.resolve(name);
        Npy.write(p, a);
        return p;
    }

    private double[] conductances(int m, int n) {
        double[] g = new double[m * n];
        for (int k = 0; k < g.length; k++) {
            g[k] = 1e-6 + rnd.nextDouble() * (1e-4 - 1e-6);
        }
        g[g.length / 2] = 0; // one open cell
        return g;
    }

    private double[] voltages(int count) {
        double[] v = new double[count];
        for (int k = 0; k < count; k++) {
            v[k] = rnd.nextDouble() * 0.2;
        }
        return v;
    }

    private static void assertClose(double[] expected, double[] actual, double relative, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual[k], relative * scale, what + " [" + k + "]");
        }
    }

    private static String[] args(Object... parts) {
        List<String> list = new ArrayList<>();
        for (Object p : parts) {
            list.add(p.toString());
        }
        return list.toArray(String[]::new);
    }

    @Test
    void zeroParasiticsGiveTheIdealProductForOneVector() throws IOException {
        int m = 7;
        int n = 5;
        double[] g = conductances(m, n);
        double[] v = voltages(m);
        Path out = dir.resolve("I.npy");
        CommandTesting.Run r = run(args("solve", "--conductances", save("G.npy", NdArray.matrix(g, m, n)),
                "--inputs", save("V.npy", NdArray.vector(v)), "--out", out, "--r-wl", 0, "--r-bl", "0"));
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        NdArray i = Npy.read(out);
        assertArrayEquals(new int[] {n}, i.shape());
        double[] ideal = new double[n];
        for (int row = 0; row < m; row++) {
            for (int j = 0; j < n; j++) {
                ideal[j] += v[row] * g[row * n + j];
            }
        }
        assertClose(ideal, i.toArray(), 1e-13, "I == V.G");
    }

    @Test
    void batchWithParasiticsMatchesReferenceAndKernel() throws IOException {
        int m = 6;
        int n = 9;
        int batch = 4;
        double[] g = conductances(m, n);
        double[] v = voltages(batch * m);
        Path out = dir.resolve("I.npy");
        CommandTesting.Run r = run(args("solve", "--conductances", save("G.npy", NdArray.matrix(g, m, n)),
                "--inputs", save("V.npy", NdArray.matrix(v, batch, m)), "--out", out));
        assertEquals(0, r.status(), r.err());
        NdArray i = Npy.read(out);
        assertArrayEquals(new int[] {batch, n}, i.shape());
        ProgrammedCrossbar kernel = CrossbarSolver.create(m, n, Circuit.DEFAULT).program(g);
        for (int b = 0; b < batch; b++) {
            double[] vb = java.util.Arrays.copyOfRange(v, b * m, (b + 1) * m);
            double[] got = java.util.Arrays.copyOfRange(i.toArray(), b * n, (b + 1) * n);
            assertClose(reference(m, n, Circuit.DEFAULT, g, vb).currents(), got, 1e-9, "reference " + b);
            assertClose(kernel.solve(vb).currents(), got, 1e-12, "kernel per-vector " + b);
        }
    }

    @Test
    void everyCircuitFlagMatchesTheReference() throws IOException {
        int m = 5;
        int n = 4;
        double[] g = conductances(m, n);
        double[] v = voltages(m);
        Path gf = save("G.npy", NdArray.matrix(g, m, n));
        Path vf = save("V.npy", NdArray.vector(v));
        Circuit[] circuits = {
            new Circuit(1, 3, 20, 10, 5000, Drive.BOTH, Sense.BOTH),
            new Circuit(4, 0, 0, 7, 0, Drive.RIGHT, Sense.TOP),
            new Circuit(0, 2, 3, 0, 100, Drive.LEFT, Sense.BOTH),
        };
        for (Circuit c : circuits) {
            Path out = dir.resolve("I.npy");
            CommandTesting.Run r = run(args("solve", "--conductances", gf, "--inputs", vf, "--out", out,
                    "--r-wl", c.wordLine(), "--r-bl", c.bitLine(), "--r-source", c.source(), "--r-sense", c.sense(),
                    "--r-access", c.access(), "--drive", c.drive().label(), "--sense", c.senseAt().label()));
            assertEquals(0, r.status(), r.err());
            assertClose(reference(m, n, c, g, v).currents(), Npy.read(out).toArray(), 1e-9, c.toString());
        }
    }

    @Test
    void integerTypedInputsAreVolts() throws IOException {
        int m = 4;
        int n = 3;
        double[] g = conductances(m, n);
        Path gf = save("G.npy", NdArray.matrix(g, m, n));
        // An int8 batch file written byte by byte, and the same values as float64.
        byte[] levels = {1, 0, -1, 2, 0, 0, 1, 1};
        String dict = "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 4), }";
        Path vi = dir.resolve("Vint.npy");
        Files.write(vi, npyBytes(dict, levels));
        double[] asDouble = new double[levels.length];
        for (int k = 0; k < levels.length; k++) {
            asDouble[k] = levels[k];
        }
        Path vd = save("Vd.npy", NdArray.matrix(asDouble, 2, 4));
        assertEquals(0, run(args("solve", "--conductances", gf, "--inputs", vi, "--out", dir.resolve("a.npy"))).status());
        assertEquals(0, run(args("solve", "--conductances", gf, "--inputs", vd, "--out", dir.resolve("b.npy"))).status());
        assertArrayEquals(Npy.read(dir.resolve("b.npy")).toArray(), Npy.read(dir.resolve("a.npy")).toArray());
    }

    @Test
    void float32FilesAreReadAsTheirValues() throws IOException {
        int m = 3;
        int n = 4;
        ByteBuffer gb = ByteBuffer.allocate(4 * m * n).order(ByteOrder.LITTLE_ENDIAN);
        double[] g = new double[m * n];
        for (int k = 0; k < g.length; k++) {
            float f = (float) (1e-6 + rnd.nextDouble() * 1e-4);
            gb.putFloat(f);
            g[k] = f;
        }
        ByteBuffer vb = ByteBuffer.allocate(4 * m).order(ByteOrder.BIG_ENDIAN);
        double[] v = new double[m];
        for (int i = 0; i < m; i++) {
            float f = (float) (0.2 * rnd.nextDouble());
            vb.putFloat(f);
            v[i] = f;
        }
        Path gf = dir.resolve("G32.npy");
        Files.write(gf, npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", gb.array()));
        Path vf = dir.resolve("V32.npy");
        Files.write(vf, npyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (3,), }", vb.array()));
        Path out = dir.resolve("I.npy");
        CommandTesting.Run r = run(args("solve", "--conductances", gf, "--inputs", vf, "--out", out));
        assertEquals(0, r.status(), r.err());
        assertClose(reference(m, n, Circuit.DEFAULT, g, v).currents(), Npy.read(out).toArray(), 1e-9,
                "float32 files");
    }

    @Test
    void nodeVoltagesMatchTheReference() throws IOException {
        int m = 4;
        int n = 5;
        double[] g = conductances(m, n);
        double[] v = voltages(2 * m);
        Circuit c = Circuit.DEFAULT.withAccess(1000).withSource(3);
        Path gf = save("G.npy", NdArray.matrix(g, m, n));
        // One vector: M x N files.
        Path out = dir.resolve("I.npy");
        String prefix = dir.resolve("nodes").toString();
        double[] v0 = java.util.Arrays.copyOf(v, m);
        CommandTesting.Run r = run(args("solve", "--conductances", gf, "--inputs", save("V.npy", NdArray.vector(v0)),
                "--out", out, "--node-voltages", prefix, "--r-access", 1000, "--r-source", 3));
        assertEquals(0, r.status(), r.err());
        Solution ref = reference(m, n, c, g, v0);
        NdArray u = Npy.read(Path.of(prefix + "_u.npy"));
        NdArray w = Npy.read(Path.of(prefix + "_w.npy"));
        assertArrayEquals(new int[] {m, n}, u.shape());
        assertArrayEquals(new int[] {m, n}, w.shape());
        assertClose(ref.wordLineVoltages(), u.toArray(), 1e-9, "u");
        assertClose(ref.bitLineVoltages(), w.toArray(), 1e-9, "w");
        // A batch: B x M x N files (rank 3, read here from the raw float64 values after numpy's 128-byte header).
        String batchPrefix = dir.resolve("batch").toString();
        r = run(args("solve", "--conductances", gf, "--inputs", save("V2.npy", NdArray.matrix(v, 2, m)),
                "--out", out, "--node-voltages", batchPrefix, "--r-access", 1000, "--r-source", 3));
        assertEquals(0, r.status(), r.err());
        byte[] bytes = Files.readAllBytes(Path.of(batchPrefix + "_w.npy"));
        String header = new String(bytes, 10, 118, StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("'shape': (2, 4, 5)"), header);
        double[] wb = new double[2 * m * n];
        ByteBuffer.wrap(bytes, 128, bytes.length - 128).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(wb);
        double[] v1 = java.util.Arrays.copyOfRange(v, m, 2 * m);
        assertClose(ref.bitLineVoltages(), java.util.Arrays.copyOf(wb, m * n), 1e-9, "w of vector 0");
        assertClose(reference(m, n, c, g, v1).bitLineVoltages(), java.util.Arrays.copyOfRange(wb, m * n, 2 * m * n),
                1e-9, "w of vector 1");
    }

    @Test
    void threadsAndToleranceDoNotChangeTheAnswer() throws IOException {
        int m = 16;
        int n = 12;
        int batch = 5;
        double[] g = conductances(m, n);
        double[] v = voltages(batch * m);
        Path gf = save("G.npy", NdArray.matrix(g, m, n));
        Path vf = save("V.npy", NdArray.matrix(v, batch, m));
        Path a = dir.resolve("a.npy");
        Path b = dir.resolve("b.npy");
        assertEquals(0, run(args("solve", "--conductances", gf, "--inputs", vf, "--out", a, "--threads", 1)).status());
        CommandTesting.Run r = run(args("solve", "--conductances", gf, "--inputs", vf, "--out", b, "--threads", 3,
                "--tolerance", "1e-10"));
        assertEquals(0, r.status(), r.err());
        double[] ia = Npy.read(a).toArray();
        double[] ib = Npy.read(b).toArray();
        for (int k = 0; k < batch; k++) {
            double[] ref = reference(m, n, Circuit.DEFAULT, g,
                    java.util.Arrays.copyOfRange(v, k * m, (k + 1) * m)).currents();
            assertClose(ref, java.util.Arrays.copyOfRange(ia, k * n, (k + 1) * n), 1e-9, "1 thread, vector " + k);
            assertClose(ref, java.util.Arrays.copyOfRange(ib, k * n, (k + 1) * n), 1e-9, "3 threads, vector " + k);
        }
        String gs = gf.toString();
        String vs = vf.toString();
        Path out = dir.resolve("c.npy");
        refused(out, List.of("--threads", "0"), "solve", "--conductances", gs, "--inputs", vs, "--out", out.toString(),
                "--threads", "0");
        refused(out, List.of("--threads", "'two'"), "solve", "--conductances", gs, "--inputs", vs, "--out",
                out.toString(), "--threads", "two");
        refused(out, List.of("--tolerance", "1e-6"), "solve", "--conductances", gs, "--inputs", vs, "--out",
                out.toString(), "--tolerance", "1e-6");
        refused(out, List.of("--tolerance", "0"), "solve", "--conductances", gs, "--inputs", vs, "--out",
                out.toString(), "--tolerance", "0");
    }

    @Test
    void anEmptyBatchGivesAnEmptyOutput() throws IOException {
        Path out = dir.resolve("I.npy");
        CommandTesting.Run r = run(args("solve", "--conductances", save("G.npy", NdArray.matrix(conductances(3, 2), 3, 2)),
                "--inputs", save("V.npy", NdArray.of(new double[0], false, 0, 3)), "--out", out));
        assertEquals(0, r.status(), r.err());
        assertArrayEquals(new int[] {0, 2}, Npy.read(out).shape());
    }

    @Test
    void helpListsEveryFlag() {
        CommandTesting.Run r = run("solve", "--help");
        assertEquals(0, r.status());
        for (String flag : SolveCommand.VALUED) {
            assertTrue(r.out().contains("--" + flag + " "), flag);
        }
        assertTrue(run("help").out().contains("solve"));
    }

    @Test
    void everyUserMistakeIsOneLineWithStatusTwo() throws IOException {
        int m = 3;
        int n = 2;
        Path g = save("G.npy", NdArray.matrix(conductances(m, n), m, n));
        Path v = save("V.npy", NdArray.vector(voltages(m)));
        Path out = dir.resolve("I.npy");
        String gs = g.toString();
        String vs = v.toString();
        String os = out.toString();
        refused(out, List.of("missing --conductances"), "solve", "--inputs", vs, "--out", os);
        refused(out, List.of("missing --inputs"), "solve", "--conductances", gs, "--out", os);
        refused(null, List.of("missing --out"), "solve", "--conductances", gs, "--inputs", vs);
        Path missing = dir.resolve("nope.npy");
        refused(out, List.of("--conductances", missing.toString(), "no such file"),
                "solve", "--conductances", missing.toString(), "--inputs", vs, "--out", os);
        refused(out, List.of("--inputs", missing.toString(), "no such file"),
                "solve", "--conductances", gs, "--inputs", missing.toString(), "--out", os);
        Path text = dir.resolve("text.npy");
        Files.writeString(text, "1,2,3\n");
        refused(out, List.of(text.toString(), "not a .npy file"), "solve", "--conductances", text.toString(),
                "--inputs", vs, "--out", os);
        Path truncated = dir.resolve("trunc.npy");
        byte[] full = Files.readAllBytes(g);
        Files.write(truncated, java.util.Arrays.copyOf(full, full.length - 5));
        refused(out, List.of(truncated.toString(), "truncated data"), "solve", "--conductances", truncated.toString(),
                "--inputs", vs, "--out", os);
        // Shapes.
        Path g1 = save("g1.npy", NdArray.vector(new double[] {1e-5, 2e-5, 3e-5}));
        refused(out, List.of(g1.toString(), "(3,)", "2-D"), "solve", "--conductances", g1.toString(), "--inputs", vs,
                "--out", os);
        Path g0 = save("g0.npy", NdArray.of(new double[0], false, 0, 2));
        refused(out, List.of(g0.toString(), "(0, 2)"), "solve", "--conductances", g0.toString(), "--inputs", vs,
                "--out", os);
        Path g3 = dir.resolve("g3.npy");
        Npy.write(g3, new double[8], 2, 2, 2);
        refused(out, List.of(g3.toString(), "(2, 2, 2)"), "solve", "--conductances", g3.toString(), "--inputs", vs,
                "--out", os);
        Path v4 = save("v4.npy", NdArray.vector(new double[4]));
        refused(out, List.of(v4.toString(), "(4,)", gs, "(3, 2)"), "solve", "--conductances", gs, "--inputs",
                v4.toString(), "--out", os);
        Path vb = save("vb.npy", NdArray.matrix(new double[10], 5, 2));
        refused(out, List.of(vb.toString(), "(5, 2)", gs, "(3, 2)"), "solve", "--conductances", gs, "--inputs",
                vb.toString(), "--out", os);
        // Values.
        double[][] bad = {{1e-5, Double.NaN}, {1e-5, -1e-6}, {Double.POSITIVE_INFINITY, 0}};
        for (double[] pair : bad) {
            double[] gv = conductances(m, n);
            gv[4] = pair[0];
            gv[5] = pair[1];
            Path gb = save("gbad.npy", NdArray.matrix(gv, m, n));
            int at = Double.isFinite(pair[0]) ? 5 : 4;
            refused(out, List.of(gb.toString(), "flat index " + at, "[2, " + (at - 4) + "]"), "solve",
                    "--conductances", gb.toString(), "--inputs", vs, "--out", os);
        }
        Path vn = save("vnan.npy", NdArray.vector(new double[] {0.1, Double.NaN, 0}));
        refused(out, List.of(vn.toString(), "NaN", "[1]"), "solve", "--conductances", gs, "--inputs", vn.toString(),
                "--out", os);
        // Flags.
        refused(out, List.of("unknown flag --r-wire"), "solve", "--conductances", gs, "--inputs", vs, "--out", os,
                "--r-wire", "1");
        refused(out, List.of("--r-wl", "'abc'"), "solve", "--conductances", gs, "--inputs", vs, "--out", os,
                "--r-wl", "abc");
        refused(out, List.of("--r-bl", "-2"), "solve", "--conductances", gs, "--inputs", vs, "--out", os,
                "--r-bl", "-2");
        refused(out, List.of("--drive", "'up'"), "solve", "--conductances", gs, "--inputs", vs, "--out", os,
                "--drive", "up");
        refused(out, List.of("--sense", "'side'"), "solve", "--conductances", gs, "--inputs", vs, "--out", os,
                "--sense", "side");
        refused(out, List.of("--r-wl needs a value"), "solve", "--conductances", gs, "--inputs", vs, "--out", os,
                "--r-wl");
        refused(out, List.of("unexpected argument 'extra'"), "solve", "extra", "--conductances", gs, "--inputs", vs,
                "--out", os);
        refused(out, List.of("--conductances given twice"), "solve", "--conductances", gs, "--conductances", gs,
                "--inputs", vs, "--out", os);
        Path nowhere = dir.resolve("no/such/dir/I.npy");
        refused(nowhere, List.of("--out", nowhere.toString(), "does not exist"), "solve", "--conductances", gs,
                "--inputs", vs, "--out", nowhere.toString());
        refused(out, List.of("--node-voltages", "does not exist"), "solve", "--conductances", gs, "--inputs", vs,
                "--out", os, "--node-voltages", dir.resolve("no/such/dir/n").toString());
        refused(null, List.of("unknown command 'slove'"), "slove");
        // A refused run leaves an existing output untouched.
        Npy.write(out, NdArray.vector(new double[] {42}));
        CommandTesting.Run r = run("solve", "--conductances", gs, "--inputs", v4.toString(), "--out", os);
        assertEquals(2, r.status());
        assertEquals(NdArray.vector(new double[] {42}), Npy.read(out));
        assertFalse(r.err().isEmpty());
    }

    private static byte[] npyBytes(String dict, byte[] data) {
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length())
                .put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    /** The reference solver's solution for one input vector. */
    private static Solution reference(int rows, int cols, Circuit circuit, double[] g, double[] v) {
        return ReferenceSolver.factor(rows, cols, circuit, g).solve(v);
    }
}
