// LineKernelBenchmark: the line kernels of the solver, Vector API and scalar twin side by side.
package io.xbar.bench;

import io.xbar.kernel.LineKernels;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The kernels every CG iteration and multigrid sweep is made of, on {@code lines} chains of
 * {@code positions} nodes stored position-major (line index fastest, as the solver stores them):
 * {@code factor} (LDL^T of every chain), {@code solve} (forward and back substitution, in place: each
 * call first copies the fresh right-hand side, one contiguous pass, included in the time),
 * {@code multiply}, {@code dot}, {@code axpy}. {@code impl=vector} is the Vector API implementation
 * ({@code LineKernels.get()}), {@code impl=scalar} its scalar twin. Shapes include non-powers of two.
 * Each trial checks once that both implementations give the same solve.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class LineKernelBenchmark {
    /** {@code lines x positions}. */
    @Param({"256x256", "1000x1000"})
    public String shape;

    @Param({"vector", "scalar"})
    public String impl;

    private LineKernels kernels;
    private int lines;
    private int positions;
    private double[] diag;
    private double[] off;
    private double[] lower;
    private double[] invPivot;
    private double[] b;
    private double[] x;
    private double[] y;

    @Setup(Level.Trial)
    public void setUp() {
        String[] s = shape.split("x");
        lines = Integer.parseInt(s[0]);
        positions = Integer.parseInt(s[1]);
        int size = lines * positions;
        SplittableRandom rnd = new SplittableRandom(7);
        diag = new double[size];
        off = new double[size];
        b = new double[size];
        for (int k = 0; k < size; k++) {
            // A chain of 2.5 ohm segments with cells of 1e-6..1e-4 S: diagonal 2 g_wl + g, off -g_wl.
            off[k] = k < lines ? 0 : -0.4;
            diag[k] = 0.8 + 1e-6 + 1e-4 * rnd.nextDouble();
            b[k] = rnd.nextDouble() - 0.5;
        }
        lower = new double[size];
        invPivot = new double[size];
        x = new double[size];
        y = new double[size];
        LineKernels vector = LineKernels.get();
        LineKernels scalar = LineKernels.scalar();
        kernels = impl.equals("scalar") ? scalar : vector;
        if (impl.equals("vector") && vector == scalar) {
            throw new IllegalStateException("the Vector API implementation is not available (add jdk.incubator.vector)");
        }
        // Both implementations, the same solve.
        double[] xs = solveWith(scalar);
        double[] xv = solveWith(vector);
        for (int k = 0; k < size; k++) {
            if (Math.abs(xs[k] - xv[k]) > 1e-12 * (1 + Math.abs(xs[k]))) {
                throw new IllegalStateException("scalar and vector solves differ at " + k + ": " + xs[k] + " vs " + xv[k]);
            }
        }
        kernels.factor(lines, positions, 0, lines, diag, off, lower, invPivot);
    }

    private double[] solveWith(LineKernels k) {
        double[] l = new double[lower.length];
        double[] p = new double[lower.length];
        k.factor(lines, positions, 0, lines, diag, off, l, p);
        double[] r = b.clone();
        k.solve(lines, positions, 0, lines, l, p, off, r, 0);
        return r;
    }

    @Benchmark
    public double[] factor() {
        kernels.factor(lines, positions, 0, lines, diag, off, lower, invPivot);
        return invPivot;
    }

    @Benchmark
    public double[] solve() {
        System.arraycopy(b, 0, x, 0, b.length);
        kernels.solve(lines, positions, 0, lines, lower, invPivot, off, x, 0);
        return x;
    }

    @Benchmark
    public double[] multiply() {
        kernels.multiply(lines, positions, 0, lines, diag, off, b, 0, y, 0);
        return y;
    }

    @Benchmark
    public double dot() {
        return kernels.dot(b, diag, 0, b.length);
    }

    @Benchmark
    public double[] axpy() {
        // alpha is tiny so that y stays finite (and far from subnormal) over any number of calls.
        kernels.axpy(1e-9, b, y, 0, b.length);
        return y;
    }
}
