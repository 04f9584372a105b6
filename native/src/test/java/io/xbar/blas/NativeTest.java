// NativeTest: OpenBLAS/LAPACK calls agree with plain Java loops on small seeded problems.
package io.xbar.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class NativeTest {
    private static double[] random(Random rnd, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextDouble() - 0.5;
        }
        return a;
    }

    private static double[] spd(Random rnd, int n) {
        double[] b = random(rnd, n * n);
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += b[i * n + k] * b[j * n + k];
                }
                a[i * n + j] = s + (i == j ? n : 0);
            }
        }
        return a;
    }

    @Test
    void dgemmMatchesLoopsWithTransposesAndOffsets() {
        Random rnd = new Random(1);
        int m = 7, n = 5, k = 9;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                double[] a = random(rnd, 3 + m * k);
                double[] b = random(rnd, 2 + k * n);
                double[] c = random(rnd, 1 + m * n);
                double[] expect = c.clone();
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int p = 0; p < k; p++) {
                            double av = ta ? a[3 + p * m + i] : a[3 + i * k + p];
                            double bv = tb ? b[2 + j * k + p] : b[2 + p * n + j];
                            s += av * bv;
                        }
                        expect[1 + i * n + j] = 2 * s + 0.5 * c[1 + i * n + j];
                    }
                }
                Blas.dgemm(ta, tb, m, n, k, 2, a, 3, ta ? m : k, b, 2, tb ? k : n, 0.5, c, 1, n);
                for (int i = 0; i < c.length; i++) {
                    assertEquals(expect[i], c[i], 1e-12, "ta=" + ta + " tb=" + tb + " at " + i);
                }
            }
        }
    }

    @Test
    void dgemmRejectsArraysTooShort() {
        double[] a = new double[5];
        var e = assertThrows(IllegalArgumentException.class,
                () -> Blas.dgemm(3, 3, 3, 1, a, new double[9], 0, new double[9]));
        assertTrue(e.getMessage().contains("A"), e.getMessage());
    }

    @Test
    void choleskyAndLuSolveSpdSystem() {
        Random rnd = new Random(2);
        int n = 37, nrhs = 3;
        double[] a = spd(rnd, n);
        double[] x = random(rnd, n * nrhs);
        double[] b = new double[n * nrhs];
        Blas.dgemm(n, nrhs, n, 1, a, x, 0, b);
        double[] f = a.clone();
        double[] s = b.clone();
        Lapack.dposv(n, nrhs, f, s);
        double[] lu = a.clone();
        double[] s2 = b.clone();
        Lapack.dgesv(n, nrhs, lu, s2);
        double[] f2 = a.clone();
        Lapack.dpotrf(n, f2);
        double[] s3 = b.clone();
        Lapack.dpotrs(n, nrhs, f2, s3);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], s[i], 1e-10);
            assertEquals(x[i], s2[i], 1e-10);
            assertEquals(x[i], s3[i], 1e-10);
        }
    }

    @Test
    void choleskyFactorAndInverseUseOnlyTheLowerTriangle() {
        Random rnd = new Random(3);
        int n = 29;
        double[] a = spd(rnd, n);
        double[] f = a.clone();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                f[i * n + j] = Double.NaN;
            }
        }
        Lapack.dpotrf(n, f);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k <= j; k++) {
                    s += f[i * n + k] * f[j * n + k];
                }
                assertEquals(a[i * n + j], s, 1e-10 * n, "L L^T at " + i + "," + j);
            }
        }
        Lapack.dpotri(n, f);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    double inv = k <= j ? f[j * n + k] : f[k * n + j];
                    s += a[i * n + k] * inv;
                }
                assertEquals(i == j ? 1 : 0, s, 1e-10, "A A^-1 at " + i + "," + j);
            }
            for (int j = i + 1; j < n; j++) {
                assertTrue(Double.isNaN(f[i * n + j]), "upper triangle untouched");
            }
        }
    }

    @Test
    void bandedCholeskyMatchesDense() {
        int n = 20, kd = 3;
        double[] ab = new double[n * (kd + 1)];
        double[] b = new double[n];
        double[] dense = new double[n * n];
        for (int j = 0; j < n; j++) {
            for (int d = 0; d <= kd && j + d < n; d++) {
                double v = d == 0 ? 10 + j : -1.0 / (1 + d + j % 3);
                ab[j * (kd + 1) + d] = v;
                dense[(j + d) * n + j] = v;
                dense[j * n + j + d] = v;
            }
            b[j] = Math.sin(j);
        }
        double[] x = b.clone();
        Lapack.dpbsv(n, kd, 1, ab, x);
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += dense[i * n + j] * x[j];
            }
            assertEquals(b[i], s, 1e-12);
        }
    }

    @Test
    void notPositiveDefiniteIsReported() {
        double[] a = {1, 2, 2, 1};
        var e = assertThrows(LapackException.class, () -> Lapack.dposv(2, 1, a, new double[] {1, 1}));
        assertEquals(2, e.info());
        assertTrue(e.getMessage().contains("not positive definite"));
    }

    @Test
    void threadCountIsControllable() {
        int before = Blas.threads();
        Blas.setThreads(1);
        assertEquals(1, Blas.threads());
        Blas.setThreads(before);
        assertEquals(before, Blas.threads());
        assertThrows(IllegalArgumentException.class, () -> Blas.setThreads(0));
        assertTrue(Blas.config().toLowerCase().contains("openblas"), Blas.config());
    }
}
