// SpiceSolveExtremeValuesTest: `xbar spice solve` refuses results that double precision cannot hold (issue 12 item 9).
package io.xbar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpiceSolveExtremeValuesTest {
    @TempDir
    Path dir;

    @Test
    void nonFiniteOrUndeterminedResultsExitWithStatus2AndNoOutput() throws IOException {
        String[][] cases = {
                {"t\nV1 a 0 1\nR1 a 0 1e-310\n", "line 3: resistor 'R1' has resistance 1.0E-310 ohm, outside what double precision can solve"},
                {"t\nV1 a 0 1e300\nR1 a 0 1e-10\n", "line 2: voltage source 'V1' has no finite current (-Infinity A)"},
                {"t\nV1 a 0 1\nRs a b 1e-300\nR2 b 0 1\n", "line 2: the current of voltage source 'V1' is not determined in double"
                        + " precision: resistor 'Rs'"},
        };
        Path json = dir.resolve("R.json");
        for (String[] c : cases) {
            Path net = dir.resolve("net.cir");
            Files.writeString(net, c[0]);
            for (boolean toFile : new boolean[] {true, false}) {
                SpiceCommandTest.Result r = toFile ? SpiceCommandTest.run("spice", "solve", net.toString(), "--out", json.toString())
                        : SpiceCommandTest.run("spice", "solve", net.toString());
                assertEquals(2, r.status(), r.err());
                String[] lines = r.err().strip().split("\n");
                assertEquals(1, lines.length, r.err());
                assertEquals("xbar spice: " + net + ": " + c[1], lines[0].substring(0, Math.min(lines[0].length(),
                        ("xbar spice: " + net + ": " + c[1]).length())), lines[0]);
                assertEquals("", r.out(), "nothing on standard output");
                assertFalse(Files.exists(json), "no output file");
            }
        }
        Path net = dir.resolve("fine.cir");
        Files.writeString(net, "t\nV1 a 0 1\nR1 a 0 1e-300\n");
        SpiceCommandTest.Result r = SpiceCommandTest.run("spice", "solve", net.toString());
        assertEquals(0, r.status(), r.err());
        // 1e-300 ohm straight across the source is resolved: its potentials are exact.
        assertEquals(-1e300, new ObjectMapper().readTree(r.out()).get("source_currents").get("V1").doubleValue(), 1e285);
    }
}
