// Scaling: the crossbar network scaled by powers of two (conductances by 2^a, voltages by 2^b) so every accepted input solves in range.
package io.xbar.kernel;

import java.util.Locale;

/**
 * The crossbar network is linear: multiplying every conductance by {@code 2^a} (every resistance by
 * {@code 2^-a}) and every input voltage by {@code 2^b} multiplies the node voltages by {@code 2^b}
 * and every current by {@code 2^(a+b)}. Powers of two are exact in binary floating point, so a
 * scaled solve of normal doubles rounds exactly as the unscaled one and gives bit-identical
 * results; but with the largest conductance and the largest input near 1 no intermediate (dot
 * products of residual currents, Galerkin products of conductances, Cholesky pivots) can overflow
 * or underflow, whatever the magnitudes the user gives.
 *
 * <p>What is refused, up front, with an {@link IllegalArgumentException} naming the values:
 * <ul>
 *   <li>a network whose nonzero conductances (every cell's {@code g'} and {@code 1/r} of every
 *       nonzero wire, driver and sense resistance) span more than {@link #MAX_SPREAD}: the solve
 *       would be ill-conditioned beyond what double precision can resolve (an open cell is 0,
 *       not a tiny conductance);</li>
 *   <li>inputs whose output currents could exceed the largest double: column {@code j} carries at
 *       most {@code span(V) * min(sum_i g'(i,j), conductance into its sense node)}, with
 *       {@code span(V) = max(V, 0) - min(V, 0)}.</li>
 * </ul>
 * Node voltages always lie within {@code [min(V, 0), max(V, 0)]} and are always representable.
 */
public final class Scaling {
    /** Largest accepted ratio of the largest to the smallest nonzero conductance of one network. */
    public static final double MAX_SPREAD = 1e30;
    /** {@code log2(MAX_SPREAD)}, rounded down; spreads are compared by binary exponents. */
    private static final int SPREAD_BITS = 99;

    private final int exponent;
    private final Circuit circuit;
    private final double[] cells;
    private final double columnBound;

    private Scaling(int exponent, Circuit circuit, double[] cells, double columnBound) {
        this.exponent = exponent;
        this.circuit = circuit;
        this.cells = cells;
        this.columnBound = columnBound;
    }

    /**
     * Checks and scales one programmed crossbar.
     *
     * @param conductances row-major {@code rows x cols} cell conductances, already checked finite and {@code >= 0}
     * @throws IllegalArgumentException when the network's conductances span more than {@link #MAX_SPREAD}
     */
    public static Scaling of(int rows, int cols, Circuit circuit, double[] conductances) {
        double[] g = effective(circuit, conductances);
        return ofCells(rows, cols, circuit, g, null, null);
    }

    /** The effective cell conductances {@code g'} ({@link Circuit#cellConductance}): a copy without access resistance. */
    private static double[] effective(Circuit circuit, double[] conductances) {
        if (circuit.access() == 0) {
            return conductances.clone(); // g' = g; no call per cell (a cold JVM interprets this loop)
        }
        double[] g = new double[conductances.length];
        for (int k = 0; k < g.length; k++) {
            g[k] = circuit.cellConductance(conductances[k]);
        }
        return g;
    }

    /**
     * As {@link #of}, but keeps the exponent {@code previous} (no rescaling, results are the same)
     * when it still holds the largest conductance within {@code 2^±8} of 1.
     */
    static Scaling of(int rows, int cols, Circuit circuit, double[] conductances, int previous) {
        double[] g = effective(circuit, conductances);
        return ofCells(rows, cols, circuit, g, previous, null);
    }

    private static final int CELL = -1;

    /** {@code cellName}: names cell {@code k} in a message; null for {@code cell [i][j] = g S}. */
    private static Scaling ofCells(int rows, int cols, Circuit c, double[] g, Integer previous,
                                   java.util.function.IntFunction<String> cellName) {
        // The largest and the smallest nonzero conductance, by binary exponent.
        int hi = Integer.MIN_VALUE;
        int lo = Integer.MAX_VALUE;
        // Which element holds each: a resistance (index into ohms) or a cell (CELL; which one is looked
        // up for the message only).
        int hiAt = 0;
        int loAt = 0;
        double[] ohms = {c.wordLine(), c.bitLine(), c.source(), c.sense()};
        for (int k = 0; k < ohms.length; k++) {
            if (ohms[k] > 0) {
                int e = -log2(ohms[k]);
                if (e > hi) {
                    hi = e;
                    hiAt = k;
                }
                if (e < lo) {
                    lo = e;
                    loAt = k;
                }
            }
        }
        // The largest and smallest nonzero cell by value (the binary exponent grows with the value), in
        // a loop without calls: a cold JVM interprets it, once per programming.
        double largest = 0;
        double smallest = Double.POSITIVE_INFINITY;
        for (double x : g) {
            if (x > largest) {
                largest = x;
            }
            if (x > 0 && x < smallest) {
                smallest = x;
            }
        }
        if (largest > 0 && log2(largest) > hi) {
            hi = log2(largest);
            hiAt = CELL;
        }
        if (largest > 0 && log2(smallest) < lo) {
            lo = log2(smallest);
            loAt = CELL;
        }
        if (hi == Integer.MIN_VALUE) {
            return new Scaling(0, c.withAccess(0), g, bound(rows, cols, c, g)); // nothing conducts but shorts
        }
        if (hi - lo > SPREAD_BITS) {
            String hiName = hiAt != CELL ? resistanceName(hiAt, ohms[hiAt])
                    : cellName != null ? cellName.apply(firstWithExponent(g, hi)) : cellName(firstWithExponent(g, hi), cols, g, c);
            String loName = loAt != CELL ? resistanceName(loAt, ohms[loAt])
                    : cellName != null ? cellName.apply(firstWithExponent(g, lo)) : cellName(firstWithExponent(g, lo), cols, g, c);
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "conductances span about 1e%d (largest %s, smallest %s); xbar accepts nonzero conductances "
                            + "(cells, and 1/r of each nonzero resistance) within a factor 1e30 of each other "
                            + "(an open cell is 0 S)", Math.round((hi - lo) * Math.log10(2)), hiName, loName));
        }
        int a = -hi;
        if (previous != null && Math.abs(previous - a) <= 8) {
            a = previous;
        }
        if (a >= Double.MIN_EXPONENT && a <= Double.MAX_EXPONENT) {
            // 2^a is an exact normal double, so g * 2^a is Math.scalb(g, a) to the bit (one correctly
            // rounded multiplication either way), without a call per cell.
            double twoToA = Math.scalb(1.0, a);
            for (int k = 0; k < g.length; k++) {
                g[k] *= twoToA;
            }
        } else {
            for (int k = 0; k < g.length; k++) {
                g[k] = Math.scalb(g[k], a);
            }
        }
        // Cells hold g' already: the scaled circuit has no access resistance left to apply.
        Circuit scaled = new Circuit(Math.scalb(c.wordLine(), -a), Math.scalb(c.bitLine(), -a),
                Math.scalb(c.source(), -a), Math.scalb(c.sense(), -a), 0, c.drive(), c.senseAt());
        return new Scaling(a, scaled, g, bound(rows, cols, scaled, g));
    }

    /** The first index of a nonzero cell with binary exponent {@code e}. */
    private static int firstWithExponent(double[] g, int e) {
        for (int k = 0; k < g.length; k++) {
            if (g[k] > 0 && log2(g[k]) == e) {
                return k;
            }
        }
        throw new IllegalStateException("no cell with exponent " + e);
    }

    /** {@code r_wl = 2.5 ohm (0.4 S)} for resistance {@code k} of (r_wl, r_bl, r_source, r_sense). */
    private static String resistanceName(int k, double ohms) {
        String[] names = {"r_wl", "r_bl", "r_source", "r_sense"};
        return String.format(Locale.ROOT, "%s = %s ohm (%.3g S)", names[k], ohms, 1 / ohms);
    }

    private static String cellName(int k, int cols, double[] g, Circuit c) {
        return "cell [" + (k / cols) + "][" + (k % cols) + "] " + (c.access() > 0 ? "g' = " : "= ") + g[k] + " S";
    }

    /** The largest column current per volt of input span: {@code max_j min(sum_i g'(i,j), into the sense node)}. */
    private static double bound(int rows, int cols, Circuit c, double[] g) {
        double gBitLine = CrossbarNetwork.conductanceOf(c.bitLine());
        double max = 0;
        for (int j = 0; j < cols; j++) {
            double sum = 0;
            for (int i = 0; i < rows; i++) {
                sum += g[i * cols + j];
            }
            double entry;
            if (c.sense() > 0) {
                entry = (c.senseAt() == Sense.BOTH ? 2 : 1) / c.sense();
            } else if (c.bitLine() == 0) {
                entry = Double.POSITIVE_INFINITY;
            } else {
                entry = 0;
                double wire = rows > 1 ? gBitLine : 0;
                if (c.senseAt().atFirstRow()) {
                    entry += g[j] + wire;
                }
                if (c.senseAt().atLastRow()) {
                    entry += g[(rows - 1) * cols + j] + wire;
                }
            }
            max = Math.max(max, Math.min(sum, entry));
        }
        return max;
    }

    /** The binary exponent of {@code x > 0}, exact for subnormal numbers too. */
    static int log2(double x) {
        return x >= Double.MIN_NORMAL ? Math.getExponent(x) : Math.getExponent(Math.scalb(x, 128)) - 128;
    }

    /** Conductances are multiplied by {@code 2^exponent()}, resistances divided by it. */
    public int exponent() {
        return exponent;
    }

    /** The scaled circuit (access resistance 0: {@link #cells()} are the scaled {@code g'}). */
    public Circuit circuit() {
        return circuit;
    }

    /** The scaled effective cell conductances {@code g' 2^a}, row-major (owned by this object). */
    public double[] cells() {
        return cells;
    }

    /**
     * The exponent {@code b} that brings the largest {@code |V|} of {@code v[from, from+count)} near 1
     * (0 for an all-zero vector), after checking that its output currents stay finite.
     *
     * @param what names the vector in the message, e.g. {@code "input voltages [3]"}
     * @throws IllegalArgumentException when the currents could exceed the largest double
     */
    public int voltageExponent(double[] v, int from, int count, String what) {
        double max = 0;
        for (int i = from; i < from + count; i++) {
            max = Math.max(max, Math.abs(v[i]));
        }
        if (max == 0) {
            return 0;
        }
        int b = -log2(max);
        double top = 0;
        double bottom = 0;
        for (int i = from; i < from + count; i++) {
            double s = Math.scalb(v[i], b);
            top = Math.max(top, s);
            bottom = Math.min(bottom, s);
        }
        checkCurrents((top - bottom) * columnBound, exponent + b, what, max);
        return b;
    }

    /** Checks that a transfer matrix (currents per volt) of this network stays finite. */
    public void checkTransfer() {
        checkCurrents(columnBound, exponent, "transfer matrix", Double.NaN);
    }

    /** {@code largestV}: the input's largest |V| for the message, NaN for none (built only on failure). */
    private void checkCurrents(double scaledBound, int scale, String what, double largestV) {
        double bound = Math.scalb(scaledBound, -scale);
        if (Double.isInfinite(bound)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: output currents could reach about 1e%d A, beyond the largest double (%.1e); "
                            + "scale the conductances or voltages down",
                    Double.isNaN(largestV) ? what : what + " (largest |V| " + largestV + " V)",
                    Math.round((log2(scaledBound) - scale) * Math.log10(2)), Double.MAX_VALUE));
        }
    }

    /** {@code x[k] *= 2^e} for every element (exact unless the result leaves the normal range). */
    static void scale(double[] x, int e) {
        if (e != 0 && x != null) {
            for (int k = 0; k < x.length; k++) {
                x[k] = Math.scalb(x[k], e);
            }
        }
    }

    /**
     * Checks device parameters of the mapping commands against the same limits: {@code g_on},
     * {@code g_off} (when {@code > 0}) and the circuit's conductances within {@link #MAX_SPREAD},
     * and the ideal column current {@code rows * g_on * v_read} finite.
     *
     * @throws IllegalArgumentException naming the values when they are out of range
     */
    public static void checkDevice(double gOn, double gOff, double vRead, int rows, Circuit circuit) {
        double[] cells = gOff > 0 ? new double[] {circuit.cellConductance(gOn), circuit.cellConductance(gOff)}
                : new double[] {circuit.cellConductance(gOn)};
        ofCells(1, cells.length, circuit, cells, null, k -> (k == 0 ? "g_on = " + gOn : "g_off = " + gOff) + " S");
        double ideal = circuit.cellConductance(gOn) * vRead * rows;
        if (Double.isInfinite(ideal)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "g_on = %s S at v_read = %s V on %d rows: column currents could reach %s, beyond the largest double",
                    gOn, vRead, rows, "about 1e" + Math.round(Math.log10(gOn) + Math.log10(vRead) + Math.log10(rows))));
        }
    }
}
