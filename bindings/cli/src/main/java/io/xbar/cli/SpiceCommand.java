// SpiceCommand: `xbar spice export` (crossbar -> ngspice netlist) and `xbar spice solve` (netlist -> JSON operating point).
package io.xbar.cli;

import io.xbar.io.AtomicFiles;
import io.xbar.io.InputFiles;
import io.xbar.io.Npy;
import io.xbar.kernel.Circuit;
import io.xbar.spice.Netlist;
import io.xbar.spice.NetlistException;
import io.xbar.spice.NetlistParser;
import io.xbar.spice.NetlistSolution;
import io.xbar.spice.NetlistSolver;
import io.xbar.spice.SpiceExport;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code xbar spice export --conductances G.npy --inputs V.npy --out net.cir [circuit flags]} and
 * {@code xbar spice solve net.cir [--out R.json]} (MODEL.md section 5). Output files are written to
 * a temporary file beside the target and moved into place, so a failure leaves no partial file.
 */
public final class SpiceCommand implements Command {
    private static final Set<String> EXPORT_FLAGS = FlagSets.union(CircuitFlags.NAMES, CellModelFlags.NAMES,
            Set.of("conductances", "inputs", "out"));

    @Override
    public String name() {
        return "spice";
    }

    @Override
    public String summary() {
        return "export a crossbar as an ngspice netlist, or solve a linear DC netlist (R, V, I)";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0) {
            // A usage error: one line on stderr, as every error.
            err.println("xbar spice: no subcommand given; it is export or solve (xbar spice --help explains them)");
            return 2;
        }
        if (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            usage(out);
            return 0;
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        for (String a : rest) {
            if (a.equals("--help") || a.equals("-h")) {
                usage(out);
                return 0;
            }
        }
        return switch (args[0]) {
            case "export" -> export(rest);
            case "solve" -> solve(rest, out, err);
            default -> throw new UsageException("unknown subcommand '" + args[0] + "' (expected export or solve)");
        };
    }

    private static void usage(PrintStream out) {
        out.println("""
                usage: xbar spice export --conductances G.npy --inputs V.npy --out net.cir [circuit flags]
                       xbar spice solve net.cir [--out R.json]

                export  writes an ngspice-ready .op netlist of the crossbar with inputs V (length M). Column j's
                        output current is i(VSENSE<j>) in ngspice, equal to I[j] (current into the sense amplifier).
                        With --cell-model sinh every cell is a behavioural source (B) that ngspice runs.
                solve   solves a linear DC netlist (R, V, I elements; .op, .option(s), .end; no B sources) and writes
                        {"node_voltages": {...}, "source_currents": {...}} (ngspice sign convention: i(Vx) flows
                        into the + terminal through the source); to standard output without --out.

                circuit flags (export; MODEL.md defaults):""");
        out.println(CircuitFlags.HELP);
        out.println(CellModelFlags.HELP);
    }

    private int export(String[] args) throws IOException {
        Flags flags = Flags.parse(args, EXPORT_FLAGS, FlagSets.HELP_SWITCH);
        if (!flags.positional().isEmpty()) {
            throw new UsageException("spice export takes no positional argument, got '" + flags.positional().get(0) + "'");
        }
        Circuit circuit = CircuitFlags.parse(flags);
        io.xbar.kernel.CellModel model = CellModelFlags.parse(flags, circuit);
        Path outFile = ArrayFiles.output(flags, "out");
        ArrayFiles.Conductances g = ArrayFiles.conductances(flags, "conductances");
        ArrayFiles.Vectors v = ArrayFiles.vectors(flags, "inputs", g.rows(), g.describe(), "one voltage per row (word line)");
        if (v.batch() != 1) {
            throw new UsageException("--inputs " + v.file() + " has shape " + v.array().shapeString()
                    + ": a netlist takes one input vector (M or 1 x M values), not a batch of " + v.batch());
        }
        SpiceExport export = new SpiceExport(g.rows(), g.cols(), circuit, g.values(), model);
        double[] voltages = v.values();
        writeAtomically(outFile, "--out", stream -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
            export.write(voltages, w);
        });
        return 0;
    }

    private int solve(String[] args, PrintStream out, PrintStream err) throws IOException {
        Flags flags = Flags.parse(args, Set.of("out"), FlagSets.HELP_SWITCH);
        if (flags.positional().size() != 1) {
            throw new UsageException(flags.positional().isEmpty() ? "spice solve needs a netlist file (xbar spice solve net.cir)"
                    : "spice solve takes one netlist file, got " + flags.positional().size() + " arguments");
        }
        Path file = Path.of(flags.positional().get(0));
        Path outFile = flags.has("out") ? outputPath(flags.required("out"), "--out") : null;
        NetlistSolution solution;
        try (InputFiles.Input in = openNetlist(file)) {
            Netlist netlist = NetlistParser.parse(in.stream());
            solution = NetlistSolver.solve(netlist);
        } catch (NetlistException e) {
            throw new UsageException(file + ": " + e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new UsageException("netlist " + file + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new UsageException("netlist " + file + " cannot be read (permission denied)", e);
        } catch (IOException e) {
            throw new UsageException("netlist " + file + " cannot be read: " + ArrayFiles.ioReason(e), e);
        }
        if (solution.precisionWarning() != null) {
            // The numbers are written (finite, and the potentials exact); the user learns how far to trust those currents.
            err.println("xbar spice solve: warning: " + solution.precisionWarning());
        }
        if (outFile == null) {
            solution.writeJson(out);
            out.println();
            out.flush();
        } else {
            writeAtomically(outFile, "--out", solution::writeJson);
        }
        return 0;
    }

    /** Opens a netlist through {@link InputFiles} (a pipe or a FIFO with a writer works; one without is refused). */
    private static InputFiles.Input openNetlist(Path file) throws IOException {
        try {
            return InputFiles.open(file);
        } catch (IllegalArgumentException e) {
            String missing = file + ": no such file";
            throw new UsageException(e.getMessage().equals(missing) ? "netlist " + file + " does not exist"
                    : "netlist " + e.getMessage(), e);
        }
    }

    private static Path outputPath(String name, String flag) {
        Path file = Path.of(name);
        try {
            Npy.checkWritable(file);
        } catch (IllegalArgumentException e) {
            throw new UsageException(flag + ": " + e.getMessage(), e);
        }
        return io.xbar.io.WorkingDirectory.absolute(file);
    }

    /** Writes through {@link AtomicFiles}; an I/O failure names the flag and the file. */
    private static void writeAtomically(Path file, String flag, AtomicFiles.Body body) {
        try {
            AtomicFiles.write(file, body);
        } catch (IOException e) {
            throw OutputFiles.cannotWrite(flag.replaceFirst("^--", ""), file, e);
        }
    }
}
