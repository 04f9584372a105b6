// SolveCommand: `xbar solve`, the output currents of a crossbar with parasitics for one input vector or a batch.
package io.xbar.cli;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.ConvergenceException;
import io.xbar.kernel.CrossbarSolver;
import io.xbar.kernel.ProgrammedCrossbar;
import io.xbar.kernel.Solution;
import io.xbar.kernel.SolverOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code xbar solve --conductances G.npy --inputs V.npy --out I.npy [circuit flags]} (MODEL.md
 * section 5): {@code G} is {@code M x N} siemens, {@code V} is {@code M} or {@code B x M} volts,
 * {@code I} is {@code N} or {@code B x N} amperes, the same rank as {@code V}.
 * {@code --node-voltages PREFIX} also writes the word-line and bit-line node voltages
 * {@code u} and {@code w} to {@code PREFIX_u.npy} and {@code PREFIX_w.npy}, shape {@code M x N} for
 * a vector and {@code B x M x N} for a batch.
 */
public final class SolveCommand implements Command {
    static final Set<String> VALUED = FlagSets.union(CircuitFlags.NAMES, CellModelFlags.NAMES,
            Set.of("conductances", "inputs", "out", "node-voltages", "threads", "tolerance"));

    @Override
    public String name() {
        return "solve";
    }

    @Override
    public String summary() {
        return "output currents of a crossbar with parasitics (G.npy, V.npy -> I.npy)";
    }

    static void help(PrintStream out) {
        out.println("usage: xbar solve --conductances G.npy --inputs V.npy --out I.npy [flags]");
        out.println();
        out.println("Output currents I = currents into the sense amplifiers, with every parasitic resistance.");
        out.println("G is M x N (siemens, row = word line, column = bit line); V is M or B x M (volts);");
        out.println("I is N or B x N (amperes), the same rank as V. Arrays are NumPy .npy files.");
        out.println();
        out.println(FlagSets.helpLine("--conductances G.npy", "cell conductances, M x N, finite and >= 0"));
        out.println(FlagSets.helpLine("--inputs V.npy", "word-line voltages, one vector (M) or a batch (B x M)"));
        out.println(FlagSets.helpLine("--out I.npy", "column currents, written as float64"));
        out.println(FlagSets.helpLine("--node-voltages PREFIX", "also write node voltages PREFIX_u.npy, PREFIX_w.npy"));
        out.println(FlagSets.helpLine("", "(M x N per vector; B x M x N for a batch)"));
        out.println(FlagSets.helpLine("--tolerance T", "target scaled KCL residual, in (0, 1e-10] (default 1e-12)"));
        out.println(CircuitFlags.HELP);
        out.println(CellModelFlags.HELP);
    }

    /** {@code --threads} and {@code --tolerance} over the kernel's defaults. */
    static SolverOptions options(Flags flags) {
        SolverOptions o = SolverOptions.DEFAULT;
        int threads = flags.integer("threads", o.threads());
        if (threads < 1) {
            throw new UsageException("--threads: " + threads + " must be >= 1");
        }
        double tolerance = flags.number("tolerance", o.tolerance());
        if (!(tolerance > 0) || tolerance > SolverOptions.REQUIRED_RESIDUAL) {
            throw new UsageException("--tolerance: " + flags.string("tolerance", "") + " must be in (0, "
                    + SolverOptions.REQUIRED_RESIDUAL + "] (the contract requires a scaled KCL residual of 1e-10 or better)");
        }
        return o.withThreads(threads).withTolerance(tolerance);
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        if (FlagSets.wantsHelp(args)) {
            help(out);
            return 0;
        }
        Flags flags = Flags.parse(args, VALUED, FlagSets.HELP_SWITCH);
        if (!flags.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + flags.positional().get(0) + "' (flags are --name value)");
        }
        Circuit circuit = CircuitFlags.parse(flags);
        io.xbar.kernel.CellModel model = CellModelFlags.parse(flags, circuit);
        SolverOptions options = options(flags);
        Path output = ArrayFiles.output(flags, "out");
        List<Path> nodeFiles = new ArrayList<>();
        if (flags.has("node-voltages")) {
            String prefix = flags.required("node-voltages");
            for (String layer : List.of("_u.npy", "_w.npy")) {
                Path p = Path.of(prefix + layer);
                try {
                    io.xbar.io.Npy.checkWritable(p);
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--node-voltages: " + e.getMessage(), e);
                }
                nodeFiles.add(p);
            }
        }
        if (!nodeFiles.isEmpty()) {
            String prefix = flags.required("node-voltages");
            OutputFiles.requireDistinct("--out " + flags.required("out"), output,
                    "--node-voltages " + prefix + " (" + prefix + "_u.npy)", nodeFiles.get(0),
                    "--node-voltages " + prefix + " (" + prefix + "_w.npy)", nodeFiles.get(1));
        }
        ArrayFiles.Conductances g = ArrayFiles.conductances(flags, "conductances");
        ArrayFiles.Vectors v = ArrayFiles.vectors(flags, "inputs", g.rows(), g.describe(),
                "one voltage per row (word line)");
        int rows = g.rows();
        int cols = g.cols();
        int batch = v.batch();

        // Newton holds the programmed crossbar and one linearized crossbar per solving thread besides it.
        int crossbars = model.isLinear() ? 1 : 1 + Math.min(options.threads(), Math.max(1, batch));
        HeapAdvice.need(crossbars * CrossbarSolver.bytesNeeded(rows, cols) + Double.BYTES * (2.0 * rows * cols
                + 2.0 * batch * (rows + cols) + (nodeFiles.isEmpty() ? 0 : 2.0 * batch * rows * cols)));
        ProgrammedCrossbar crossbar;
        try {
            crossbar = CrossbarSolver.create(rows, cols, circuit).withOptions(options).withCellModel(model)
                    .program(g.values());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--conductances " + g.file() + ": " + e.getMessage(), e);
        }
        double[] voltages = v.values();
        double[] currents;
        double[] u = null;
        double[] w = null;
        try {
            if (nodeFiles.isEmpty()) {
                currents = batch == 0 ? new double[0] : crossbar.currents(voltages, batch);
            } else {
                currents = new double[batch * cols];
                u = new double[batch * rows * cols];
                w = new double[batch * rows * cols];
                double[] one = new double[rows];
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(voltages, b * rows, one, 0, rows);
                    Solution s = crossbar.solve(one, true);
                    System.arraycopy(s.currents(), 0, currents, b * cols, cols);
                    System.arraycopy(s.wordLineVoltages(), 0, u, b * rows * cols, rows * cols);
                    System.arraycopy(s.bitLineVoltages(), 0, w, b * rows * cols, rows * cols);
                }
            }
        } catch (ConvergenceException e) {
            err.println("xbar solve: the solver did not converge: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            // Checked before any solve: inputs whose currents would leave the double range.
            throw new UsageException("--inputs " + v.file() + ": " + e.getMessage(), e);
        }

        // The node-voltage files go first and are removed again if a later write fails.
        List<Path> written = new ArrayList<>();
        boolean done = false;
        try {
            if (u != null) {
                int[] shape = v.vector() ? new int[] {rows, cols} : new int[] {batch, rows, cols};
                ArrayFiles.write("node-voltages", nodeFiles.get(0), u, shape);
                written.add(nodeFiles.get(0));
                ArrayFiles.write("node-voltages", nodeFiles.get(1), w, shape);
                written.add(nodeFiles.get(1));
            }
            ArrayFiles.write("out", output, currents, v.outputShape(cols));
            done = true;
        } finally {
            if (!done) {
                for (Path p : written) {
                    OutputFiles.removeWritten(p);
                }
            }
        }
        return 0;
    }
}
