// CliFuzzTest: the command-line fuzz suite of issue 12, seeded and time-bounded; a longer run is one command (docs/testing.md).
package io.xbar.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile command lines against {@code xbar}, seven families: {@code .npy} headers and bodies,
 * flags, configuration files, output paths, interrupts, netlists, extreme values. Every attempt
 * checks the invariants of {@link CliFuzz}; each family adds what it knows (a valid input must give
 * the reference's result, an invalid one must be refused).
 *
 * <p>System properties: {@code xbar.fuzz.seed} (default fixed), {@code xbar.fuzz.seconds} (time
 * budget, default 60; families share it equally by elapsed time), {@code xbar.fuzz.attempts}
 * (cap on attempts), {@code xbar.fuzz.family} and {@code xbar.fuzz.attempt} (replay one attempt, as
 * printed with every failure), {@code xbar.fuzz.verbose} (one line per attempt). Each family's
 * curated cases (the ones issue 12 found by hand) always run; generated ones fill the budget.
 */
class CliFuzzTest {
    /** One family of attempts. */
    interface Family {
        String name();

        /** The number of curated cases: attempts {@code 0 .. curated() - 1}; the default run always runs them all. */
        int curated();

        /** Runs attempt {@code a.number} (curated cases first, then random ones). */
        void attempt(CliFuzz.Attempt a) throws Exception;
    }

    static final long DEFAULT_SEED = 20261206L;

    @TempDir
    Path dir;

    static List<Family> families() {
        return List.of(new NpyFuzz(), new FlagFuzz(), new ConfigFuzz(), new OutputPathFuzz(), new InterruptFuzz(),
                new NetlistFuzz(), new ExtremeValueFuzz());
    }

    @Test
    void commandLineKeepsItsContractUnderFuzzing() throws IOException {
        long seed = Long.getLong("xbar.fuzz.seed", DEFAULT_SEED);
        double seconds = Double.parseDouble(System.getProperty("xbar.fuzz.seconds", "60"));
        long maxAttempts = Long.getLong("xbar.fuzz.attempts", Long.MAX_VALUE);
        String onlyFamily = System.getProperty("xbar.fuzz.family", "");
        Integer onlyAttempt = Integer.getInteger("xbar.fuzz.attempt");

        CliFuzz fuzz = new CliFuzz(seed, dir);
        List<Family> families = new ArrayList<>(families().stream()
                .filter(f -> onlyFamily.isEmpty() || f.name().equals(onlyFamily)).toList());
        assertTrue(!families.isEmpty(), "no family named '" + onlyFamily + "'");
        Map<String, Long> spent = new LinkedHashMap<>();
        Map<String, Integer> next = new LinkedHashMap<>();
        for (Family f : families) {
            spent.put(f.name(), 0L);
            next.put(f.name(), onlyAttempt == null ? 0 : onlyAttempt);
        }
        long budget = (long) (seconds * 1e9);
        // In-process runs resolve relative paths against this JVM's working directory (the module): a
        // mutated command line may legitimately write there (`--out` given a flag's value). Whatever an
        // attempt adds there is removed after it, so long runs leave the checkout as they found it.
        Path cwd = Path.of("").toAbsolutePath();
        java.util.Set<Path> present = listing(cwd);
        boolean verbose = Boolean.getBoolean("xbar.fuzz.verbose");
        long start = System.nanoTime();
        long attempts = 0;
        // Phase 1: every family's curated cases (the hand-found ones of issue 12), whatever the budget; they are few,
        // and quick once the bugs they target are fixed. Phase 2: generated cases until the budget is spent.
        Map<String, Long> spentGenerating = new LinkedHashMap<>();
        families.forEach(f -> spentGenerating.put(f.name(), 0L));
        while (attempts < maxAttempts && !families.isEmpty()) {
            Family f = families.stream().filter(x -> next.get(x.name()) < x.curated()).findFirst().orElse(null);
            boolean generating = f == null;
            if (generating) {
                // The family that has had the least time so far goes next: the budget is shared by time, not count.
                f = families.stream().min(Comparator.comparingLong(x -> spentGenerating.get(x.name()))).orElseThrow();
                // Generated cases get the rest of the budget, and each family at least its share of a quarter of it
                // however long the curated cases took.
                long floor = budget / 4 / families.size();
                if (System.nanoTime() - start >= budget && spentGenerating.get(f.name()) >= floor) {
                    break;
                }
            }
            int number = next.get(f.name());
            CliFuzz.Attempt a = fuzz.attempt(f.name(), number);
            long t0 = System.nanoTime();
            int failuresBefore = fuzz.failures.size();
            try {
                f.attempt(a);
            } catch (Exception | AssertionError e) {
                a.fail("harness error", e.toString());
            } finally {
                deleteTree(a.dir);
                for (Path added : listing(cwd)) {
                    if (!present.contains(added)) {
                        deleteTree(added);
                    }
                }
            }
            long took = System.nanoTime() - t0;
            spent.merge(f.name(), took, Long::sum);
            if (generating) {
                spentGenerating.merge(f.name(), took, Long::sum);
            }
            if (verbose) {
                System.out.printf("%s %d %s: %s (%d ms)%s%n", f.name(), number, a.label,
                        fuzz.failures.size() > failuresBefore ? "FAILED" : "ok", took / 1_000_000,
                        a.inputs.isEmpty() ? "" : "; " + CliFuzz.abbreviate(a.inputs.get(a.inputs.size() - 1), 100));
            }
            next.put(f.name(), number + 1);
            attempts++;
            if (onlyAttempt != null) {
                families.remove(f);
            }
        }
        String report = report(fuzz, seed, next, spent, (System.nanoTime() - start) / 1e9);
        System.out.println(report.lines().findFirst().orElse(""));
        assertTrue(fuzz.failures.isEmpty(), report);
    }

    private static java.util.Set<Path> listing(Path dir) throws java.io.IOException {
        try (var entries = java.nio.file.Files.list(dir)) {
            return entries.collect(java.util.stream.Collectors.toSet());
        }
    }

    private static String report(CliFuzz fuzz, long seed, Map<String, Integer> attempts, Map<String, Long> spent, double seconds) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("xbar CLI fuzz: seed %d, %.1f s; attempts per family:", seed, seconds));
        for (Map.Entry<String, Integer> e : attempts.entrySet()) {
            b.append(String.format(" %s %d (%.1f s)", e.getKey(), e.getValue(), spent.get(e.getKey()) / 1e9));
        }
        b.append('\n');
        Map<String, List<CliFuzz.Failure>> distinct = new LinkedHashMap<>();
        for (CliFuzz.Failure f : fuzz.failures) {
            distinct.computeIfAbsent(f.family() + ": " + f.kind() + (f.category().isEmpty() ? "" : " [" + f.category() + "]"), k -> new ArrayList<>()).add(f);
        }
        b.append(fuzz.failures.size()).append(" violations, ").append(distinct.size()).append(" distinct (family: kind)\n");
        for (Map.Entry<String, List<CliFuzz.Failure>> e : distinct.entrySet()) {
            List<CliFuzz.Failure> list = e.getValue();
            b.append("\n== ").append(e.getKey()).append(" (").append(list.size()).append("x, attempts ")
                    .append(list.stream().map(f -> Integer.toString(f.attempt())).distinct().limit(12).toList()).append(")\n");
            for (CliFuzz.Failure f : list.stream().limit(2).toList()) {
                b.append("  ").append(f.detail()).append('\n').append(f.repro());
            }
        }
        return b.toString();
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left for @TempDir
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // left for @TempDir
        }
    }
}
