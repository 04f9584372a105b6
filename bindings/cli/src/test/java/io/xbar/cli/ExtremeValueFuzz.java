// ExtremeValueFuzz: conductances, voltages and resistances scaled across the double range; results agree with a scaled reference or are refused.
package io.xbar.cli;

import io.xbar.io.NdArray;
import io.xbar.kernel.Circuit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The network is linear: with every conductance times {@code s}, every resistance divided by
 * {@code s} and every voltage times {@code t}, the currents are {@code s * t} times the unscaled
 * ones. So a well-scaled problem solved by the reference gives the exact answer of any scaled one,
 * and {@code xbar} must either give it (to the documented 1e-9, per column) or refuse the input
 * with exit 2 (items 8 and 10). Where no reference can be trusted (cells of 1.7e308 S) the result
 * must still be finite and inside the physical bound {@code |I[j]| <= max|V| * sum_i g[i][j]}.
 * {@code mvm} reconstructs the same outputs whatever the scale of the device and wires.
 */
final class ExtremeValueFuzz implements CliFuzzTest.Family {
    @Override
    public int curated() {
        return 6;
    }

    @Override
    public String name() {
        return "extremes";
    }

    @Override
    public void attempt(CliFuzz.Attempt a) throws Exception {
        Random rnd = a.rnd;
        a.category = a.number < curated() ? "curated " + a.number : "";
        switch (a.number) {
            case 0 -> scaledSolve(a, 1, Double.MAX_VALUE, false, 3, 6);
            case 1 -> scaledSolve(a, 1, 1e161 / 0.2, false, 3, 6);
            case 2 -> scaledSolve(a, 1, 1e-201 / 0.2, false, 3, 6);
            case 3 -> hugeCells(a);
            case 4 -> mvmDevice(a, Double.POSITIVE_INFINITY);
            case 5 -> scaledSolve(a, 1, 1, true, 32, 32);
            default -> {
                int kind = rnd.nextInt(10);
                if (kind < 5) {
                    scaledSolve(a, Math.pow(10, -280 + 560 * rnd.nextDouble()), Math.pow(10, -300 + 600 * rnd.nextDouble()), false,
                            1 + rnd.nextInt(6), 1 + rnd.nextInt(6));
                } else if (kind < 7) {
                    scaledTransfer(a, Math.pow(10, -280 + 560 * rnd.nextDouble()));
                } else if (kind < 9) {
                    mvmDevice(a, Math.pow(10, -250 + 500 * rnd.nextDouble()));
                } else {
                    scaledSolve(a, Math.pow(10, -100 + 200 * rnd.nextDouble()), 1, true, 4 + rnd.nextInt(29), 4 + rnd.nextInt(29));
                }
            }
        }
    }

    /** A base circuit with resistances from {0, 0.5, 2.5, 10, 100} ohm, divided by {@code s}. */
    private static Circuit scaled(Circuit c, double s) {
        return new Circuit(c.wordLine() / s, c.bitLine() / s, c.source() / s, c.sense() / s, c.access() / s, c.drive(), c.senseAt());
    }

    /** {@code s} moved into the range where every scaled conductance and resistance stays a normal double. */
    private static double clampScale(double s, double gMin, double gMax) {
        double lo = Math.max(1e-300 / gMin, 100 / 1e300);
        double hi = Math.min(1e307 / gMax, 0.5 / 1e-300);
        return Math.min(Math.max(s, lo), hi);
    }

    private static double[] times(double[] x, double s) {
        double[] y = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            y[k] = x[k] * s;
        }
        return y;
    }

    private void scaledSolve(CliFuzz.Attempt a, double sg, double sv, boolean spread, int m, int n) throws Exception {
        Random rnd = a.rnd;
        Circuit base = FuzzWorkloads.circuit(rnd);
        double[] g0 = new double[m * n];
        for (int k = 0; k < g0.length; k++) {
            // Spread: log-uniform over 1e-12..1e2 S, a third of the cells at either end (item 10's range).
            double u = rnd.nextDouble();
            double decade = u < 1.0 / 6 ? 0 : u < 1.0 / 3 ? 1 : rnd.nextDouble();
            g0[k] = spread ? Math.pow(10, -12 + 14 * decade) : 1e-6 + rnd.nextDouble() * (1e-4 - 1e-6);
        }
        int batch = 1 + rnd.nextInt(2);
        double[] v0 = CliFuzz.uniform(rnd, batch * m, 0, 0.2);
        double gMin = Double.MAX_VALUE;
        double gMax = 0;
        for (double g : g0) {
            gMin = Math.min(gMin, g);
            gMax = Math.max(gMax, g);
        }
        double s = clampScale(sg, gMin, gMax);
        double t = Math.min(sv, Double.MAX_VALUE);
        double[] g = times(g0, s);
        double[] v = times(v0, t);
        Circuit circuit = scaled(base, s);
        double[] i0 = FuzzWorkloads.reference(m, n, base, g0, v0, batch);
        double[] expected = new double[i0.length];
        double largest = 0;
        for (int k = 0; k < i0.length; k++) {
            // s * t can overflow where s * t * I0 does not: scale in two steps.
            expected[k] = (i0[k] * s) * t;
            largest = Math.max(largest, Math.abs(expected[k]));
        }
        a.label = String.format(Locale.ROOT, "solve %dx%d%s, conductances x %.3g, resistances / %.3g, voltages x %.3g (largest |I| %.3g)",
                m, n, spread ? " cells 1e-12..1e2 S" : "", s, s, t, largest);
        Path gFile = a.npy("i_G.npy", g, m, n);
        Path vFile = a.npy("i_V.npy", v, batch, m);
        Path out = a.path("o_I.npy");
        List<String> args = new ArrayList<>(List.of("solve", "--conductances", gFile.toString(), "--inputs", vFile.toString(), "--out",
                out.toString()));
        args.addAll(FuzzWorkloads.circuitArgs(circuit));
        CliFuzz.Snapshot before = a.snapshot();
        CliFuzz.Run r = a.run(args.toArray(String[]::new));
        boolean finite = Double.isFinite(largest) && largest < Double.MAX_VALUE;
        boolean ok = a.checkRun(r, finite ? CliFuzz.Expect.SUCCESS_OR_REFUSED : CliFuzz.Expect.REFUSED);
        a.checkChanges(before, p -> p.equals("o_I.npy"));
        if (!ok) {
            return;
        }
        NdArray result = a.checkNpy(out, batch, n);
        if (result != null && largest > 1e-280) {
            FuzzWorkloads.compareColumns(a, "scaled solve", expected, result.toArray(), batch, n, 1e-9);
        }
    }

    private void scaledTransfer(CliFuzz.Attempt a, double sg) throws Exception {
        Random rnd = a.rnd;
        int m = 1 + rnd.nextInt(6);
        int n = 1 + rnd.nextInt(6);
        Circuit base = FuzzWorkloads.circuit(rnd);
        double[] g0 = CliFuzz.uniform(rnd, m * n, 1e-6, 1e-4);
        double s = clampScale(sg, 1e-6, 1e-4);
        double[] identity = new double[m * m];
        for (int i = 0; i < m; i++) {
            identity[i * m + i] = 1;
        }
        double[] expected = times(FuzzWorkloads.reference(m, n, base, g0, identity, m), s);
        a.label = String.format(Locale.ROOT, "transfer %dx%d, conductances x %.3g, resistances / %.3g", m, n, s, s);
        Path gFile = a.npy("i_G.npy", times(g0, s), m, n);
        Path out = a.path("o_T.npy");
        List<String> args = new ArrayList<>(List.of("transfer", "--conductances", gFile.toString(), "--out", out.toString()));
        args.addAll(FuzzWorkloads.circuitArgs(scaled(base, s)));
        CliFuzz.Snapshot before = a.snapshot();
        CliFuzz.Run r = a.run(args.toArray(String[]::new));
        boolean ok = a.checkRun(r, CliFuzz.Expect.SUCCESS_OR_REFUSED);
        a.checkChanges(before, p -> p.equals("o_T.npy"));
        if (ok) {
            NdArray t = a.checkNpy(out, m, n);
            if (t != null) {
                FuzzWorkloads.compareColumns(a, "scaled transfer", expected, t.toArray(), m, n, 1e-9);
            }
        }
    }

    /** Cells of 1.7e308 S behind default wires: no trustworthy reference, but the answer is finite and bounded. */
    private void hugeCells(CliFuzz.Attempt a) throws Exception {
        int m = 2 + a.rnd.nextInt(3);
        int n = 2 + a.rnd.nextInt(3);
        double[] g = new double[m * n];
        java.util.Arrays.fill(g, 1.7e308);
        double[] v = CliFuzz.uniform(a.rnd, m, 0.05, 0.2);
        a.label = "cells of 1.7e308 S, " + m + "x" + n;
        Path gFile = a.npy("i_G.npy", g, m, n);
        Path vFile = a.npy("i_V.npy", v, m);
        Path out = a.path("o_I.npy");
        CliFuzz.Snapshot before = a.snapshot();
        CliFuzz.Run r = a.run("solve", "--conductances", gFile.toString(), "--inputs", vFile.toString(), "--out", out.toString());
        boolean ok = a.checkRun(r, CliFuzz.Expect.SUCCESS_OR_REFUSED);
        a.checkChanges(before, p -> p.equals("o_I.npy"));
        if (ok) {
            NdArray i = a.checkNpy(out, n);
            double vMax = java.util.Arrays.stream(v).max().orElse(0);
            if (i != null) {
                for (int j = 0; j < n; j++) {
                    // Positive inputs into a passive network: every sense current is positive, and at most max V * sum_i g.
                    double bound = vMax * 1.7e308 * m;
                    if (!(i.get(j) > 0) || !(i.get(j) <= bound)) {
                        a.fail("huge cells: current outside the physical bound", "I[" + j + "] = " + i.get(j) + ", bound (0, " + bound + "]");
                        break;
                    }
                }
            }
        }
    }

    /** {@code mvm} with {@code g_on, g_off} times {@code s} and wires divided by {@code s} reconstructs the same outputs. */
    private void mvmDevice(CliFuzz.Attempt a, double s) throws Exception {
        Random rnd = a.rnd;
        int k = 2 + rnd.nextInt(10);
        int outputs = 1 + rnd.nextInt(4);
        int batch = 1 + rnd.nextInt(3);
        Path w = a.npy("i_W.npy", CliFuzz.uniform(rnd, k * outputs, -1, 1), k, outputs);
        Path x = a.npy("i_X.npy", CliFuzz.uniform(rnd, batch * k, 0, 1), batch, k);
        Path y0 = a.path("o_Y0.npy");
        Path y = a.path("o_Y.npy");
        String tile = (2 + rnd.nextInt(7)) + "x" + (14 + rnd.nextInt(29));
        CliFuzz.Run base = a.run("mvm", "--weights", w.toString(), "--inputs", x.toString(), "--out", y0.toString(), "--tile", tile);
        if (!a.checkRun(base, CliFuzz.Expect.SUCCESS)) {
            return;
        }
        // s = infinity: issue 12's --g-on 1e308 (default wires; no exact scaling exists, so only validity is checked).
        boolean exact = Double.isFinite(s);
        double gOn = exact ? 1e-4 * s : 1e308;
        double gOff = exact ? 1e-6 * s : 1e306;
        double wire = exact ? 2.5 / s : 2.5;
        a.label = String.format(Locale.ROOT, "mvm --g-on %s --g-off %s --r-wl/--r-bl %s (device x %.3g)", gOn, gOff, wire, s);
        CliFuzz.Snapshot before = a.snapshot();
        CliFuzz.Run r = a.run("mvm", "--weights", w.toString(), "--inputs", x.toString(), "--out", y.toString(), "--tile", tile,
                "--g-on", Double.toString(gOn), "--g-off", Double.toString(gOff), "--r-wl", Double.toString(wire), "--r-bl",
                Double.toString(wire));
        boolean ok = a.checkRun(r, CliFuzz.Expect.SUCCESS_OR_REFUSED);
        a.checkChanges(before, p -> p.equals("o_Y.npy"));
        if (!ok) {
            return;
        }
        NdArray expected = a.checkNpy(y0, batch, outputs);
        NdArray got = a.checkNpy(y, batch, outputs);
        if (expected != null && got != null && exact && Files.exists(y)) {
            FuzzWorkloads.compareColumns(a, "scaled-device mvm", expected.toArray(), got.toArray(), batch, outputs, 1e-9);
        }
    }
}
