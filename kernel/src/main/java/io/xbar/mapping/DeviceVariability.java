// DeviceVariability: programming faults, noise and drift of the programmed cells (MODEL.md section 6): stuck -> noise -> drift, seeded.
package io.xbar.mapping;

import java.util.Locale;

/**
 * How the conductances a mapping asks for differ from the ones the cells take, applied to each
 * programmed cell in this order (MODEL.md section 6):
 * <ol>
 *   <li>stuck at {@code g_on} with probability {@code stuckOn}, else stuck at {@code g_off} with
 *       probability {@code stuckOff}; a stuck cell skips steps 2 and 3;</li>
 *   <li>programming noise: {@code g <- max(0, g (1 + programNoise z1))}, {@code z1 ~ N(0, 1)};</li>
 *   <li>power-law drift: {@code g <- g T^-nu}, {@code T = driftTime} seconds after programming
 *       ({@code t0 = 1 s}), {@code nu = driftNu + driftNuSigma z2} per cell, {@code z2 ~ N(0, 1)}.</li>
 * </ol>
 *
 * <p>The draws of a cell are a pure function of ({@code seed}, the cell's logical identity): its
 * weight row, output, slice and half ({@link #cellKey}). They do not depend on the tile size, the
 * placement (naive, mdm, optimized put the same logical cell in different places and it keeps its
 * draws), the thread count or the order in which tiles are built. Every cell uses the same three
 * numbers whichever steps are active, so a stuck pattern stays when noise is added, and a cell's
 * drift exponent is the same at one day and at one year. The generator is counter based:
 * {@code key = mix(mix(seed) + GOLDEN * cellKey)}, draw {@code k} is {@code mix(key + (k+1) GOLDEN)}
 * (SplitMix64's finalizer {@code mix} and increment {@code GOLDEN = 0x9e3779b97f4a7c15}); draw 0 is
 * the stuck uniform, draws 1 and 2 give {@code z1 = r cos(theta)}, {@code z2 = r sin(theta)} by
 * Box-Muller ({@code r = sqrt(-2 ln(1 - u1))}, {@code theta = 2 pi u2}), uniforms
 * {@code (bits >>> 11) 2^-53}.
 *
 * <p>{@link #NONE} (the default) changes nothing and draws nothing. Ranges (refused otherwise, naming
 * the option and the value): rates in {@code [0, 1]} with {@code stuckOn + stuckOff <= 1}, noise in
 * {@code [0, 10]}, drift time in {@code [1, 1e10]} s, {@code nu} and its sigma in {@code [0, 1]}.
 *
 * @param stuckOn      probability that a cell is stuck at {@code g_on}
 * @param stuckOff     probability that a cell is stuck at {@code g_off}
 * @param programNoise relative programming noise {@code S} (standard deviation of {@code g / g_target - 1})
 * @param driftTime    seconds since programming, {@code T >= t0 = 1 s}; 1 means no drift
 * @param driftNu      mean drift exponent {@code NU}
 * @param driftNuSigma standard deviation of the drift exponent across cells {@code SN}
 * @param seed         the seed of every draw
 */
public record DeviceVariability(double stuckOn, double stuckOff, double programNoise, double driftTime, double driftNu,
                                double driftNuSigma, long seed) {
    /** No faults, no noise, no drift, seed 0: the nominal conductances, bit for bit. */
    public static final DeviceVariability NONE = new DeviceVariability(0, 0, 0, 1, 0, 0, 0);

    /** Largest relative programming noise accepted. */
    public static final double MAX_NOISE = 10;
    /** Largest drift time accepted, seconds (about 317 years). */
    public static final double MAX_DRIFT_TIME = 1e10;
    /** Largest drift exponent and exponent sigma accepted. */
    public static final double MAX_NU = 1;

    private static final long GOLDEN = 0x9e3779b97f4a7c15L;

    public DeviceVariability {
        range("stuck-on", stuckOn, 0, 1);
        range("stuck-off", stuckOff, 0, 1);
        if (stuckOn + stuckOff > 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "stuck-on %s + stuck-off %s = %s: the two rates must sum to at most 1", stuckOn, stuckOff,
                    stuckOn + stuckOff));
        }
        range("program-noise", programNoise, 0, MAX_NOISE);
        range("drift-time", driftTime, 1, MAX_DRIFT_TIME);
        range("drift-nu", driftNu, 0, MAX_NU);
        range("drift-nu-sigma", driftNuSigma, 0, MAX_NU);
    }

    /**
     * Checks {@code lo <= value <= hi}.
     *
     * @throws IllegalArgumentException {@code "<name>: <value> is out of range (expected lo..hi)"}
     */
    public static void range(String name, double value, double lo, double hi) {
        if (!(value >= lo && value <= hi)) {
            throw new IllegalArgumentException(name + ": " + value + " is out of range (expected " + rangeText(lo, hi) + ")");
        }
    }

    /** {@code "lo..hi"} as the messages write it. */
    public static String rangeText(double lo, double hi) {
        return plain(lo) + ".." + plain(hi);
    }

    private static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e6 ? Long.toString((long) v) : Double.toString(v);
    }

    /** True when every programmed cell keeps its nominal conductance (no draw is made at all). */
    public boolean isNone() {
        return stuckOn == 0 && stuckOff == 0 && programNoise == 0 && !drifts();
    }

    /** True when step 3 changes anything. */
    private boolean drifts() {
        return driftTime != 1 && (driftNu != 0 || driftNuSigma != 0);
    }

    public DeviceVariability withSeed(long s) {
        return new DeviceVariability(stuckOn, stuckOff, programNoise, driftTime, driftNu, driftNuSigma, s);
    }

    /**
     * The same device with a seed of its own for layer {@code index} of a network: layers mapped with
     * one seed would otherwise share their draws cell for cell (the key is the cell's position in
     * its layer). {@code forLayer(0)} is this; other layers get {@code mix(seed + GOLDEN * index)}.
     */
    public DeviceVariability forLayer(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("layer index must be >= 0, got " + index);
        }
        return index == 0 ? this : withSeed(mix(seed + GOLDEN * index));
    }

    /**
     * The logical identity of a programmed cell: weight row {@code row} ({@code 0..K-1}), output
     * {@code output} ({@code 0..N_out-1}), slice {@code slice} ({@code 0..S-1}), half {@code half}
     * ({@code 0} for {@code +} and for {@code offset}, {@code 1} for {@code -}):
     * {@code ((row * N_out + output) * S + slice) * halves + half}.
     */
    public static long cellKey(int row, int output, int slice, int half, int outputs, int slices, int halves) {
        return (((long) row * outputs + output) * slices + slice) * halves + half;
    }

    /**
     * The conductance the cell {@code cellKey} takes when programmed to {@code nominal} on a device
     * whose extremes are {@code gOn} and {@code gOff}.
     */
    public double realize(double nominal, double gOn, double gOff, long cellKey) {
        if (isNone()) {
            return nominal;
        }
        long key = mix(mix(seed) + GOLDEN * cellKey);
        double u = uniform(key, 0);
        if (u < stuckOn) {
            return gOn;
        }
        if (u < stuckOn + stuckOff) {
            return gOff;
        }
        double g = nominal;
        if (programNoise > 0 || drifts()) {
            double r = Math.sqrt(-2 * Math.log(1 - uniform(key, 1)));  // 1 - u in (0, 1]: r finite
            double theta = 2 * Math.PI * uniform(key, 2);
            if (programNoise > 0) {
                g = Math.max(0, g * (1 + programNoise * (r * Math.cos(theta))));
            }
            if (drifts()) {
                double nu = driftNu + driftNuSigma * (r * Math.sin(theta));
                g *= Math.pow(driftTime, -nu);
            }
        }
        return g;
    }

    /**
     * The three draws of a cell, for checks of the statistics: {@code {u, z1, z2}} (the stuck
     * uniform, the noise normal, the drift-exponent normal).
     */
    public double[] draws(long cellKey) {
        long key = mix(mix(seed) + GOLDEN * cellKey);
        double r = Math.sqrt(-2 * Math.log(1 - uniform(key, 1)));
        double theta = 2 * Math.PI * uniform(key, 2);
        return new double[] {uniform(key, 0), r * Math.cos(theta), r * Math.sin(theta)};
    }

    private static double uniform(long key, int k) {
        return (mix(key + GOLDEN * (k + 1)) >>> 11) * 0x1.0p-53;
    }

    /** SplitMix64's finalizer (Stafford's variant 13): a bijection of the 64-bit integers. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A one-line description for reports. */
    public String describe() {
        if (isNone()) {
            return "nominal (no stuck cells, no programming noise, no drift)";
        }
        return String.format(Locale.ROOT, "stuck-on %s, stuck-off %s, program-noise %s, drift %s s with nu %s +- %s, seed %d",
                stuckOn, stuckOff, programNoise, driftTime, driftNu, driftNuSigma, seed);
    }
}
