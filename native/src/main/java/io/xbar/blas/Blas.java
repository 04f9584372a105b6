// Blas: typed BLAS-2/3 on row-major double[] matrices (C = alpha*op(A)*op(B) + beta*C and friends).
package io.xbar.blas;

/**
 * BLAS routines on row-major {@code double[]} matrices with explicit offsets and leading
 * dimensions. Operands are passed to OpenBLAS in place (no copies). Bounds of the touched
 * regions are checked so that a wrong dimension is an exception, never a memory fault.
 *
 * <p>Thread safety: calls may run concurrently from several Java threads; OpenBLAS's own thread
 * count is process-wide ({@link #setThreads(int)}).
 */
public final class Blas {
    private Blas() {
    }

    /** Sets the number of threads OpenBLAS uses for every following call (process-wide). */
    public static void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("BLAS thread count must be >= 1, got " + threads);
        }
        try {
            OpenBlas.SET_THREADS.invokeExact(threads);
        } catch (Throwable t) {
            throw OpenBlas.rethrow(t);
        }
    }

    /** The number of threads OpenBLAS currently uses. */
    public static int threads() {
        try {
            return (int) OpenBlas.GET_THREADS.invokeExact();
        } catch (Throwable t) {
            throw OpenBlas.rethrow(t);
        }
    }

    /** OpenBLAS's build description (version, target core, threading), for benchmark records. */
    public static String config() {
        try {
            java.lang.foreign.MemorySegment s = (java.lang.foreign.MemorySegment) OpenBlas.GET_CONFIG.invokeExact();
            return s.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            throw OpenBlas.rethrow(t);
        }
    }

    /** Path of the loaded libopenblas. */
    public static String libraryPath() {
        return OpenBlas.LIBRARY_PATH;
    }

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}, row-major; {@code op(A)} is {@code m x k},
     * {@code op(B)} is {@code k x n}, {@code C} is {@code m x n}.
     */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double beta, double[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        checkMatrix("A", a, aOff, transA ? k : m, transA ? m : k, lda);
        checkMatrix("B", b, bOff, transB ? n : k, transB ? k : n, ldb);
        checkMatrix("C", c, cOff, m, n, ldc);
        if (k == 0) {
            scale(beta, c, cOff, m, n, ldc);
            return;
        }
        try {
            OpenBlas.DGEMM.invokeExact(OpenBlas.ROW_MAJOR, transA ? OpenBlas.TRANS : OpenBlas.NO_TRANS,
                    transB ? OpenBlas.TRANS : OpenBlas.NO_TRANS, m, n, k, alpha,
                    OpenBlas.at(a, aOff), lda, OpenBlas.at(b, bOff), ldb, beta, OpenBlas.at(c, cOff), ldc);
        } catch (Throwable t) {
            throw OpenBlas.rethrow(t);
        }
    }

    /** {@code C = alpha*A*B + beta*C} on dense row-major arrays with natural leading dimensions. */
    public static void dgemm(int m, int n, int k, double alpha, double[] a, double[] b, double beta, double[] c) {
        dgemm(false, false, m, n, k, alpha, a, 0, k, b, 0, n, beta, c, 0, n);
    }

    /** {@code y = alpha * op(A) * x + beta * y}; {@code A} is {@code m x n} row-major. */
    public static void dgemv(boolean transA, int m, int n, double alpha, double[] a, int aOff, int lda,
                             double[] x, int xOff, double beta, double[] y, int yOff) {
        if (m == 0 || n == 0) {
            return;
        }
        checkMatrix("A", a, aOff, m, n, lda);
        checkVector("x", x, xOff, transA ? m : n);
        checkVector("y", y, yOff, transA ? n : m);
        try {
            OpenBlas.DGEMV.invokeExact(OpenBlas.ROW_MAJOR, transA ? OpenBlas.TRANS : OpenBlas.NO_TRANS, m, n, alpha,
                    OpenBlas.at(a, aOff), lda, OpenBlas.at(x, xOff), 1, beta, OpenBlas.at(y, yOff), 1);
        } catch (Throwable t) {
            throw OpenBlas.rethrow(t);
        }
    }

    /**
     * Symmetric rank-k update {@code C = alpha * op(A) * op(A)^T + beta * C} on the lower
     * ({@code lower = true}) or upper triangle of the {@code n x n} row-major {@code C};
     * {@code op(A)} is {@code n x k}.
     */
    public static void dsyrk(boolean lower, boolean transA, int n, int k, double alpha, double[] a, int aOff, int lda,
                             double beta, double[] c, int cOff, int ldc) {
        if (n == 0) {
            return;
        }
        checkMatrix("A", a, aOff, transA ? k : n, transA ? n : k, lda);
        checkMatrix("C", c, cOff, n, n, ldc);
        try {
            OpenBlas.DSYRK.invokeExact(OpenBlas.ROW_MAJOR, lower ? OpenBlas.LOWER : OpenBlas.UPPER,
                    transA ? OpenBlas.TRANS : OpenBlas.NO_TRANS, n, k, alpha, OpenBlas.at(a, aOff), lda,
                    beta, OpenBlas.at(c, cOff), ldc);
        } catch (Throwable t) {
            throw OpenBlas.rethrow(t);
        }
    }

    /**
     * Triangular solve with many right-hand sides, {@code B = alpha * op(A)^-1 * B} ({@code left})
     * or {@code B = alpha * B * op(A)^-1}; {@code B} is {@code m x n} row-major.
     */
    public static void dtrsm(boolean left, boolean lower, boolean transA, boolean unitDiagonal, int m, int n,
                             double alpha, double[] a, int aOff, int lda, double[] b, int bOff, int ldb) {
        if (m == 0 || n == 0) {
            return;
        }
        int order = left ? m : n;
        checkMatrix("A", a, aOff, order, order, lda);
        checkMatrix("B", b, bOff, m, n, ldb);
        try {
            OpenBlas.DTRSM.invokeExact(OpenBlas.ROW_MAJOR, left ? OpenBlas.LEFT : OpenBlas.RIGHT,
                    lower ? OpenBlas.LOWER : OpenBlas.UPPER, transA ? OpenBlas.TRANS : OpenBlas.NO_TRANS,
                    unitDiagonal ? OpenBlas.UNIT : OpenBlas.NON_UNIT, m, n, alpha,
                    OpenBlas.at(a, aOff), lda, OpenBlas.at(b, bOff), ldb);
        } catch (Throwable t) {
            throw OpenBlas.rethrow(t);
        }
    }

    private static void scale(double beta, double[] c, int cOff, int m, int n, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int idx = cOff + i * ldc + j;
                c[idx] = beta == 0 ? 0 : beta * c[idx];
            }
        }
    }

    static void checkMatrix(String name, double[] a, int off, int rows, int cols, int ld) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(name + ": negative dimension " + rows + "x" + cols);
        }
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException(name + ": leading dimension " + ld + " < columns " + cols);
        }
        long last = rows == 0 || cols == 0 ? off : (long) off + (long) (rows - 1) * ld + cols;
        if (off < 0 || last > a.length) {
            throw new IllegalArgumentException(name + ": " + rows + "x" + cols + " (ld " + ld + ") at offset "
                    + off + " does not fit an array of length " + a.length);
        }
    }

    static void checkVector(String name, double[] x, int off, int n) {
        if (off < 0 || (long) off + n > x.length) {
            throw new IllegalArgumentException(name + ": length " + n + " at offset " + off
                    + " does not fit an array of length " + x.length);
        }
    }
}
