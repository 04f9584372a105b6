// MappingFlags: the mapping flags of MODEL.md section 5 (--mapping --weight-bits ... --adc-bits, --signed-inputs), parsed into MappingOptions.
package io.xbar.cli;

import io.xbar.mapping.Encoding;
import io.xbar.mapping.Layout;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.Orientation;
import io.xbar.mapping.Preset;
import io.xbar.mapping.RowOrder;

import java.util.Set;

/** Shared by {@code map}, {@code mvm}, {@code nf} and {@code sweep}; every error names its flag. Includes {@link VariabilityFlags}. */
public final class MappingFlags {
    /** Valued flags, without dashes. */
    public static final Set<String> NAMES = FlagSets.union(Set.of("mapping", "weight-bits", "cell-bits", "signed", "tile",
            "layout", "orientation", "row-order", "input-bits", "dac-bits", "adc-bits"), VariabilityFlags.NAMES);

    /** Switches. */
    public static final Set<String> SWITCHES = Set.of("signed-inputs");

    public static final String HELP = String.join(System.lineSeparator(),
            FlagSets.helpLine("--mapping NAME", "naive|mdm|optimized (default naive)"),
            FlagSets.helpLine("--weight-bits B", "weight bits, 2..16 (default 8)"),
            FlagSets.helpLine("--cell-bits C", "bits per cell: 1, 2 or 4 (default 1)"),
            FlagSets.helpLine("--signed ENC", "signed encoding: differential|offset (default differential)"),
            FlagSets.helpLine("--tile RxC", "tile rows x columns (default 256x256)"),
            FlagSets.helpLine("--layout L", "interleaved|slice-major|density (overrides the preset)"),
            FlagSets.helpLine("--orientation O", "msb-near-driver|lsb-near-driver (overrides the preset)"),
            FlagSets.helpLine("--row-order R", "natural|mdm (overrides the preset)"),
            FlagSets.helpLine("--input-bits A", "activation bits, 1..16 (default 8)"),
            FlagSets.helpLine("--dac-bits P", "input bits per cycle, 1..8 (default 1)"),
            FlagSets.helpLine("--adc-bits N", "ADC bits, 0 = ideal (default 0)"),
            FlagSets.helpLine("--signed-inputs", "allow negative activations: two passes, subtracted digitally"),
            VariabilityFlags.HELP);

    private MappingFlags() {
    }

    /** The options the flags describe, starting from MODEL.md defaults and the device's conductances. */
    public static MappingOptions parse(Flags flags, DeviceFlags device) {
        MappingOptions o = MappingOptions.DEFAULT;
        Preset preset = choice(flags, "mapping", Preset::parse, Preset.NAIVE);
        Encoding encoding = choice(flags, "signed", Encoding::parse, Encoding.DIFFERENTIAL);
        Layout layout = choice(flags, "layout", Layout::parse, preset.layout());
        Orientation orientation = choice(flags, "orientation", Orientation::parse, preset.orientation());
        RowOrder rowOrder = choice(flags, "row-order", RowOrder::parse, preset.rowOrder());
        int[] tile = tile(flags);
        int weightBits = flags.integer("weight-bits", o.weightBits());
        int cellBits = flags.integer("cell-bits", o.cellBits());
        int inputBits = flags.integer("input-bits", o.inputBits());
        int dacBits = flags.integer("dac-bits", o.dacBits());
        int adcBits = flags.integer("adc-bits", o.adcBits());
        check(weightBits >= 2 && weightBits <= MappingOptions.MAX_WEIGHT_BITS, "weight-bits", weightBits,
                "2.." + MappingOptions.MAX_WEIGHT_BITS);
        check(cellBits == 1 || cellBits == 2 || cellBits == 4, "cell-bits", cellBits, "1, 2 or 4");
        check(inputBits >= 1 && inputBits <= MappingOptions.MAX_INPUT_BITS, "input-bits", inputBits,
                "1.." + MappingOptions.MAX_INPUT_BITS);
        int maxDac = Math.min(MappingOptions.MAX_DAC_BITS, inputBits);
        check(dacBits >= 1 && dacBits <= maxDac, "dac-bits", dacBits, "1.." + maxDac + " (at most --input-bits)");
        check(adcBits >= 0 && adcBits <= MappingOptions.MAX_ADC_BITS, "adc-bits", adcBits,
                "0 (ideal) .. " + MappingOptions.MAX_ADC_BITS);
        io.xbar.mapping.DeviceVariability variability = VariabilityFlags.parse(flags);
        try {
            return new MappingOptions(preset, weightBits, cellBits, encoding, tile[0], tile[1], layout, orientation,
                    rowOrder, inputBits, dacBits, adcBits, flags.has("signed-inputs"), device.gOn(), device.gOff(),
                    device.vRead(), variability);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--tile: " + e.getMessage());
        }
    }

    private static void check(boolean ok, String flag, int value, String range) {
        if (!ok) {
            throw new UsageException("--" + flag + ": " + value + " is out of range (expected " + range + ")");
        }
    }

    private static <T> T choice(Flags flags, String flag, java.util.function.Function<String, T> parse, T fallback) {
        if (!flags.has(flag)) {
            return fallback;
        }
        try {
            return parse.apply(flags.required(flag));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + flag + ": " + e.getMessage());
        }
    }

    /** {@code RxC}, for example {@code 256x256}. */
    static int[] tile(Flags flags) {
        String s = flags.string("tile", "256x256").trim();
        String[] parts = s.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (parts.length == 2) {
                int rows = Integer.parseInt(parts[0].trim());
                int cols = Integer.parseInt(parts[1].trim());
                if (rows >= 1 && cols >= 1 && rows <= MappingOptions.MAX_TILE && cols <= MappingOptions.MAX_TILE) {
                    return new int[] {rows, cols};
                }
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new UsageException("--tile: '" + s + "' is not a tile size ROWSxCOLS with each side 1.." + MappingOptions.MAX_TILE
                + " (e.g. 256x256)");
    }
}
