// DaemonTest: ./xbar through the warm daemon gives the bytes, files and statuses of a plain run, and falls back whenever it cannot serve.
package io.xbar.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.xbar.io.Npy;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real launcher and C client in a scratch root laid out as a packaged build (as {@link LauncherTest}),
 * each test with a socket directory of its own ({@code XBAR_DAEMON_DIR}); every daemon a test starts is
 * stopped in {@code @AfterEach}, and killed by its process id if it does not stop. Without a C compiler
 * the client cannot be built and the launcher runs plainly: the tests are skipped, saying so.
 */
class DaemonTest {
    @TempDir
    static Path root;
    private static Path launcher;

    @TempDir
    Path dir;
    private Path sockets;
    private final List<Long> daemons = new ArrayList<>();

    record Run(int status, byte[] out, byte[] err) {
        String errText() {
            return new String(err, StandardCharsets.UTF_8);
        }
    }

    @BeforeAll
    static void layout() throws IOException {
        boolean compiler = Stream.of("/usr/bin/cc", "/usr/bin/gcc", "/usr/local/bin/cc", "/usr/local/bin/gcc")
                .anyMatch(p -> Files.isExecutable(Path.of(p)));
        assumeTrue(compiler, "no C compiler: the daemon's client cannot be built and ./xbar runs plainly");
        launcher = LauncherTest.packagedLayout(root);
    }

    @AfterAll
    static void unlink() throws IOException {
        if (launcher != null) {
            LauncherTest.unlinkLibraries(root);
        }
    }

    @AfterEach
    void stopDaemons() throws Exception {
        if (sockets == null) {
            return;
        }
        noteDaemon();
        xbar(Map.of(), dir, null, "daemon", "stop");
        for (long pid : daemons) {
            ProcessHandle.of(pid).ifPresent(p -> {
                try {
                    p.onExit().get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    p.destroyForcibly();
                }
            });
        }
    }

    /** A fresh private socket directory and a daemon started in it (no warm-up: these tests need it quickly). */
    private void startDaemon(Map<String, String> env) throws Exception {
        sockets = Files.createDirectories(dir.resolve("s"));
        Files.setPosixFilePermissions(sockets, PosixFilePermissions.fromString("rwx------"));
        Run r = xbar(env, dir, null, "daemon", "start");
        assertEquals(0, r.status(), r.errText());
        noteDaemon();
        assertTrue(socket() != null, "a socket in " + sockets);
    }

    private void noteDaemon() throws IOException {
        if (sockets == null || !Files.isDirectory(sockets)) {
            return;
        }
        try (Stream<Path> s = Files.list(sockets)) {
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".pid")).toList()) {
                try {
                    long pid = Long.parseLong(Files.readString(p).trim());
                    if (!daemons.contains(pid)) {
                        daemons.add(pid);
                    }
                } catch (IOException | NumberFormatException e) {
                    // it is leaving
                }
            }
        }
    }

    private Path socket() throws IOException {
        try (Stream<Path> s = Files.list(sockets)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".sock")).findFirst().orElse(null);
        }
    }

    private long daemonPid() throws IOException {
        try (Stream<Path> s = Files.list(sockets)) {
            Path pid = s.filter(f -> f.getFileName().toString().endsWith(".pid")).findFirst().orElseThrow();
            return Long.parseLong(Files.readString(pid).trim());
        }
    }

    /** The requests the daemon has run, from {@code xbar daemon status}. */
    private int served() throws Exception {
        String status = new String(xbar(Map.of(), dir, null, "daemon", "status").out(), StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) requests served").matcher(status);
        assertTrue(m.find(), status);
        return Integer.parseInt(m.group(1));
    }

    private String logOrNone() {
        try {
            return log();
        } catch (IOException | RuntimeException e) {
            return "(no log: " + e + ")";
        }
    }

    private String log() throws IOException {
        try (Stream<Path> s = Files.list(sockets)) {
            Path log = s.filter(f -> f.getFileName().toString().endsWith(".log")).findFirst().orElseThrow();
            return Files.readString(log);
        }
    }

    // ------------------------------------------------------------------ the same as a plain run

    @Test
    void commandsGiveTheSameBytesFilesAndStatusAsAPlainRun() throws Exception {
        startDaemon(Map.of());
        List<List<String>> commands = List.of(
                List.of("solve", "--conductances", "G.npy", "--inputs", "V.npy", "--out", "I.npy"),
                List.of("solve", "--conductances", "G.npy", "--inputs", "B.npy", "--out", "sub/IB.npy", "--r-wl", "1"),
                List.of("solve", "--conductances", "missing.npy", "--inputs", "V.npy", "--out", "I.npy"),
                List.of("solve", "--conductances", "V.npy", "--inputs", "V.npy", "--out", "I.npy"),
                List.of("solve", "--conductances", "G.npy", "--inputs", "V.npy", "--out", "nodir/I.npy"),
                List.of("solve", "--conductances", "G.npy", "--inputs", "V.npy", "--out", "I.npy", "--r-wl", "-1"),
                List.of("solve", "--conductances", "G.npy", "--inputs", "V.npy", "--out", "I.npy", "--bogus", "1"),
                List.of("solve", "--help"),
                List.of("transfer", "--conductances", "G.npy", "--out", "T.npy"),
                List.of("mvm", "--weights", "W.npy", "--inputs", "X.npy", "--out", "Y.npy", "--tile", "16x16"),
                List.of("nf", "--weights", "W.npy", "--inputs", "X.npy", "--report", "R.json", "--tile", "16x16"),
                List.of("map", "--weights", "W.npy", "--out", "mapped", "--tile", "16x16"),
                List.of("spice", "export", "--conductances", "G.npy", "--inputs", "V.npy", "--out", "net.cir"),
                List.of("spice", "solve", "net.cir", "--out", "S.json"),
                List.of("help"),
                List.of("--help"));
        int before = served();
        for (List<String> c : commands) {
            String[] args = c.toArray(String[]::new);
            // Both runs in the same directory, laid out anew (messages may name its absolute path).
            Path w = workDir("w");
            Run p = xbar(Map.of("XBAR_DAEMON", "0"), w, null, args);
            Map<String, String> plainFiles = tree(w);
            CliFuzzTest.deleteTree(w);
            w = workDir("w");
            Run d = xbar(Map.of(), w, null, args);
            String what = String.join(" ", c);
            assertEquals(p.status(), d.status(), what + ": " + d.errText());
            // The one thing that may differ: how long a command took ("nf ... (naive, ..., 2.46 s)").
            if (c.get(0).equals("nf")) {
                assertEquals(withoutTime(p.out()), withoutTime(d.out()), what + ": standard output");
            } else {
                assertArrayEquals(p.out(), d.out(), what + ": standard output");
            }
            assertEquals(p.errText(), d.errText(), what + ": standard error");
            assertEquals(plainFiles, tree(w), what + ": files");
            CliFuzzTest.deleteTree(w);
        }
        assertEquals(before + commands.size(), served(), "every command ran in the daemon:\n" + log());
    }

    private static String withoutTime(byte[] out) {
        return new String(out, StandardCharsets.UTF_8).replaceAll("[0-9]+\\.[0-9]+ s\\)", "T s)");
    }

    /** A work directory with the inputs, named relative to it in the commands. */
    private Path workDir(String name) throws IOException {
        Path w = Files.createDirectories(dir.resolve(name));
        Files.createDirectories(w.resolve("sub"));
        Random rnd = new Random(5);
        Npy.write(w.resolve("G.npy"), uniform(rnd, 24 * 20, 1e-6, 1e-4), 24, 20);
        Npy.write(w.resolve("V.npy"), uniform(rnd, 24, 0, 0.2), 24);
        Npy.write(w.resolve("B.npy"), uniform(rnd, 3 * 24, 0, 0.2), 3, 24);
        Npy.write(w.resolve("W.npy"), uniform(rnd, 40 * 12, -1, 1), 40, 12);
        Npy.write(w.resolve("X.npy"), uniform(rnd, 2 * 40, 0, 1), 2, 40);
        Files.writeString(w.resolve("net.cir"), "* a divider\nV1 1 0 1\nR1 1 2 1k\nR2 2 0 2k\n.end\n");
        return w;
    }

    /** Every file under {@code w}: relative name to content. */
    private static Map<String, String> tree(Path w) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(w)) {
            for (Path p : s.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList()) {
                byte[] content = Files.readAllBytes(p);
                if (p.toString().endsWith(".json")) {
                    // A report's run time is the one field that may differ.
                    content = new String(content, StandardCharsets.UTF_8)
                            .replaceAll("\"seconds\" : [0-9.Ee+-]+", "\"seconds\" : T").getBytes(StandardCharsets.UTF_8);
                }
                m.put(w.relativize(p).toString(), java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(content)));
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return m;
    }

    @Test
    void standardInputAndPerProcessFilesRunPlainlyWithTheSameResult() throws Exception {
        startDaemon(Map.of());
        Path w = workDir("w");
        int before = served();
        Run viaStdin = xbar(Map.of(), w, Files.readAllBytes(w.resolve("G.npy")), "solve", "--conductances", "/dev/stdin",
                "--inputs", "V.npy", "--out", "I1.npy");
        assertEquals(0, viaStdin.status(), viaStdin.errText());
        Run direct = xbar(Map.of(), w, null, "solve", "--conductances", "G.npy", "--inputs", "V.npy", "--out", "I2.npy");
        assertEquals(0, direct.status(), direct.errText());
        assertArrayEquals(Files.readAllBytes(w.resolve("I2.npy")), Files.readAllBytes(w.resolve("I1.npy")));
        // A link in the work directory to the client's standard output: the daemon hands it back unrun.
        Files.createSymbolicLink(w.resolve("out.npy"), Path.of("/dev/stdout"));
        Run linked = xbar(Map.of(), w, null, "solve", "--conductances", "G.npy", "--inputs", "V.npy", "--out", "out.npy");
        assertEquals(0, linked.status(), linked.errText());
        assertArrayEquals(Files.readAllBytes(w.resolve("I2.npy")), linked.out(), "the array on the client's stdout");
        assertEquals(before + 1, served(), "only the plain-file command ran in the daemon:\n" + log());
    }

    // ------------------------------------------------------------------ interrupts

    @Test
    void interruptedClientCancelsTheRequestLeavingNoTemporaries() throws Exception {
        // Every finished temporary waits 3 s before its move: the signal lands while it exists.
        startDaemon(Map.of("XBAR_DAEMON_JAVA_OPTS", "-Dxbar.test.writeDelayMillis=3000"));
        Map<String, String> env = Map.of("XBAR_DAEMON_JAVA_OPTS", "-Dxbar.test.writeDelayMillis=3000");
        Path w = workDir("w");
        for (String signal : List.of("INT", "TERM")) {
            Files.deleteIfExists(w.resolve("I.npy"));
            Process p = start(env, w, "solve", "--conductances", "G.npy", "--inputs", "V.npy", "--out", "I.npy");
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (temporaries(w).isEmpty() && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(5);
            }
            assertFalse(temporaries(w).isEmpty(), "a temporary appeared; log:\n" + log());
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "client ended after SIG" + signal);
            assertEquals(signal.equals("INT") ? 130 : 143, p.exitValue(), "exit status after SIG" + signal);
            assertEquals(List.of(), temporaries(w), "no temporaries once the client has exited");
            Thread.sleep(3500); // the request's delayed move would come now: it must not
            assertFalse(Files.exists(w.resolve("I.npy")), "no output after a cancel");
            assertEquals(List.of(), temporaries(w));
            assertTrue(log().contains("request cancelled (signal " + (signal.equals("INT") ? 2 : 15) + ")"), log());
        }
        // The daemon serves again, and writes again.
        int before = served();
        Run r = xbar(env, w, null, "solve", "--conductances", "G.npy", "--inputs", "V.npy", "--out", "I.npy");
        assertEquals(0, r.status(), r.errText());
        assertTrue(Files.exists(w.resolve("I.npy")));
        assertEquals(before + 1, served(), log());
    }

    private static List<String> temporaries(Path w) throws IOException {
        try (Stream<Path> s = Files.list(w)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".xbar-tmp-")).toList();
        }
    }

    // ------------------------------------------------------------------ security

    @Test
    void aDirectoryOrSocketThatIsNotPrivateIsNeverUsed() throws Exception {
        Path w = workDir("w");
        Run plain = xbar(Map.of("XBAR_DAEMON", "0"), w, null, "solve", "--conductances", "G.npy", "--inputs", "V.npy",
                "--out", "P.npy");
        assertEquals(0, plain.status(), plain.errText());
        // A socket directory others can enter: the launcher starts no daemon, the client runs the command plainly.
        sockets = Files.createDirectories(dir.resolve("open"));
        Files.setPosixFilePermissions(sockets, PosixFilePermissions.fromString("rwxr-xr-x"));
        Run open = xbar(Map.of(), w, null, "solve", "--conductances", "G.npy", "--inputs", "V.npy", "--out", "I.npy");
        assertEquals(0, open.status(), open.errText());
        assertArrayEquals(Files.readAllBytes(w.resolve("P.npy")), Files.readAllBytes(w.resolve("I.npy")));
        Run start = xbar(Map.of(), w, null, "daemon", "start");
        assertEquals(2, start.status(), start.errText());
        assertTrue(start.errText().contains("is not a private directory"), start.errText());
        Thread.sleep(1000);
        assertEquals(null, socket(), "no daemon listens in a directory others can enter");
        try (Stream<Path> s = Files.list(sockets)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pid")).toList());
        }
        // The daemon itself refuses such a directory too.
        assertNotNull(Daemon.checkDirectory(sockets));
        Files.setPosixFilePermissions(sockets, PosixFilePermissions.fromString("rwx------"));
        assertEquals(null, Daemon.checkDirectory(sockets));
        Path link = dir.resolve("link");
        Files.createSymbolicLink(link, sockets);
        assertNotNull(Daemon.checkDirectory(link), "a symbolic link is not the directory");

        // A socket that belongs to another user: the client refuses to talk to it and runs plainly.
        startDaemon(Map.of());
        Path socket = socket();
        int before = served();
        Files.setAttribute(socket, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
        Run foreign = xbar(Map.of(), w, null, "solve", "--conductances", "G.npy", "--inputs", "V.npy", "--out", "F.npy");
        assertEquals(0, foreign.status(), foreign.errText());
        assertArrayEquals(Files.readAllBytes(w.resolve("P.npy")), Files.readAllBytes(w.resolve("F.npy")));
        Files.setAttribute(socket, "unix:uid", Daemon.getuid(), LinkOption.NOFOLLOW_LINKS);
        assertEquals(before, served(), "the command did not go to a socket of another user");
    }

    @Test
    void anotherUserCannotConnect() throws Exception {
        assumeTrue(Daemon.getuid() == 0 && Files.isExecutable(Path.of("/usr/bin/setpriv"))
                && Files.isExecutable(Path.of("/usr/bin/python3")), "needs root and setpriv to act as a second user");
        startDaemon(Map.of());
        Path socket = socket();
        // Let uid 65534 reach the socket file, so that only the daemon's peer-credential check stands in the way.
        Files.setPosixFilePermissions(sockets, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        try {
            // A refused connect (seen once under heavy load, cause unknown) is retried for up to 10 s, and the
            // daemon's log goes with a failure, so a daemon that has gone away is told apart from a refusal.
            String script = "import socket,sys,time\n"
                    + "for k in range(20):\n"
                    + "    s=socket.socket(socket.AF_UNIX)\n"
                    + "    try:\n        s.connect(sys.argv[1]); break\n"
                    + "    except ConnectionRefusedError:\n        s.close(); time.sleep(0.5)\n"
                    + "else:\n    print('connection refused 20 times'); sys.exit(1)\n"
                    + "try:\n    s.sendall(b'Q\\0\\0\\0\\0'); s.settimeout(10); print(len(s.recv(100)))\n"
                    + "except (BrokenPipeError, ConnectionResetError):\n    print(0)\n";
            Process p = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    "/usr/bin/python3", "-c", script, socket.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals("0", out, () -> "the daemon closes a connection of another uid unanswered; its log:\n" + logOrNone());
            assertTrue(log().contains("refused a connection from"), log());
        } finally {
            Files.setPosixFilePermissions(sockets, PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    // ------------------------------------------------------------------ lifecycle and failures

    /** Process {@code pid} exits within 30 s ({@code why} if not). */
    private static void assertExits(long pid, String why) {
        assertTrue(ProcessHandle.of(pid).map(p -> {
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
                return true;
            } catch (Exception e) {
                return false;
            }
        }).orElse(true), why);
    }

    /** Daemon {@code old} exits within 30 s ({@code why} if not) and a new one listens within 60 s. */
    private void assertReplaced(long old, String why) throws Exception {
        assertExits(old, why);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (socket() == null && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        noteDaemon();
        assertNotNull(socket(), "a new daemon listens");
        assertNotEquals(old, daemonPid());
    }

    @Test
    void aNewBuildReplacesTheDaemon() throws Exception {
        startDaemon(Map.of());
        long old = daemonPid();
        Path w = workDir("w");
        // What a build does to the stamp: a new token.
        Files.writeString(root.resolve("bindings/cli/target/.xbar-built"), "rebuilt-" + System.nanoTime() + "\n");
        Run r = xbar(Map.of(), w, null, "solve", "--conductances", "G.npy", "--inputs", "V.npy", "--out", "I.npy");
        assertEquals(0, r.status(), r.errText());
        assertReplaced(old, "the old daemon left");
        int before = served();
        Run again = xbar(Map.of(), w, null, "solve", "--conductances", "G.npy", "--inputs", "V.npy", "--out", "J.npy");
        assertEquals(0, again.status(), again.errText());
        assertEquals(before + 1, served(), "the new daemon serves the new build");
    }

    @Test
    void aJarReplacedUnderARunningDaemonMakesItLeave() throws Exception {
        startDaemon(Map.of());
        long old = daemonPid();
        Path w = workDir("w");
        // A jar of its class path changes while the build token stays (a jar rewritten in place, older
        // than the stamp): the daemon cannot trust its class loader any more and must not serve.
        Path jar = root.resolve("bindings/cli/target/xbar-cli-0-test.jar");
        long stamp = Files.getLastModifiedTime(root.resolve("bindings/cli/target/.xbar-built")).toMillis();
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(stamp - 3_600_000));
        Run r = xbar(Map.of(), w, null, "solve", "--conductances", "G.npy", "--inputs", "V.npy", "--out", "I.npy");
        assertEquals(0, r.status(), r.errText());
        assertTrue(Files.isRegularFile(w.resolve("I.npy")), "the command ran (plainly)");
        assertReplaced(old, "the daemon whose class path changed left");
    }

    @Test
    void stopDuringTheWarmUpStopsTheDaemon() throws Exception {
        sockets = Files.createDirectories(dir.resolve("s"));
        Files.setPosixFilePermissions(sockets, PosixFilePermissions.fromString("rwx------"));
        // A real warm-up (seconds of solves): the daemon is not listening yet when the stop comes.
        Map<String, String> warm = Map.of("XBAR_DAEMON_WARMUP", "1");
        Run first = xbar(warm, dir, null, "--help");
        assertEquals(0, first.status(), first.errText());
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!pidFileExists() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        noteDaemon();
        long pid = daemonPid();
        assumeTrue(socket() == null, "the daemon finished its warm-up before the stop could come");
        Run stop = xbar(warm, dir, null, "daemon", "stop");
        assertEquals(0, stop.status(), stop.errText());
        assertExits(pid, "the daemon stopped during its warm-up");
    }

    private boolean pidFileExists() throws IOException {
        try (Stream<Path> s = Files.list(sockets)) {
            return s.anyMatch(f -> f.getFileName().toString().endsWith(".pid"));
        }
    }

    @Test
    void aDeadOrStalledDaemonNeverBlocksACommand() throws Exception {
        startDaemon(Map.of());
        Path w = workDir("w");
        Run plain = xbar(Map.of("XBAR_DAEMON", "0"), w, null, "solve", "--conductances", "G.npy", "--inputs", "V.npy",
                "--out", "P.npy");
        // Stalled (SIGSTOP): the client waits a few seconds for an answer, then runs the command itself.
        long pid = daemonPid();
        new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor();
        long t0 = System.nanoTime();
        Run stalled;
        try {
            stalled = xbar(Map.of(), w, null, "solve", "--conductances", "G.npy", "--inputs", "V.npy", "--out", "S.npy");
        } finally {
            new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor();
        }
        assertEquals(0, stalled.status(), stalled.errText());
        assertTrue((System.nanoTime() - t0) / 1e9 < 60, "not blocked");
        assertArrayEquals(Files.readAllBytes(w.resolve("P.npy")), Files.readAllBytes(w.resolve("S.npy")));
        for (int k = 0; k < 200 && !log().contains("client gone or cancelled before its request started"); k++) {
            Thread.sleep(100);
        }
        assertTrue(log().contains("client gone or cancelled before its request started: not run"), log());
        // Dead (SIGKILL): a stale socket and pid file remain; the command runs plainly and a new daemon starts.
        new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor();
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        assertNotNull(socket(), "the dead daemon's socket is still there");
        Run dead = xbar(Map.of(), w, null, "solve", "--conductances", "G.npy", "--inputs", "V.npy", "--out", "D.npy");
        assertEquals(0, dead.status(), dead.errText());
        assertEquals("", dead.errText());
        assertArrayEquals(Files.readAllBytes(w.resolve("P.npy")), Files.readAllBytes(w.resolve("D.npy")));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            noteDaemon();
            if (new String(xbar(Map.of(), dir, null, "daemon", "status").out(), StandardCharsets.UTF_8)
                    .contains("requests served")) {
                break; // listening
            }
            Thread.sleep(200);
        }
        assertNotEquals(pid, daemonPid(), "a new daemon replaced the dead one");
        // Disabled: never used, nor started.
        int before = served();
        Run off = xbar(Map.of("XBAR_DAEMON", "0"), w, null, "solve", "--conductances", "G.npy", "--inputs", "V.npy",
                "--out", "O.npy");
        assertEquals(0, off.status(), off.errText());
        assertEquals(before, served());
    }

    @Test
    void idleDaemonStopsItself() throws Exception {
        startDaemon(Map.of("XBAR_DAEMON_IDLE", "2s"));
        long pid = daemonPid();
        Thread.sleep(2000);
        assertTrue(ProcessHandle.of(pid).map(p -> {
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
                return true;
            } catch (Exception e) {
                return false;
            }
        }).orElse(true), "stopped after its idle time");
        assertEquals(null, socket());
        assertTrue(log().contains("idle for 2 s: stopping"), log());
        assertEquals(10_800_000L, Daemon.idleMillis("3h"));
        assertEquals(90_000L, Daemon.idleMillis("90"));
        for (String bad : List.of("", "0", "3x", "-1", "1.5h")) {
            try {
                Daemon.idleMillis(bad);
                throw new AssertionError("accepted '" + bad + "'");
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().contains(bad), e.getMessage());
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * {@code ./xbar ARGS} in {@code cwd}: no {@code XBAR_*} variable of the test JVM's, this JVM's
     * {@code java}, no daemon warm-up and this test's socket directory, then {@code env} over them.
     */
    private ProcessBuilder launcherCommand(Map<String, String> env, Path cwd, String... args) {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("XBAR_"));
        e.put("XBAR_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        e.put("XBAR_DAEMON_WARMUP", "0");
        e.put("XBAR_DAEMON_DIR", (sockets != null ? sockets : dir.resolve("s")).toString());
        e.putAll(env);
        return pb;
    }

    private Process start(Map<String, String> env, Path cwd, String... args) throws IOException {
        ProcessBuilder pb = launcherCommand(env, cwd, args);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    private Run xbar(Map<String, String> env, Path cwd, byte[] stdin, String... args) throws Exception {
        Process p = launcherCommand(env, cwd, args).start();
        Thread.ofPlatform().daemon().start(() -> {
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException ex) {
                // not read
            }
        });
        CompletableFuture<byte[]> err = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                err.complete(p.getErrorStream().readAllBytes());
            } catch (IOException ex) {
                err.completeExceptionally(ex);
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "launcher finished");
        return new Run(p.exitValue(), out, err.get(60, TimeUnit.SECONDS));
    }

    private static double[] uniform(Random rnd, int count, double lo, double hi) {
        double[] a = new double[count];
        for (int k = 0; k < count; k++) {
            a[k] = lo + (hi - lo) * rnd.nextDouble();
        }
        return a;
    }
}
