// CellModelFlags: --cell-model linear|sinh and --v0 VOLTS (MODEL.md section 6), parsed into a kernel CellModel.
package io.xbar.cli;

import io.xbar.kernel.CellModel;
import io.xbar.kernel.Circuit;
import java.util.Set;

/**
 * The cells' current-voltage law: {@code --cell-model linear} (default, Ohm's law) or {@code sinh}
 * ({@code i = g v0 sinh((u - w) / v0)}, {@code --v0} volts, default 0.25, finite and {@code > 0}).
 * A nonlinear cell behind an access transistor ({@code --r-access > 0}) is refused, and so is
 * {@code --v0} without {@code --cell-model sinh} (it would be silently ignored).
 */
public final class CellModelFlags {
    /** The valued flag names, without dashes. */
    public static final Set<String> NAMES = Set.of("cell-model", "v0");

    /** Help lines, one per flag. */
    public static final String HELP = String.join(System.lineSeparator(),
            FlagSets.helpLine("--cell-model MODEL", "cell current law: linear (i = g d) or sinh (i = g v0 sinh(d/v0)); default linear"),
            FlagSets.helpLine("--v0 VOLTS", "voltage scale of the sinh cells, > 0 (default 0.25)"));

    private CellModelFlags() {
    }

    /**
     * The cell model the flags describe, checked against the circuit.
     *
     * @throws UsageException naming the flag and value
     */
    public static CellModel parse(Flags flags, Circuit circuit) {
        String name = flags.string("cell-model", "linear").trim().toLowerCase(java.util.Locale.ROOT);
        CellModel model;
        switch (name) {
            case "linear" -> {
                if (flags.has("v0")) {
                    throw new UsageException("--v0 " + flags.string("v0", "") + " applies to --cell-model sinh only"
                            + " (the cells are linear)");
                }
                return CellModel.LINEAR;
            }
            case "sinh" -> {
                double v0 = flags.number("v0", CellModel.DEFAULT_V0);
                if (!(v0 > 0)) {
                    throw new UsageException("--v0: " + flags.string("v0", "") + " must be a voltage > 0 V");
                }
                model = CellModel.sinh(v0);
            }
            default -> throw new UsageException("--cell-model: '" + flags.string("cell-model", "")
                    + "' is not a cell model (linear or sinh)");
        }
        if (circuit.access() != 0) {
            throw new UsageException("--r-access " + flags.string("r-access", "") + " with --cell-model sinh: a nonlinear "
                    + "cell behind an access transistor is not supported (use --r-access 0)");
        }
        return model;
    }

    /**
     * The mapping commands drive rows with {@code 0..v_read}: with sinh cells that span must stay
     * within {@link CellModel#MAX_RATIO} {@code v0}.
     *
     * @throws UsageException naming {@code --v-read} and {@code --v0}
     */
    static void checkReadVoltage(Flags flags, CellModel model, double vRead) {
        if (!model.isLinear() && vRead > CellModel.MAX_RATIO * model.v0()) {
            throw new UsageException("--v-read " + vRead + " V is more than " + (int) CellModel.MAX_RATIO + " v0 (--v0 "
                    + model.v0() + " V): the sinh cell model accepts cell voltages up to " + (int) CellModel.MAX_RATIO
                    + " v0");
        }
    }
}
