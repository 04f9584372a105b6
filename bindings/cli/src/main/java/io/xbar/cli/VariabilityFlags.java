// VariabilityFlags: the programming flags of the mapping commands (--stuck-on --stuck-off --program-noise --drift-* --seed, MODEL.md section 6).
package io.xbar.cli;

import io.xbar.mapping.DeviceVariability;

import java.util.Set;

/**
 * Parses the device-variability flags into one {@link DeviceVariability}; part of the mapping
 * flags, so every command (and the Python binding, and config files) that takes those takes these.
 * Every error names the flag and the value.
 */
public final class VariabilityFlags {
    /** Valued flags, without dashes. */
    public static final Set<String> NAMES = Set.of("stuck-on", "stuck-off", "program-noise", "drift-time", "drift-nu",
            "drift-nu-sigma", "seed");

    public static final String HELP = String.join(System.lineSeparator(),
            FlagSets.helpLine("--stuck-on P", "probability that a programmed cell is stuck at g_on, 0..1 (default 0)"),
            FlagSets.helpLine("--stuck-off P", "probability that a programmed cell is stuck at g_off, 0..1 (default 0)"),
            FlagSets.helpLine("--program-noise S", "relative programming noise: g <- max(0, g (1 + S N(0,1))), 0..10 (default 0)"),
            FlagSets.helpLine("--drift-time T", "seconds since programming, g <- g T^-nu (t0 = 1 s), 1..1e10 (default 1: none)"),
            FlagSets.helpLine("--drift-nu NU", "mean drift exponent, 0..1 (default 0)"),
            FlagSets.helpLine("--drift-nu-sigma SN", "per-cell standard deviation of the drift exponent, 0..1 (default 0)"),
            FlagSets.helpLine("--seed N", "seed of the stuck, noise and drift draws (default 0)"));

    private VariabilityFlags() {
    }

    /** The variability the flags describe; {@link DeviceVariability#NONE} when none is given. */
    public static DeviceVariability parse(Flags flags) {
        DeviceVariability d = DeviceVariability.NONE;
        double stuckOn = value(flags, "stuck-on", d.stuckOn(), 0, 1);
        double stuckOff = value(flags, "stuck-off", d.stuckOff(), 0, 1);
        if (stuckOn + stuckOff > 1) {
            throw new UsageException("--stuck-on " + flags.string("stuck-on", "0") + " plus --stuck-off "
                    + flags.string("stuck-off", "0") + " is " + (stuckOn + stuckOff) + "; the two rates must sum to at most 1");
        }
        double noise = value(flags, "program-noise", d.programNoise(), 0, DeviceVariability.MAX_NOISE);
        double time = value(flags, "drift-time", d.driftTime(), 1, DeviceVariability.MAX_DRIFT_TIME);
        double nu = value(flags, "drift-nu", d.driftNu(), 0, DeviceVariability.MAX_NU);
        double sigma = value(flags, "drift-nu-sigma", d.driftNuSigma(), 0, DeviceVariability.MAX_NU);
        long seed = d.seed();
        if (flags.has("seed")) {
            String text = flags.string("seed", "");
            try {
                seed = Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                throw new UsageException("--seed: '" + text + "' is not an integer (a 64-bit seed)");
            }
        }
        return new DeviceVariability(stuckOn, stuckOff, noise, time, nu, sigma, seed);
    }

    private static double value(Flags flags, String name, double fallback, double lo, double hi) {
        double v = flags.number(name, fallback);
        if (!(v >= lo && v <= hi)) {
            // Worded as the kernel's check, with the value as the user wrote it.
            throw new UsageException("--" + name + ": " + flags.string(name, "").trim() + " is out of range (expected "
                    + DeviceVariability.rangeText(lo, hi) + ")");
        }
        return v;
    }
}
