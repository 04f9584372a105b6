// Check: one comparison of the validation campaign (what against what, tolerance), accumulating its worst error.
package io.xbar.validation;

import java.util.ArrayList;
import java.util.List;

/**
 * Accumulates one check over many cases: the worst error seen, where, and every failure (the
 * first few kept with their case, so a report reader can rebuild them). Not thread-safe.
 */
final class Check {
    private static final int KEPT_FAILURES = 5;

    private final String name;
    private final String against;
    private final String measure;
    private final double tolerance;
    private int cases;
    private int failures;
    private double worst;
    private String worstCase = "";
    private final List<String> examples = new ArrayList<>();

    /**
     * @param name      what is checked, e.g. {@code "kernel currents"}
     * @param against   what it is compared with, e.g. {@code "LAPACK reference"}
     * @param measure   how the error is measured, e.g. {@code "max |dI| / max |I|"}
     * @param tolerance largest error that passes
     */
    Check(String name, String against, String measure, double tolerance) {
        this.name = name;
        this.against = against;
        this.measure = measure;
        this.tolerance = tolerance;
    }

    /** Records one measured error; NaN counts as a failure. */
    void record(ValidationCase c, String detail, double error) {
        cases++;
        double e = Double.isNaN(error) ? Double.POSITIVE_INFINITY : error;
        if (cases == 1 || e > worst) {
            worst = e;
            worstCase = where(c, detail);
        }
        if (!(e <= tolerance)) {
            failures++;
            if (examples.size() < KEPT_FAILURES) {
                examples.add(String.format(java.util.Locale.ROOT, "%.3e at %s", error, where(c, detail)));
            }
        }
    }

    /** Records one measured error of a check that is not about one crossbar case; {@code where} says what was measured. */
    void record(String where, double error) {
        cases++;
        double e = Double.isNaN(error) ? Double.POSITIVE_INFINITY : error;
        if (cases == 1 || e > worst) {
            worst = e;
            worstCase = where;
        }
        if (!(e <= tolerance)) {
            failures++;
            if (examples.size() < KEPT_FAILURES) {
                examples.add(String.format(java.util.Locale.ROOT, "%.3e at %s", error, where));
            }
        }
    }

    /** Records a case the compared solver could not run at all (an exception). */
    void fail(ValidationCase c, String detail, Throwable problem) {
        cases++;
        failures++;
        worst = Double.POSITIVE_INFINITY;
        worstCase = where(c, detail) + ": " + problem;
        if (examples.size() < KEPT_FAILURES) {
            examples.add(worstCase);
        }
    }

    private static String where(ValidationCase c, String detail) {
        return c.family() + " " + c.describe() + (detail.isEmpty() ? "" : ", " + detail);
    }

    CheckResult result() {
        return new CheckResult(name, against, measure, tolerance, cases, failures, worst, worstCase, List.copyOf(examples));
    }
}
