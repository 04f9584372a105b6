// NetworkCommand: `xbar network`, whole-network studies on Apache Spark; the command itself lives in the xbar-network module, loaded only when asked for.
package io.xbar.cli;

import java.io.PrintStream;

/**
 * The entry of {@code xbar network} (MODEL.md section 8). Its implementation,
 * {@code io.xbar.network.NetworkStudyCommand}, needs Apache Spark, so it sits in its own module
 * ({@code bindings/network}) whose jars the launcher puts on the class path for this command only:
 * every other command starts without Spark. Without that module this command says so (exit 2).
 */
public final class NetworkCommand implements Command {
    static final String IMPLEMENTATION = "io.xbar.network.NetworkStudyCommand";
    /** The command's name and one-line summary, shared with its implementation. */
    public static final String NAME = "network";
    public static final String SUMMARY =
            "whole-network study on Apache Spark: NF per layer and network over tiles, wires and mappings";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return SUMMARY;
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Class<?> type;
        try {
            type = Class.forName(IMPLEMENTATION, true, NetworkCommand.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new UsageException("the network module (bindings/network, with Apache Spark) is not on the class path: "
                    + "run it through ./xbar, which builds it and adds bindings/network/target/lib");
        }
        Command command = (Command) type.getDeclaredConstructor().newInstance();
        return command.run(args, out, err);
    }
}
