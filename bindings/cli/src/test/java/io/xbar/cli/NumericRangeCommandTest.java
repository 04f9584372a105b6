// NumericRangeCommandTest: extreme values on the command line (exact answers or one-line refusals) and true memory advice (issue 12 items 7, 8).
package io.xbar.cli;

import static io.xbar.cli.CommandTesting.refused;
import static io.xbar.cli.CommandTesting.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xbar.io.NdArray;
import io.xbar.io.Npy;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.TransferMatrix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NumericRangeCommandTest {
    @TempDir
    Path dir;

    private Path conductances(String name, int m, int n, double lo, double hi) throws IOException {
        Random r = new Random(name.hashCode());
        double[] g = new double[m * n];
        for (int k = 0; k < g.length; k++) {
            g[k] = lo + (hi - lo) * r.nextDouble();
        }
        Path p = dir.resolve(name);
        Npy.write(p, NdArray.matrix(g, m, n));
        return p;
    }

    private Path vector(String name, double... v) throws IOException {
        Path p = dir.resolve(name);
        Npy.write(p, v, v.length);
        return p;
    }

    @Test
    void inputsNear1e308GiveTheScaledAnswerInEveryColumn() throws IOException {
        Path g = conductances("G.npy", 4, 6, 1e-6, 1e-4);
        double[] ordinary = {0.2, 0.15, 0.18, 0.11};
        double[] extreme = new double[4];
        for (int i = 0; i < 4; i++) {
            extreme[i] = Math.scalb(ordinary[i], 1020); // about 1e307 V
        }
        Path small = dir.resolve("I.npy");
        Path big = dir.resolve("Ibig.npy");
        assertEquals(0, run("solve", "--conductances", g.toString(), "--inputs", vector("V.npy", ordinary).toString(),
                "--out", small.toString()).status());
        CommandTesting.Run r = run("solve", "--conductances", g.toString(), "--inputs",
                vector("Vbig.npy", extreme).toString(), "--out", big.toString());
        assertEquals(0, r.status(), r.err());
        double[] expected = Npy.read(small).toArray();
        for (int j = 0; j < expected.length; j++) {
            expected[j] = Math.scalb(expected[j], 1020);
        }
        double[] actual = Npy.read(big).toArray();
        assertArrayEquals(expected, actual, 0.0);
        for (double current : actual) {
            assertTrue(current > 1e300, "every column carries its current: " + current);
        }
    }

    @Test
    void outOfRangeValuesAreRefusedWithTheRange() throws IOException {
        Path g = conductances("G.npy", 3, 4, 1e-6, 1e-4);
        Path huge = conductances("Gbig.npy", 3, 4, 1e308, 1.7e308);
        Path v = vector("V.npy", 0.2, 0.1, 0.2);
        Path out = dir.resolve("I.npy");
        refused(out, List.of("--conductances", "Gbig.npy", "1e30"), "solve", "--conductances", huge.toString(),
                "--inputs", v.toString(), "--out", out.toString());
        refused(out, List.of("--conductances", "Gbig.npy", "1e30"), "transfer", "--conductances", huge.toString(),
                "--out", out.toString());
        Path strong = conductances("Gstrong.npy", 3, 4, 1, 100);
        refused(out, List.of("--inputs", "Vbig.npy", "beyond the largest double"), "solve", "--conductances",
                strong.toString(), "--inputs", vector("Vbig.npy", 1e308, 1e308, 1e308).toString(), "--out", out.toString(),
                "--r-wl", "0", "--r-bl", "0");
        refused(null, List.of("--g-on 1e308", "1e30"), "mvm", "--weights", g.toString(), "--inputs", v.toString(),
                "--out", out.toString(), "--g-on", "1e308");
        refused(null, List.of("--g-on 1e308", "1e30"), "nf", "--weights", g.toString(), "--inputs", v.toString(),
                "--report", out.toString(), "--g-on", "1e308");
        refused(null, List.of("--g-on 1e308", "1e30"), "map", "--weights", g.toString(), "--out",
                dir.resolve("mapped").toString(), "--g-on", "1e308");
        refused(null, List.of("--g-on 1e308", "beyond the largest double"), "mvm", "--weights", g.toString(),
                "--inputs", v.toString(), "--out", out.toString(), "--g-on", "1e308", "--g-off", "1e307",
                "--r-wl", "1e-307", "--r-bl", "1e-307");
    }

    @Test
    void transferThatDoesNotFitTheHeapSaysSoAndWhatWouldDo() throws IOException {
        Path g = conductances("G.npy", 64, 64, 1e-6, 1e-4);
        Path out = dir.resolve("T.npy");
        Path reference = dir.resolve("Tref.npy");
        assertEquals(0, run("transfer", "--conductances", g.toString(), "--out", reference.toString()).status());
        String before = System.getProperty("xbar.transfer.heap");
        System.setProperty("xbar.transfer.heap", "1000000"); // 1 MB: nested dissection does not fit
        CommandTesting.Run r;
        try {
            r = run("transfer", "--conductances", g.toString(), "--out", out.toString(), "--quiet");
        } finally {
            if (before == null) {
                System.clearProperty("xbar.transfer.heap");
            } else {
                System.setProperty("xbar.transfer.heap", before);
            }
        }
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.errLines();
        assertEquals(1, lines.size(), r.err());
        String need = HeapAdvice.size(TransferMatrix.nestedBytes(64, 64) + 2.0 * 8 * 64 * 64);
        assertTrue(lines.get(0).contains("warning") && lines.get(0).contains(need) && lines.get(0).contains("XBAR_HEAP="),
                lines.get(0));
        double[] expected = Npy.read(reference).toArray();
        double[] actual = Npy.read(out).toArray();
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual[k], 1e-9 * Math.abs(expected[k]));
        }
    }

    @Test
    void outOfMemoryAdviceComputesTheNeed() {
        // 20000x20000: nested dissection's last merge alone holds about 134 GB.
        HeapAdvice.need(TransferMatrix.nestedBytes(20000, 20000) + 2.0 * 8 * 20000 * 20000);
        try {
            String advice = HeapAdvice.outOfMemory();
            assertTrue(advice.contains("about 150.4 GB") && advice.contains("XBAR_HEAP=169g"), advice);
        } finally {
            HeapAdvice.reset();
        }
        assertTrue(HeapAdvice.outOfMemory().contains("XBAR_HEAP="), HeapAdvice.outOfMemory());
        assertTrue(TransferMatrix.nestedBytes(4096, 4096) < 8e9, "4096x4096 fits the launcher's default 8g heap");
        assertTrue(new TransferMatrix(64, 64, Circuit.DEFAULT).nestedDissection());
    }
}
