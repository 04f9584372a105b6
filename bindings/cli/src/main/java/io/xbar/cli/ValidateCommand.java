// ValidateCommand: `xbar validate`, the seeded validation campaign with a pass/fail summary and a Markdown report.
package io.xbar.cli;

import io.xbar.io.AtomicFiles;
import io.xbar.validation.ValidationReport;
import io.xbar.validation.ValidationSuite;

import io.xbar.cli.Command;
import io.xbar.cli.Flags;
import io.xbar.cli.ProgressBar;
import io.xbar.cli.UsageException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * {@code xbar validate [--quick] [--seed N] [--report PATH] [--threads N] [--quiet] [--verbose]}: exit status 0
 * when every check passes, 1 when any fails, 2 for a usage error.
 */
public final class ValidateCommand implements Command {
    static final String DEFAULT_REPORT = "xbar-validation.md";
    private static final String USAGE = """
            usage: xbar validate [--quick] [--seed N] [--report PATH] [--threads N] [--quiet] [--verbose]
              runs the seeded validation campaign: the LAPACK reference (always), the kernel, the
              transfer matrix and ngspice (when installed) against it; prints a pass/fail summary
              and writes a Markdown report (default xbar-validation.md). Exit 0 on pass, 1 on failure.
              --quick      a small subset (seconds)
              --seed N     campaign seed (default 1)
              --report P   where to write the report
              --threads N  OpenBLAS threads for the reference (default 1: its matrices are small)
              --quiet      only the verdict line
              --verbose    one line per case""";

    @Override
    public String name() {
        return "validate";
    }

    @Override
    public String summary() {
        return "run the validation suite against the LAPACK reference (and ngspice), write a report";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        Flags flags = Flags.parse(args, Set.of("seed", "report", "threads"), Set.of("quick", "quiet", "verbose", "help"));
        if (flags.has("help")) {
            out.println(USAGE);
            return 0;
        }
        if (!flags.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + flags.positional().get(0) + "'");
        }
        if (flags.has("quiet") && flags.has("verbose")) {
            throw new UsageException("--quiet and --verbose exclude each other");
        }
        long seed = seed(flags.string("seed", "1"));
        Path report = Path.of(flags.string("report", DEFAULT_REPORT));
        Path parent = io.xbar.io.WorkingDirectory.absolute(report).getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new UsageException("--report: directory " + parent + " does not exist");
        }
        if (Files.isDirectory(report)) {
            throw new UsageException("--report: " + report + " is a directory");
        }
        if (parent != null && !Files.exists(report) && !Files.isWritable(parent)) {
            throw new UsageException("--report: cannot write " + report + ": directory " + parent + " is not writable");
        }
        int threads = flags.integer("threads", 1);
        if (threads < 1) {
            throw new UsageException("--threads: must be >= 1, got " + threads);
        }
        boolean quiet = flags.has("quiet");
        boolean verbose = flags.has("verbose");

        ProgressBar bar = quiet ? ProgressBar.none() : ProgressBar.on(err);
        ValidationSuite.Listener listener = (index, total, c) -> {
            bar.show(index, total, (index + 1) + "/" + total + " " + c.family() + " " + c.rows() + "x" + c.cols());
            if (verbose) {
                out.printf(Locale.ROOT, "[%d/%d] %s %s%n", index + 1, total, c.family(), c.describe());
            }
        };
        ValidationReport result = ValidationSuite.run(seed, flags.has("quick"), threads, listener);
        bar.clear();
        writeAtomically(report, result.markdown());
        if (quiet) {
            out.println((result.passed() ? "PASS" : "FAIL") + " (report: " + report + ")");
        } else {
            out.println(result.summary() + " (report: " + report + ")");
        }
        return result.passed() ? 0 : 1;
    }

    private static long seed(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--seed: '" + text + "' is not an integer");
        }
    }

    /**
     * Writes through {@link AtomicFiles} like every other output: no partial report, the umask's
     * permissions, a device or symbolic link written through rather than replaced.
     */
    static void writeAtomically(Path target, String text) {
        try {
            AtomicFiles.write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw OutputFiles.cannotWrite("report", target, e);
        }
    }
}
