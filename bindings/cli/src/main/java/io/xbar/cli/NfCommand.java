// NfCommand: `xbar nf --weights W.npy --inputs X.npy --report R.json`: nonideality factor per tile and layer, and mvm_rel_error.
package io.xbar.cli;

import io.xbar.kernel.Circuit;
import io.xbar.mapping.LayerMapping;
import io.xbar.mapping.LayerResult;
import io.xbar.mapping.MappingOptions;
import io.xbar.cli.NonidealityReport;
import io.xbar.mapping.QuantizedWeights;
import io.xbar.mapping.TiledMvm;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** Writes R.json with {@code nf}, {@code mvm_rel_error} and {@code tiles[]}, and prints a one-line summary. */
public final class NfCommand implements Command {
    private static final Set<String> VALUED = LayerArguments.valued("weights", "inputs", "report", "out", "calibration", "model");
    private static final Set<String> SWITCHES = LayerArguments.switches();

    @Override
    public String name() {
        return "nf";
    }

    @Override
    public String summary() {
        return "nonideality factor (per tile and layer) and MVM error of a mapped layer";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (FlagSets.wantsHelp(args)) {
            out.println("usage: xbar nf --weights W.npy --inputs X.npy --report R.json [--out Y.npy] [mapping, circuit and device flags]");
            out.println(FlagSets.helpLine("--weights W.npy", "K x N_out weight matrix"));
            out.println(FlagSets.helpLine("--inputs X.npy", "K activations, or B x K (one vector per row)"));
            out.println(FlagSets.helpLine("--report R.json", "nf, mvm_rel_error, tiles[] (row_block, col_block, nf, terms), settings"));
            out.println(FlagSets.helpLine("--out Y.npy", "optional: also write the layer outputs"));
            out.println(FlagSets.helpLine("--model M", "exact (default) or first-order: the linearized IR-drop model, for comparison"));
            LayerArguments.printSharedHelp(out);
            return 0;
        }
        Flags flags = LayerArguments.parse(args, VALUED, SWITCHES);
        Circuit circuit = CircuitFlags.parse(flags);
        MappingOptions options = MappingFlags.parse(flags, DeviceFlags.parse(flags));
        io.xbar.kernel.CellModel cellModel = CellModelFlags.parse(flags, circuit);
        CellModelFlags.checkReadVoltage(flags, cellModel, options.vRead());
        String model = flags.string("model", "exact");
        if (!model.equals("exact") && !model.equals("first-order")) {
            throw new UsageException("--model must be exact or first-order, got '" + model + "'");
        }
        if (model.equals("first-order") && (circuit.drive() == io.xbar.kernel.Drive.BOTH
                || circuit.senseAt() == io.xbar.kernel.Sense.BOTH)) {
            throw new UsageException("--model first-order needs --drive left|right and --sense bottom|top");
        }
        if (model.equals("first-order") && !cellModel.isLinear()) {
            throw new UsageException("--model first-order linearizes the IR drop of linear cells; it does not take "
                    + "--cell-model " + flags.required("cell-model"));
        }
        Path report = ArrayFiles.output(flags, "report");
        Path output = flags.has("out") ? ArrayFiles.output(flags, "out") : null;
        OutputFiles.requireDistinct("--report " + flags.required("report"), report,
                "--out " + flags.string("out", ""), output);
        QuantizedWeights weights = LayerArguments.weights(flags, options);
        LayerArguments.Inputs inputs = LayerArguments.inputs(flags, options, weights);
        long start = System.nanoTime();
        LayerMapping mapping = LayerArguments.map(flags, weights, options, circuit);
        TransferCommand.warnIfTilesHeapLimited("nf", options.tileRows(), options.tileCols(), circuit, err);
        io.xbar.mapping.TransferFunction transfer = model.equals("exact")
                ? io.xbar.mapping.TransferFunction.exact(GlobalFlags.threads(0))
                : io.xbar.mapping.FirstOrderModel.transferFunction();
        ProgressBar bar = ProgressBar.on(err);
        LayerResult result;
        try {
            int tiles = mapping.tiles().size();
            result = cellModel.isLinear()
                    ? TiledMvm.run(mapping, inputs.quantized(), circuit, withProgress(transfer, tiles, bar))
                    : TiledMvm.run(mapping, inputs.quantized(), circuit, cellModel,
                            t -> bar.show(t + 1, tiles, "tile " + (t + 1) + "/" + tiles));
        } finally {
            bar.finish();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        NonidealityReport r = new NonidealityReport(mapping, result, circuit, seconds);
        com.fasterxml.jackson.databind.node.ObjectNode json = r.toJson();
        json.put("model", model);
        json.put("cell_model", cellModel.kind().flagName());
        if (!cellModel.isLinear()) {
            json.put("v0", cellModel.v0());
        }
        JsonFiles.write("report", report, json);
        if (output != null) {
            boolean written = false;
            try {
                ArrayFiles.write("out", output, result.y(), inputs.file().outputShape(mapping.outputs()));
                written = true;
            } finally {
                if (!written) {
                    // No partial result: the report goes too when the outputs cannot be written.
                    OutputFiles.removeWritten(report);
                }
            }
        }
        out.printf(Locale.ROOT, "nf %.6g  mvm_rel_error %.6g  (%s, %s model, %d tiles, %d vectors, %.2f s)%n",
                r.nonidealityFactor(), r.mvmRelativeError(), options.preset().label(), model, mapping.tiles().size(),
                result.batch(), seconds);
        return 0;
    }

    /** Advances the bar as each tile's transfer matrix (the bulk of the work) is done. */
    private static io.xbar.mapping.TransferFunction withProgress(io.xbar.mapping.TransferFunction inner, int tiles,
                                                                ProgressBar bar) {
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        return (rows, cols, c, g) -> {
            double[] t = inner.compute(rows, cols, c, g);
            int k = Math.min(done.incrementAndGet(), tiles);
            bar.show(k, tiles, "tile " + k + "/" + tiles);
            return t;
        };
    }
}
