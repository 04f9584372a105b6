// ValidationCase: one seeded crossbar problem of the validation campaign (shape, circuit, cells, input batch).
package io.xbar.validation;

import io.xbar.reference.ReferenceSolver;
import io.xbar.kernel.Circuit;

import java.util.Locale;

/**
 * One problem every solver under test is run on and compared with {@link ReferenceSolver}.
 *
 * @param family       which part of the campaign made it (for the report)
 * @param rows         word lines {@code M}
 * @param cols         bit lines {@code N}
 * @param circuit      parasitic and periphery resistances, drive and sense ends
 * @param cells        how the conductances were drawn, for the report ({@code "1e-06..1e-04 S"})
 * @param conductances row-major {@code M x N} siemens
 * @param voltages     row-major {@code batch x M} input voltages
 * @param batch        number of input vectors
 */
public record ValidationCase(String family, int rows, int cols, Circuit circuit, String cells,
                             double[] conductances, double[] voltages, int batch) {

    /** One line that lets a reader rebuild the case: shape, every resistance, ends, cells, batch. */
    public String describe() {
        return String.format(Locale.ROOT, "%dx%d %s, cells %s, batch %d", rows, cols, describe(circuit), cells, batch);
    }

    /** The circuit in the CLI's flag names. */
    public static String describe(Circuit c) {
        return String.format(Locale.ROOT, "r_wl=%s r_bl=%s r_source=%s r_sense=%s r_access=%s drive=%s sense=%s",
                ohms(c.wordLine()), ohms(c.bitLine()), ohms(c.source()), ohms(c.sense()), ohms(c.access()),
                c.drive().label(), c.senseAt().label());
    }

    private static String ohms(double r) {
        return r == 0 ? "0" : String.format(Locale.ROOT, "%.3g", r);
    }

    /** Input vector {@code b} (a copy). */
    public double[] voltages(int b) {
        return java.util.Arrays.copyOfRange(voltages, b * rows, (b + 1) * rows);
    }

    /** The crossbar's cell count, a rough measure of the cost of the case. */
    public long cellCount() {
        return (long) rows * cols;
    }
}
