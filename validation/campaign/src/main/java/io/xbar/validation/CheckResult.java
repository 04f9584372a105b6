// CheckResult: the outcome of one validation check (worst error, where, failures), as reported by `xbar validate`.
package io.xbar.validation;

import java.util.List;

/**
 * The outcome of one check over the campaign.
 *
 * @param name            what was checked, e.g. {@code "kernel currents"}
 * @param against         what it was compared with
 * @param measure         how the error is measured
 * @param tolerance       largest error that passes
 * @param cases           comparisons made
 * @param failures        comparisons over the tolerance (or that could not run)
 * @param worstError      the largest error seen ({@code +Infinity} when a solve failed)
 * @param worstCase       the case (and vector) of the largest error
 * @param failureExamples the first few failures with their cases
 */
public record CheckResult(String name, String against, String measure, double tolerance, int cases, int failures,
                          double worstError, String worstCase, List<String> failureExamples) {
    /** Passed when it ran at least once and never exceeded its tolerance. */
    public boolean passed() {
        return cases > 0 && failures == 0;
    }
}
