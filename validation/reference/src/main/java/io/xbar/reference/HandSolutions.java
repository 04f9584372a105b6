// HandSolutions: closed-form and chain solutions of crossbars small enough to solve by hand (1x1, 1xN, Mx1).
package io.xbar.reference;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;

/**
 * Crossbars whose networks are series circuits or single chains, solved without any matrix:
 * an analytic check of {@link ReferenceSolver} that shares nothing with it but the model.
 * Every formula works in conductances so that exact shorts ({@code 0} ohm) and open cells
 * ({@code g = 0}) need no special cases beyond a zero admittance.
 */
public final class HandSolutions {
    private HandSolutions() {
    }

    /** Driver resistance seen by a word line: two drivers in parallel with {@code drive = both}. */
    private static double sourceOhms(Circuit c) {
        return c.drive() == Drive.BOTH ? c.source() / 2 : c.source();
    }

    /** Sense resistance seen by a bit line: two amplifiers in parallel with {@code sense = both}. */
    private static double senseOhms(Circuit c) {
        return c.senseAt() == Sense.BOTH ? c.sense() / 2 : c.sense();
    }

    /** Admittance of a resistance in series with an admittance (0 stays 0: an open end). */
    private static double inSeries(double ohms, double admittance) {
        return admittance == 0 ? 0 : 1 / (ohms + 1 / admittance);
    }

    /**
     * A 1x1 crossbar is one series circuit: {@code I = V / (r_source + r_access + 1/g + r_sense)}.
     *
     * @return {@code {I, u, w}}
     */
    public static double[] singleCell(Circuit c, double g, double v) {
        double current = v * inSeries(sourceOhms(c) + c.access() + senseOhms(c), g);
        return new double[] {current, v - current * sourceOhms(c), current * senseOhms(c)};
    }

    /**
     * A single word line (1 x N) driven from one end: a ladder solved from its far end (admittance
     * looking away from the driver), then voltages from the driver on.
     *
     * @return {@code {I[N], u[N], w[N]}}
     */
    public static double[][] singleRow(Circuit c, double[] g, double v) {
        if (c.drive() == Drive.BOTH) {
            throw new IllegalArgumentException("singleRow: a word line driven at both ends is not a ladder");
        }
        boolean right = c.drive() == Drive.RIGHT;
        int n = g.length;
        double[] shunt = new double[n];
        for (int k = 0; k < n; k++) {
            // Position k counts from the driver.
            shunt[k] = inSeries(senseOhms(c), c.cellConductance(g[right ? n - 1 - k : k]));
        }
        double[] into = new double[n];
        into[n - 1] = shunt[n - 1];
        for (int k = n - 2; k >= 0; k--) {
            into[k] = shunt[k] + inSeries(c.wordLine(), into[k + 1]);
        }
        double[][] out = new double[3][n];
        double u = v / (1 + c.source() * into[0]);
        for (int k = 0; k < n; k++) {
            int j = right ? n - 1 - k : k;
            out[0][j] = u * shunt[k];
            out[1][j] = u;
            out[2][j] = out[0][j] * senseOhms(c);
            if (k + 1 < n) {
                u -= c.wordLine() * u * inSeries(c.wordLine(), into[k + 1]);
            }
        }
        return out;
    }

    /**
     * A single bit line (M x 1) sensed at one end: Norton equivalents folded from the far end
     * toward the amplifier, {@code (J, Y) -> (J Y'/Y, Y' = 1/(1/Y + r_bl))} plus the next cell's
     * {@code (y_i V_i, y_i)}; the amplifier then receives {@code J / (1 + r_sense Y)}. Only sums
     * of positive terms, so the fold keeps full accuracy even for 1e-6 ohm wires.
     *
     * @return {@code I}
     */
    public static double singleColumn(Circuit c, double[] g, double[] v) {
        int m = g.length;
        if (c.senseAt() == Sense.BOTH && c.bitLine() != 0 && m > 1) {
            throw new IllegalArgumentException("singleColumn: a bit line sensed at both ends is not a chain");
        }
        boolean top = c.senseAt() == Sense.TOP;
        double norton = 0;
        double admittance = 0;
        for (int k = 0; k < m; k++) {
            int i = top ? m - 1 - k : k;
            if (k > 0) {
                double through = inSeries(c.bitLine(), admittance);
                norton = admittance == 0 ? 0 : norton * (through / admittance);
                admittance = through;
            }
            double y = inSeries(sourceOhms(c), c.cellConductance(g[i]));
            norton += y * v[i];
            admittance += y;
        }
        return norton / (1 + senseOhms(c) * admittance);
    }
}
