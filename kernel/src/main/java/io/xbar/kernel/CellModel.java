// CellModel: the current-voltage law of one crossbar cell, linear i = g d or sinh i = g v0 sinh(d / v0) (MODEL.md section 6).
package io.xbar.kernel;

import java.util.Locale;

/**
 * How a cell's current {@code i} depends on the voltage {@code d = u - w} across it, given its
 * small-signal conductance {@code g} (its conductance at 0 V):
 * <ul>
 *   <li>{@link #LINEAR}: {@code i = g d} (Ohm's law, MODEL.md section 1);</li>
 *   <li>{@link #sinh(double)}: {@code i = g v0 sinh(d / v0)}, differential conductance
 *       {@code di/dd = g cosh(d / v0)} (MODEL.md section 6). Small {@code d} gives back {@code g d}.</li>
 * </ul>
 * A nonlinear cell model has no transfer matrix; {@link ProgrammedCrossbar#solve} then runs Newton's
 * method ({@link NewtonSolve}). Immutable.
 *
 * @param kind the law
 * @param v0   the sinh model's voltage scale in volts ({@code > 0}, finite); 0 for {@link Kind#LINEAR}
 */
public record CellModel(Kind kind, double v0) {
    /** The laws xbar knows, by their command-line names ({@code --cell-model}). */
    public enum Kind {
        LINEAR, SINH;

        /** The command-line spelling ({@code linear}, {@code sinh}). */
        public String flagName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Ohm's law, the default. */
    public static final CellModel LINEAR = new CellModel(Kind.LINEAR, 0);

    /** MODEL.md section 6 default of {@code --v0}. */
    public static final double DEFAULT_V0 = 0.25;

    /**
     * The largest {@code |d| / v0} the sinh model accepts: {@code sinh(40) = 1.2e17}, far beyond any
     * physical read (a 0.25 V scale gives 10 V), and the differential conductances stay well inside the
     * conductance spread the linear solver accepts ({@link Scaling#MAX_SPREAD}).
     */
    public static final double MAX_RATIO = 40;

    public CellModel {
        if (kind == null) {
            throw new IllegalArgumentException("cell model must be given (linear or sinh)");
        }
        if (kind == Kind.SINH && !(v0 > 0 && v0 < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("v0 = " + v0 + " V: the sinh cell model needs a finite v0 > 0 V");
        }
        if (kind == Kind.LINEAR && v0 != 0) {
            throw new IllegalArgumentException("v0 = " + v0 + " V applies to the sinh cell model only");
        }
    }

    /** The sinh law {@code i = g v0 sinh(d / v0)} with the given {@code v0} in volts. */
    public static CellModel sinh(double v0) {
        return new CellModel(Kind.SINH, v0);
    }

    public boolean isLinear() {
        return kind == Kind.LINEAR;
    }

    /** The cell current {@code i(d)} of a cell of small-signal conductance {@code g} (A). */
    public double current(double g, double d) {
        return kind == Kind.LINEAR ? g * d : g * v0 * Math.sinh(d / v0);
    }

    /** The differential conductance {@code di/dd} at {@code d} (S). */
    public double conductance(double g, double d) {
        return kind == Kind.LINEAR ? g : g * Math.cosh(d / v0);
    }

    /**
     * Checks that a crossbar driven by {@code v} stays inside the model's range: every cell voltage lies
     * within {@code [min(V, 0), max(V, 0)]}, so {@code span(V) <= MAX_RATIO * v0} is required.
     *
     * @throws IllegalArgumentException naming the voltage and the limit
     */
    public void checkVoltages(double[] v, int from, int count, String what) {
        if (kind == Kind.LINEAR) {
            return;
        }
        double top = 0;
        double bottom = 0;
        for (int i = from; i < from + count; i++) {
            top = Math.max(top, v[i]);
            bottom = Math.min(bottom, v[i]);
        }
        double span = top - bottom;
        if (span > MAX_RATIO * v0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s span %s V, more than %s v0 = %s V: the sinh cell model (v0 = %s V) accepts cell voltages up to "
                            + "%s v0 (a cell current sinh(%s) = %.1e times its linear value)", what, span, (int) MAX_RATIO,
                    MAX_RATIO * v0, v0, (int) MAX_RATIO, (int) MAX_RATIO, Math.sinh(MAX_RATIO) / MAX_RATIO));
        }
    }

    @Override
    public String toString() {
        return kind == Kind.LINEAR ? "linear" : "sinh (v0 = " + v0 + " V)";
    }
}
