// RowRefinement: improves MDM's row order by adjacent swaps under a first-order model of the bit-line IR drop.
package io.xbar.mapping;

/**
 * First-order model. With the sense amplifier below position {@code M-1} (positions counted from
 * the far end), bit-line segment {@code s} carries {@code C_s = sum_{p<=s} c_p}, the ideal cell
 * currents above it, and raises every bit-line node above it by {@code r_bl * C_s}. A cell loses
 * {@code g * w}, so column {@code j} loses {@code r_bl * sum_s C_s,j * G_s,j} where {@code G_s} is
 * the conductance above segment {@code s} (inactive rows load the bit line too). Its NF term is
 * that loss over its ideal current {@code I_j}, so the row order should minimize
 * <pre>  cost = sum_j (1 / I_j) sum_s C_s,j * G_s,j.</pre>
 * Word-line drops depend, to first order, only on a row's own cells and the column order, not on
 * where the row sits, so they do not enter. Swapping the rows at positions {@code s, s+1} changes
 * only the prefix at {@code s}, so its effect costs {@code O(N)}; bubble passes from MDM's order
 * keep every swap that lowers the cost, until none does or a pass limit is reached.
 */
final class RowRefinement {
    /** Bubble passes at most; MDM's order is already close, and this bounds the work per tile to O(passes*M*N). */
    static final int MAX_PASSES = 24;

    private RowRefinement() {
    }

    /**
     * Reorders {@code order} in place.
     *
     * @param order       logical local rows by position, far end first ({@code order.length} positions)
     * @param conductance row-major {@code rows x columns} conductance of each local row's cells in the read columns
     * @param activity    expected relative drive of each local row (1 for an input row, 0 for padding)
     * @param fixedPrefix conductance (per column) of padding rows that sit beyond position 0 and do not move
     */
    static void refine(int[] order, double[] conductance, double[] activity, int columns, double[] fixedPrefix) {
        int positions = order.length;
        if (positions < 2 || columns == 0) {
            return;
        }
        double[] inverseTotal = new double[columns];
        for (int r : order) {
            for (int j = 0; j < columns; j++) {
                inverseTotal[j] += conductance[r * columns + j] * activity[r];
            }
        }
        for (int j = 0; j < columns; j++) {
            inverseTotal[j] = inverseTotal[j] > 0 ? 1 / inverseTotal[j] : 0;
        }
        double[] prefixC = new double[columns];
        double[] prefixG = new double[columns];
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            boolean swapped = false;
            java.util.Arrays.fill(prefixC, 0);
            System.arraycopy(fixedPrefix, 0, prefixG, 0, columns);
            for (int s = 0; s + 1 < positions; s++) {
                int a = order[s];
                int b = order[s + 1];
                double aAct = activity[a];
                double bAct = activity[b];
                double delta = 0;
                int aBase = a * columns;
                int bBase = b * columns;
                for (int j = 0; j < columns; j++) {
                    double ga = conductance[aBase + j];
                    double gb = conductance[bBase + j];
                    double pc = prefixC[j];
                    double pg = prefixG[j];
                    delta += ((pc + gb * bAct) * (pg + gb) - (pc + ga * aAct) * (pg + ga)) * inverseTotal[j];
                }
                if (delta < 0) {
                    order[s] = b;
                    order[s + 1] = a;
                    swapped = true;
                }
                int r = order[s];
                int base = r * columns;
                double act = activity[r];
                for (int j = 0; j < columns; j++) {
                    prefixC[j] += conductance[base + j] * act;
                    prefixG[j] += conductance[base + j];
                }
            }
            if (!swapped) {
                return;
            }
        }
    }
}
