// MvmCommand: `xbar mvm --weights W.npy --inputs X.npy --out Y.npy`: bit-sliced tiled MVM with parasitics, y = x . W.
package io.xbar.cli;

import io.xbar.kernel.Circuit;
import io.xbar.mapping.LayerMapping;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.QuantizedWeights;
import io.xbar.mapping.TiledMvm;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** The layer output as the crossbars compute it: quantized, bit-sliced, tiled, read through the parasitic network. */
public final class MvmCommand implements Command {
    private static final Set<String> VALUED = LayerArguments.valued("weights", "inputs", "out", "calibration");
    private static final Set<String> SWITCHES = LayerArguments.switches();

    @Override
    public String name() {
        return "mvm";
    }

    @Override
    public String summary() {
        return "bit-sliced tiled MVM with parasitics: y = x . W";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (FlagSets.wantsHelp(args)) {
            out.println("usage: xbar mvm --weights W.npy --inputs X.npy --out Y.npy [mapping, circuit and device flags]");
            out.println(FlagSets.helpLine("--weights W.npy", "K x N_out weight matrix"));
            out.println(FlagSets.helpLine("--inputs X.npy", "K activations, or B x K (one vector per row)"));
            out.println(FlagSets.helpLine("--out Y.npy", "N_out outputs, or B x N_out (float64)"));
            LayerArguments.printSharedHelp(out);
            return 0;
        }
        Flags flags = LayerArguments.parse(args, VALUED, SWITCHES);
        Circuit circuit = CircuitFlags.parse(flags);
        MappingOptions options = MappingFlags.parse(flags, DeviceFlags.parse(flags));
        io.xbar.kernel.CellModel cellModel = CellModelFlags.parse(flags, circuit);
        CellModelFlags.checkReadVoltage(flags, cellModel, options.vRead());
        Path output = ArrayFiles.output(flags, "out");
        QuantizedWeights weights = LayerArguments.weights(flags, options);
        LayerArguments.Inputs inputs = LayerArguments.inputs(flags, options, weights);
        LayerMapping mapping = LayerArguments.map(flags, weights, options, circuit);
        TransferCommand.warnIfTilesHeapLimited("mvm", options.tileRows(), options.tileCols(), circuit, err);
        // The outputs alone (no NF terms): with an ideal ADC the DAC cycles are summed before the crossbar.
        double[] y = cellModel.isLinear() ? TiledMvm.outputs(mapping, inputs.quantized(), circuit,
                io.xbar.mapping.TransferFunction.exact(GlobalFlags.threads(0)))
                : TiledMvm.outputs(mapping, inputs.quantized(), circuit, cellModel);
        ArrayFiles.write("out", output, y, inputs.file().outputShape(mapping.outputs()));
        return 0;
    }
}
