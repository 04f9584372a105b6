// InterruptFuzz: SIGINT, SIGTERM and SIGKILL while a child `xbar` writes its output; nothing partial or temporary may remain.
package io.xbar.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Item 4. A child JVM runs a command with a large output; the signal is sent the moment a hidden
 * entry (the temporary file or staging directory) appears in the work directory, or after a random
 * delay. After SIGINT or SIGTERM no temporary may remain and the output is absent or complete.
 * After SIGKILL temporaries may remain, but the next run of the same command must remove them
 * (and succeed). Inputs are never touched; stderr never holds a stack trace.
 */
final class InterruptFuzz implements CliFuzzTest.Family {
    private static final String[] COMMANDS = {"export", "map", "transfer", "solve"};
    private static final String[] SIGNALS = {"TERM", "INT", "KILL"};
    private static final Pattern STACK = Pattern.compile("^\\s+at [\\w$.]+\\(|Exception|Error:", Pattern.MULTILINE);

    @Override
    public int curated() {
        return 3;
    }

    @Override
    public String name() {
        return "interrupts";
    }

    private record Job(List<String> args, String output, int[] shape) {
    }

    private static Job job(CliFuzz.Attempt a, String command) throws IOException {
        Random rnd = a.rnd;
        switch (command) {
            case "solve" -> {
                int m = 8;
                int n = 64;
                int batch = 5_000 + rnd.nextInt(5_000);
                Path g = a.npy("i_G.npy", CliFuzz.conductances(rnd, m, n, 1e-6, 1e-4), m, n);
                Path v = a.dir.resolve("i_V.npy");
                io.xbar.io.Npy.write(v, CliFuzz.uniform(rnd, batch * m, 0, 0.2), batch, m);
                a.note("i_V.npy = float64 (" + batch + ", " + m + ") uniform in [0, 0.2)");
                return new Job(List.of("solve", "--conductances", g.toString(), "--inputs", v.toString(), "--out",
                        a.path("o_I.npy").toString(), "--threads", "1"), "o_I.npy", new int[] {batch, n});
            }
            case "map" -> {
                int k = 64 + rnd.nextInt(128);
                int outputs = 32 + rnd.nextInt(64);
                Path w = a.npy("i_W.npy", CliFuzz.uniform(rnd, k * outputs, -1, 1), k, outputs);
                return new Job(List.of("map", "--weights", w.toString(), "--out", a.path("o_map").toString(), "--tile", "32x32",
                        "--threads", "1"), "o_map", null);
            }
            case "export" -> {
                int m = 60 + rnd.nextInt(90);
                Path g = a.npy("i_G.npy", CliFuzz.conductances(rnd, m, m, 1e-6, 1e-4), m, m);
                Path v = a.npy("i_V.npy", CliFuzz.uniform(rnd, m, 0, 0.2), m);
                return new Job(List.of("spice", "export", "--conductances", g.toString(), "--inputs", v.toString(), "--out",
                        a.path("o_net.cir").toString()), "o_net.cir", null);
            }
            default -> {
                int m = 60 + rnd.nextInt(60);
                Path g = a.npy("i_G.npy", CliFuzz.conductances(rnd, m, m, 1e-6, 1e-4), m, m);
                return new Job(List.of("transfer", "--conductances", g.toString(), "--out", a.path("o_T.npy").toString(),
                        "--threads", "1"), "o_T.npy", new int[] {m, m});
            }
        }
    }

    @Override
    public void attempt(CliFuzz.Attempt a) throws Exception {
        Random rnd = a.rnd;
        String command = COMMANDS[a.number < COMMANDS.length ? a.number : rnd.nextInt(COMMANDS.length)];
        String signal = SIGNALS[a.number < SIGNALS.length ? a.number : rnd.nextInt(SIGNALS.length)];
        boolean onTemporary = a.number < 3 || rnd.nextInt(3) > 0;
        long delay = 200 + rnd.nextInt(2500);
        Job job = job(a, command);
        a.category = "SIG" + signal;
        a.label = "SIG" + signal + " during " + command + (onTemporary ? " when a temporary appears" : " after " + delay + " ms");
        CliFuzz.Snapshot before = a.snapshot();
        a.lastArgs = job.args();
        Process p = a.start(job.args(), false);
        CliFuzz.Run run;
        boolean sent = false;
        String seen = null;
        try {
            long t0 = System.nanoTime();
            while (p.isAlive()) {
                long elapsed = (System.nanoTime() - t0) / 1_000_000;
                if (onTemporary) {
                    seen = hiddenEntry(a.dir);
                }
                if ((onTemporary && seen != null) || (!onTemporary && elapsed >= delay) || elapsed > 30_000) {
                    if (signal.equals("KILL")) {
                        p.destroyForcibly();
                    } else if (signal.equals("TERM")) {
                        p.destroy();
                    } else {
                        CliFuzz.signal(p, "INT");
                    }
                    sent = true;
                    break;
                }
                Thread.sleep(onTemporary ? 1 : 10);
            }
            run = a.finish(p, null, 30_000);
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        a.note("signal " + (sent ? "sent" + (seen != null ? " when " + seen + " appeared" : "") : "not sent (the run had ended)"));
        if (run.timedOut()) {
            a.fail("hang after SIG" + signal, "no exit within 30 s of the signal");
            return;
        }
        if (STACK.matcher(run.err()).find()) {
            a.fail("stack trace on SIG" + signal, CliFuzz.abbreviate(run.err(), 600));
        }
        if (!sent) {
            a.checkRun(run, CliFuzz.Expect.SUCCESS);
        }
        List<String> temporaries = temporaries(a.dir);
        if (!signal.equals("KILL") && !temporaries.isEmpty()) {
            a.fail("temporaries after SIG" + signal, "left " + temporaries);
        }
        a.checkChanges(before, q -> q.equals(job.output()) || q.startsWith(job.output() + "/") || CliFuzz.isTemporary(leaf(q))
                || q.contains("/.") || q.startsWith("."));
        checkOutput(a, job, "after SIG" + signal);
        if (signal.equals("KILL") && sent) {
            // The next run removes what the killed one left (or the documented clean-up does; this suite checks the next run).
            CliFuzz.Run again = a.child(job.args(), null, 120_000);
            a.checkRun(again, CliFuzz.Expect.SUCCESS);
            List<String> stale = temporaries(a.dir);
            if (!stale.isEmpty()) {
                a.fail("stale temporaries after kill -9 survive the next run", "left " + stale + " (the killed run left " + temporaries + ")");
            }
            checkOutput(a, job, "after the run that followed kill -9");
        }
    }

    private static String leaf(String p) {
        return p.substring(p.lastIndexOf('/') + 1);
    }

    private static void checkOutput(CliFuzz.Attempt a, Job job, String when) throws IOException {
        Path out = a.path(job.output());
        if (!Files.exists(out)) {
            return;
        }
        int before = a.failuresSoFar();
        if (job.output().equals("o_map")) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    FuzzWorkloads.checkMapping(a, out);
                }
            }
        } else if (job.shape() != null) {
            a.checkNpy(out, job.shape());
        } else {
            String text = Files.readString(out);
            if (!text.strip().toLowerCase(java.util.Locale.ROOT).endsWith(".end")) {
                a.fail("partial output", job.output() + " does not end with .end (" + text.length() + " chars)");
            }
        }
        if (a.failuresSoFar() > before) {
            a.note("(the output was checked " + when + ")");
        }
    }

    /** The first hidden entry anywhere under {@code dir}, or null. */
    private static String hiddenEntry(Path dir) {
        try (Stream<Path> s = Files.walk(dir, 2)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".")).map(p -> dir.relativize(p).toString()).findFirst()
                    .orElse(null);
        } catch (IOException | java.io.UncheckedIOException e) {
            return null;
        }
    }

    private static List<String> temporaries(Path dir) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(p -> !p.equals(dir) && (p.getFileName().toString().startsWith(".") || CliFuzz.isTemporary(p.getFileName().toString())))
                    .forEach(p -> found.add(dir.relativize(p).toString()));
        }
        return found;
    }

    static void sleep(long millis) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(millis);
    }
}
