// LauncherTest: runs the real ./xbar script over this build's classes: bad XBAR_HEAP/XBAR_JAVA_OPTS, usage, /dev/stdin.
package io.xbar.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.xbar.io.Npy;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher is a shell script, so it is tested as one: a copy of the repository's {@code ./xbar}
 * in a scratch root laid out as a packaged build ({@code bindings/cli/target/xbar-cli-*.jar},
 * {@code target/lib/*.jar}, the build stamp), the jars made from the classes this test runs on.
 * No Maven build happens; the script sees nothing stale.
 */
class LauncherTest {
    @TempDir
    static Path root;
    private static Path launcher;

    @TempDir
    Path dir;

    /** What one launcher run printed and returned. */
    record Run(int status, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    @BeforeAll
    static void packagedLayout() throws IOException {
        launcher = packagedLayout(root);
    }

    /**
     * Lays out {@code root} as a packaged build and returns its launcher; also used by {@link DaemonTest}.
     * The daemon's client source is copied too (older than the build stamp, as after a build).
     */
    static Path packagedLayout(Path root) throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash");
        Path script = repositoryRoot().resolve("xbar");
        Path launcher = root.resolve("xbar");
        Files.copy(script, launcher);
        assumeTrue(launcher.toFile().setExecutable(true), "executable copy of ./xbar");
        Path target = Files.createDirectories(root.resolve("bindings/cli/target"));
        Path lib = Files.createDirectories(target.resolve("lib"));
        Path classes = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        jar(classes, target.resolve("xbar-cli-0-test.jar"));
        // Everything the test JVM runs on besides this module's own classes becomes target/lib, as packaging does.
        List<String> entries = new ArrayList<>();
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            String v = System.getProperty(property);
            if (v != null && !v.isBlank()) {
                entries.addAll(List.of(v.split(File.pathSeparator)));
            }
        }
        int k = 0;
        for (String e : entries) {
            Path p = Path.of(e).toAbsolutePath();
            if (p.equals(classes.toAbsolutePath()) || p.endsWith("test-classes")) {
                continue;
            }
            if (Files.isDirectory(p)) {
                jar(p, lib.resolve("dir" + (k++) + ".jar"));
            } else if (p.toString().endsWith(".jar") && Files.isRegularFile(p)) {
                Files.createSymbolicLink(lib.resolve((k++) + "-" + p.getFileName()), p);
            }
        }
        Path client = repositoryRoot().resolve("bindings/cli/src/main/c/xbar-client.c");
        Path clientCopy = Files.createDirectories(root.resolve("bindings/cli/src/main/c")).resolve(client.getFileName());
        Files.copy(client, clientCopy);
        Files.setLastModifiedTime(clientCopy, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        Files.createFile(target.resolve(".xbar-built"));
        return launcher;
    }

    @AfterAll
    static void unlinkLibraries() throws IOException {
        unlinkLibraries(root);
    }

    static void unlinkLibraries(Path root) throws IOException {
        // The links point into the build; remove them so that the scratch root is deleted without following them.
        try (Stream<Path> links = Files.list(root.resolve("bindings/cli/target/lib"))) {
            for (Path p : (Iterable<Path>) links.filter(Files::isSymbolicLink)::iterator) {
                Files.delete(p);
            }
        }
    }

    // ------------------------------------------------------------------ XBAR_HEAP, checked before the JVM starts

    @Test
    void malformedHeapIsOneLineBeforeAnyJvmStarts() throws Exception {
        for (String heap : List.of("abc", "8", "16 g", "-1g", "0g", "1.5g", "16gb", "99999999999g")) {
            Run r = xbar(Map.of("XBAR_HEAP", heap), null, "help");
            assertEquals(2, r.status(), heap + ": " + r.err());
            assertEquals(List.of("xbar: XBAR_HEAP='" + heap + "' is not a heap size: give a whole number with a unit"
                    + " k, m, g or t, e.g. XBAR_HEAP=16g"), r.errLines(), heap);
            assertEquals("", r.out());
        }
    }

    @Test
    void tinyHeapIsRefusedInOneLine() throws Exception {
        for (String heap : List.of("1m", "63m", "1024k")) {
            Run r = xbar(Map.of("XBAR_HEAP", heap), null, "help");
            assertEquals(2, r.status(), heap + ": " + r.err());
            assertEquals(List.of("xbar: XBAR_HEAP=" + heap + " is too small: xbar needs at least 64m (the default is 8g)"),
                    r.errLines());
            assertEquals("", r.out());
        }
    }

    @Test
    void wellFormedHeapRuns() throws Exception {
        for (String heap : List.of("64m", "65536k")) {
            Run r = xbar(Map.of("XBAR_HEAP", heap), null, "help");
            assertEquals(0, r.status(), heap + ": " + r.err());
            assertEquals("", r.err(), heap);
            assertTrue(r.out().startsWith("usage: xbar"), r.out());
        }
    }

    @Test
    void anXbarJavaOlderThan25IsRefusedNotReplaced() throws Exception {
        Path home = dir.resolve("jdk-21");
        Files.createDirectories(home.resolve("bin"));
        Path java = home.resolve("bin").resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"21.0.5\"' >&2\n");
        java.toFile().setExecutable(true);
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"21.0.5\"\n");
        Run r = xbar(Map.of("XBAR_JAVA", java.toString()), null, "help");
        assertEquals(2, r.status(), r.err());
        assertEquals("xbar: XBAR_JAVA=" + java + " is Java 21; xbar needs JDK 25 or newer", r.err().strip());
        Run missing = xbar(Map.of("XBAR_JAVA", dir.resolve("none").toString()), null, "help");
        assertEquals(2, missing.status());
        assertEquals("xbar: XBAR_JAVA=" + dir.resolve("none") + " is not an executable java", missing.err().strip());
    }

    // ------------------------------------------------------------------ a JVM that does not start: one line

    @Test
    void jvmThatDoesNotStartIsOneLineNamingTheCause() throws Exception {
        Map<String, String> causes = Map.of(
                "-Xfoo", "Unrecognized option: -Xfoo",
                "-XX:NoSuchOption", "Unrecognized VM option 'NoSuchOption'",
                "-XX:+UseG1GC -XX:+UseSerialGC", "Multiple garbage collectors selected",
                "-Xmx1m", "Too small maximum heap",
                "-Xss1k", "thread stack size specified is too small");
        for (Map.Entry<String, String> c : causes.entrySet()) {
            Run r = xbar(Map.of("XBAR_JAVA_OPTS", c.getKey()), null, "help");
            assertEquals(2, r.status(), c.getKey() + ": " + r.err());
            List<String> lines = r.errLines();
            assertEquals(1, lines.size(), c.getKey() + ": " + r.err());
            String line = lines.get(0);
            assertTrue(line.startsWith("xbar: the Java VM did not start: ") && line.contains(c.getValue())
                    && line.contains("XBAR_JAVA_OPTS='" + c.getKey() + "'"), line);
            assertEquals("", r.out(), c.getKey());
        }
    }

    // ------------------------------------------------------------------ a started JVM: stderr is xbar's own

    @Test
    void usageErrorsGoToStderrThroughTheLauncher() throws Exception {
        Run none = xbar(Map.of(), null);
        assertEquals(2, none.status());
        assertEquals("", none.out());
        assertTrue(none.err().startsWith("xbar: no command given; the commands are demo, solve") && none.err().strip().lines().count() == 1, none.err());
        Run spice = xbar(Map.of(), null, "spice");
        assertEquals(2, spice.status());
        assertEquals("", spice.out());
        assertEquals("xbar spice: no subcommand given; it is export or solve (xbar spice --help explains them)", spice.err().strip());
    }

    @Test
    void anErrorOfXbarIsItsOneLineWithoutJvmNoise() throws Exception {
        Path missing = dir.resolve("none.npy");
        Run r = xbar(Map.of("XBAR_JAVA_OPTS", "-Xms8m"), null, "solve", "--conductances", missing.toString(),
                "--inputs", missing.toString(), "--out", dir.resolve("o.npy").toString());
        assertEquals(2, r.status(), r.err());
        assertEquals(List.of("xbar solve: --conductances " + missing + ": no such file"), r.errLines());
    }

    @Test
    void devStdinIsReadAsAStream() throws Exception {
        double[] g = {1e-4, 2e-5, 3e-6, 4e-5, 5e-4, 6e-6};
        double[] v = {0.2, 0.1};
        Path gFile = dir.resolve("g.npy");
        Path vFile = dir.resolve("v.npy");
        Npy.write(gFile, g, 2, 3);
        Npy.write(vFile, v, 2);
        Path expected = dir.resolve("expected.npy");
        assertEquals(0, CommandTesting.run("solve", "--conductances", gFile.toString(), "--inputs", vFile.toString(),
                "--out", expected.toString()).status());
        // Standard input is a pipe here (not a file): no seeking, read front to back.
        Path out = dir.resolve("o.npy");
        Run r = xbar(Map.of(), Files.readAllBytes(gFile), "solve", "--conductances", "/dev/stdin",
                "--inputs", vFile.toString(), "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        assertArrayEquals(Npy.read(expected).toArray(), Npy.read(out).toArray(), 0.0);

        Path cfg = dir.resolve("o2.npy");
        Run c = xbar(Map.of(), "{\"r-wl\": 2.5} trailing".getBytes(StandardCharsets.UTF_8), "solve",
                "--config", "/dev/stdin", "--conductances", gFile.toString(), "--inputs", vFile.toString(),
                "--out", cfg.toString());
        assertEquals(2, c.status(), c.err());
        assertEquals(1, c.errLines().size(), c.err());
        assertTrue(c.err().contains("--config: /dev/stdin must hold one JSON object, but more follows it"), c.err());
    }

    // ------------------------------------------------------------------ helpers

    private static Run xbar(Map<String, String> env, byte[] stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/bin/bash", launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("XBAR_HEAP");
        pb.environment().remove("XBAR_JAVA_OPTS");
        pb.environment().put("XBAR_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The plain path (DaemonTest covers the daemon, in a socket directory of its own).
        pb.environment().put("XBAR_DAEMON", "0");
        pb.environment().putAll(env);
        Process p = pb.start();
        Thread feeder = Thread.ofPlatform().daemon().start(() -> {
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException e) {
                // the process did not read its input: its status says why
            }
        });
        var err = new java.util.concurrent.CompletableFuture<String>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                err.complete(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.completeExceptionally(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "launcher finished");
        feeder.join(10_000);
        return new Run(p.exitValue(), out, err.get(60, TimeUnit.SECONDS));
    }

    static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("xbar")) && Files.isRegularFile(p.resolve("mvnw"))) {
                return p;
            }
        }
        throw new IllegalStateException("no ./xbar above " + Path.of("").toAbsolutePath());
    }

    /** Packs a directory of classes and resources into a jar. */
    private static void jar(Path dir, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                String name = dir.relativize(f).toString().replace(File.separatorChar, '/');
                if (name.equals("module-info.class")) {
                    continue; // on the class path, as the launcher runs it
                }
                out.putNextEntry(new JarEntry(name));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }
}
