// ColumnRole: what one physical column of a tile holds: which output, which slice, which half.
package io.xbar.mapping;

/**
 * @param output logical output index (global, {@code 0..N_out-1})
 * @param slice  slice index {@code k}, significance {@code 2^(c*k)}
 * @param sign   {@code +1} or {@code -1} (the negative half of {@code differential}); always {@code +1} for {@code offset}
 */
public record ColumnRole(int output, int slice, int sign) {
    public ColumnRole {
        if (output < 0 || slice < 0 || (sign != 1 && sign != -1)) {
            throw new IllegalArgumentException("bad column role: output " + output + ", slice " + slice + ", sign " + sign);
        }
    }
}
