// OutputPathFuzz: outputs onto symlinks, device nodes, FIFOs, directories, odd names, shared paths, user folders and failing stdout.
package io.xbar.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Item 1: an output path that exists and is not a regular file is written through (device, FIFO,
 * the file a symlink points to) or refused, never replaced; a write error (a full device) is an
 * error. Item 2: {@code map --out DIR} replaces only what xbar wrote. Item 3: errors writing
 * standard output are errors; two outputs of one command on one path are refused. Device nodes are
 * made inside the attempt's directory ({@code mknod}, as root), never the machine's own.
 */
final class OutputPathFuzz implements CliFuzzTest.Family {
    private static final String[] SCENARIOS = {"symlink", "dangling-symlink", "null-device", "full-device", "symlink-to-device",
            "fifo", "directory", "missing-directory", "same-path", "map-user-files", "map-foreign-directory", "stdout-full",
            "odd-name"};

    @Override
    public int curated() {
        return SCENARIOS.length;
    }

    @Override
    public String name() {
        return "outputs";
    }

    @Override
    public void attempt(CliFuzz.Attempt a) throws Exception {
        String scenario = SCENARIOS[a.number < SCENARIOS.length ? a.number : a.rnd.nextInt(SCENARIOS.length)];
        a.label = scenario;
        a.category = scenario;
        switch (scenario) {
            case "same-path" -> samePath(a);
            case "map-user-files" -> mapUserFiles(a, true);
            case "map-foreign-directory" -> mapUserFiles(a, false);
            case "stdout-full" -> stdoutFull(a);
            case "fifo" -> fifo(a);
            default -> onPath(a, scenario);
        }
    }

    /** A file command whose single output is a file (not map), chosen at random. */
    private static FuzzWorkloads.Template fileCommand(CliFuzz.Attempt a) throws IOException {
        String[] commands = {"solve", "transfer", "mvm", "nf", "export", "spice"};
        return FuzzWorkloads.template(a, commands[a.rnd.nextInt(commands.length)]);
    }

    private static boolean mknod(CliFuzz.Attempt a, Path p, int major, int minor) {
        boolean ok = CliFuzz.tool("mknod", p.toString(), "c", Integer.toString(major), Integer.toString(minor));
        if (ok) {
            a.note(a.dir.relativize(p) + " = character device " + major + "," + minor + " (made with mknod)");
        }
        return ok;
    }

    private void onPath(CliFuzz.Attempt a, String scenario) throws Exception {
        FuzzWorkloads.Template t = fileCommand(a);
        a.label = scenario + " (" + t.command() + ")";
        String ext = t.outputName().substring(t.outputName().indexOf('.'));
        Path out = a.path("o_out" + ext);
        Path contentAt = null;
        CliFuzz.Expect expect = CliFuzz.Expect.SUCCESS_OR_REFUSED;
        List<String> allowed = new ArrayList<>();
        switch (scenario) {
            case "symlink" -> {
                Path target = a.path("t_target" + ext);
                Files.writeString(target, "the user's old content\n");
                Files.createSymbolicLink(out, Path.of(target.getFileName().toString()));
                a.note("o_out" + ext + " -> t_target" + ext + " (a file)");
                contentAt = target;
                allowed.add("t_target" + ext);
            }
            case "dangling-symlink" -> {
                Files.createSymbolicLink(out, Path.of("t_target" + ext));
                a.note("o_out" + ext + " -> t_target" + ext + " (missing)");
                contentAt = a.path("t_target" + ext);
                allowed.add("t_target" + ext);
            }
            case "null-device" -> {
                if (!mknod(a, out, 1, 3)) {
                    return;
                }
            }
            case "full-device" -> {
                if (!mknod(a, out, 1, 7)) {
                    return;
                }
                expect = CliFuzz.Expect.REFUSED;
            }
            case "symlink-to-device" -> {
                Path dev = a.path("t_null");
                if (!mknod(a, dev, 1, 3)) {
                    return;
                }
                Files.createSymbolicLink(out, Path.of("t_null"));
                a.note("o_out" + ext + " -> t_null");
            }
            case "directory" -> {
                Files.createDirectory(out);
                a.note("o_out" + ext + " = an empty directory");
                expect = CliFuzz.Expect.REFUSED;
            }
            case "missing-directory" -> {
                out = a.path("o_missing/o_out" + ext);
                expect = CliFuzz.Expect.REFUSED;
            }
            default -> {
                String[] names = {"o_ with spaces" + ext, "o_\u00fc\u212A\u0131" + ext, "o_new\nline" + ext, "o_" + "z".repeat(300) + ext,
                        "o_-dash" + ext, "o_;rm" + ext, "o_\u202Ertl" + ext};
                String name = names[a.rnd.nextInt(names.length)];
                out = a.path(name);
                a.label = scenario + " " + CliFuzz.quote(CliFuzz.abbreviate(name, 40)) + " (" + t.command() + ")";
                contentAt = name.length() > 255 ? null : out;
                allowed.add(name);
            }
        }
        if (contentAt == null && scenario.equals("odd-name")) {
            expect = CliFuzz.Expect.REFUSED;
        }
        final Path output = out;
        String rel = a.dir.relativize(out).toString();
        CliFuzz.Snapshot before = a.snapshot();
        CliFuzz.Run r = a.run(t.with(out.toString()).toArray(String[]::new));
        boolean ok = a.checkRun(r, expect);
        // A path that did not exist may be created; one that existed (link, device, directory) must stay what it was.
        a.checkChanges(before, p -> allowed.contains(p) || (before.entries().get(rel) == null && p.equals(rel)));
        if (ok && contentAt != null) {
            if (Files.isRegularFile(contentAt)) {
                t.check().check(a, contentAt);
            } else {
                a.fail("output missing", a.dir.relativize(contentAt) + " is not a regular file after exit 0");
            }
        }
        if (!ok && contentAt != null && scenario.equals("odd-name") && Files.exists(output)) {
            a.fail("output after a failure", rel + " exists after exit " + r.status());
        }
    }

    /** Item 1 with a FIFO that has a reader: the content goes through it and the FIFO stays a FIFO (child JVM: it may block). */
    private void fifo(CliFuzz.Attempt a) throws Exception {
        FuzzWorkloads.Template t = fileCommand(a);
        a.label = "fifo (" + t.command() + ")";
        String ext = t.outputName().substring(t.outputName().indexOf('.'));
        Path out = a.path("o_out" + ext);
        if (!CliFuzz.tool("mkfifo", out.toString())) {
            return;
        }
        a.note("o_out" + ext + " = a FIFO read by cat");
        Path received = a.dir.resolveSibling(a.dir.getFileName() + "-received" + ext);
        Process reader = new ProcessBuilder("cat", out.toString()).redirectOutput(received.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            CliFuzz.Snapshot before = a.snapshot();
            CliFuzz.Run r = a.child(t.with(out.toString()), null, 20_000);
            boolean ok = a.checkRun(r, CliFuzz.Expect.SUCCESS_OR_REFUSED);
            a.checkChanges(before, p -> false);
            if (!reader.waitFor(3, TimeUnit.SECONDS)) {
                reader.destroyForcibly();
                reader.waitFor(5, TimeUnit.SECONDS);
            }
            if (ok) {
                // Written through: what cat received is the complete output.
                t.check().check(a, received);
            }
        } finally {
            if (reader.isAlive()) {
                reader.destroyForcibly();
            }
            Files.deleteIfExists(received);
        }
    }

    /** Item 3: two outputs of one command on one path are refused, and nothing is written. */
    private void samePath(CliFuzz.Attempt a) throws Exception {
        Random rnd = a.rnd;
        List<String> args;
        if (rnd.nextBoolean()) {
            FuzzWorkloads.Template t = FuzzWorkloads.template(a, "solve");
            args = new ArrayList<>(t.with(a.path("o_P_u.npy").toString()));
            args.addAll(List.of("--node-voltages", a.path("o_P").toString()));
            a.label = "solve --out P_u.npy --node-voltages P";
        } else {
            FuzzWorkloads.Template t = FuzzWorkloads.template(a, "nf");
            args = new ArrayList<>(t.with(a.path("o_R.x").toString()));
            args.addAll(List.of("--out", a.path("o_R.x").toString()));
            a.label = "nf --report R.x --out R.x";
        }
        CliFuzz.Snapshot before = a.snapshot();
        CliFuzz.Run r = a.run(args.toArray(String[]::new));
        a.checkRun(r, CliFuzz.Expect.REFUSED);
        a.checkChanges(before, p -> false);
    }

    /** Item 2: a directory holding an earlier mapping and the user's files; only xbar's own files may change. */
    private void mapUserFiles(CliFuzz.Attempt a, boolean earlierMapping) throws Exception {
        FuzzWorkloads.Template t = FuzzWorkloads.template(a, "map");
        Path dir = a.path("o_map");
        Files.createDirectories(dir.resolve("u_results"));
        Files.writeString(dir.resolve("u_notes.txt"), "the user's notes\n");
        Files.writeString(dir.resolve("u_results/run1.csv"), "a,b\n1,2\n");
        if (earlierMapping) {
            CliFuzz.Run first = a.run(t.with(dir.toString()).toArray(String[]::new));
            if (first.status() != 0) {
                // A non-empty directory without a mapping may be refused; put a mapping there by hand then.
                Files.writeString(dir.resolve("mapping.json"), "{\"tiles\": []}");
            }
        }
        a.note("o_map/ holds u_notes.txt, u_results/run1.csv" + (earlierMapping ? " and an earlier mapping.json" : ""));
        CliFuzz.Snapshot before = a.snapshot();
        CliFuzz.Run r = a.run(t.with(dir.toString()).toArray(String[]::new));
        boolean ok = a.checkRun(r, CliFuzz.Expect.SUCCESS_OR_REFUSED);
        a.checkChanges(before, p -> p.equals("o_map/mapping.json") || p.matches("o_map/tile_\\d+_\\d+\\.npy"));
        if (ok) {
            FuzzWorkloads.checkMapping(a, dir);
        }
    }

    /** Item 3: a standard output that fails (a full disk, a closed pipe) makes the command fail. */
    private void stdoutFull(CliFuzz.Attempt a) throws Exception {
        Path net = a.text("i_net.cir", NetlistFuzz.generate(a.rnd).text());
        boolean closed = a.rnd.nextBoolean();
        a.label = closed ? "closed stdout (spice solve)" : "full stdout (spice solve)";
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException(closed ? "Broken pipe" : "No space left on device");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                write(0);
            }
        };
        String[] args = {"spice", "solve", net.toString()};
        a.lastArgs = List.of(args);
        CliFuzz.Snapshot before = a.snapshot();
        CliFuzz.Run r = CliFuzz.inProcessWithStdout(args, new PrintStream(failing, false, StandardCharsets.UTF_8));
        a.checkRun(r, CliFuzz.Expect.ANY);
        if (r.status() == 0) {
            a.fail("stdout write error ignored", "exit 0 although every write to standard output failed ("
                    + (closed ? "Broken pipe" : "No space left on device") + ")");
        }
        a.checkChanges(before, p -> false);
    }
}
