// SpiceCommandTest: `xbar spice export` / `xbar spice solve` end to end, and every user error as status 2 with one line.
package io.xbar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpiceCommandTest {
    @TempDir
    Path dir;

    record Result(int status, String out, String err) {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A little-endian float64 C-order .npy file. */
    static Path npy(Path file, double[] values, int... shape) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        String s = shape.length == 1 ? shape[0] + "," : dims.substring(0, dims.length() - 2);
        String header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + s + "), }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (double v : values) {
            b.putDouble(v);
        }
        Files.write(file, b.array());
        return file;
    }

    @Test
    void nearShortBesideASourceGivesTheNumbersAndOneWarning() throws IOException {
        Path net = Files.writeString(dir.resolve("near.cir"), "near short\nV1 a 0 10\nR1 a b 1e-6\nR2 b 0 100k\n.op\n.end\n");
        Result s = run("spice", "solve", net.toString());
        assertEquals(0, s.status(), s.err());
        assertTrue(s.err().startsWith("xbar spice solve: warning: the current of voltage source V1 is determined only to within")
                && s.err().strip().lines().count() == 1, s.err());
        assertEquals(-1e-4, new ObjectMapper().readTree(s.out()).get("source_currents").get("V1").doubleValue(), 3e-9);
    }

    @Test
    void exportThenSolveGivesTheColumnCurrents() throws IOException {
        double[] g = {1e-4, 1e-6, 5e-5, 2e-5, 1e-4, 0};
        Path gFile = npy(dir.resolve("G.npy"), g, 2, 3);
        Path vFile = npy(dir.resolve("V.npy"), new double[] {0.2, 0.1}, 2);
        Path net = dir.resolve("net.cir");
        Result e = run("spice", "export", "--conductances", gFile.toString(), "--inputs", vFile.toString(), "--out", net.toString(),
                "--r-wl", "0", "--r-bl", "0");
        assertEquals(0, e.status(), e.err());
        assertTrue(Files.readString(net).contains("VSENSE2 sense_2 0 DC 0"));
        Path json = dir.resolve("R.json");
        Result s = run("spice", "solve", net.toString(), "--out", json.toString());
        assertEquals(0, s.status(), s.err());
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        // Zero wires: I = V . g exactly as MODEL.md's ideal current.
        assertEquals(0.2 * 1e-4 + 0.1 * 2e-5, r.get("source_currents").get("VSENSE0").doubleValue(), 1e-18);
        assertEquals(0.2 * 1e-6 + 0.1 * 1e-4, r.get("source_currents").get("VSENSE1").doubleValue(), 1e-18);
        assertEquals(0.2 * 5e-5, r.get("source_currents").get("VSENSE2").doubleValue(), 1e-18);
        assertEquals(0.2, r.get("node_voltages").get("src_0").doubleValue(), 0);
        // Without --out the JSON goes to standard output.
        Result toStdout = run("spice", "solve", net.toString());
        assertEquals(0, toStdout.status());
        assertEquals(r, new ObjectMapper().readTree(toStdout.out()));
    }

    @Test
    void circuitFlagsReachTheNetlist() throws IOException {
        Path gFile = npy(dir.resolve("G.npy"), new double[] {1e-4, 1e-4}, 1, 2);
        Path vFile = npy(dir.resolve("V.npy"), new double[] {0.2}, 1, 1);
        Path net = dir.resolve("net.cir");
        Result e = run("spice", "export", "--conductances", gFile.toString(), "--inputs", vFile.toString(), "--out", net.toString(),
                "--r-wl=1", "--r-bl", "2", "--r-source", "3", "--r-sense", "4", "--r-access", "5", "--drive", "both", "--sense", "top");
        assertEquals(0, e.status(), e.err());
        String text = Files.readString(net);
        assertTrue(text.startsWith("xbar crossbar 1x2 (r_wl=1 r_bl=2 r_source=3 r_sense=4 r_access=5 drive=both sense=top)"), text);
        assertTrue(text.contains("Rcell_0_0 u_0_0 w_0_0 10005.0\n"), text);
    }

    @Test
    void userErrorsExitWithStatus2AndOneLine() throws IOException {
        Path g = npy(dir.resolve("G.npy"), new double[] {1e-4, 1e-4, 1e-4, 1e-4}, 2, 2);
        Path v = npy(dir.resolve("V.npy"), new double[] {0.2, 0.2}, 2);
        Path v3 = npy(dir.resolve("V3.npy"), new double[] {0.2, 0.2, 0.1}, 3);
        Path bad = npy(dir.resolve("Gbad.npy"), new double[] {1e-4, -1}, 1, 2);
        Path g1 = npy(dir.resolve("G1.npy"), new double[] {1e-4, 1e-4}, 2);
        String out = dir.resolve("o.cir").toString();
        assertUsage(run("spice", "export", "--conductances", g.toString(), "--inputs", v3.toString(), "--out", out),
                "V3.npy has shape (3,) but --conductances");
        assertUsage(run("spice", "export", "--conductances", bad.toString(), "--inputs", v.toString(), "--out", out), "value -1.0 at [0, 1]");
        assertUsage(run("spice", "export", "--conductances", g1.toString(), "--inputs", v.toString(), "--out", out), "2-D M x N");
        assertUsage(run("spice", "export", "--conductances", dir.resolve("none.npy").toString(), "--inputs", v.toString(), "--out", out),
                "none.npy: no such file");
        assertUsage(run("spice", "export", "--conductances", g.toString(), "--inputs", v.toString()), "missing --out");
        assertUsage(run("spice", "export", "--conductances", g.toString(), "--inputs", v.toString(), "--out", out, "--r-wl", "-1"),
                "--r-wl: -1 is negative");
        assertUsage(run("spice", "export", "--conductances", g.toString(), "--inputs", v.toString(), "--out", out, "--drive", "up"),
                "--drive: unknown drive 'up'");
        assertUsage(run("spice", "export", "--conductances", g.toString(), "--inputs", v.toString(), "--out", out, "--sense", "x"),
                "--sense: unknown sense 'x'");
        assertUsage(run("spice", "export", "--conductances", g.toString(), "--inputs", v.toString(),
                "--out", dir.resolve("no/such/dir/o.cir").toString()), "does not exist");
        Files.writeString(dir.resolve("text.npy"), "hello");
        assertUsage(run("spice", "export", "--conductances", dir.resolve("text.npy").toString(), "--inputs", v.toString(), "--out", out),
                "not a .npy file");
        Path batch = npy(dir.resolve("B.npy"), new double[] {0.2, 0.2, 0.1, 0.1}, 2, 2);
        assertUsage(run("spice", "export", "--conductances", g.toString(), "--inputs", batch.toString(), "--out", out),
                "a netlist takes one input vector (M or 1 x M values), not a batch of 2");
        assertUsage(run("spice", "frobnicate"), "unknown subcommand 'frobnicate'");
        assertUsage(run("spice", "solve"), "needs a netlist file");
        assertUsage(run("spice", "solve", dir.resolve("missing.cir").toString()), "missing.cir does not exist");
        assertFalse(Files.exists(Path.of(out)), "no output after failures");

        Path json = dir.resolve("R.json");
        Path broken = dir.resolve("broken.cir");
        Files.writeString(broken, "title\nV1 a 0 1\nR1 a 0 1k\nL1 a 0 1u\n");
        assertUsage(run("spice", "solve", broken.toString(), "--out", json.toString()), "broken.cir: line 4: unsupported element 'L1'");
        Files.writeString(broken, "title\nV1 a 0 1\nR1 a 0 1k\nR2 b c 1\n");
        assertUsage(run("spice", "solve", broken.toString(), "--out", json.toString()), "line 4: node 'b' has no DC path to ground");
        Files.writeString(broken, "title\nV1 a 0 1\nR1 a 0 1k\nR1 a 0 2k\n");
        assertUsage(run("spice", "solve", broken.toString(), "--out", json.toString()), "line 4: duplicate element name 'R1'");
        assertUsage(run("spice", "solve", g.toString(), "--out", json.toString()), "G.npy: line ");
        assertFalse(Files.exists(json), "no partial output");
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    @Test
    void existingOutputIsReplacedOnlyOnSuccess() throws IOException {
        Path json = dir.resolve("R.json");
        Files.writeString(json, "old");
        Path broken = dir.resolve("b.cir");
        Files.writeString(broken, "t\nR1 a 0 -5\n");
        assertUsage(run("spice", "solve", broken.toString(), "--out", json.toString()), "line 2: resistor 'R1' has a negative resistance");
        assertEquals("old", Files.readString(json));
        Files.writeString(broken, "t\nR1 a 0 5\nI1 0 a 1\n");
        assertEquals(0, run("spice", "solve", broken.toString(), "--out", json.toString()).status());
        assertEquals(5.0, new ObjectMapper().readTree(json.toFile()).get("node_voltages").get("a").doubleValue(), 1e-15);
    }

    @Test
    void outputFilesFollowTheUmaskNotOwnerOnly() throws IOException {
        Path net = dir.resolve("perm.cir");
        Files.writeString(net, "t\nV1 a 0 1\nR1 a 0 2\n");
        Path json = dir.resolve("perm.json");
        assertEquals(0, run("spice", "solve", net.toString(), "--out", json.toString()).status());
        Path reference = Files.createFile(dir.resolve("plain"));
        assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(json));
    }

    @Test
    void helpIsListed() {
        Result r = run("spice", "--help");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("xbar spice export --conductances G.npy --inputs V.npy --out net.cir"));
        assertTrue(run("help").out().contains("spice"));
    }

    private static void assertUsage(Result r, String fragment) {
        assertEquals(2, r.status(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, "one line: " + r.err());
        assertTrue(lines[0].startsWith("xbar spice: "), lines[0]);
        assertTrue(lines[0].contains(fragment), () -> "expected '" + fragment + "' in: " + lines[0] + " " + Arrays.toString(lines));
    }
}
