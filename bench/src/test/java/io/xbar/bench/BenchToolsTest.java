// BenchToolsTest: the peer comparison's SciPy peer against xbar, and the arithmetic of the scaling fit and regression guard.
package io.xbar.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.xbar.io.Npy;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarSolver;
import io.xbar.reference.Crossbars;
import io.xbar.kernel.TransferMatrix;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchToolsTest {
    /** Surefire runs in the module directory. */
    private static final String SCRIPT = "scipy_crossbar.py";

    private static String python() {
        String p = System.getenv().getOrDefault("XBAR_PYTHON", "python3");
        String missing = SciPyPeer.check(p, SCRIPT);
        assumeTrue(missing == null, () -> "SciPy peer not available: " + missing);
        return p;
    }

    @Test
    void sciPyPeerSolvesTheSameCrossbarAsXbar(@TempDir Path dir) throws Exception {
        String python = python();
        int rows = 13;
        int cols = 9;
        double[] g = Crossbars.strongCells(5, rows, cols);
        double[] v = Crossbars.voltages(6, 1, rows, 0.2);
        Npy.write(dir.resolve("g.npy"), g, rows, cols);
        Npy.write(dir.resolve("v.npy"), v, rows);
        List<Circuit> circuits = List.of(Circuit.DEFAULT, Circuit.DEFAULT.withWires(1.0),
                Circuit.DEFAULT.withSource(3).withSense(7).withAccess(100));
        for (Circuit c : circuits) {
            Path out = dir.resolve("i.npy");
            JsonNode t = SciPyPeer.run(python, SCRIPT, c, "solve",
                    List.of(dir.resolve("g.npy").toString(), dir.resolve("v.npy").toString(), out.toString()), 1, 60);
            assertTrue(t.get("residual").asDouble() < 1e-12, () -> "SciPy residual " + t);
            double[] expected = CrossbarSolver.create(rows, cols, c).program(g).solve(v).currents();
            double diff = PeerComparison.maxRelativeDifference(Npy.read(out).toArray(), expected);
            assertTrue(diff < 1e-9, c + ": SciPy and xbar differ by " + diff);
        }
    }

    @Test
    void sciPyPeerTransferEqualsTransferMatrix(@TempDir Path dir) throws Exception {
        String python = python();
        int rows = 7;
        int cols = 11;
        double[] g = Crossbars.defaultCells(8, rows, cols);
        Npy.write(dir.resolve("g.npy"), g, rows, cols);
        Path out = dir.resolve("t.npy");
        SciPyPeer.run(python, SCRIPT, Circuit.DEFAULT, "transfer", List.of(dir.resolve("g.npy").toString(), out.toString()), 1, 60);
        double[] t = TransferMatrix.compute(rows, cols, Circuit.DEFAULT, g);
        double diff = PeerComparison.maxNormDifference(Npy.read(out).toArray(), t);
        assertTrue(diff < 1e-10, "transfer differs by " + diff);
    }

    @Test
    void sciPyPeerRejectsWhatItDoesNotModel() {
        assertThrows(IllegalArgumentException.class, () -> SciPyPeer.run("python3", SCRIPT, Circuit.DEFAULT.withWires(0),
                "solve", List.of("a", "b", "c"), 1, 10));
        assertTrue(SciPyPeer.check("python3", "no-such-script.py").contains("not found"));
        assertTrue(SciPyPeer.check("/no/such/python", SCRIPT) != null);
    }

    @Test
    void differencesAndMedians() {
        assertEquals(0.5, PeerComparison.maxRelativeDifference(new double[] {1, 3}, new double[] {1, 2}), 1e-15);
        assertEquals(0.5, PeerComparison.maxNormDifference(new double[] {1, 3}, new double[] {1, 2}), 1e-15);
        assertThrows(IllegalStateException.class, () -> PeerComparison.maxRelativeDifference(new double[1], new double[2]));
        assertEquals(2, PeerComparison.median(new double[] {3, 1, 2}));
        assertEquals(2.5, PeerComparison.median(new double[] {4, 1, 2, 3}));
        assertEquals(8, PeerComparison.predicted(1, 64, 128), 1e-12);
        assertEquals(0, PeerComparison.predicted(0, 0, 128));
    }

    @Test
    void optionsNameWhatIsWrong() {
        assertEquals(List.of(64, 128), PeerComparison.Options.parse(new String[] {"--sizes", "64,128"}).sizes());
        assertEquals(120, PeerComparison.Options.parse(new String[] {"--budget", "120"}).ngspiceBudget());
        var bad = assertThrows(IllegalArgumentException.class, () -> PeerComparison.Options.parse(new String[] {"--couplings", "weak"}));
        assertTrue(bad.getMessage().contains("weak"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PeerComparison.Options.parse(new String[] {"--budget", "0"}));
        assertThrows(IllegalArgumentException.class, () -> PeerComparison.Options.parse(new String[] {"--sizes", "1"}));
        assertThrows(IllegalArgumentException.class, () -> PeerComparison.Options.parse(new String[] {"--sizes"}));
        assertThrows(IllegalArgumentException.class, () -> PeerComparison.Options.parse(new String[] {"--fast"}));
    }

    @Test
    void fittedExponentOfAPowerLaw() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int n = 64; n <= 4096; n *= 2) {
            // n^1 below 256 (fixed costs), n^3 from 256 up
            double t = n < 256 ? 1e-6 * n : 1e-6 * 256 * Math.pow(n / 256.0, 3);
            rows.add(Map.of("size", n, "seconds", t));
        }
        Map<String, Object> f = Scaling.fit(rows, "seconds");
        assertEquals(3.0, (Double) f.get("exponent_upper"), 1e-12);
        assertEquals(512, f.get("upper_from_size"));
        double all = (Double) f.get("exponent_all");
        assertTrue(all > 1 && all < 3, "exponent over all sizes " + all);
    }

    @Test
    void guardTakesTheNewestRecordAndKnowsWhichWayIsSlower(@TempDir Path dir) throws Exception {
        String rec = """
                {"machine": {"date": "%s"}, "jmh": [{"benchmark": "b.X.solve", "mode": "avgt", "params": {"size": "64"},
                 "primaryMetric": {"score": %s, "scoreError": 0.1, "scoreUnit": "ms/op"}}]}""";
        Files.writeString(dir.resolve("old.json"), rec.formatted("2026-11-20T10:00:00Z", "1.0"));
        Files.writeString(dir.resolve("new.json"), rec.formatted("2026-11-21T10:00:00Z", "2.0"));
        Files.writeString(dir.resolve("other.json"), "{\"not\": \"a result\"}");
        Map<String, RegressionGuard.Score> base = RegressionGuard.baseline(dir);
        String key = RegressionGuard.key("b.X.solve", "avgt", Map.of("size", "64"));
        assertEquals(2.0, base.get(key).score());
        var slower = new RegressionGuard.Score(key, "b.X.solve", "avgt", Map.of("size", "64"), 2.6, 0, "ms/op");
        assertEquals(1.3, slower.slowdown(base.get(key)), 1e-12);
        var thrpt = new RegressionGuard.Score("k", "b", "thrpt", Map.of(), 50, 0, "ops/s");
        var thrptBase = new RegressionGuard.Score("k", "b", "thrpt", Map.of(), 100, 0, "ops/s");
        assertEquals(2.0, thrpt.slowdown(thrptBase), 1e-12);
    }
}
