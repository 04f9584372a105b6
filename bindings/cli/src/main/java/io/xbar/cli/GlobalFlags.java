// GlobalFlags: the flags every command accepts (--config, --threads, --quiet, --verbose), handled once for all commands.
package io.xbar.cli;

import java.util.Set;

/**
 * Flags the shared layer adds to every command's declaration: {@link Flags#parse} accepts them
 * and applies {@code --config}; {@link Main} applies {@code --threads} (OpenBLAS and solver threads),
 * {@code --verbose} (timing lines on stderr) and {@code --quiet}. Commands read the effective
 * settings of the running command line through {@link #quiet()}, {@link #verbose()} and
 * {@link #threads(int)}.
 */
public final class GlobalFlags {
    /** Valued flags every command accepts, without dashes. */
    public static final Set<String> VALUED = Set.of("config", "threads");

    /** Switches every command accepts. */
    public static final Set<String> SWITCHES = Set.of("quiet", "verbose");

    /** Help lines for the shared flags. */
    public static final String HELP = String.join(System.lineSeparator(),
            FlagSets.helpLine("--config FILE", "JSON study file of flag defaults (flags win; docs/config.md)"),
            FlagSets.helpLine("--threads N", "solver and OpenBLAS threads (default: all processors)"),
            FlagSets.helpLine("--quiet", "no progress or informational output"),
            FlagSets.helpLine("--verbose", "also print timing lines on stderr"));

    /**
     * The shared settings of one command line.
     *
     * @param threads thread count, {@code 0} when not given
     * @param quiet   {@code --quiet}
     * @param verbose {@code --verbose}
     */
    public record Settings(int threads, boolean quiet, boolean verbose) {
        /** No shared flag given. */
        public static final Settings NONE = new Settings(0, false, false);
    }

    private static final ScopedValue<Settings> CURRENT = ScopedValue.newInstance();

    private GlobalFlags() {
    }

    /**
     * The shared settings of a parsed command line.
     *
     * @param flags the parsed flags (from {@link Flags#parse} or the launcher's pre-scan)
     * @return the thread count and the quiet and verbose switches
     * @throws UsageException when {@code --threads} is not an integer >= 1, or both --quiet and --verbose are set
     */
    public static Settings settings(Flags flags) {
        int threads = flags.integer("threads", 0);
        if (flags.has("threads") && threads < 1) {
            throw new UsageException("--threads: " + threads + " must be >= 1");
        }
        boolean quiet = flags.has("quiet");
        boolean verbose = flags.has("verbose");
        if (quiet && verbose) {
            throw new UsageException("--quiet and --verbose exclude each other");
        }
        return new Settings(threads, quiet, verbose);
    }

    /** Runs {@code body} with {@code settings} visible to {@link #current()} on this thread. */
    static <R, X extends Throwable> R with(Settings settings, ScopedValue.CallableOp<R, X> body) throws X {
        return ScopedValue.where(CURRENT, settings).call(body);
    }

    /** {@return the settings of the command line running on this thread ({@link Settings#NONE} outside {@link Main#run})} */
    public static Settings current() {
        return CURRENT.isBound() ? CURRENT.get() : Settings.NONE;
    }

    /** {@return true when the running command line asked for {@code --quiet}: no progress bars, no informational lines} */
    public static boolean quiet() {
        return current().quiet();
    }

    /** {@return true when the running command line asked for {@code --verbose}} */
    public static boolean verbose() {
        return current().verbose();
    }

    /**
     * The thread count to use.
     *
     * @param fallback what the command uses when {@code --threads} was not given
     * @return the {@code --threads} of the running command line, or {@code fallback}
     */
    public static int threads(int fallback) {
        int t = current().threads();
        return t > 0 ? t : fallback;
    }

    /** {@return true when a progress bar may be drawn: the console is a terminal and {@code --quiet} is off} */
    public static boolean progress() {
        java.io.Console console = System.console();
        return !quiet() && console != null && console.isTerminal();
    }
}
