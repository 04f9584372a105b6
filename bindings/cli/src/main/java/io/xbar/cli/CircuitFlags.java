// CircuitFlags: the circuit flags every command accepts (MODEL.md section 5), parsed into a kernel Circuit.
package io.xbar.cli;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import java.util.Set;

/**
 * {@code --r-wl --r-bl --r-source --r-sense --r-access} (ohms, {@code >= 0}, {@code 0} is an exact
 * short) and {@code --drive left|right|both}, {@code --sense bottom|top|both}. Unset flags take the
 * MODEL.md defaults of {@link Circuit#DEFAULT}.
 *
 * <p>Use: declare {@link #NAMES} among a command's valued flags (see {@link FlagSets#union}), call
 * {@link #parse(Flags)} after {@link Flags#parse}, and print {@link #HELP} in the command's help.
 */
public final class CircuitFlags {
    /** The valued flag names, without dashes. */
    public static final Set<String> NAMES = Set.of("r-wl", "r-bl", "r-source", "r-sense", "r-access", "drive", "sense");

    /** Help lines, one per flag, aligned like {@link FlagSets#helpLine}. */
    public static final String HELP = String.join(System.lineSeparator(),
            FlagSets.helpLine("--r-wl OHMS", "word-line resistance per cell segment (default 2.5)"),
            FlagSets.helpLine("--r-bl OHMS", "bit-line resistance per cell segment (default 2.5)"),
            FlagSets.helpLine("--r-source OHMS", "word-line driver series resistance (default 0)"),
            FlagSets.helpLine("--r-sense OHMS", "sense amplifier input resistance (default 0)"),
            FlagSets.helpLine("--r-access OHMS", "cell access transistor resistance, 1T1R (default 0 = 0T1R)"),
            FlagSets.helpLine("--drive SIDE", "word-line drivers at left|right|both ends (default left)"),
            FlagSets.helpLine("--sense SIDE", "sense amplifiers at bottom|top|both ends (default bottom)"));

    private CircuitFlags() {
    }

    /**
     * The circuit the flags describe, starting from {@link Circuit#DEFAULT}.
     *
     * @throws UsageException naming the flag and value when a resistance is negative or not a
     *                        number, or a side is unknown
     */
    public static Circuit parse(Flags flags) {
        Circuit d = Circuit.DEFAULT;
        Drive drive = d.drive();
        Sense sense = d.senseAt();
        try {
            if (flags.has("drive")) {
                drive = Drive.parse(flags.required("drive"));
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException("--drive: " + e.getMessage());
        }
        try {
            if (flags.has("sense")) {
                sense = Sense.parse(flags.required("sense"));
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException("--sense: " + e.getMessage());
        }
        return new Circuit(
                ohms(flags, "r-wl", d.wordLine()),
                ohms(flags, "r-bl", d.bitLine()),
                ohms(flags, "r-source", d.source()),
                ohms(flags, "r-sense", d.sense()),
                ohms(flags, "r-access", d.access()),
                drive, sense);
    }

    private static double ohms(Flags flags, String name, double fallback) {
        double r = flags.number(name, fallback);
        if (r < 0) {
            throw new UsageException("--" + name + ": " + flags.string(name, "") + " is negative; a resistance must be >= 0 ohm");
        }
        return r;
    }
}
