// InterruptedWriteTest: real `xbar` processes: stopped mid-write they leave no temporaries (SIGTERM; after kill -9 the next write removes them); a full or closed stdout is exit 2.
package io.xbar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xbar.io.AtomicFiles;
import io.xbar.io.Npy;
import io.xbar.mapping.TrainedLikeData;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InterruptedWriteTest {
    @TempDir
    Path dir;

    /** Starts {@code xbar ARGS} in a child JVM whose writes pause before their final move. */
    private static Process start(Path log, String... args) throws IOException {
        List<String> command = command("-Dxbar.test.writeDelayMillis=120000", args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The command line of {@code xbar ARGS} in a child JVM running the code under test. */
    static List<String> command(String property, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-modules");
        command.add("jdk.incubator.vector");
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add(property);
        command.add("-cp");
        String modulePath = System.getProperty("jdk.module.path", "");
        String classPath = System.getProperty("java.class.path", "");
        command.add(modulePath.isEmpty() ? classPath : modulePath + File.pathSeparator + classPath);
        command.add("io.xbar.cli.Main");
        command.addAll(List.of(args));
        return command;
    }

    private static List<Path> temporaries(Path in) throws IOException {
        try (Stream<Path> s = Files.walk(in)) {
            return s.filter(p -> AtomicFiles.isTemporary(p.getFileName().toString())).toList();
        }
    }

    /** Waits until the child has a temporary in {@code in} (it is then pausing mid-write). */
    private static void awaitTemporary(Process p, Path in, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (temporaries(in).isEmpty()) {
            assertTrue(p.isAlive(), "child exited early: " + Files.readString(log));
            assertTrue(System.nanoTime() < deadline, "no temporary appeared: " + Files.readString(log));
            Thread.sleep(100);
        }
        String name = temporaries(in).get(0).getFileName().toString();
        assertTrue(name.contains(".xbar-tmp-" + p.pid() + "-"), "the temporary names its writer's PID: " + name);
    }

    private Path conductances() throws IOException {
        Path g = dir.resolve("g.npy");
        double[] values = new double[40 * 30];
        java.util.Arrays.fill(values, 1e-5);
        Npy.write(g, values, 40, 30);
        return g;
    }

    @Test
    void sigtermRemovesTheTemporaryFileAndTheStagingDirectory() throws Exception {
        Path out = Files.createDirectory(dir.resolve("out"));
        Path log = dir.resolve("log");
        Process p = start(log, "transfer", "--conductances", conductances().toString(), "--out", out.resolve("t.npy").toString());
        awaitTemporary(p, out, log);
        p.destroy();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "SIGTERM ends the process");
        assertEquals(List.of(), temporaries(out), "no temporary after SIGTERM");
        assertFalse(Files.exists(out.resolve("t.npy")));

        Path w = dir.resolve("w.npy");
        Npy.write(w, TrainedLikeData.weights(20, 4, 1), 20, 4);
        Path maps = Files.createDirectory(dir.resolve("maps"));
        Process m = start(log, "map", "--weights", w.toString(), "--out", maps.resolve("m").toString(), "--tile", "8x16");
        awaitTemporary(m, maps, log);
        m.destroy();
        assertTrue(m.waitFor(60, TimeUnit.SECONDS));
        assertEquals(List.of(), temporaries(maps), "no staging directory after SIGTERM");
        try (Stream<Path> s = Files.list(maps)) {
            assertEquals(0, s.count(), "nothing at all left in " + maps);
        }
    }

    @Test
    void afterKillNineTheNextWriteRemovesStaleTemporaries() throws Exception {
        Path out = Files.createDirectory(dir.resolve("out"));
        Path log = dir.resolve("log");
        Path g = conductances();
        Process p = start(log, "transfer", "--conductances", g.toString(), "--out", out.resolve("t.npy").toString());
        awaitTemporary(p, out, log);
        p.destroyForcibly();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        List<Path> stale = temporaries(out);
        assertEquals(1, stale.size(), "kill -9 runs no cleanup: " + stale);
        // A temporary of a live process (this one) is never touched.
        Path live = out.resolve(".x.npy" + AtomicFiles.MARK + ProcessHandle.current().pid() + "-abc");
        Files.writeString(live, "in use");
        CommandTesting.Run r = CommandTesting.run("transfer", "--conductances", g.toString(), "--out", out.resolve("t.npy").toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of(live), temporaries(out), "the stale temporary is gone, the live one stays");
        assertEquals(30 * 40, Npy.read(out.resolve("t.npy")).size());

        // The same for map's staging directory.
        Path w = dir.resolve("w.npy");
        Npy.write(w, TrainedLikeData.weights(20, 4, 1), 20, 4);
        Path maps = Files.createDirectory(dir.resolve("maps"));
        Process m = start(log, "map", "--weights", w.toString(), "--out", maps.resolve("m").toString(), "--tile", "8x16");
        awaitTemporary(m, maps, log);
        m.destroyForcibly();
        assertTrue(m.waitFor(60, TimeUnit.SECONDS));
        assertFalse(temporaries(maps).isEmpty());
        assertEquals(0, CommandTesting.run("map", "--weights", w.toString(), "--out", maps.resolve("m").toString()).status());
        assertEquals(List.of(), temporaries(maps));
    }

    @Test
    void aStandardOutputThatCannotBeWrittenIsExitTwo() throws Exception {
        Path net = dir.resolve("n.cir");
        Files.writeString(net, "V1 a 0 1\nR1 a b 1k\nR2 b 0 1k\n.end\n");
        Path err = dir.resolve("err");
        List<String> xbar = command("-Dxbar.test=true", "spice", "solve", net.toString());
        if (Files.isWritable(Path.of("/dev/full"))) {
            Process p = new ProcessBuilder(xbar).redirectOutput(new File("/dev/full")).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(2, p.exitValue(), Files.readString(err));
            assertEquals(1, Files.readAllLines(err).stream().filter(l -> !l.startsWith("WARNING")).count(), Files.readString(err));
            assertTrue(Files.readString(err).contains("standard output"), Files.readString(err));
        }
        // A closed standard output (`xbar ... >&-`).
        List<String> closed = new ArrayList<>(List.of("bash", "-c", "exec 1>&-; exec \"$@\"", "xbar"));
        closed.addAll(xbar);
        Process p = new ProcessBuilder(closed).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), Files.readString(err));
        assertTrue(Files.readString(err).contains("standard output"), Files.readString(err));
    }
}
