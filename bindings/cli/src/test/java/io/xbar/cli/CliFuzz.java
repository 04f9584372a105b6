// CliFuzz: the command-line fuzz harness: seeded attempts, in-process and child-JVM runs, and the invariants every run must keep.
package io.xbar.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xbar.io.NdArray;
import io.xbar.io.Npy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The harness of {@link CliFuzzTest}. An attempt is fully determined by (seed, family, attempt
 * number): it gets its own {@link Random} and its own empty work directory, builds input files,
 * runs {@code xbar} (in-process through {@link Main#run}, or in a child JVM for signals, standard
 * input and files that may block), and checks the invariants of MODEL.md's error behaviour:
 * <ul>
 *   <li>exit status 0, 1 or 2 (and what the family expects where it knows the input's validity);</li>
 *   <li>no stack trace and no exception or error class name on stderr; a failed run prints exactly
 *       one line, starting {@code xbar}, naming the problem, and nothing on stdout;</li>
 *   <li>no temporaries left (hidden {@code .*.tmp} files, {@code .mapped.*} staging directories);</li>
 *   <li>nothing in the work directory changed but the declared outputs (content hash, type,
 *       permissions, symlink targets and device numbers compared before and after);</li>
 *   <li>a successful run's outputs are complete and valid ({@code .npy} parses with the declared
 *       shape and finite values, JSON parses strictly with finite numbers only).</li>
 * </ul>
 * Violations are collected, not thrown, so one run reports every distinct failure it finds.
 */
final class CliFuzz {
    /** What an attempt knows about its input. */
    enum Expect {
        /** Valid input: exit 0 with complete outputs. */
        SUCCESS,
        /** Invalid input: exit 2, one line. */
        REFUSED,
        /** Valid or refused (0 or 2); validity is not known to the generator. */
        SUCCESS_OR_REFUSED,
        /** Any of 0, 1, 2. */
        ANY
    }

    /** One violation with everything needed to reproduce it. */
    record Failure(String family, int attempt, String kind, String category, String detail, String repro) {
    }

    /** What one run printed and returned; {@code status} is -1 when it did not end within its time. */
    record Run(int status, String out, String err, boolean timedOut, long millis) {
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    static final ObjectMapper STRICT_JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Pattern CLASS_NAME = Pattern.compile("\\b[A-Za-z_$][\\w$.]*(Exception|Error)\\b|\\bError:");
    private static final Pattern STACK_LINE = Pattern.compile("^\\s+at [\\w$.]+\\(|^Caused by:|\\.java:\\d+\\)", Pattern.MULTILINE);
    private static final String INCUBATOR_WARNING = "WARNING: Using incubator modules";

    final long seed;
    final Path root;
    final List<Failure> failures = new ArrayList<>();

    CliFuzz(long seed, Path root) {
        this.seed = seed;
        this.root = root;
    }

    /** The {@link Random} of one attempt: a function of the seed, the family and the attempt number only. */
    static Random random(long seed, String family, int attempt) {
        long h = seed * 0x9E3779B97F4A7C15L ^ family.hashCode() * 0xC2B2AE3D27D4EB4FL ^ attempt * 0x165667B19E3779F9L;
        return new Random(h);
    }

    Attempt attempt(String family, int number) throws IOException {
        Path dir = root.resolve(family + "-" + number);
        Files.createDirectories(dir);
        return new Attempt(family, number, dir, random(seed, family, number));
    }

    /** One attempt: its work directory, what it wrote there, what it ran, and its checks. */
    final class Attempt {
        final String family;
        final int number;
        final Path dir;
        final Random rnd;
        final List<String> inputs = new ArrayList<>();
        String label = "";
        /** Groups the report's distinct failures beyond family and kind (for example the output-path scenario). */
        String category = "";
        List<String> lastArgs = List.of();
        String lastStdin = null;
        private final List<String> problems = new ArrayList<>();

        Attempt(String family, int number, Path dir, Random rnd) {
            this.family = family;
            this.number = number;
            this.dir = dir;
            this.rnd = rnd;
        }

        Path path(String name) {
            return dir.resolve(name);
        }

        /** Writes an input file and records it (hex for short binary content, text otherwise) for the report. */
        Path file(String name, byte[] content) throws IOException {
            Path p = dir.resolve(name);
            Files.write(p, content);
            inputs.add(name + " = " + show(content));
            return p;
        }

        Path text(String name, String content) throws IOException {
            Path p = dir.resolve(name);
            Files.writeString(p, content, StandardCharsets.UTF_8);
            String shown = content.length() > 1200 ? content.substring(0, 1200) + "...(" + content.length() + " chars)" : content;
            inputs.add(name + " = text " + quote(shown));
            return p;
        }

        Path npy(String name, double[] values, int... shape) throws IOException {
            Path p = dir.resolve(name);
            Npy.write(p, values, shape);
            inputs.add(name + " = float64 " + Arrays.toString(shape) + " " + abbreviate(Arrays.toString(values), 600));
            return p;
        }

        void note(String what) {
            inputs.add(what);
        }

        /** Runs {@code xbar args} in this JVM (bounded: a run that hangs is reported and abandoned). */
        Run run(String... args) {
            lastArgs = List.of(args);
            lastStdin = null;
            return inProcess(args, 120_000);
        }

        /** Runs {@code xbar args} in a child JVM on the module's class path. */
        Run child(List<String> args, byte[] stdin, long timeoutMillis) {
            lastArgs = List.copyOf(args);
            lastStdin = stdin == null ? null : show(stdin);
            Process p = start(args, stdin != null);
            return finish(p, stdin, timeoutMillis);
        }

        /**
         * How long a child run of a small input may take before it counts as a hang: 8 s, or more on a
         * loaded machine (three times a child {@code xbar help} plus 2 s; measured once).
         */
        long hangTimeout() {
            synchronized (CliFuzz.class) {
                if (childBaseline < 0) {
                    Run r = finish(start(List.of("help"), false), null, 120_000);
                    childBaseline = r.millis();
                }
                return Math.max(8_000, 3 * childBaseline + 2_000);
            }
        }

        Process start(List<String> args, boolean pipeStdin) {
            lastArgs = List.copyOf(args);
            List<String> command = new ArrayList<>(childCommand());
            command.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
            if (!pipeStdin) {
                pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            }
            try {
                return pb.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Run finish(Process p, byte[] stdin, long timeoutMillis) {
            long start = System.nanoTime();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread o = drain(p.getInputStream(), out);
            Thread e = drain(p.getErrorStream(), err);
            if (stdin != null) {
                Thread w = new Thread(() -> {
                    try (OutputStream s = p.getOutputStream()) {
                        s.write(stdin);
                    } catch (IOException ignored) {
                        // the child may exit without reading its input
                    }
                });
                w.setDaemon(true);
                w.start();
            }
            boolean ended;
            try {
                ended = p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS);
                if (!ended) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
                o.join(5000);
                e.join(5000);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
            String errText = err.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith(INCUBATOR_WARNING))
                    .reduce("", (a, b) -> a + b + "\n");
            return new Run(ended ? p.exitValue() : -1, out.toString(StandardCharsets.UTF_8), errText, !ended,
                    (System.nanoTime() - start) / 1_000_000);
        }

        /** Records a violation of this attempt. */
        void fail(String kind, String detail) {
            problems.add(kind);
            StringBuilder repro = new StringBuilder();
            repro.append("  seed ").append(seed).append(", family ").append(family).append(", attempt ").append(number)
                    .append(label.isEmpty() ? "" : " (" + label + ")").append('\n');
            repro.append("  reproduce: -Dxbar.fuzz.seed=").append(seed).append(" -Dxbar.fuzz.family=").append(family)
                    .append(" -Dxbar.fuzz.attempt=").append(number).append('\n');
            repro.append("  xbar ").append(String.join(" ", lastArgs.stream().map(CliFuzz::shellWord).toList())).append('\n');
            if (lastStdin != null) {
                repro.append("  stdin: ").append(lastStdin).append('\n');
            }
            for (String in : inputs) {
                repro.append("  ").append(in.replace(dir.toString(), "$DIR")).append('\n');
            }
            failures.add(new Failure(family, number, kind, category, detail.replace(dir.toString(), "$DIR"),
                    repro.toString().replace(dir.toString(), "$DIR")));
        }

        boolean failed() {
            return !problems.isEmpty();
        }

        int failuresSoFar() {
            return problems.size();
        }

        /**
         * The invariants of every run: status, stderr shape, stdout on failure, and the family's expectation.
         *
         * @param mentions strings a refusal's one line must contain (the file or flag at fault)
         * @return true when the run succeeded (status 0)
         */
        boolean checkRun(Run r, Expect expect, String... mentions) {
            if (r.timedOut()) {
                // A run that said up front it would be slow (too little heap for the fast method, with the
                // heap that avoids it) keeps the contract (issue 12 item 7); only a silent one is a hang.
                if (!r.err().contains(": warning: the fast method (nested dissection) needs")) {
                    fail("hang", "no exit within " + r.millis() + " ms; stderr so far: " + abbreviate(r.err(), 400));
                }
                return false;
            }
            if (r.status() < 0 || r.status() > 2) {
                fail("exit status " + r.status(), "exit status " + r.status() + " is not 0, 1 or 2; stderr: " + abbreviate(r.err(), 800));
            }
            boolean stackTrace = STACK_LINE.matcher(r.err()).find();
            if (stackTrace) {
                fail("stack trace", "stderr holds a stack trace: " + abbreviate(r.err(), 800));
            } else if (CLASS_NAME.matcher(r.err()).find()) {
                fail("class name on stderr", "stderr names a Java exception or error class: " + abbreviate(r.err(), 600));
            }
            if (r.status() != 0) {
                List<String> lines = r.errLines();
                if (stackTrace) {
                    // reported above
                } else if (lines.size() != 1) {
                    fail("stderr not one line", "a failed run (exit " + r.status() + ") must print one line, got " + lines.size()
                            + ": " + abbreviate(r.err(), 600));
                } else if (!lines.get(0).startsWith("xbar")) {
                    fail("stderr line not from xbar", "the one line does not start with 'xbar': " + abbreviate(lines.get(0), 300));
                }
                if (!r.out().isEmpty() && r.status() == 2) {
                    fail("stdout on refusal", "a refused run printed on stdout: " + abbreviate(r.out(), 300));
                }
            }
            switch (expect) {
                case SUCCESS -> {
                    if (r.status() != 0) {
                        fail("valid input not accepted", "expected exit 0, got " + r.status() + ": " + abbreviate(r.err(), 400));
                    }
                }
                case REFUSED -> {
                    if (r.status() != 2) {
                        fail("invalid input not refused", "expected exit 2, got " + r.status()
                                + (r.err().isBlank() ? "" : ": " + abbreviate(r.err(), 400)));
                    } else {
                        for (String m : mentions) {
                            if (!r.err().contains(m)) {
                                fail("refusal does not name the problem", "the message does not mention '" + m + "': "
                                        + abbreviate(r.err().strip(), 300));
                            }
                        }
                    }
                }
                case SUCCESS_OR_REFUSED -> {
                    if (r.status() != 0 && r.status() != 2 && r.status() >= 0) {
                        fail("exit " + r.status() + " (neither result nor refusal)", abbreviate(r.err(), 400));
                    }
                }
                case ANY -> {
                }
            }
            if (r.err().contains("internal error")) {
                fail("internal error", abbreviate(r.err(), 400));
            }
            return r.status() == 0;
        }

        /** A snapshot of this attempt's work directory. */
        Snapshot snapshot() {
            return Snapshot.of(dir);
        }

        /**
         * Everything changed since {@code before} must be an allowed output, and no temporaries may remain.
         *
         * @param allowed relative paths (forward slashes) that the run may create, change or remove
         */
        void checkChanges(Snapshot before, Predicate<String> allowed) {
            Snapshot after = snapshot();
            for (String p : after.entries.keySet()) {
                String name = p.substring(p.lastIndexOf('/') + 1);
                if (!before.entries.containsKey(p) && isTemporary(name)) {
                    fail("temporary left behind", "left " + p + " (" + after.entries.get(p) + ")");
                }
            }
            List<String> changed = new ArrayList<>();
            for (Map.Entry<String, String> e : after.entries.entrySet()) {
                if (!e.getValue().equals(before.entries.get(e.getKey()))) {
                    changed.add(e.getKey());
                }
            }
            for (String p : before.entries.keySet()) {
                if (!after.entries.containsKey(p)) {
                    changed.add(p);
                }
            }
            for (String p : changed) {
                String name = p.substring(p.lastIndexOf('/') + 1);
                if (allowed.test(p) || isTemporary(name)) {
                    continue;
                }
                fail("changed outside the outputs", p + ": before " + before.entries.getOrDefault(p, "absent") + ", after "
                        + after.entries.getOrDefault(p, "absent"));
            }
        }

        /** A successful run's {@code .npy} output: it parses, has the shape, and every value is finite. */
        NdArray checkNpy(Path file, int... shape) {
            try {
                if (!Files.isRegularFile(file)) {
                    fail("output missing", file + " is not a regular file after a successful run");
                    return null;
                }
                NdArray a = Npy.read(file);
                if (shape != null && !Arrays.equals(a.shape(), shape)) {
                    fail("output shape", file.getFileName() + " has shape " + a.shapeString() + ", expected " + Arrays.toString(shape));
                }
                for (int k = 0; k < a.size(); k++) {
                    if (!Double.isFinite(a.get(k))) {
                        fail("non-finite output", file.getFileName() + "[" + k + "] = " + a.get(k));
                        break;
                    }
                }
                return a;
            } catch (IOException | RuntimeException e) {
                fail("output not a valid .npy", file.getFileName() + ": " + e.getMessage());
                return null;
            }
        }

        /** A successful run's JSON output: strictly one JSON document whose numbers are all finite, none written as text. */
        JsonNode checkJson(Path file) {
            try {
                return checkJsonText(file.getFileName().toString(), Files.readString(file));
            } catch (IOException e) {
                fail("output missing", file + ": " + e.getMessage());
                return null;
            }
        }

        JsonNode checkJsonText(String what, String text) {
            JsonNode node;
            try {
                node = STRICT_JSON.readTree(text);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                fail("output not valid JSON", what + ": " + e.getOriginalMessage());
                return null;
            } catch (IOException e) {
                fail("output not valid JSON", what + ": " + e.getMessage());
                return null;
            }
            if (node == null || node.isMissingNode()) {
                fail("output not valid JSON", what + " is empty");
                return null;
            }
            List<String> bad = new ArrayList<>();
            walkJson(node, "$", bad);
            if (!bad.isEmpty()) {
                fail("non-finite number in JSON", what + ": " + abbreviate(bad.toString(), 400));
            }
            return node;
        }
    }

    private static void walkJson(JsonNode n, String at, List<String> bad) {
        if (n.isObject()) {
            n.properties().forEach(e -> walkJson(e.getValue(), at + "." + e.getKey(), bad));
        } else if (n.isArray()) {
            for (int k = 0; k < n.size(); k++) {
                walkJson(n.get(k), at + "[" + k + "]", bad);
            }
        } else if (n.isNumber() && !Double.isFinite(n.doubleValue())) {
            bad.add(at + " = " + n);
        } else if (n.isTextual() && n.textValue().matches("[+-]?(Infinity|NaN|INF|inf|nan)")) {
            bad.add(at + " = \"" + n.textValue() + "\"");
        }
    }

    static boolean isTemporary(String name) {
        return (name.startsWith(".") && (name.endsWith(".tmp") || name.contains(".tmp."))) || name.startsWith(".mapped")
                || name.endsWith(".part") || name.startsWith(".xbar");
    }

    // --------------------------------------------------------------------------------------- runs

    /** Runs Main.run on its own thread so that a hang is reported instead of stopping the suite. */
    static Run inProcess(String[] args, long timeoutMillis) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int[] status = {-1};
        long start = System.nanoTime();
        Thread t = new Thread(() -> {
            try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                 PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                try {
                    status[0] = Main.run(args, o, e);
                } catch (Throwable x) {
                    // Main.run let something through: what the launcher's JVM would print as an uncaught exception.
                    e.println("Exception in thread \"main\" " + x);
                    for (StackTraceElement s : x.getStackTrace()) {
                        e.println("\tat " + s);
                    }
                    status[0] = 1;
                }
            }
        }, "xbar-fuzz-run");
        t.setDaemon(true);
        t.start();
        try {
            t.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean hung = t.isAlive();
        if (hung) {
            t.interrupt();
        }
        return new Run(hung ? -1 : status[0], out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), hung,
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Runs {@code xbar} with a given standard output stream (for example one that fails like a full disk). */
    static Run inProcessWithStdout(String[] args, PrintStream stdout) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int status;
        try (PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.run(args, stdout, e);
        }
        return new Run(status, "", err.toString(StandardCharsets.UTF_8), false, (System.nanoTime() - start) / 1_000_000);
    }

    private static List<String> childCommandCache;
    private static long childBaseline = -1;

    /** {@code java [xbar's JVM flags] -cp <this module and its dependencies> io.xbar.cli.Main}, as the launcher runs it. */
    static synchronized List<String> childCommand() {
        if (childCommandCache == null) {
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cp = new ArrayList<>();
            for (String prop : List.of("jdk.module.path", "java.class.path")) {
                String v = System.getProperty(prop);
                if (v != null && !v.isBlank()) {
                    cp.addAll(Arrays.asList(v.split(java.io.File.pathSeparator)));
                }
            }
            childCommandCache = List.of(javaBin, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                    "-Xmx512m", "-Xss16m", "-XX:+UseSerialGC",
                    // A FIFO without a writer is refused after this wait (10 s by default): well inside the hang timeout.
                    "-Dxbar.input.wait-ms=2000",
                    "-cp", String.join(java.io.File.pathSeparator, cp.stream().distinct().toList()), "io.xbar.cli.Main");
        }
        return childCommandCache;
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            try (in) {
                byte[] b = new byte[8192];
                int n;
                while ((n = in.read(b)) > 0) {
                    synchronized (to) {
                        if (to.size() < (1 << 20)) {
                            to.write(b, 0, n);
                        }
                    }
                }
            } catch (IOException ignored) {
                // the child is gone
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Sends a signal to a process this suite started (by its pid). */
    static void signal(Process p, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs a small system tool ({@code mkfifo}, {@code mknod}); true when it succeeded. */
    static boolean tool(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ------------------------------------------------------------------------------- snapshots

    /** Relative path -> type, permissions and content hash (or link target, or device numbers), links not followed. */
    record Snapshot(Map<String, String> entries) {
        static Snapshot of(Path dir) {
            Map<String, String> m = new TreeMap<>();
            try {
                Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                        if (!d.equals(dir)) {
                            m.put(rel(dir, d), "dir " + perms(d));
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                        m.put(rel(dir, f), describe(f, attrs));
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path f, IOException e) {
                        m.put(rel(dir, f), "unreadable " + e.getClass().getSimpleName());
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Snapshot(m);
        }

        private static String rel(Path dir, Path p) {
            return dir.relativize(p).toString().replace('\\', '/');
        }

        private static String perms(Path p) {
            try {
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                return PosixFilePermissions.toString(a.permissions());
            } catch (IOException e) {
                return "?";
            }
        }

        private static String describe(Path f, BasicFileAttributes attrs) {
            try {
                if (attrs.isSymbolicLink()) {
                    return "link -> " + Files.readSymbolicLink(f);
                }
                if (attrs.isRegularFile()) {
                    return "file " + perms(f) + " " + attrs.size() + " " + sha256(f);
                }
                Object rdev = Files.getAttribute(f, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
                Object mode = Files.getAttribute(f, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                return "special mode " + Integer.toOctalString((Integer) mode) + " rdev " + rdev;
            } catch (IOException e) {
                return "unreadable " + e.getClass().getSimpleName();
            }
        }

        private static String sha256(Path f) throws IOException {
            try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                byte[] b = new byte[1 << 16];
                int n;
                while ((n = in.read(b)) > 0) {
                    md.update(b, 0, n);
                }
                return HexFormat.of().formatHex(md.digest(), 0, 8);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    // ------------------------------------------------------------------------------ formatting

    static String show(byte[] content) {
        boolean text = true;
        for (byte b : content) {
            if ((b < 0x20 && b != '\n' && b != '\t' && b != '\r') || b == 0x7f) {
                text = false;
                break;
            }
        }
        if (text) {
            String s = new String(content, StandardCharsets.UTF_8);
            return "text " + quote(abbreviate(s, 1200));
        }
        int n = Math.min(content.length, 600);
        return content.length + " bytes, hex " + HexFormat.of().formatHex(content, 0, n) + (n < content.length ? "..." : "");
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '\n') {
                b.append("\\n");
            } else if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    static String shellWord(String s) {
        if (!s.isEmpty() && s.matches("[\\w./=:,+-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''").replace("\n", "'$'\\n''") + "'";
    }

    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...(" + s.length() + " chars)";
    }

    // ------------------------------------------------------------------------------ generators

    /** Cell conductances uniformly in [lo, hi] siemens, one open cell now and then. */
    static double[] conductances(Random rnd, int m, int n, double lo, double hi) {
        double[] g = new double[m * n];
        for (int k = 0; k < g.length; k++) {
            g[k] = lo + rnd.nextDouble() * (hi - lo);
        }
        if (m * n > 2 && rnd.nextInt(3) == 0) {
            g[rnd.nextInt(g.length)] = 0;
        }
        return g;
    }

    static double[] uniform(Random rnd, int count, double lo, double hi) {
        double[] v = new double[count];
        for (int k = 0; k < count; k++) {
            v[k] = lo + rnd.nextDouble() * (hi - lo);
        }
        return v;
    }

    /** A .npy file of any supported dtype, byte order and memory order, with the header numpy would write. */
    static byte[] npyBytes(String descr, boolean fortran, int[] shape, double[] values) {
        StringBuilder h = new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': ")
                .append(fortran ? "True" : "False").append(", 'shape': (");
        for (int k = 0; k < shape.length; k++) {
            h.append(k == 0 ? "" : ", ").append(shape[k]);
        }
        h.append(shape.length == 1 ? ",), }" : "), }");
        return npyBytes(1, h.toString(), body(descr, fortran, shape, values));
    }

    /** Preamble, a header string padded to 64 bytes with a newline, and a body. */
    static byte[] npyBytes(int major, String header, byte[] body) {
        int lengthBytes = major == 1 ? 2 : 4;
        int total = 8 + lengthBytes + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        String padded = header + " ".repeat(pad) + "\n";
        byte[] hb = padded.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(8 + lengthBytes + hb.length + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) hb.length);
        } else {
            b.putInt(hb.length);
        }
        b.put(hb).put(body);
        return b.array();
    }

    /** The body of an array with the given dtype ({@code <f8 >f4 <i2 |u1 ...}); values are cast as NumPy's astype would. */
    static byte[] body(String descr, boolean fortran, int[] shape, double[] values) {
        ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        char kind = descr.charAt(1);
        int size = Integer.parseInt(descr.substring(2));
        ByteBuffer b = ByteBuffer.allocate(values.length * size).order(order);
        for (int k = 0; k < values.length; k++) {
            int src = k;
            if (fortran && shape.length == 2) {
                int rows = shape[0];
                int cols = shape[1];
                int i = k % rows;
                int j = k / rows;
                src = i * cols + j;
            }
            double v = values[src];
            switch (kind) {
                case 'f' -> {
                    if (size == 8) {
                        b.putDouble(v);
                    } else {
                        b.putFloat((float) v);
                    }
                }
                default -> {
                    long x = (long) v;
                    switch (size) {
                        case 1 -> b.put((byte) x);
                        case 2 -> b.putShort((short) x);
                        case 4 -> b.putInt((int) x);
                        default -> b.putLong(x);
                    }
                }
            }
        }
        return b.array();
    }

    /** The values a reader must see for a body written by {@link #body}: rounded as the dtype stores them. */
    static double[] stored(String descr, double[] values) {
        char kind = descr.charAt(1);
        int size = Integer.parseInt(descr.substring(2));
        double[] out = new double[values.length];
        for (int k = 0; k < values.length; k++) {
            double v = values[k];
            if (kind == 'f') {
                out[k] = size == 8 ? v : (float) v;
            } else {
                long x = (long) v;
                out[k] = switch (size) {
                    case 1 -> kind == 'u' ? (x & 0xff) : (byte) x;
                    case 2 -> kind == 'u' ? (x & 0xffff) : (short) x;
                    case 4 -> kind == 'u' ? (x & 0xffffffffL) : (int) x;
                    default -> x;
                };
            }
        }
        return out;
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < kv.length; k += 2) {
            m.put((String) kv[k], kv[k + 1]);
        }
        return m;
    }
}
