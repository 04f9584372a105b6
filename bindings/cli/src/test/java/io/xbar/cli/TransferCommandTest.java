// TransferCommandTest: `xbar transfer` in-process: T against per-input reference solves, I = V.T against solve, errors.
package io.xbar.cli;

import static io.xbar.cli.CommandTesting.refused;
import static io.xbar.cli.CommandTesting.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xbar.io.NdArray;
import io.xbar.io.Npy;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import io.xbar.kernel.Solution;
import io.xbar.reference.ReferenceSolver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransferCommandTest {
    @TempDir
    Path dir;

    private final Random rnd = new Random(11);

    private double[] conductances(int m, int n) {
        double[] g = new double[m * n];
        for (int k = 0; k < g.length; k++) {
            g[k] = 1e-6 + rnd.nextDouble() * (1e-4 - 1e-6);
        }
        return g;
    }

    @Test
    void rowsAreTheOutputsOfUnitInputs() throws IOException {
        int m = 5;
        int n = 4;
        double[] g = conductances(m, n);
        Path gf = dir.resolve("G.npy");
        Npy.write(gf, NdArray.matrix(g, m, n));
        for (Circuit c : List.of(Circuit.DEFAULT, new Circuit(1, 3, 20, 10, 5000, Drive.BOTH, Sense.TOP))) {
            Path out = dir.resolve("T.npy");
            CommandTesting.Run r = run("transfer", "--conductances", gf.toString(), "--out", out.toString(),
                    "--r-wl", "" + c.wordLine(), "--r-bl", "" + c.bitLine(), "--r-source", "" + c.source(),
                    "--r-sense", "" + c.sense(), "--r-access", "" + c.access(), "--drive", c.drive().label(),
                    "--sense", c.senseAt().label());
            assertEquals(0, r.status(), r.err());
            NdArray t = Npy.read(out);
            assertArrayEquals(new int[] {m, n}, t.shape());
            for (int i = 0; i < m; i++) {
                double[] e = new double[m];
                e[i] = 1;
                double[] row = reference(m, n, c, g, e).currents();
                for (int j = 0; j < n; j++) {
                    assertEquals(row[j], t.get(i, j), 1e-9 * Math.abs(row[j]), c + " T[" + i + "][" + j + "]");
                }
            }
        }
    }

    @Test
    void transferTimesInputsEqualsSolve() throws IOException {
        int m = 8;
        int n = 6;
        int batch = 3;
        double[] g = conductances(m, n);
        double[] v = new double[batch * m];
        for (int k = 0; k < v.length; k++) {
            v[k] = rnd.nextDouble() * 0.2;
        }
        Path gf = dir.resolve("G.npy");
        Npy.write(gf, NdArray.matrix(g, m, n));
        Path vf = dir.resolve("V.npy");
        Npy.write(vf, NdArray.matrix(v, batch, m));
        Path tf = dir.resolve("T.npy");
        Path inf = dir.resolve("I.npy");
        assertEquals(0, run("transfer", "--conductances", gf.toString(), "--out", tf.toString(), "--threads", "2")
                .status());
        assertEquals(0, run("solve", "--conductances", gf.toString(), "--inputs", vf.toString(), "--out",
                inf.toString()).status());
        NdArray t = Npy.read(tf);
        NdArray i = Npy.read(inf);
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int r = 0; r < m; r++) {
                    s += v[b * m + r] * t.get(r, j);
                }
                assertEquals(i.get(b, j), s, 1e-9 * Math.abs(s));
            }
        }
    }

    @Test
    void helpAndErrors() throws IOException {
        CommandTesting.Run h = run("transfer", "--help");
        assertEquals(0, h.status());
        for (String flag : TransferCommand.VALUED) {
            assertTrue(h.out().contains("--" + flag + " "), flag);
        }
        Path out = dir.resolve("T.npy");
        String os = out.toString();
        Path missing = dir.resolve("nope.npy");
        refused(out, List.of("missing --conductances"), "transfer", "--out", os);
        refused(null, List.of("missing --out"), "transfer", "--conductances", missing.toString());
        refused(out, List.of(missing.toString(), "no such file"), "transfer", "--conductances", missing.toString(),
                "--out", os);
        Path vec = dir.resolve("vec.npy");
        Npy.write(vec, NdArray.vector(new double[] {1e-5, 1e-5}));
        refused(out, List.of(vec.toString(), "(2,)"), "transfer", "--conductances", vec.toString(), "--out", os);
        double[] g = conductances(2, 2);
        g[3] = -1;
        Path neg = dir.resolve("neg.npy");
        Npy.write(neg, NdArray.matrix(g, 2, 2));
        refused(out, List.of(neg.toString(), "[1, 1]", "-1.0"), "transfer", "--conductances", neg.toString(),
                "--out", os);
        Path ok = dir.resolve("G.npy");
        Npy.write(ok, NdArray.matrix(conductances(2, 2), 2, 2));
        refused(out, List.of("--r-access", "-3"), "transfer", "--conductances", ok.toString(), "--out", os,
                "--r-access", "-3");
        refused(out, List.of("unknown flag --inputs"), "transfer", "--conductances", ok.toString(), "--out", os,
                "--inputs", ok.toString());
        refused(out, List.of("--threads", "0"), "transfer", "--conductances", ok.toString(), "--out", os,
                "--threads", "0");
        Path nowhere = dir.resolve("x/T.npy");
        refused(nowhere, List.of(nowhere.toString(), "does not exist"), "transfer", "--conductances", ok.toString(),
                "--out", nowhere.toString());
    }

    /** The reference solver's solution for one input vector. */
    private static Solution reference(int rows, int cols, Circuit circuit, double[] g, double[] v) {
        return ReferenceSolver.factor(rows, cols, circuit, g).solve(v);
    }
}
