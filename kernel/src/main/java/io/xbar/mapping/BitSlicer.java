// BitSlicer: splits a stored unsigned magnitude into S = ceil(bits/c) cell levels and levels into conductances.
package io.xbar.mapping;

/** Slice {@code k} of a magnitude {@code m} is {@code (m >> (c*k)) & (2^c - 1)}, with significance {@code 2^(c*k)}. */
public final class BitSlicer {
    private BitSlicer() {
    }

    /** {@code S = ceil(bits / cellBits)}. */
    public static int slices(int bits, int cellBits) {
        if (bits < 1 || cellBits < 1) {
            throw new IllegalArgumentException("bits and cell bits must be >= 1, got " + bits + " and " + cellBits);
        }
        return (bits + cellBits - 1) / cellBits;
    }

    /** The level of slice {@code slice} of {@code magnitude}, in {@code [0, 2^c - 1]}. */
    public static int level(int magnitude, int slice, int cellBits) {
        return (magnitude >>> (cellBits * slice)) & ((1 << cellBits) - 1);
    }

    /** The unsigned magnitude that the half {@code sign} (+1/-1) stores for weight {@code q}. */
    public static int stored(int q, int sign, Encoding encoding, int weightBits) {
        if (encoding == Encoding.OFFSET) {
            return q + (1 << (weightBits - 1));
        }
        return sign > 0 ? Math.max(q, 0) : Math.max(-q, 0);
    }

    /** {@code g = g_off + (g_on - g_off) * l / L}. */
    public static double conductance(int level, int maxLevel, double gOn, double gOff) {
        return gOff + (gOn - gOff) * level / maxLevel;
    }
}
