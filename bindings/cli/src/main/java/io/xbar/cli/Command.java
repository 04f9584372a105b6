// Command: one `xbar <name>` subcommand of the command line.
package io.xbar.cli;

import java.io.PrintStream;

/** A subcommand; every command is listed in {@link Main#commands()}. */
public interface Command {
    /** The word after {@code xbar}, for example {@code solve} or {@code spice}. */
    String name();

    /** One line for {@code xbar help}. */
    String summary();

    /**
     * Runs the command. User mistakes (bad file, shape, value, flag) are thrown as
     * {@link UsageException}: the launcher prints its one-line message and exits with status 2.
     *
     * @return the process exit status (0 on success)
     */
    int run(String[] args, PrintStream out, PrintStream err) throws Exception;
}
