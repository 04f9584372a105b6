// Main: entry point of the `xbar` command line; dispatches to subcommands, maps user errors to exit status 2.
package io.xbar.cli;

import io.xbar.blas.Blas;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** {@code xbar <command> [flags]}. See {@code xbar help} and MODEL.md section 5. */
public final class Main {
    private Main() {
    }

    /** Every command, in the order {@code xbar help} lists them. */
    static List<Command> commands() {
        return List.of(
                new DemoCommand(),
                new SolveCommand(),
                new TransferCommand(),
                new MvmCommand(),
                new MapCommand(),
                new NfCommand(),
                new SweepCommand(),
                new NetworkCommand(),
                new SpiceCommand(),
                new ValidateCommand());
    }

    public static void main(String[] args) {
        // A one-shot process: the scalar line kernels unless the user chose (-Dxbar.scalar=false in
        // XBAR_JAVA_OPTS). Until C2 compiles them, Vector API kernels run boxed and far slower, and a
        // one-shot run rarely gets there: measured per process, scalar took 64x64 to 256x256 solves
        // 2-3 times faster and was still ahead at 4096x4096 (36 s against 40 s; docs/performance.md).
        // In process (Main.run, the Java API, Python) and in the warm daemon the vector kernels stay.
        // The two round alike, bit for bit (LineKernels), so a command gives the same bytes either way.
        oneShotDefaults();
        System.exit(runAsProcess(args, System.out, System.err));
    }

    /** The settings of a plain {@code xbar} process, unless the user gave them: scalar line kernels. */
    static void oneShotDefaults() {
        if (System.getProperty("xbar.scalar") == null) {
            System.setProperty("xbar.scalar", "true");
        }
    }

    /** {@link #run} as a process reports it: the exit status, never 0 when standard output failed. */
    static int runAsProcess(String[] args, PrintStream out, PrintStream err) {
        int status = run(args, out, err);
        if (out.checkError() && status == 0) {
            // Output that did not arrive is lost output: never exit 0 after it.
            err.println("xbar: cannot write standard output (closed, full or a broken pipe)");
            status = 2;
        }
        return status;
    }

    /** Runs one command line and returns its exit status (used by tests and by other simulators in-process). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<Command> commands = commands();
        ConfigFile.forgetStreams();
        if (args.length == 0) {
            // A usage error: one line on stderr, as every error (MODEL.md section 5).
            err.println("xbar: no command given; the commands are "
                    + String.join(", ", commands.stream().map(Command::name).toList()) + " (xbar help explains them)");
            return 2;
        }
        if (args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            // Asked for, the usage is the output.
            usage(commands, out);
            return 0;
        }
        Command command = commands.stream().filter(c -> c.name().equals(args[0])).findFirst().orElse(null);
        if (command == null) {
            err.println("xbar: unknown command '" + args[0] + "' (try 'xbar help')");
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        HeapAdvice.reset();
        try {
            if (FlagSets.wantsHelp(rest)) {
                int status = command.run(rest, out, err);
                out.println();
                out.println("flags every command accepts:");
                out.println(GlobalFlags.HELP);
                return stdoutChecked(command, status, out, err);
            }
            GlobalFlags.Settings settings = GlobalFlags.settings(Flags.parseGlobal(rest));
            // Process-wide, so put back afterwards: Main.run also serves simulators in-process. Only
            // touched when asked for: loading OpenBLAS costs a third of a second a command may not need.
            int blasThreads = settings.threads() > 0 ? Blas.threads() : 0;
            if (settings.threads() > 0) {
                Blas.setThreads(settings.threads());
            }
            long start = System.nanoTime();
            int status;
            try {
                status = GlobalFlags.with(settings, () -> command.run(rest, out, err));
            } finally {
                if (settings.threads() > 0) {
                    Blas.setThreads(blasThreads);
                }
            }
            if (settings.verbose()) {
                err.printf(Locale.ROOT, "xbar %s: %.3f s (exit %d, threads %s)%n", command.name(),
                        (System.nanoTime() - start) * 1e-9, status,
                        settings.threads() > 0 ? Integer.toString(settings.threads()) : "default");
            }
            return stdoutChecked(command, status, out, err);
        } catch (UsageException e) {
            err.println("xbar " + command.name() + ": " + oneLine(e.getMessage()));
            return 2;
        } catch (IllegalArgumentException e) {
            // Public API checks throw IllegalArgumentException naming the problem: a user mistake too.
            err.println("xbar " + command.name() + ": " + oneLine(e.getMessage()));
            return 2;
        } catch (io.xbar.kernel.ConvergenceException e) {
            // Newton on nonlinear cells inside mvm/nf/sweep: say what it reached, no stack trace.
            err.println("xbar " + command.name() + ": the solver did not converge: " + oneLine(e.getMessage()));
            return 1;
        } catch (java.nio.file.FileSystemException e) {
            // A file-system refusal (read-only directory, full disk, permissions) is the user's environment, not a bug.
            err.println("xbar " + command.name() + ": " + oneLine((e.getFile() == null ? "" : e.getFile() + ": ")
                    + io.xbar.io.AtomicFiles.reason(e)));
            return 2;
        } catch (java.io.InterruptedIOException e) {
            // Ctrl-C or SIGTERM while writing: the shutdown hook removes the temporaries.
            err.println("xbar " + command.name() + ": " + oneLine(e.getMessage()));
            return 130;
        } catch (OutOfMemoryError e) {
            err.println("xbar " + command.name() + ": " + HeapAdvice.outOfMemory());
            return 1;
        } catch (Exception e) {
            err.println("xbar " + command.name() + ": internal error: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    /**
     * An error message as the one line the contract promises: control characters that came from the
     * user's data (a newline in a file name, a header or a config key) are shown escaped ({@code \n},
     * {@code \r}, {@code \t}, else {@code \u001b}), never acted on by the terminal.
     */
    static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(message.length());
        for (int k = 0; k < message.length(); k++) {
            char c = message.charAt(k);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** A command whose standard output failed (closed, full, broken pipe) did not deliver its result: exit 2. */
    private static int stdoutChecked(Command command, int status, PrintStream out, PrintStream err) {
        if (out.checkError()) {
            err.println("xbar " + command.name() + ": cannot write standard output (closed, full or a broken pipe)");
            return 2;
        }
        return status;
    }

    private static void usage(List<Command> commands, PrintStream out) {
        out.println("usage: xbar <command> [flags]   (xbar <command> --help for its flags)");
        out.println();
        for (Command c : commands) {
            out.printf("  %-10s %s%n", c.name(), c.summary());
        }
    }
}
