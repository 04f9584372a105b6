// Report: the peer comparison as a Markdown table of times and ratios, and its agreement check.
package io.xbar.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Formats {@link PeerComparison}'s result map; ratios are peer time over xbar time (above 1: xbar faster). */
final class Report {
    private Report() {
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    private static double num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    private static boolean ok(Map<String, Object> peer) {
        return "ok".equals(peer.get("status"));
    }

    static String ms(double seconds) {
        return seconds >= 0.1 ? String.format(Locale.ROOT, "%.0f", seconds * 1e3)
                : String.format(Locale.ROOT, "%.3g", seconds * 1e3);
    }

    static String ratio(double x) {
        return x >= 100 ? String.format(Locale.ROOT, "%.0fx", x) : String.format(Locale.ROOT, "%.1fx", x);
    }

    /** One progress line per row. */
    static String line(Map<String, Object> row) {
        Map<String, Object> x = map(row.get("xbar"));
        return String.format(Locale.ROOT, "%-7s %5d  xbar solve %s ms, program+solve %s ms | scipy %s | ngspice %s",
                row.get("coupling"), (Integer) row.get("size"), ms(num(x, "solve_s")), ms(num(x, "program_and_solve_s")),
                peerText(map(row.get("scipy"))), peerText(map(row.get("ngspice"))));
    }

    static String transferLine(Map<String, Object> tr) {
        return String.format(Locale.ROOT, "transfer %d: xbar %s ms | scipy %s", (Integer) tr.get("size"),
                ms(num(tr, "xbar_s")), peerText(map(tr.get("scipy"))));
    }

    private static String peerText(Map<String, Object> p) {
        if (!ok(p)) {
            return (String) p.get("status");
        }
        return ms(num(p, "seconds")) + " ms, max rel diff " + String.format(Locale.ROOT, "%.1e", num(p, "max_rel_diff"));
    }

    /** Every peer result that disagrees with xbar beyond {@link PeerComparison#AGREEMENT}. */
    static List<String> failures(Map<String, Object> report) {
        List<String> bad = new ArrayList<>();
        for (Object o : (List<?>) report.get("solve")) {
            Map<String, Object> row = map(o);
            for (String peer : List.of("scipy", "ngspice")) {
                Map<String, Object> p = map(row.get(peer));
                if (ok(p) && !(num(p, "max_rel_diff") <= PeerComparison.AGREEMENT)) {
                    bad.add(peer + " " + row.get("coupling") + " " + row.get("size") + ": " + p.get("max_rel_diff"));
                }
            }
        }
        Object t = report.get("transfer");
        if (t != null) {
            Map<String, Object> p = map(map(t).get("scipy"));
            if (ok(p) && !(num(p, "max_rel_diff") <= PeerComparison.AGREEMENT)) {
                bad.add("scipy transfer: " + p.get("max_rel_diff"));
            }
        }
        return bad;
    }

    static String markdown(Map<String, Object> report) {
        StringBuilder sb = new StringBuilder();
        Map<String, Object> m = map(report.get("machine"));
        sb.append("# xbar vs SciPy (splu) vs ngspice (.op)\n\n");
        sb.append(String.format(Locale.ROOT, "%s, commit %s%s, %s, %s cores, %s; budget per run: SciPy %.0f s, ngspice %.0f s.%n%n",
                m.get("date"), m.get("git_commit"), Boolean.TRUE.equals(m.get("git_dirty")) ? " (dirty)" : "", m.get("cpu"),
                m.get("cores"), m.get("jdk"), num(report, "budget_s"), num(report, "ngspice_budget_s")));
        sb.append("Times in ms. xbar: median of warmed in-process runs; `solve` on a programmed crossbar, `prog+solve` with new"
                + " conductances. SciPy: `splu` factor + solve of the same nodal system, timed inside Python (median of 3 up to"
                + " 256, one run above; assembly not counted). ngspice: wall time of `ngspice -b` (parse, setup, solve, output)."
                + " Ratios: peer time / xbar time. Agreement: max over columns of |I_peer - I_xbar| / I_xbar, required <= "
                + PeerComparison.AGREEMENT + ".\n\n");
        sb.append("| coupling | n | xbar solve | xbar prog+solve | SciPy | SciPy / solve | SciPy / prog+solve | SciPy diff"
                + " | ngspice | ngspice / solve | ngspice diff |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Object o : (List<?>) report.get("solve")) {
            Map<String, Object> row = map(o);
            Map<String, Object> x = map(row.get("xbar"));
            double solve = num(x, "solve_s");
            double both = num(x, "program_and_solve_s");
            Map<String, Object> sp = map(row.get("scipy"));
            Map<String, Object> ng = map(row.get("ngspice"));
            sb.append("| ").append(row.get("coupling")).append(" | ").append(row.get("size"))
                    .append(" | ").append(ms(solve)).append(" | ").append(ms(both));
            if (ok(sp)) {
                double t = num(sp, "seconds");
                sb.append(" | ").append(ms(t)).append(" | ").append(ratio(t / solve)).append(" | ").append(ratio(t / both))
                        .append(" | ").append(String.format(Locale.ROOT, "%.1e", num(sp, "max_rel_diff")));
            } else {
                sb.append(" | ").append(sp.get("status")).append(" | | |");
            }
            if (ok(ng)) {
                double t = num(ng, "seconds");
                sb.append(" | ").append(ms(t)).append(" | ").append(ratio(t / solve))
                        .append(" | ").append(String.format(Locale.ROOT, "%.1e", num(ng, "max_rel_diff")));
            } else {
                sb.append(" | ").append(ng.get("status")).append(" | |");
            }
            sb.append(" |\n");
        }
        Object t = report.get("transfer");
        if (t != null) {
            Map<String, Object> tr = map(t);
            Map<String, Object> sp = map(tr.get("scipy"));
            int n = (Integer) tr.get("size");
            sb.append(String.format(Locale.ROOT, "%n## Transfer matrix %dx%d (default circuit)%n%n", n, n));
            sb.append("| xbar TransferMatrix | SciPy splu + ").append(n).append(" solves | SciPy / xbar | max abs(dT) / max abs(T) |\n");
            sb.append("|---:|---:|---:|---:|\n");
            double xs = num(tr, "xbar_s");
            if (ok(sp)) {
                double s = num(sp, "seconds");
                sb.append("| ").append(ms(xs)).append(" | ").append(ms(s)).append(" | ").append(ratio(s / xs)).append(" | ")
                        .append(String.format(Locale.ROOT, "%.1e", num(sp, "max_rel_diff"))).append(" |\n");
            } else {
                sb.append("| ").append(ms(xs)).append(" | ").append(sp.get("status")).append(" | | |\n");
            }
        }
        List<?> notes = (List<?>) report.get("notes");
        if (notes != null && !notes.isEmpty()) {
            sb.append("\n");
            for (Object n : notes) {
                sb.append("- ").append(n).append("\n");
            }
        }
        sb.append("\nAll peers agree with xbar: ").append(Boolean.TRUE.equals(report.get("agree")) ? "yes" : "NO").append("\n");
        return sb.toString();
    }
}
