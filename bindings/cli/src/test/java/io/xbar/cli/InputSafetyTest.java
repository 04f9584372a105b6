// InputSafetyTest: hostile inputs (FIFOs, devices, symlink loops, deep headers, trailing config text) are read or refused in one line.
package io.xbar.cli;

import static io.xbar.cli.CommandTesting.refused;
import static io.xbar.cli.CommandTesting.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.xbar.io.NdArray;
import io.xbar.io.Npy;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputSafetyTest {
    /** Short enough to keep the suite fast, long enough that a writer thread started first is always in time. */
    private static final String WAIT_MS = "400";
    private static final Duration LIMIT = Duration.ofSeconds(30);
    /** The documented cap of a configuration file (docs/config.md), 1 MiB. */
    private static final int CONFIG_CAP = 1 << 20;

    @TempDir
    Path dir;

    @BeforeAll
    static void shortWriterWait() {
        System.setProperty("xbar.input.wait-ms", WAIT_MS);
    }

    @AfterAll
    static void defaultWriterWait() {
        System.clearProperty("xbar.input.wait-ms");
    }

    // ------------------------------------------------------------------ item 3: one object per config file

    @Test
    void configWithASecondObjectIsRefused() throws IOException {
        Path c = Files.writeString(dir.resolve("two.json"), "{\"r-wl\": 1.0}\n{\"r-bl\": 7.0}\n");
        refused(null, List.of("--config", c.toString(), "one JSON object", "more follows it at line 2 column 1"),
                "solve", "--config", c.toString());
    }

    @Test
    void configWithTrailingTextIsRefused() throws IOException {
        for (String trailing : List.of(" garbage", " ]", ", {}", " 42", " \"x\"", "}")) {
            Path c = Files.writeString(dir.resolve("trailing.json"), "{\"r-wl\": 1.0}" + trailing);
            refused(null, List.of(c.toString(), "one JSON object", "more follows it"), "solve", "--config", c.toString());
        }
    }

    @Test
    void configWithTrailingWhitespaceIsStillAccepted() throws IOException {
        Path c = Files.writeString(dir.resolve("ok.json"), "\n {\"r-wl\": 1.0} \n\n\t");
        // Accepted: the command then complains about its own missing flag, not about the file.
        String line = refused(null, List.of("missing --"), "solve", "--config", c.toString());
        assertTrue(!line.contains("config"), line);
    }

    // ------------------------------------------------------------------ item 6: bounded config reads

    @Test
    void configFromDevZeroIsRefusedAtTheCap() {
        assumeTrue(Files.isReadable(Path.of("/dev/zero")), "/dev/zero");
        String line = assertTimeoutPreemptively(LIMIT, () -> refused(null,
                List.of("--config", "/dev/zero", "more than " + CONFIG_CAP + " bytes", "1 MiB"),
                "solve", "--config", "/dev/zero"));
        assertTrue(line.contains("configuration file"), line);
    }

    @Test
    void configLargerThanTheCapIsRefusedBeforeReading() throws IOException {
        Path c = dir.resolve("big.json");
        Files.writeString(c, "{\"r-wl\": 1.0" + " ".repeat(CONFIG_CAP) + "}");
        refused(null, List.of(c.toString(), (CONFIG_CAP + 13) + " bytes", "1 MiB"),
                "solve", "--config", c.toString());
    }

    @Test
    void configFifoWithoutWriterIsRefusedAfterABoundedWait() throws Exception {
        Path fifo = fifo("config.fifo");
        // Openers of other tests in this JVM do not count: one whose FIFO its test's clean-up removed
        // before the release could open it stays blocked (a daemon thread, harmless), and made this
        // test fail under load when it looked at every opener.
        java.util.Set<Thread> before = openers();
        long start = System.nanoTime();
        assertTimeoutPreemptively(LIMIT, () -> refused(null, List.of("--config", fifo.toString(), "FIFO", "no writer"),
                "solve", "--config", fifo.toString()));
        assertTrue(System.nanoTime() - start >= 300_000_000L, "waited for a writer first");
        // The thread that was blocked opening the FIFO is released, not left behind.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!newOpeners(before).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(newOpeners(before).isEmpty(), "no thread left blocked in open()");
    }

    private static java.util.Set<Thread> openers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("xbar-open") && t.isAlive())
                .collect(java.util.stream.Collectors.toSet());
    }

    private static java.util.Set<Thread> newOpeners(java.util.Set<Thread> before) {
        java.util.Set<Thread> now = openers();
        now.removeAll(before);
        return now;
    }

    @Test
    void configThroughAFifoWithAWriterIsRead() throws Exception {
        Path fifo = fifo("config-ok.fifo");
        Thread writer = writeLater(fifo, "{\"r-wl\": \"abc\"}".getBytes(StandardCharsets.UTF_8));
        // The value reaches the flag layer: the file was read through the pipe.
        withWriter(() -> refused(null, List.of("--r-wl", "'abc' is not a number"),
                "solve", "--config", fifo.toString()));
        writer.join(LIMIT.toMillis());
        // The next command line reads the pipe afresh (one read per run, shared by Main and the command).
        Thread second = writeLater(fifo, "{\"r-wl\": \"xyz\"}".getBytes(StandardCharsets.UTF_8));
        withWriter(() -> refused(null, List.of("--r-wl", "'xyz' is not a number"),
                "solve", "--config", fifo.toString()));
        second.join(LIMIT.toMillis());
    }

    // ------------------------------------------------------------------ items 5 and 6: .npy inputs

    @Test
    void conductancesFifoWithoutWriterIsRefusedAfterABoundedWait() throws Exception {
        Path fifo = fifo("g.fifo");
        Path v = vector("v.npy", 1.0, 2.0);
        Path out = dir.resolve("i.npy");
        assertTimeoutPreemptively(LIMIT, () -> refused(out, List.of("--conductances", fifo.toString(), "no writer"),
                "solve", "--conductances", fifo.toString(), "--inputs", v.toString(), "--out", out.toString()));
    }

    @Test
    void npyThroughAPipeSolvesAsFromARegularFile() throws Exception {
        Random random = new Random(12);
        int m = 5;
        int n = 3;
        double[] g = new double[m * n];
        for (int k = 0; k < g.length; k++) {
            g[k] = 1e-6 + 1e-4 * random.nextDouble();
        }
        double[] v = {0.2, 0.1, 0.0, 0.15, 0.05};
        Path gFile = dir.resolve("g.npy");
        Path vFile = dir.resolve("v.npy");
        Npy.write(gFile, g, m, n);
        Npy.write(vFile, v, m);
        Path expected = dir.resolve("expected.npy");
        assertEquals(0, run("solve", "--conductances", gFile.toString(), "--inputs", vFile.toString(),
                "--out", expected.toString()).status());

        Path gFifo = fifo("g.fifo");
        Path vFifo = fifo("v.fifo");
        Thread gWriter = writeLater(gFifo, Files.readAllBytes(gFile));
        Thread vWriter = writeLater(vFifo, Files.readAllBytes(vFile));
        Path out = dir.resolve("piped.npy");
        CommandTesting.Run r = withWriter(() -> run("solve", "--conductances", gFifo.toString(),
                "--inputs", vFifo.toString(), "--out", out.toString()));
        assertEquals(0, r.status(), r.err());
        assertArrayEquals(Npy.read(expected).toArray(), Npy.read(out).toArray(), 0.0);
        gWriter.join(LIMIT.toMillis());
        vWriter.join(LIMIT.toMillis());
    }

    @Test
    void fortranOrderAndIntegersThroughAPipeMatchTheRegularFile() throws Exception {
        // 2 x 3 int16 matrix [[1, 2, 3], [4, 5, 6]] stored column-major, big-endian.
        ByteBuffer body = ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN);
        for (short s : new short[] {1, 4, 2, 5, 3, 6}) {
            body.putShort(s);
        }
        byte[] bytes = npy(1, "{'descr': '>i2', 'fortran_order': True, 'shape': (2, 3), }", body.array());
        Path regular = Files.write(dir.resolve("f.npy"), bytes);
        Path fifo = fifo("f.fifo");
        Thread writer = writeLater(fifo, bytes);
        NdArray piped = withWriter(() -> Npy.read(fifo));
        NdArray file = Npy.read(regular);
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, piped.toArray(), 0.0);
        assertArrayEquals(file.toArray(), piped.toArray(), 0.0);
        assertArrayEquals(file.shape(), piped.shape());
        assertTrue(piped.integerTyped());
        writer.join(LIMIT.toMillis());
    }

    @Test
    void streamReadingStopsShortlyAfterTheDeclaredData() throws Exception {
        // A valid 1 x 2 array followed by 3 MiB of junk: refused after reading at most one buffer past the data.
        byte[] valid = npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }", new byte[16]);
        byte[] bytes = java.util.Arrays.copyOf(valid, valid.length + (3 << 20));
        Path fifo = fifo("junk.fifo");
        Thread writer = writeLater(fifo, bytes);
        Path v = vector("v1.npy", 1.0);
        Path out = dir.resolve("o.npy");
        withWriter(() -> refused(out, List.of("--conductances", fifo.toString(),
                "more than 1048576 unexpected bytes after the (1, 2) <f8 data"),
                "solve", "--conductances", fifo.toString(), "--inputs", v.toString(), "--out", out.toString()));
        writer.join(LIMIT.toMillis()); // the writer gets a broken pipe once we stop reading, and ends
        assertTrue(!writer.isAlive(), "the writer is released");
    }

    @Test
    void truncatedStreamSaysHowMuchArrived() throws Exception {
        byte[] bytes = npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", new byte[20]);
        Path fifo = fifo("short.fifo");
        Thread writer = writeLater(fifo, bytes);
        IllegalArgumentException e = withWriter(
                () -> org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Npy.read(fifo)));
        assertEquals(fifo + ": truncated data (shape (4,) of <f8 needs 32 bytes, the stream has 20)", e.getMessage());
        writer.join(LIMIT.toMillis());
    }

    @Test
    void npyHeaderNestedDeeplyIsRefusedInOneLine() throws IOException {
        // 200,000 brackets: a recursive parser overflows its stack on this.
        String deep = "{'descr': '<f8', 'fortran_order': False, 'shape': " + "[".repeat(200_000) + "]".repeat(200_000)
                + ", }";
        Path g = Files.write(dir.resolve("deep.npy"), npy(2, deep, new byte[0]));
        Path v = vector("v.npy", 1.0);
        Path out = dir.resolve("o.npy");
        refused(out, List.of("--conductances", g.toString(), "malformed header", "nested deeper than 32 levels"),
                "solve", "--conductances", g.toString(), "--inputs", v.toString(), "--out", out.toString());
    }

    @Test
    void npyHeaderWithOrdinaryNestingStillParses() throws IOException {
        // A structured dtype nests three deep and must still reach its own, specific message.
        String structured = "{'descr': [('a', '<f8', (2,))], 'fortran_order': False, 'shape': (3,), }";
        Path g = Files.write(dir.resolve("rec.npy"), npy(1, structured, new byte[48]));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Npy.read(g));
        assertTrue(e.getMessage().contains("structured dtype"), e.getMessage());
    }

    @Test
    void npyShapeGivenAsAListIsRefusedAsNumPyRefusesIt() throws IOException {
        String list = "{'descr': '<f8', 'fortran_order': False, 'shape': [2, 5], }";
        Path g = Files.write(dir.resolve("list.npy"), npy(1, list, new byte[80]));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Npy.read(g));
        assertTrue(e.getMessage().contains("header 'shape' is not a tuple: [2, 5]"), e.getMessage());
    }

    @Test
    void symbolicLinkLoopIsRefusedInOneLine() throws IOException {
        Path a = dir.resolve("a.npy");
        Path b = dir.resolve("b.npy");
        Files.createSymbolicLink(a, b);
        Files.createSymbolicLink(b, a);
        Path v = vector("v.npy", 1.0);
        Path out = dir.resolve("o.npy");
        refused(out, List.of("--conductances", a.toString(), "symbolic link loop"),
                "solve", "--conductances", a.toString(), "--inputs", v.toString(), "--out", out.toString());
        refused(null, List.of("--config", a.toString(), "symbolic link loop"), "solve", "--config", a.toString());
        refused(null, List.of("netlist", a.toString(), "symbolic link loop"), "spice", "solve", a.toString());
    }

    @Test
    void danglingSymbolicLinkIsNamedAsSuch() throws IOException {
        Path a = dir.resolve("dangling.npy");
        Files.createSymbolicLink(a, dir.resolve("gone.npy"));
        Path v = vector("v.npy", 1.0);
        refused(null, List.of("--conductances", a.toString(), "symbolic link to a missing file"),
                "solve", "--conductances", a.toString(), "--inputs", v.toString(), "--out", dir.resolve("o.npy").toString());
    }

    @Test
    void netlistFifoWithoutWriterIsRefusedAndWithWriterIsSolved() throws Exception {
        Path fifo = fifo("net.fifo");
        assertTimeoutPreemptively(LIMIT, () -> refused(null, List.of("netlist", fifo.toString(), "no writer"),
                "spice", "solve", fifo.toString()));
        Path fed = fifo("net-fed.fifo");
        Thread writer = writeLater(fed, "divider\nV1 a 0 2\nR1 a b 1k\nR2 b 0 1k\n.op\n.end\n"
                .getBytes(StandardCharsets.UTF_8));
        CommandTesting.Run r = withWriter(() -> run("spice", "solve", fed.toString()));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("\"b\"") && r.out().contains("1.0"), r.out());
        writer.join(LIMIT.toMillis());
    }

    // ------------------------------------------------------------------ item 12: usage errors are one line on stderr

    @Test
    void noCommandIsOneLineOnStderrNamingTheCommands() {
        CommandTesting.Run r = run();
        assertEquals(2, r.status());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("xbar: no command given; the commands are demo, solve") && r.err().strip().lines().count() == 1, r.err());
    }

    @Test
    void spiceWithoutSubcommandIsOneLineOnStderr() {
        CommandTesting.Run r = run("spice");
        assertEquals(2, r.status());
        assertEquals("", r.out());
        assertEquals("xbar spice: no subcommand given; it is export or solve (xbar spice --help explains them)", r.err().strip());
    }

    @Test
    void askedForUsageStillGoesToStdout() {
        for (String[] args : List.of(new String[] {"help"}, new String[] {"--help"}, new String[] {"spice", "--help"})) {
            CommandTesting.Run r = run(args);
            assertEquals(0, r.status());
            assertEquals("", r.err());
            assertTrue(r.out().startsWith("usage: xbar"), r.out());
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Runs {@code body} against a FIFO whose writer is on its way: a long writer wait, so that a slow
     * machine never turns a late writer into a refusal, and a time limit against a hang.
     */
    private static <T> T withWriter(org.junit.jupiter.api.function.ThrowingSupplier<T> body) {
        System.setProperty("xbar.input.wait-ms", "20000");
        try {
            return assertTimeoutPreemptively(LIMIT, body);
        } finally {
            System.setProperty("xbar.input.wait-ms", WAIT_MS);
        }
    }

    private Path fifo(String name) throws IOException, InterruptedException {
        Path p = dir.resolve(name);
        Process mk;
        try {
            mk = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "mkfifo is not available: " + e.getMessage());
            throw e;
        }
        assumeTrue(mk.waitFor(30, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo failed");
        return p;
    }

    /** Opens the FIFO for writing (blocking until a reader opens it) and writes {@code bytes}, on a daemon thread. */
    private static Thread writeLater(Path fifo, byte[] bytes) {
        return Thread.ofPlatform().daemon().start(() -> {
            try (OutputStream s = Files.newOutputStream(fifo, StandardOpenOption.WRITE)) {
                s.write(bytes);
            } catch (IOException e) {
                // a reader that stops early breaks the pipe: expected in the junk test
            }
        });
    }

    private Path vector(String name, double... values) throws IOException {
        Path p = dir.resolve(name);
        Npy.write(p, values, values.length);
        return p;
    }

    /** A .npy file of format {@code major}.0 with the given header dict (padded with spaces and a newline) and body. */
    private static byte[] npy(int major, String dict, byte[] body) {
        int lengthBytes = major == 1 ? 2 : 4;
        int unpadded = 8 + lengthBytes + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(8 + lengthBytes + h.length + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) h.length);
        } else {
            b.putInt(h.length);
        }
        return b.put(h).put(body).array();
    }
}
