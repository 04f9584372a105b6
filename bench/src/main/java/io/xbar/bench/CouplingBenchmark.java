// CouplingBenchmark: the layer-coupling kernels of the multigrid (transpose and stencil), Vector API and scalar twin.
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
 * Coupling the word-line and bit-line layers reads one layer in the other's layout: a transpose of an
 * {@code n x n} layer ({@code transpose}), then the coupling stencil {@code y = base + alpha * c t}
 * streamed line by line ({@code couple}, the finest level's one-term form). {@code stride=padded}
 * writes the transpose at {@link LineKernels#transposeStride} (what the solver does);
 * {@code stride=unpadded} at {@code n} itself, which for powers of two puts the eight rows of each
 * 8x8 block into two L1 sets. {@code impl} as in {@link LineKernelBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class CouplingBenchmark {
    @Param({"256", "1024"})
    public int n;

    @Param({"padded", "unpadded"})
    public String stride;

    @Param({"vector", "scalar"})
    public String impl;

    private LineKernels kernels;
    private int ld;
    private double[] layer;
    private double[] t;
    private double[] c;
    private double[] base;
    private double[] y;

    @Setup(Level.Trial)
    public void setUp() {
        kernels = impl.equals("scalar") ? LineKernels.scalar() : LineKernels.get();
        if (impl.equals("vector") && kernels == LineKernels.scalar()) {
            throw new IllegalStateException("the Vector API implementation is not available (add jdk.incubator.vector)");
        }
        ld = stride.equals("padded") ? LineKernels.transposeStride(n) : n;
        SplittableRandom rnd = new SplittableRandom(5);
        layer = new double[n * n];
        c = new double[n * n];
        base = new double[n * n];
        for (int k = 0; k < layer.length; k++) {
            layer[k] = rnd.nextDouble();
            c[k] = -1e-4 * rnd.nextDouble();
            base[k] = rnd.nextDouble();
        }
        t = new double[n * ld + ld];
        y = new double[n * n];
        // The transpose is exact: check one trial's result element by element.
        kernels.transpose(n, n, 0, n, layer, 0, n, t, 0, ld);
        for (int r = 0; r < n; r++) {
            for (int q = 0; q < n; q++) {
                if (t[q * ld + r] != layer[r * n + q]) {
                    throw new IllegalStateException("transpose wrong at (" + r + "," + q + ")");
                }
            }
        }
    }

    @Benchmark
    public double[] transpose() {
        kernels.transpose(n, n, 0, n, layer, 0, n, t, 0, ld);
        return t;
    }

    @Benchmark
    public double[] couple() {
        for (int p = 0; p < n; p++) {
            kernels.couple(n, base, p * n, -1.0, c, null, null, null, p * n, t, p * ld, 0, y, p * n);
        }
        return y;
    }
}
