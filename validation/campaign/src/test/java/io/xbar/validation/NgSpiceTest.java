// NgSpiceTest: the ngspice runner reads a hand-solved operating point, ngspice's sign convention, and reports failures.
package io.xbar.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NgSpiceTest {
    @TempDir
    Path dir;

    @BeforeEach
    void requireNgspice() {
        assumeTrue(NgSpice.isAvailable(), NgSpice.INSTALL_HINT);
    }

    @Test
    void readsAnOperatingPointAtFullPrecision() throws IOException {
        Path net = dir.resolve("divider.cir");
        Files.writeString(net, "divider\nV1 in 0 DC 3\nR1 in out 3k\nR2 out 0 7k\nVSENSE out2 0 0\nR3 out out2 11k\nI1 0 out 1u\n.op\n.end\n");
        NgSpice.Result r = NgSpice.run(net);
        double g = 1 / 3e3 + 1 / 7e3 + 1 / 11e3;
        double out = (3 / 3e3 + 1e-6) / g;
        assertEquals(3.0, r.voltage("in"), 0);
        assertEquals(out, r.voltage("OUT"), 1e-15 * out);
        assertEquals(0.0, r.voltage("out2"), 0);
        assertEquals(-(3 - out) / 3e3, r.current("V1"), 1e-15);
        assertEquals(out / 11e3, r.current("vsense"), 1e-15 * out / 11e3);
        assertTrue(r.seconds() > 0);
    }

    @Test
    void recognizesFailureLogsButNotTitles() {
        assertTrue(NgSpice.hasError("Circuit: x\nWarning: singular matrix:  check node b\n"));
        assertTrue(NgSpice.hasError("Note: Starting dynamic gmin stepping\n"));
        assertTrue(NgSpice.hasError("Error: unknown subckt: x1\n"));
        assertTrue(!NgSpice.hasError("Circuit: error budget of a crossbar\nDoing analysis at TEMP = 27.000000\n"));
    }

    @Test
    void titlesMentioningErrorsStillRun() throws IOException {
        Path net = dir.resolve("title.cir");
        Files.writeString(net, "an error-free singular title\nV1 a 0 2\nR1 a 0 4\n.op\n.end\n");
        assertEquals(-0.5, NgSpice.run(net).current("v1"), 1e-15);
    }

    @Test
    void reportsFailures() throws IOException {
        Path net = dir.resolve("floating.cir");
        Files.writeString(net, "floating\nV1 a 0 1\nR1 b c 1k\n.op\n.end\n");
        NgSpice.NgSpiceException e = assertThrows(NgSpice.NgSpiceException.class, () -> NgSpice.run(net));
        assertTrue(e.getMessage().contains("ngspice failed on"), e.getMessage());
    }
}
