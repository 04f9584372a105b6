// DemoCommand: `xbar demo`, the main job on a built-in seeded workload; prints what parasitics do to an MVM.
package io.xbar.cli;

import java.io.PrintStream;
import java.util.Set;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarSolver;
import io.xbar.kernel.ProgrammedCrossbar;
import io.xbar.kernel.Solution;

/**
 * Runs the built-in default workload: a seeded {@code 256 x 256} crossbar with MODEL.md default
 * parameters (cells uniform in [g_off, g_on], 2.5 ohm wires, inputs at up to v_read), solved
 * exactly, and reports how far the column currents fall below the ideal product and how long it
 * took.
 */
public final class DemoCommand implements Command {
    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "run the built-in default workload (seeded 256x256 crossbar, default parameters)";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) {
        Flags f = Flags.parse(args, Set.of("size", "seed"), Set.of("help"));
        if (f.has("help")) {
            out.println("usage: xbar demo [--size N (256)] [--seed S (2026)]");
            return 0;
        }
        int size = f.integer("size", 256);
        if (size < 1 || size > 4096) {
            throw new UsageException("--size must be in 1..4096, got " + size);
        }
        long seed = f.integer("seed", 2026);
        double gOn = 1e-4;
        double gOff = 1e-6;
        double vRead = 0.2;
        java.util.Random rnd = new java.util.Random(seed);
        double[] g = new double[size * size];
        for (int k = 0; k < g.length; k++) {
            g[k] = gOff + (gOn - gOff) * rnd.nextDouble();
        }
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = vRead * rnd.nextDouble();
        }
        Circuit circuit = Circuit.DEFAULT;
        out.printf("xbar demo: %dx%d crossbar, cells uniform in [%.0e, %.0e] S, r_wl = r_bl = %.1f ohm, inputs in [0, %.1f] V (seed %d)%n",
                size, size, gOff, gOn, circuit.wordLine(), vRead, seed);
        long t0 = System.nanoTime();
        ProgrammedCrossbar xbar = CrossbarSolver.create(size, size, circuit).program(g);
        long t1 = System.nanoTime();
        Solution s = xbar.solve(v);
        long t2 = System.nanoTime();
        double[] ideal = new double[size];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                ideal[j] += g[i * size + j] * v[i];
            }
        }
        double sum = 0;
        double worst = 0;
        int worstColumn = 0;
        for (int j = 0; j < size; j++) {
            double nf = (ideal[j] - s.currents()[j]) / ideal[j];
            sum += nf;
            if (nf > worst) {
                worst = nf;
                worstColumn = j;
            }
        }
        out.printf("  exact solve: %d unknowns, %d CG iterations, scaled KCL residual %.1e%n",
                2L * size * size, s.iterations(), s.residual());
        out.printf("  time: program %.1f ms, solve %.1f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        out.printf("  output distortion (I_ideal - I) / I_ideal: mean %.2f%%, worst %.2f%% (column %d, farthest from the driver is column %d)%n",
                100 * sum / size, 100 * worst, worstColumn, size - 1);
        return 0;
    }
}
