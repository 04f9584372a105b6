// LineKernels: the hot loops over many independent tridiagonal lines (word lines or bit lines) side by side.
package io.xbar.kernel;

/**
 * Kernels over a layer of {@code lines} independent tridiagonal chains, each {@code positions}
 * long, stored position-major: node {@code (line l, position p)} is at {@code p * lines + l}. With
 * that layout the recurrences run along {@code p} while every step is a contiguous, vectorizable
 * sweep over the lines. Each method works on the lines {@code [from, to)} so callers can split
 * the work across threads.
 *
 * <p>A chain's matrix is symmetric: {@code diag[p*L+l]} on the diagonal and {@code off[p*L+l]}
 * ({@code p >= 1}) coupling positions {@code p-1} and {@code p}. The factorization is
 * {@code A = L D L^T} with {@code lower[p] = off[p] / pivot[p-1]} and {@code invPivot[p] = 1/pivot[p]}.
 *
 * <p>Two implementations: {@link ScalarLineKernels} (always available) and a Vector API twin
 * loaded by name when the incubator module is present (otherwise the fallback to scalar is logged
 * once, with its reason); {@code -Dxbar.scalar=true} ({@link Tuning#scalar}) forces scalar.
 * Tests hold the two equal.
 */
public interface LineKernels {

    /** {@code A = L D L^T} of every chain (setup; once per programmed crossbar). */
    void factor(int lines, int positions, int from, int to, double[] diag, double[] off,
                double[] lower, double[] invPivot);

    /** Solves {@code A x = b} in place ({@code x} holds {@code b} on entry) at offset {@code xOff}. */
    void solve(int lines, int positions, int from, int to, double[] lower, double[] invPivot, double[] off,
               double[] x, int xOff);

    /** {@code y = A x} (no aliasing of {@code x} and {@code y}). */
    void multiply(int lines, int positions, int from, int to, double[] diag, double[] off,
                  double[] x, int xOff, double[] y, int yOff);

    /** {@code sum a[k] * b[k]} over {@code [from, to)}. */
    double dot(double[] a, double[] b, int from, int to);

    /** {@code max |a[k]|} over {@code [from, to)}. */
    double maxAbs(double[] a, int from, int to);

    /**
     * Cells with the {@code sinh} law (Newton's residual pass), {@code k} in {@code [from, to)}: with
     * {@code x = (u[k] - w[k]) / v0}, {@code current[k] = g[k] v0 sinh(x)} and
     * {@code slope[k] = g[k] cosh(x)}, both from one {@code e^x}; {@code sinh} is {@link #sinhSeries}
     * for {@code |x| < } {@link #SINH_SERIES_BELOW}, else {@code (e^x - e^-x) / 2}. Within a few ulps of
     * {@code Math.sinh} and {@code Math.cosh}. Both twins take {@code e^x} from {@code Math.exp} and
     * give the same bits (the Vector API's {@code EXP} is not used: it differs from {@code Math.exp} by
     * an ulp, and only once compiled, so results would depend on the JIT's state).
     */
    void sinhCells(double[] u, double[] w, double[] g, double v0, double[] current, double[] slope, int from, int to);

    /** Below this {@code |x|} {@link #sinhCells} takes {@code sinh x} from its series (no cancellation). */
    double SINH_SERIES_BELOW = 0.25;

    /**
     * {@code sinh x} for {@code |x| <} {@link #SINH_SERIES_BELOW}: the Taylor series to {@code x^13} (the
     * first term left out is below {@code 3e-21} of the sum) by Horner's rule, within two ulps of
     * {@code Math.sinh}, whose {@code StrictMath} code cost a third of Newton's residual pass.
     */
    static double sinhSeries(double x) {
        double x2 = x * x;
        double p = 1.0 / 6227020800.0;
        p = p * x2 + 1.0 / 39916800.0;
        p = p * x2 + 1.0 / 362880.0;
        p = p * x2 + 1.0 / 5040.0;
        p = p * x2 + 1.0 / 120.0;
        p = p * x2 + 1.0 / 6.0;
        return x + x * x2 * p;
    }

    /** {@code max |a[k]|} over the whole array: the one infinity norm outside the hot loops (scalar kernel). */
    static double maxAbs(double[] a) {
        return ScalarLineKernels.INSTANCE.maxAbs(a, 0, a.length);
    }

    /** {@code y[k] += alpha * x[k]} over {@code [from, to)}. */
    void axpy(double alpha, double[] x, double[] y, int from, int to);

    /** {@code y[k] = x[k] + beta * y[k]} over {@code [from, to)}. */
    void xpay(double[] x, double beta, double[] y, int from, int to);

    /**
     * Transposes rows {@code [rowFrom, rowTo)} of a {@code rows x cols} block:
     * {@code dst[dstOff + c*dstStride + r] = src[srcOff + r*srcStride + c]}. It turns one layer's
     * layout into the other's (word lines run along rows, bit lines along columns). Give {@code dst}
     * a stride that is not a multiple of 128 doubles ({@link #transposeStride}): writes at such
     * strides fall into a few cache sets and run several times slower.
     */
    void transpose(int rows, int cols, int rowFrom, int rowTo, double[] src, int srcOff, int srcStride,
                   double[] dst, int dstOff, int dstStride);

    /**
     * The coupling stencil of one line of {@code count} nodes:
     * {@code y[yOff+i] = base[bOff+i] + alpha * (c0[c+i] t[p+i] + c1[c+i] t[p+i+1] + c2[c+i] t[q+i] + c3[c+i] t[q+i+1])},
     * where {@code t} holds the other layer transposed into this one's layout ({@code p}: the
     * same line, {@code q}: the neighbouring one). {@code c1 == null} means {@code c1, c2, c3} are
     * all zero (the finest level, where a node couples with its own cell only).
     */
    void couple(int count, double[] base, int bOff, double alpha, double[] c0, double[] c1, double[] c2, double[] c3,
                int c, double[] t, int p, int q, double[] y, int yOff);

    /**
     * Row stride for a transpose destination that holds {@code lines} lines side by side: room for
     * one zero lane after the last line (the coupling stencils read one past it), rounded to whole
     * cache lines, and never a multiple of 128 doubles. At such strides (every power-of-two crossbar
     * from 128 on) the eight rows an 8x8 transpose block writes map to two L1 sets and the transpose
     * runs about 3x slower (`CouplingBenchmark`).
     */
    static int transposeStride(int lines) {
        int s = (lines + 1 + 7) & ~7;
        return s % 128 == 0 ? s + 8 : s;
    }

    /** The implementation in use: the Vector API one unless unavailable or {@code -Dxbar.scalar=true}. */
    static LineKernels get() {
        return Holder.INSTANCE;
    }

    /** The scalar implementation, always available (the reference for the vector twin). */
    static LineKernels scalar() {
        return ScalarLineKernels.INSTANCE;
    }

    /** Loads the Vector API implementation by name so this class never links the incubator module. */
    final class Holder {
        private static final String VECTOR = "io.xbar.kernel.VectorLineKernels";
        static final LineKernels INSTANCE = choose(Tuning.get().scalar(), VECTOR,
                reason -> Tuning.log().log(System.Logger.Level.WARNING, reason));

        private Holder() {
        }

        /** A new Vector API implementation, or null when it cannot be loaded (for tests that compare the two). */
        static LineKernels vectorOrNull() {
            return load(VECTOR, reason -> {
            });
        }

        /**
         * The implementation to use: scalar when {@code forceScalar}, else the class {@code vectorClass}
         * when it loads, else scalar with one line to {@code fallback} that says why.
         */
        static LineKernels choose(boolean forceScalar, String vectorClass, java.util.function.Consumer<String> fallback) {
            if (forceScalar) {
                Tuning.log().log(System.Logger.Level.DEBUG, "scalar line kernels: -Dxbar.scalar=true");
                return ScalarLineKernels.INSTANCE;
            }
            LineKernels v = load(vectorClass, fallback);
            return v != null ? v : ScalarLineKernels.INSTANCE;
        }

        /**
         * Instantiates {@code name}; null, with the reason to {@code fallback}, when the class or the
         * incubator module it links ({@code --add-modules jdk.incubator.vector}) is missing.
         */
        private static LineKernels load(String name, java.util.function.Consumer<String> fallback) {
            try {
                Class<?> c = Class.forName(name);
                return (LineKernels) c.getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                fallback.accept("xbar: Vector API line kernels unavailable (" + cause
                        + "; run with --add-modules jdk.incubator.vector); using the scalar kernels");
                return null;
            }
        }
    }
}
