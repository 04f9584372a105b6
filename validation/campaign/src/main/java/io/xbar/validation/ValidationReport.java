// ValidationReport: the outcome of a validation campaign, as a terminal summary and as a Markdown report.
package io.xbar.validation;

import io.xbar.reference.ReferenceSolver;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every check's worst error and verdict, with what was skipped and why, the time each solver
 * took and the machine it ran on. Immutable.
 *
 * @param seed        campaign seed
 * @param quick       whether the quick subset ran
 * @param cases       problems in the campaign
 * @param checks      one result per check, in campaign order
 * @param notes       what was skipped and why (for example ngspice not installed)
 * @param seconds     wall time per solver ({@code "reference"}, {@code "kernel"}, ...) and {@code "total"}
 * @param environment lines describing the machine and libraries
 */
public record ValidationReport(long seed, boolean quick, int cases, List<CheckResult> checks, List<String> notes,
                               Map<String, Double> seconds, List<String> environment) {

    /** True when every check ran and passed. */
    public boolean passed() {
        return !checks.isEmpty() && checks.stream().allMatch(CheckResult::passed);
    }

    private String campaign() {
        return (quick ? "quick subset" : "full campaign") + ", seed " + seed;
    }

    /** The terminal summary: one line per check, then the worst cases, failures and notes. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "xbar validate: %d cases (%s) in %.1f s%n", cases, campaign(),
                seconds.getOrDefault("total", 0.0)));
        int width = checks.stream().mapToInt(c -> c.name().length()).max().orElse(10);
        for (CheckResult c : checks) {
            s.append(String.format(Locale.ROOT, "  %-4s %-" + width + "s  worst %-9s  tolerance %.0e  (%d comparisons)%n",
                    c.passed() ? "ok" : "FAIL", c.name(), error(c.worstError()), c.tolerance(), c.cases()));
        }
        for (CheckResult c : checks) {
            if (!c.passed()) {
                s.append("FAILED ").append(c.name()).append(" (").append(c.failures()).append(" of ")
                        .append(c.cases()).append("), against ").append(c.against()).append(":\n");
                for (String example : c.failureExamples()) {
                    s.append("    ").append(example).append('\n');
                }
            }
        }
        for (String note : notes) {
            s.append(note).append('\n');
        }
        s.append(passed() ? "PASS" : "FAIL");
        return s.toString();
    }

    /** The Markdown report: verdict, checks table, worst cases, failures, notes, timings, machine. */
    public String markdown() {
        StringBuilder s = new StringBuilder();
        s.append("# xbar validation report\n\n");
        s.append("**").append(passed() ? "PASS" : "FAIL").append("**: ").append(cases).append(" crossbar problems (")
                .append(campaign()).append("), ").append(checks.size()).append(" checks.\n\n");
        s.append("Every solver is compared with the dense LAPACK reference (`ReferenceSolver`: the full nodal\n")
                .append("system of MODEL.md section 1 built element by element, exact shorts merged, Cholesky with\n")
                .append("iterative refinement), which is itself checked against hand-solved circuits and KCL.\n")
                .append("Current errors are `max_j |I - I_ref| / max_j |I_ref|` per input vector; node-voltage\n")
                .append("errors are relative to the largest reference node voltage; residuals are the scaled KCL\n")
                .append("residual `||A x - b||_inf / (||A||_inf ||x||_inf + ||b||_inf)`.\n\n");
        s.append("| result | check | against | measure | comparisons | worst | tolerance |\n");
        s.append("|---|---|---|---|---:|---:|---:|\n");
        for (CheckResult c : checks) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %d | %s | %.0e |%n", c.passed() ? "pass" : "**FAIL**",
                    cell(c.name()), cell(c.against()), cell(c.measure()), c.cases(), error(c.worstError()),
                    c.tolerance()));
        }
        s.append("\n## Worst cases\n\n");
        for (CheckResult c : checks) {
            s.append("- ").append(c.name()).append(": ").append(error(c.worstError())).append(" at ")
                    .append(c.worstCase().isEmpty() ? "(no case)" : c.worstCase()).append('\n');
        }
        boolean anyFailure = checks.stream().anyMatch(c -> !c.passed());
        if (anyFailure) {
            s.append("\n## Failures\n\n");
            for (CheckResult c : checks) {
                if (!c.passed()) {
                    s.append("### ").append(c.name()).append(" (").append(c.failures()).append(" of ")
                            .append(c.cases()).append(")\n\n");
                    if (c.cases() == 0) {
                        s.append("- the check never ran\n");
                    }
                    for (String example : c.failureExamples()) {
                        s.append("- ").append(example).append('\n');
                    }
                    s.append('\n');
                }
            }
        }
        if (!notes.isEmpty()) {
            s.append("\n## Not run\n\n");
            for (String note : notes) {
                s.append("- ").append(note).append('\n');
            }
        }
        s.append("\n## Time\n\n| part | seconds |\n|---|---:|\n");
        for (Map.Entry<String, Double> e : seconds.entrySet()) {
            s.append(String.format(Locale.ROOT, "| %s | %.2f |%n", e.getKey(), e.getValue()));
        }
        s.append("\n## Machine\n\n");
        for (String line : environment) {
            s.append("- ").append(line).append('\n');
        }
        return s.toString();
    }

    /** A Markdown table cell: pipes escaped, code spans kept. */
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    private static String error(double e) {
        if (e == Double.POSITIVE_INFINITY) {
            return "failed";
        }
        return String.format(Locale.ROOT, "%.2e", e);
    }
}
