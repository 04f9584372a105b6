// ApiTiming: the Java API's own time per solve, measured inside the JVM that Python runs in process (bench/python_inprocess.py).
package io.xbar.bench;

import io.xbar.api.Crossbar;

/**
 * Times {@link Crossbar#solve} in a plain Java loop, so that bench/python_inprocess.py can set the
 * time the same call takes from Python (NumPy in, NumPy out, through JPype) beside the time the
 * Java API itself needs, in the same JVM, at the same moment.
 */
public final class ApiTiming {
    /** Keeps the results alive so the JIT cannot drop the calls. */
    private static volatile double sink;

    private ApiTiming() {
    }

    /** Median nanoseconds per {@code crossbar.solve(v)} over {@code rounds} rounds of {@code reps} calls. */
    public static double nanosPerSolve(Crossbar crossbar, double[] v, int reps, int rounds) {
        double[] perCall = new double[rounds];
        double keep = 0;
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            for (int k = 0; k < reps; k++) {
                keep += crossbar.solve(v).currents()[0];
            }
            perCall[r] = (System.nanoTime() - start) / (double) reps;
        }
        sink = keep;
        java.util.Arrays.sort(perCall);
        return perCall[rounds / 2];
    }
}
