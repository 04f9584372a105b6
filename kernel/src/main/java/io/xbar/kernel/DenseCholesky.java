// DenseCholesky: A = L L^T for small dense SPD matrices (multigrid's coarsest level), in place, row-major.
package io.xbar.kernel;

/** Small dense Cholesky factor and solve; for the few hundred unknowns of the coarsest grid. */
final class DenseCholesky {
    private DenseCholesky() {
    }

    /** Overwrites the lower triangle of {@code a} ({@code n x n}, row-major) with {@code L}. */
    static void factor(int n, double[] a) {
        for (int j = 0; j < n; j++) {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++) {
                d -= a[j * n + k] * a[j * n + k];
            }
            if (!(d > 0)) {
                throw new ArithmeticException("coarse-grid matrix not positive definite at row " + j + " (pivot " + d + ")");
            }
            d = Math.sqrt(d);
            a[j * n + j] = d;
            for (int i = j + 1; i < n; i++) {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) {
                    s -= a[i * n + k] * a[j * n + k];
                }
                a[i * n + j] = s / d;
            }
        }
    }

    /** Solves {@code L L^T x = b} in place. */
    static void solve(int n, double[] l, double[] b) {
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i * n + k] * b[k];
            }
            b[i] = s / l[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double s = b[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k * n + i] * b[k];
            }
            b[i] = s / l[i * n + i];
        }
    }
}
