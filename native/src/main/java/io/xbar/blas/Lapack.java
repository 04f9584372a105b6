// Lapack: dense and banded Cholesky/LU factor-and-solve on row-major or LAPACK-layout double[] arrays.
package io.xbar.blas;

/**
 * LAPACK drivers used by xbar, passed to OpenBLAS's LAPACKE in place (no copies). Dense matrices
 * are row-major {@code n x n} with leading dimension {@code n}; right-hand sides are row-major
 * {@code n x nrhs}. A nonzero LAPACK {@code info} becomes a {@link LapackException} saying what it
 * means (for example "not positive definite at leading minor 7").
 */
public final class Lapack {
    private static final byte LOWER = (byte) 'L';
    private static final byte UPPER = (byte) 'U';

    private Lapack() {
    }

    /** Cholesky factorization in place: the lower triangle of {@code a} becomes {@code L}, {@code A = L L^T}. */
    public static void dpotrf(int n, double[] a) {
        Blas.checkMatrix("A", a, 0, n, n, Math.max(1, n));
        if (n == 0) {
            return;
        }
        int info;
        try {
            // The row-major lower triangle is the column-major upper triangle of the same array: calling
            // LAPACK column-major with 'U' gives the same L without LAPACKE's two transposed copies.
            info = (int) OpenBlas.DPOTRF.invokeExact(OpenBlas.COL_MAJOR, UPPER, n, OpenBlas.of(a), n);
        } catch (Throwable t) {
            throw OpenBlas.rethrow(t);
        }
        check("dpotrf", info, true);
    }

    /**
     * Inverse of an SPD matrix from its Cholesky factor: {@code a} holds {@code L} from {@link #dpotrf}
     * in its lower triangle and is overwritten there by the lower triangle of {@code A^-1} (the strict
     * upper triangle is not referenced).
     */
    public static void dpotri(int n, double[] a) {
        Blas.checkMatrix("L", a, 0, n, n, Math.max(1, n));
        if (n == 0) {
            return;
        }
        int info;
        try {
            info = (int) OpenBlas.DPOTRI.invokeExact(OpenBlas.COL_MAJOR, UPPER, n, OpenBlas.of(a), n);
        } catch (Throwable t) {
            throw OpenBlas.rethrow(t);
        }
        check("dpotri", info, false);
    }

    /** Solves {@code A X = B} with the factor from {@link #dpotrf}; {@code b} ({@code n x nrhs}) is overwritten by {@code X}. */
    public static void dpotrs(int n, int nrhs, double[] factor, double[] b) {
        Blas.checkMatrix("L", factor, 0, n, n, Math.max(1, n));
        Blas.checkMatrix("B", b, 0, n, nrhs, Math.max(1, nrhs));
        if (n == 0 || nrhs == 0) {
            return;
        }
        int info;
        try {
            info = (int) OpenBlas.DPOTRS.invokeExact(OpenBlas.ROW_MAJOR, LOWER, n, nrhs, OpenBlas.of(factor), n,
                    OpenBlas.of(b), nrhs);
        } catch (Throwable t) {
            throw OpenBlas.rethrow(t);
        }
        check("dpotrs", info, false);
    }

    /** Solves the SPD system {@code A X = B} by Cholesky; {@code a} is overwritten by the factor, {@code b} by {@code X}. */
    public static void dposv(int n, int nrhs, double[] a, double[] b) {
        Blas.checkMatrix("A", a, 0, n, n, Math.max(1, n));
        Blas.checkMatrix("B", b, 0, n, nrhs, Math.max(1, nrhs));
        if (n == 0 || nrhs == 0) {
            return;
        }
        int info;
        try {
            info = (int) OpenBlas.DPOSV.invokeExact(OpenBlas.ROW_MAJOR, LOWER, n, nrhs, OpenBlas.of(a), n,
                    OpenBlas.of(b), nrhs);
        } catch (Throwable t) {
            throw OpenBlas.rethrow(t);
        }
        check("dposv", info, true);
    }

    /**
     * Solves the SPD banded system {@code A X = B} by banded Cholesky. {@code ab} holds the lower
     * band in LAPACK column-major band storage: {@code ab[j*(kd+1) + (i-j)] = A[i][j]} for
     * {@code j <= i <= j+kd}; it is overwritten by the factor. {@code b} is column-major
     * {@code n x nrhs} ({@code b[r*n + i]} is row {@code i} of right-hand side {@code r}) and is
     * overwritten by the solution.
     */
    public static void dpbsv(int n, int kd, int nrhs, double[] ab, double[] b) {
        if (n < 0 || kd < 0 || nrhs < 0) {
            throw new IllegalArgumentException("dpbsv: negative size n=" + n + " kd=" + kd + " nrhs=" + nrhs);
        }
        if ((long) n * (kd + 1) > ab.length || (long) n * nrhs > b.length) {
            throw new IllegalArgumentException("dpbsv: arrays too short for n=" + n + " kd=" + kd + " nrhs=" + nrhs);
        }
        if (n == 0 || nrhs == 0) {
            return;
        }
        int info;
        try {
            info = (int) OpenBlas.DPBSV.invokeExact(OpenBlas.COL_MAJOR, LOWER, n, kd, nrhs, OpenBlas.of(ab), kd + 1,
                    OpenBlas.of(b), n);
        } catch (Throwable t) {
            throw OpenBlas.rethrow(t);
        }
        check("dpbsv", info, true);
    }

    /** Banded Cholesky factorization in place (storage as in {@link #dpbsv}). */
    public static void dpbtrf(int n, int kd, double[] ab) {
        if ((long) n * (kd + 1) > ab.length) {
            throw new IllegalArgumentException("dpbtrf: array too short for n=" + n + " kd=" + kd);
        }
        if (n == 0) {
            return;
        }
        int info;
        try {
            info = (int) OpenBlas.DPBTRF.invokeExact(OpenBlas.COL_MAJOR, LOWER, n, kd, OpenBlas.of(ab), kd + 1);
        } catch (Throwable t) {
            throw OpenBlas.rethrow(t);
        }
        check("dpbtrf", info, true);
    }

    /** Solves with a factor from {@link #dpbtrf}; {@code b} column-major {@code n x nrhs}, overwritten by the solution. */
    public static void dpbtrs(int n, int kd, int nrhs, double[] ab, double[] b) {
        if ((long) n * (kd + 1) > ab.length || (long) n * nrhs > b.length) {
            throw new IllegalArgumentException("dpbtrs: arrays too short for n=" + n + " kd=" + kd + " nrhs=" + nrhs);
        }
        if (n == 0 || nrhs == 0) {
            return;
        }
        int info;
        try {
            info = (int) OpenBlas.DPBTRS.invokeExact(OpenBlas.COL_MAJOR, LOWER, n, kd, nrhs, OpenBlas.of(ab), kd + 1,
                    OpenBlas.of(b), n);
        } catch (Throwable t) {
            throw OpenBlas.rethrow(t);
        }
        check("dpbtrs", info, false);
    }

    /** Solves the general system {@code A X = B} by LU with partial pivoting; {@code a} becomes the LU factor, {@code b} the solution. */
    public static void dgesv(int n, int nrhs, double[] a, double[] b) {
        Blas.checkMatrix("A", a, 0, n, n, Math.max(1, n));
        Blas.checkMatrix("B", b, 0, n, nrhs, Math.max(1, nrhs));
        if (n == 0 || nrhs == 0) {
            return;
        }
        int[] pivots = new int[n];
        int info;
        try {
            info = (int) OpenBlas.DGESV.invokeExact(OpenBlas.ROW_MAJOR, n, nrhs, OpenBlas.of(a), n,
                    OpenBlas.at(pivots, 0), OpenBlas.of(b), nrhs);
        } catch (Throwable t) {
            throw OpenBlas.rethrow(t);
        }
        check("dgesv", info, false);
    }

    /** LU factorization with partial pivoting in place; returns the 1-based pivot indices. */
    public static int[] dgetrf(int n, double[] a) {
        Blas.checkMatrix("A", a, 0, n, n, Math.max(1, n));
        int[] pivots = new int[n];
        if (n == 0) {
            return pivots;
        }
        int info;
        try {
            info = (int) OpenBlas.DGETRF.invokeExact(OpenBlas.ROW_MAJOR, n, n, OpenBlas.of(a), n, OpenBlas.at(pivots, 0));
        } catch (Throwable t) {
            throw OpenBlas.rethrow(t);
        }
        check("dgetrf", info, false);
        return pivots;
    }

    /** Solves {@code A X = B} with a factor from {@link #dgetrf}; {@code b} row-major {@code n x nrhs}. */
    public static void dgetrs(int n, int nrhs, double[] lu, int[] pivots, double[] b) {
        Blas.checkMatrix("LU", lu, 0, n, n, Math.max(1, n));
        Blas.checkMatrix("B", b, 0, n, nrhs, Math.max(1, nrhs));
        if (n == 0 || nrhs == 0) {
            return;
        }
        int info;
        try {
            info = (int) OpenBlas.DGETRS.invokeExact(OpenBlas.ROW_MAJOR, (byte) 'N', n, nrhs, OpenBlas.of(lu), n,
                    OpenBlas.at(pivots, 0), OpenBlas.of(b), nrhs);
        } catch (Throwable t) {
            throw OpenBlas.rethrow(t);
        }
        check("dgetrs", info, false);
    }

    /**
     * Solves the tridiagonal system with sub-diagonal {@code dl} ({@code n-1}), diagonal {@code d}
     * ({@code n}) and super-diagonal {@code du} ({@code n-1}) for one right-hand side {@code b},
     * overwritten by the solution (the three diagonals are overwritten too).
     */
    public static void dgtsv(int n, double[] dl, double[] d, double[] du, double[] b) {
        if (d.length < n || b.length < n || (n > 1 && (dl.length < n - 1 || du.length < n - 1))) {
            throw new IllegalArgumentException("dgtsv: arrays too short for n=" + n);
        }
        if (n == 0) {
            return;
        }
        int info;
        try {
            info = (int) OpenBlas.DGTSV.invokeExact(OpenBlas.COL_MAJOR, n, 1, OpenBlas.of(dl), OpenBlas.of(d),
                    OpenBlas.of(du), OpenBlas.of(b), n);
        } catch (Throwable t) {
            throw OpenBlas.rethrow(t);
        }
        check("dgtsv", info, false);
    }

    private static void check(String routine, int info, boolean positiveDefinite) {
        if (info == 0) {
            return;
        }
        if (info < 0) {
            throw new LapackException(routine, info, "argument " + (-info) + " had an illegal value");
        }
        throw new LapackException(routine, info, positiveDefinite
                ? "matrix is not positive definite (leading minor " + info + ")"
                : "matrix is singular (U(" + info + "," + info + ") is exactly zero)");
    }
}
