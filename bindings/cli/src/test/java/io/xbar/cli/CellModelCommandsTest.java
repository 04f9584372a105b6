// CellModelCommandsTest: --cell-model sinh --v0 through solve, transfer, mvm, nf, sweep, spice export; every refusal one line, exit 2.
package io.xbar.cli;

import static io.xbar.cli.CommandTesting.refused;
import static io.xbar.cli.CommandTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xbar.io.NdArray;
import io.xbar.io.Npy;
import io.xbar.kernel.Circuit;
import io.xbar.reference.NonlinearReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CellModelCommandsTest {
    @TempDir
    Path dir;

    private static final int M = 7;
    private static final int N = 5;
    private double[] g;
    private double[] v;
    private String gs;
    private String vs;

    @BeforeEach
    void files() throws IOException {
        Random rnd = new Random(15);
        g = new double[M * N];
        for (int k = 0; k < g.length; k++) {
            g[k] = 1e-6 + rnd.nextDouble() * 1e-4;
        }
        v = new double[2 * M];
        for (int k = 0; k < v.length; k++) {
            v[k] = 0.4 * rnd.nextDouble();
        }
        gs = dir.resolve("G.npy").toString();
        vs = dir.resolve("V.npy").toString();
        Npy.write(Path.of(gs), NdArray.matrix(g, M, N));
        Npy.write(Path.of(vs), NdArray.matrix(v, 2, M));
    }

    @Test
    void solveMatchesTheDenseNewton() throws IOException {
        Path out = dir.resolve("I.npy");
        CommandTesting.Run r = run("solve", "--conductances", gs, "--inputs", vs, "--out", out.toString(),
                "--cell-model", "sinh", "--v0", "0.2", "--r-source", "15", "--sense", "both");
        assertEquals(0, r.status(), r.err());
        NdArray got = Npy.read(out);
        Circuit c = Circuit.DEFAULT.withSource(15).withSenseAt(io.xbar.kernel.Sense.BOTH);
        for (int b = 0; b < 2; b++) {
            double[] one = java.util.Arrays.copyOfRange(v, b * M, (b + 1) * M);
            double[] expected = NonlinearReference.solve(M, N, c, g, 0.2, one).currents();
            for (int j = 0; j < N; j++) {
                assertEquals(expected[j], got.get(b, j), 1e-9 * Math.abs(expected[j]));
            }
        }
        // And differs from the linear cells' answer.
        Path lin = dir.resolve("L.npy");
        assertEquals(0, run("solve", "--conductances", gs, "--inputs", vs, "--out", lin.toString(), "--r-source", "15",
                "--sense", "both").status());
        assertTrue(Npy.read(out).get(0, 0) > Npy.read(lin).get(0, 0) * 1.01);
    }

    @Test
    void spiceExportWritesOneBehaviouralSourcePerCell() throws IOException {
        Path one = dir.resolve("v.npy");
        Npy.write(one, NdArray.vector(java.util.Arrays.copyOf(v, M)));
        Path net = dir.resolve("net.cir");
        CommandTesting.Run r = run("spice", "export", "--conductances", gs, "--inputs", one.toString(), "--out",
                net.toString(), "--cell-model", "sinh", "--v0", "0.3");
        assertEquals(0, r.status(), r.err());
        List<String> lines = Files.readAllLines(net);
        assertEquals(M * N, lines.stream().filter(l -> l.startsWith("Bcell_")).count());
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("Rcell_")));
        assertTrue(lines.contains(".options reltol=1e-12 abstol=1e-18 vntol=1e-15"));
        assertTrue(lines.stream().anyMatch(l -> l.equals("Bcell_0_0 src_0 w_0_0 I=" + g[0] + "*0.3*sinh(V(src_0,w_0_0)/0.3)")));
        // xbar's own netlist solver is linear: it refuses B sources in one line.
        refused(dir.resolve("R.json"), List.of("Bcell_0_0", "behavioural", "ngspice"), "spice", "solve", net.toString(),
                "--out", dir.resolve("R.json").toString());
    }

    @Test
    void mappingCommandsAcceptTheModel() throws IOException {
        Random rnd = new Random(3);
        int k = 30;
        double[] w = new double[k * 4];
        for (int i = 0; i < w.length; i++) {
            w[i] = rnd.nextGaussian();
        }
        double[] x = new double[3 * k];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.max(0, rnd.nextGaussian());
        }
        Path wf = dir.resolve("W.npy");
        Path xf = dir.resolve("X.npy");
        Npy.write(wf, NdArray.matrix(w, k, 4));
        Npy.write(xf, NdArray.matrix(x, 3, k));
        String[] shared = {"--weights", wf.toString(), "--inputs", xf.toString(), "--tile", "16x16", "--weight-bits", "4"};
        Path rLin = dir.resolve("lin.json");
        Path rSinh = dir.resolve("sinh.json");
        Path ySinh = dir.resolve("ysinh.npy");
        assertEquals(0, run(concat(new String[] {"nf", "--report", rLin.toString()}, shared)).status());
        CommandTesting.Run r = run(concat(new String[] {"nf", "--report", rSinh.toString(), "--out", ySinh.toString(),
                "--cell-model", "sinh", "--v0", "0.25"}, shared));
        assertEquals(0, r.status(), r.err());
        ObjectMapper json = new ObjectMapper();
        JsonNode lin = json.readTree(rLin.toFile());
        JsonNode sinh = json.readTree(rSinh.toFile());
        assertEquals("sinh", sinh.get("cell_model").asText());
        assertEquals(0.25, sinh.get("v0").asDouble());
        // sinh cells conduct more than g V, which offsets part of the IR drop: NF falls.
        assertTrue(sinh.get("nf").asDouble() < lin.get("nf").asDouble(), sinh.get("nf") + " vs " + lin.get("nf"));
        Path y = dir.resolve("y.npy");
        r = run(concat(new String[] {"mvm", "--out", y.toString(), "--cell-model", "sinh"}, shared));
        assertEquals(0, r.status(), r.err());
        NdArray a = Npy.read(y);
        NdArray b = Npy.read(ySinh);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(b.get(i, j), a.get(i, j), 1e-12 * Math.max(1, Math.abs(b.get(i, j))));
            }
        }
        Path sweep = dir.resolve("sweep");
        r = run("sweep", "--weights", wf.toString(), "--inputs", xf.toString(), "--out", sweep.toString(), "--tiles",
                "16x16", "--wires", "2.5", "--mappings", "naive", "--weight-bits", "4", "--no-plots", "--cell-model", "sinh");
        assertEquals(0, r.status(), r.err());
        JsonNode s = json.readTree(sweep.resolve("sweep.json").toFile());
        assertEquals("sinh", s.get("cell_model").asText());
    }

    @Test
    void badValuesAreRefusedInOneLine() {
        Path out = dir.resolve("I.npy");
        String o = out.toString();
        refused(out, List.of("--v0", "0"), "solve", "--conductances", gs, "--inputs", vs, "--out", o, "--cell-model", "sinh",
                "--v0", "0");
        refused(out, List.of("--v0", "-0.1"), "solve", "--conductances", gs, "--inputs", vs, "--out", o, "--cell-model",
                "sinh", "--v0", "-0.1");
        refused(out, List.of("--v0", "nan"), "solve", "--conductances", gs, "--inputs", vs, "--out", o, "--cell-model",
                "sinh", "--v0", "nan");
        refused(out, List.of("--v0", "inf"), "solve", "--conductances", gs, "--inputs", vs, "--out", o, "--cell-model",
                "sinh", "--v0", "inf");
        refused(out, List.of("--cell-model", "tanh"), "solve", "--conductances", gs, "--inputs", vs, "--out", o,
                "--cell-model", "tanh");
        refused(out, List.of("--v0", "sinh"), "solve", "--conductances", gs, "--inputs", vs, "--out", o, "--v0", "0.3");
        refused(out, List.of("--r-access", "1000", "--cell-model sinh"), "solve", "--conductances", gs, "--inputs", vs,
                "--out", o, "--cell-model", "sinh", "--r-access", "1000");
        Path t = dir.resolve("T.npy");
        refused(t, List.of("--cell-model", "sinh", "transfer matrix"), "transfer", "--conductances", gs, "--out",
                t.toString(), "--cell-model", "sinh");
        Path net = dir.resolve("n.cir");
        refused(net, List.of("--r-access", "--cell-model sinh"), "spice", "export", "--conductances", gs, "--inputs", vs,
                "--out", net.toString(), "--cell-model", "sinh", "--r-access", "10");
        Path big = dir.resolve("big.npy");
        try {
            double[] huge = new double[M];
            huge[0] = 12;
            Npy.write(big, NdArray.vector(huge));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        refused(out, List.of("--inputs", "12.0 V", "40 v0"), "solve", "--conductances", gs, "--inputs", big.toString(),
                "--out", o, "--cell-model", "sinh");
        // The mapping commands drive 0..v_read: refused up front against v0, naming both flags.
        Path y = dir.resolve("y.npy");
        refused(y, List.of("--v-read", "--v0 0.01"), "mvm", "--weights", gs, "--inputs", vs, "--out", y.toString(),
                "--tile", "8x16", "--weight-bits", "4", "--cell-model", "sinh", "--v0", "0.01", "--v-read", "1");
        Path report = dir.resolve("r.json");
        refused(report, List.of("--model first-order", "--cell-model sinh"), "nf", "--weights", gs, "--inputs", vs,
                "--report", report.toString(), "--tile", "8x16", "--weight-bits", "4", "--cell-model", "sinh", "--model",
                "first-order");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
