// TransferCommand: `xbar transfer`, the exact M x N effective transfer matrix T of a crossbar (I = V . T).
package io.xbar.cli;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.TransferMatrix;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code xbar transfer --conductances G.npy --out T.npy [circuit flags]} (MODEL.md section 5): the
 * {@code M x N} transfer matrix whose row {@code i} is the output for {@code V = e_i}, so that
 * {@code I = V . T} for every input vector.
 */
public final class TransferCommand implements Command {
    static final Set<String> VALUED = FlagSets.union(CircuitFlags.NAMES, CellModelFlags.NAMES, Set.of("conductances", "out", "threads"));

    @Override
    public String name() {
        return "transfer";
    }

    @Override
    public String summary() {
        return "the exact M x N transfer matrix T of a crossbar, I = V . T (G.npy -> T.npy)";
    }

    static void help(PrintStream out) {
        out.println("usage: xbar transfer --conductances G.npy --out T.npy [flags]");
        out.println();
        out.println("The effective conductance matrix T (M x N, siemens) of the crossbar with every parasitic");
        out.println("resistance: row i is the output current for 1 V on word line i, and I = V . T for any V.");
        out.println();
        out.println(FlagSets.helpLine("--conductances G.npy", "cell conductances, M x N, finite and >= 0"));
        out.println(FlagSets.helpLine("--out T.npy", "transfer matrix, M x N, written as float64"));
        out.println(CircuitFlags.HELP);
        out.println(FlagSets.helpLine("--cell-model MODEL", "linear only (default): a sinh circuit is nonlinear and has no"));
        out.println(FlagSets.helpLine("", "transfer matrix, so --cell-model sinh is refused (use xbar solve)"));
        out.println(FlagSets.helpLine("--v0 VOLTS", "accepted with --cell-model sinh only, and refused with it here"));
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
        if (!CellModelFlags.parse(flags, circuit).isLinear()) {
            throw new UsageException("--cell-model " + flags.required("cell-model") + ": a nonlinear circuit has no "
                    + "transfer matrix (I is not V . T); solve it for given inputs with xbar solve");
        }
        int threads = flags.integer("threads", 0);
        if (threads < 0 || (flags.has("threads") && threads == 0)) {
            throw new UsageException("--threads: " + threads + " must be >= 1");
        }
        Path output = ArrayFiles.output(flags, "out");
        ArrayFiles.Conductances g = ArrayFiles.conductances(flags, "conductances");
        int rows = g.rows();
        int cols = g.cols();
        TransferMatrix transfer = new TransferMatrix(rows, cols, circuit, threads);
        double arrays = 2.0 * Double.BYTES * rows * cols; // the file's array and its values
        double fast = TransferMatrix.nestedBytes(rows, cols) + arrays;
        HeapAdvice.need(transfer.nestedDissection() || transfer.heapLimited() ? fast
                : TransferMatrix.sweepBytes(rows, cols) + arrays);
        warnIfHeapLimited("transfer", transfer, fast, err);
        double[] t = new double[rows * cols];
        ProgressBar bar = ProgressBar.on(err);
        try {
            transfer.compute(g.values(), t,
                    f -> bar.show(f, String.format(java.util.Locale.ROOT, "transfer %dx%d %3.0f%%", rows, cols, 100 * f)));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--conductances " + g.file() + ": " + e.getMessage(), e);
        } finally {
            bar.finish();
        }
        ArrayFiles.write("out", output, t, g.rows(), g.cols());
        return 0;
    }

    /**
     * One warning line when {@code transfer} cannot use nested dissection for lack of heap (issue
     * 12 item 7: never silently slow): what it needs, what the heap holds, the slowdown, the fix.
     */
    static void warnIfHeapLimited(String command, TransferMatrix transfer, double fastBytes, PrintStream err) {
        if (transfer.heapLimited()) {
            err.println(String.format(java.util.Locale.ROOT, "xbar %s: warning: the fast method (nested dissection) "
                    + "needs about %s of heap, which holds %s; the row sweep runs instead, about %.0fx the work "
                    + "(XBAR_HEAP=%s avoids this)", command, HeapAdvice.size(fastBytes), HeapAdvice.size(HeapAdvice.heap()),
                    transfer.sweepSlowdown(), HeapAdvice.heapFor(fastBytes)));
        }
    }

    /** The same warning for a layer's tiles: one tile's transfer matrix at a time, {@code tileRows x tileCols}. */
    static void warnIfTilesHeapLimited(String command, int tileRows, int tileCols, Circuit circuit, PrintStream err) {
        TransferMatrix tile = new TransferMatrix(tileRows, tileCols, circuit, 0);
        warnIfHeapLimited(command, tile, TransferMatrix.nestedBytes(tileRows, tileCols), err);
    }
}
