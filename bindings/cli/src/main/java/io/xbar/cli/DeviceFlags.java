// DeviceFlags: the device flags (--g-on --g-off --v-read, MODEL.md section 5) with their defaults and checks.
package io.xbar.cli;

import io.xbar.kernel.Scaling;
import java.util.Set;

/**
 * The memristive device and read voltage: {@code g_on} and {@code g_off} in siemens (the highest and
 * lowest programmable conductance), {@code v_read} in volts. Valid when
 * {@code g_on > g_off >= 0} and {@code v_read > 0}, all finite.
 *
 * @param gOn   ON conductance (S), default {@code 1e-4} (10 kOhm)
 * @param gOff  OFF conductance (S), default {@code 1e-6} (1 MOhm)
 * @param vRead read voltage (V), default {@code 0.2}
 */
public record DeviceFlags(double gOn, double gOff, double vRead) {
    /** MODEL.md defaults. */
    public static final DeviceFlags DEFAULT = new DeviceFlags(1e-4, 1e-6, 0.2);

    /** The valued flag names, without dashes. */
    public static final Set<String> NAMES = Set.of("g-on", "g-off", "v-read");

    /** Help lines, one per flag. */
    public static final String HELP = String.join(System.lineSeparator(),
            FlagSets.helpLine("--g-on S", "ON (highest) cell conductance in siemens (default 1e-4)"),
            FlagSets.helpLine("--g-off S", "OFF (lowest) cell conductance in siemens (default 1e-6)"),
            FlagSets.helpLine("--v-read V", "read voltage of a full-scale input in volts (default 0.2)"));

    /** @throws IllegalArgumentException naming the parameters and values when they are inconsistent */
    public DeviceFlags {
        if (!Double.isFinite(gOn) || !Double.isFinite(gOff) || !Double.isFinite(vRead)) {
            throw new IllegalArgumentException("g_on, g_off and v_read must be finite, got g_on=" + gOn + " g_off=" + gOff
                    + " v_read=" + vRead);
        }
        if (gOff < 0) {
            throw new IllegalArgumentException("g_off = " + gOff + " S is negative; it must be >= 0");
        }
        if (!(gOn > gOff)) {
            throw new IllegalArgumentException("g_on = " + gOn + " S must be greater than g_off = " + gOff + " S");
        }
        if (!(vRead > 0)) {
            throw new IllegalArgumentException("v_read = " + vRead + " V must be > 0");
        }
    }

    /**
     * The device the flags describe, starting from {@link #DEFAULT}.
     *
     * @throws UsageException naming the flag(s) and value(s) when they are not numbers or inconsistent
     */
    public static DeviceFlags parse(Flags flags) {
        double gOn = flags.number("g-on", DEFAULT.gOn);
        double gOff = flags.number("g-off", DEFAULT.gOff);
        double vRead = flags.number("v-read", DEFAULT.vRead);
        if (gOff < 0) {
            throw new UsageException("--g-off: " + gOff + " is negative; a conductance must be >= 0 S");
        }
        if (!(gOn > gOff)) {
            throw new UsageException("--g-on " + gOn + " must be greater than --g-off " + gOff
                    + (flags.has("g-on") || flags.has("g-off") ? "" : " (defaults)"));
        }
        if (!(vRead > 0)) {
            throw new UsageException("--v-read: " + vRead + " must be > 0 V");
        }
        // The solver's accepted range (conductance spread, currents within the double range) on the
        // tiles these cells are programmed into.
        try {
            Scaling.checkDevice(gOn, gOff, vRead, MappingFlags.tile(flags)[0], CircuitFlags.parse(flags));
        } catch (IllegalArgumentException e) {
            StringBuilder named = new StringBuilder();
            for (String f : new String[] {"g-on", "g-off", "v-read"}) {
                if (flags.has(f)) {
                    named.append(named.isEmpty() ? "" : " ").append("--").append(f).append(' ').append(flags.string(f, ""));
                }
            }
            throw new UsageException((named.isEmpty() ? "device defaults" : named) + ": " + e.getMessage(), e);
        }
        return new DeviceFlags(gOn, gOff, vRead);
    }
}
