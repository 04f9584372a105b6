// OutputSafetyTest: outputs never replace devices, FIFOs or links, never delete the user's files, and every failure to write is an exit 2 with one line.
package io.xbar.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.xbar.io.AtomicFiles;
import io.xbar.io.Npy;
import io.xbar.mapping.TrainedLikeData;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputSafetyTest {
    @TempDir
    Path dir;
    Path g;
    Path v;
    Path w;
    Path x;
    private final List<Path> immutable = new ArrayList<>();

    @BeforeEach
    void inputs() throws IOException {
        g = dir.resolve("g.npy");
        v = dir.resolve("v.npy");
        w = dir.resolve("w.npy");
        x = dir.resolve("x.npy");
        double[] conductances = new double[6 * 5];
        for (int k = 0; k < conductances.length; k++) {
            conductances[k] = 1e-6 + 1e-5 * ((k * 7) % 11);
        }
        Npy.write(g, conductances, 6, 5);
        Npy.write(v, new double[] {0.2, 0.1, 0.0, 0.2, 0.15, 0.05}, 6);
        Npy.write(w, TrainedLikeData.weights(20, 4, 1), 20, 4);
        Npy.write(x, TrainedLikeData.activations(3, 20, 2), 3, 20);
    }

    @AfterEach
    void writableAgain() throws Exception {
        System.clearProperty("xbar.test.fullDisk");
        for (Path p : immutable) {
            new ProcessBuilder("chattr", "-i", p.toString()).redirectErrorStream(true).start().waitFor();
            p.toFile().setWritable(true);
        }
    }

    private static CommandTesting.Run run(String... args) {
        return CommandTesting.run(args);
    }

    private static void oneLine(CommandTesting.Run r, String... mentions) {
        assertEquals(2, r.status(), "exit status; stderr: " + r.err());
        assertEquals(1, r.errLines().size(), "one stderr line: " + r.err());
        for (String m : mentions) {
            assertTrue(r.err().contains(m), "'" + m + "' in: " + r.err());
        }
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace: " + r.err());
    }

    private static List<Path> temporaries(Path in) throws IOException {
        try (Stream<Path> s = Files.walk(in)) {
            return s.filter(p -> AtomicFiles.isTemporary(p.getFileName().toString())).toList();
        }
    }

    private static List<String> names(Path in) throws IOException {
        try (Stream<Path> s = Files.list(in)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A directory nobody, root included, can create files in (chattr +i as root, mode 555 otherwise), or the test is skipped. */
    private Path readOnlyDirectory(String name) throws Exception {
        Path ro = Files.createDirectory(dir.resolve(name));
        immutable.add(ro);
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            try {
                new ProcessBuilder("chattr", "+i", ro.toString()).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
            } catch (IOException e) {
                // no chattr: the probe below skips the test
            }
        } else {
            ro.toFile().setWritable(false, false);
        }
        boolean writable;
        try {
            Files.delete(Files.createFile(ro.resolve("probe")));
            writable = true;
        } catch (IOException e) {
            writable = false;
        }
        assumeTrue(!writable, "cannot make a read-only directory here");
        return ro;
    }

    // 1. A device, FIFO or symbolic link at the output path is written through, never replaced.

    @Test
    void aDeviceOutputStaysADeviceAndAFullOneIsAnError() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/full")), "Linux /dev/full");
        // A private node of /dev/full (char 1,7), so a regression cannot replace the machine's own.
        Path full = dir.resolve("full");
        int made = new ProcessBuilder("mknod", full.toString(), "c", "1", "7").redirectErrorStream(true).start().waitFor();
        Path device = made == 0 ? full : Path.of("/dev/full");
        assumeTrue(Files.isWritable(device), "a writable full device");
        oneLine(run("solve", "--conductances", g.toString(), "--inputs", v.toString(), "--out", device.toString()),
                "--out", device.toString(), "No space left on device");
        assertTrue(Files.readAttributes(device, BasicFileAttributes.class).isOther(), "still a device");
        oneLine(run("nf", "--weights", w.toString(), "--inputs", x.toString(), "--report", device.toString()),
                "--report", device.toString(), "No space left on device");
        assertTrue(Files.readAttributes(device, BasicFileAttributes.class).isOther(), "still a device");
        Path net = dir.resolve("n.cir");
        Files.writeString(net, "V1 a 0 1\nR1 a 0 1k\n.end\n");
        CommandTesting.Run r = run("spice", "solve", net.toString(), "--out", device.toString());
        oneLine(r, "--out", device.toString(), "No space left on device");
        assertEquals(r.err().indexOf(device.toString()), r.err().lastIndexOf(device.toString()), "the file named once: " + r.err());
        assertTrue(Files.readAttributes(device, BasicFileAttributes.class).isOther(), "still a device");
        assertEquals(List.of(), temporaries(dir));
    }

    @Test
    void aFifoOutputIsWrittenThrough() throws Exception {
        Path fifo = dir.resolve("pipe.npy");
        int made;
        try {
            made = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start().waitFor();
        } catch (IOException e) {
            made = -1;
        }
        assumeTrue(made == 0, "mkfifo");
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertEquals(0, run("solve", "--conductances", g.toString(), "--inputs", v.toString(), "--out", fifo.toString()).status());
        byte[] bytes = read.get(60, TimeUnit.SECONDS);
        Path copy = dir.resolve("copy.npy");
        Files.write(copy, bytes);
        assertEquals(5, Npy.read(copy).size(), "the currents came through the FIFO");
        assertTrue(Files.readAttributes(fifo, BasicFileAttributes.class).isOther(), "still a FIFO");
    }

    @Test
    void aSymbolicLinkStaysALinkAndItsTargetIsReplaced() throws Exception {
        Path target = dir.resolve("real.npy");
        Path link = dir.resolve("link.npy");
        Files.writeString(target, "old");
        Files.createSymbolicLink(link, target.getFileName());
        assertEquals(0, run("solve", "--conductances", g.toString(), "--inputs", v.toString(), "--out", link.toString()).status());
        assertTrue(Files.isSymbolicLink(link), "the link stays a link");
        assertEquals(5, Npy.read(target).size());
        // A dangling link: the file it names is created.
        Files.delete(target);
        assertEquals(0, run("solve", "--conductances", g.toString(), "--inputs", v.toString(), "--out", link.toString()).status());
        assertTrue(Files.isSymbolicLink(link));
        assertTrue(Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aReplacedFileKeepsItsPermissions() throws Exception {
        Path out = dir.resolve("i.npy");
        Files.writeString(out, "old");
        Set<PosixFilePermission> mode = Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE);
        Files.setPosixFilePermissions(out, mode);
        assertEquals(0, run("solve", "--conductances", g.toString(), "--inputs", v.toString(), "--out", out.toString()).status());
        assertEquals(mode, Files.getPosixFilePermissions(out));
    }

    // 2. map --out DIR replaces only what xbar wrote.

    @Test
    void mapKeepsTheUsersFilesBesideAMapping() throws Exception {
        Path m = dir.resolve("m");
        assertEquals(0, run("map", "--weights", w.toString(), "--out", m.toString(), "--tile", "8x16").status());
        List<String> first = names(m);
        assertTrue(first.size() > 3, "several tiles: " + first);
        Files.writeString(m.resolve("notes.txt"), "mine");
        Files.createDirectories(m.resolve("results"));
        Files.writeString(m.resolve("results").resolve("run1.csv"), "1,2");
        assertEquals(0, run("map", "--weights", w.toString(), "--out", m.toString()).status());
        assertEquals(List.of("mapping.json", "notes.txt", "results", "tile_0_0.npy"), names(m));
        assertEquals("mine", Files.readString(m.resolve("notes.txt")));
        assertEquals("1,2", Files.readString(m.resolve("results").resolve("run1.csv")));
        assertEquals(List.of(), temporaries(dir));
        // The tile on disk is the new mapping's (one 256x256 tile).
        assertArrayEquals(new int[] {256, 256}, Npy.read(m.resolve("tile_0_0.npy")).shape());
    }

    @Test
    void mapRefusesADirectoryThatIsNotAMapping() throws Exception {
        Path m = Files.createDirectory(dir.resolve("m"));
        Files.writeString(m.resolve("mapping.json"), "{\"my\": \"own file\"}");
        oneLine(run("map", "--weights", w.toString(), "--out", m.toString()), "not an xbar mapping");
        assertEquals(List.of("mapping.json"), names(m));
        // A file named like a tile that the mapping there does not list is the user's too.
        Path n = dir.resolve("n");
        assertEquals(0, run("map", "--weights", w.toString(), "--out", n.toString(), "--tile", "8x16").status());
        Files.delete(n.resolve("tile_0_0.npy"));
        String json = Files.readString(n.resolve("mapping.json")).replace("\"tile_0_0.npy\"", "\"tile_9_9.npy\"");
        Files.writeString(n.resolve("mapping.json"), json);
        Files.writeString(n.resolve("tile_0_0.npy"), "mine");
        oneLine(run("map", "--weights", w.toString(), "--out", n.toString()), "tile_0_0.npy");
        assertEquals("mine", Files.readString(n.resolve("tile_0_0.npy")));
    }

    // 3. Standard output failures and two outputs on one path.

    @Test
    void aFailingStandardOutputIsExitTwo() throws Exception {
        Path net = dir.resolve("n.cir");
        Files.writeString(net, "V1 a 0 1\nR1 a b 1k\nR2 b 0 1k\n.end\n");
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"spice", "solve", net.toString()}, new PrintStream(broken, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, e);
        assertEquals(1, e.lines().count(), e);
        assertTrue(e.contains("standard output"), e);
    }

    @Test
    void twoOutputsOnOneFileAreRefusedUpFront() throws Exception {
        Path r = dir.resolve("R.x");
        oneLine(run("nf", "--weights", w.toString(), "--inputs", x.toString(), "--report", r.toString(), "--out", r.toString()),
                "--report", "--out", "same file");
        assertFalse(Files.exists(r));
        Path p = dir.resolve("P");
        oneLine(run("solve", "--conductances", g.toString(), "--inputs", v.toString(), "--out", p + "_u.npy",
                "--node-voltages", p.toString()), "--out", "--node-voltages", "same file");
        assertFalse(Files.exists(Path.of(p + "_u.npy")));
        // Through a symbolic link, and through a linked directory.
        Path link = dir.resolve("link.npy");
        Files.createSymbolicLink(link, dir.resolve("y.npy"));
        oneLine(run("nf", "--weights", w.toString(), "--inputs", x.toString(), "--report", dir.resolve("y.npy").toString(),
                "--out", link.toString()), "same file");
        Path alias = dir.resolve("alias");
        Files.createSymbolicLink(alias, dir);
        oneLine(run("nf", "--weights", w.toString(), "--inputs", x.toString(), "--report", dir.resolve("z.json").toString(),
                "--out", alias.resolve("z.json").toString()), "same file");
    }

    // 5. File-system errors: one line naming the file, exit 2, nothing left behind.

    @Test
    void aReadOnlyDirectoryIsOneLineForEveryWriter() throws Exception {
        Path ro = readOnlyDirectory("ro");
        oneLine(run("map", "--weights", w.toString(), "--out", ro.resolve("m").toString()), "--out", ro.toString());
        oneLine(run("nf", "--weights", w.toString(), "--inputs", x.toString(), "--report", ro.resolve("r.json").toString()),
                "--report", ro.toString());
        oneLine(run("sweep", "--weights", w.toString(), "--inputs", x.toString(), "--out", ro.resolve("s").toString(),
                "--tiles", "16", "--wires", "1", "--mappings", "naive"), "--out", ro.toString());
        oneLine(run("demo", "--quick", "--out", ro.resolve("d").toString()), "--out", ro.toString());
        oneLine(run("validate", "--quick", "--report", ro.resolve("v.md").toString()), "--report", ro.toString());
        // The directory itself as map's output.
        oneLine(run("map", "--weights", w.toString(), "--out", ro.toString()), "--out", ro.toString());
        assertEquals(List.of(), names(ro));
    }

    @Test
    void aFullDiskIsOneLineAndLeavesNothing() throws Exception {
        System.setProperty("xbar.test.fullDisk", "true");
        Path m = dir.resolve("m");
        oneLine(run("map", "--weights", w.toString(), "--out", m.toString(), "--tile", "8x16"), "--out", "No space left on device");
        assertFalse(Files.exists(m));
        Path r = dir.resolve("r.json");
        oneLine(run("nf", "--weights", w.toString(), "--inputs", x.toString(), "--report", r.toString()),
                "--report", r.toString(), "No space left on device");
        assertFalse(Files.exists(r));
        Path s = dir.resolve("s");
        oneLine(run("sweep", "--weights", w.toString(), "--inputs", x.toString(), "--out", s.toString(),
                "--tiles", "16", "--wires", "1", "--mappings", "naive"), "--out", "sweep.csv", "No space left on device");
        assertFalse(Files.exists(s), "sweep leaves no empty output directory");
        Path d = dir.resolve("d");
        oneLine(run("demo", "--quick", "--size", "16", "--layer", "16x2", "--batch", "1", "--out", d.toString()),
                "--out", "ir-drop-tile.png", "No space left on device");
        assertFalse(Files.exists(d), "demo leaves no empty output directory");
        assertEquals(List.of(), temporaries(dir));
    }

    // 12. The validate report follows the umask like every other output.

    @Test
    void theValidateReportFollowsTheUmask() throws Exception {
        Path ordinary = Files.createFile(dir.resolve("ordinary"));
        Path report = dir.resolve("report.md");
        ValidateCommand.writeAtomically(report, "# report\n");
        assertEquals("# report\n", Files.readString(report));
        assertEquals(Files.getPosixFilePermissions(ordinary), Files.getPosixFilePermissions(report));
    }

    @Test
    void aValidateReportOnAFullDiskIsOneLine() throws Exception {
        Path report = dir.resolve("report.md");
        System.setProperty("xbar.test.fullDisk", "true");
        UsageException e = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
                () -> ValidateCommand.writeAtomically(report, "# report\n"));
        assertTrue(e.getMessage().startsWith("--report: cannot write " + report), e.getMessage());
        assertTrue(e.getMessage().endsWith("No space left on device"), e.getMessage());
        assertFalse(Files.exists(report));
        assertEquals(List.of(), temporaries(dir));
    }
}
