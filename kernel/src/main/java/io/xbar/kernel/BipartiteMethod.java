// BipartiteMethod: crossbars with both wire layers shorted: M word-line nodes, N bit-line nodes, cells between them.
package io.xbar.kernel;

import io.xbar.blas.Blas;
import io.xbar.blas.Lapack;

/**
 * With {@code r_wl = r_bl = 0} every word line is one node {@code U_i} and every bit line one node
 * {@code W_j}; cell {@code (i,j)} joins them. Pinned sides (zero driver or sense resistance) make it
 * explicit; otherwise the bit-line nodes (a diagonal block) are eliminated and the dense
 * {@code M x M} Schur complement {@code S = D_U - G D_W^-1 G^T} is factored once by Cholesky.
 */
final class BipartiteMethod implements NodalMethod<BipartiteMethod.Work> {
    private final int m;
    private final int n;
    private final double[] cell;
    private final double[] diagU;
    private final double[] diagW;
    private final boolean pinnedU;
    private final boolean pinnedW;
    private final double sourceConductance; // total per word line, when not pinned
    private final double[] factor; // Cholesky of S (lower, row-major) when neither side is pinned
    private final double normA;

    BipartiteMethod(int m, int n, Circuit circuit, double[] cell) {
        this.m = m;
        this.n = n;
        this.cell = cell;
        pinnedU = circuit.source() == 0;
        pinnedW = circuit.sense() == 0;
        int sources = circuit.drive().sources();
        int senses = circuit.senseAt().amplifiers();
        sourceConductance = pinnedU ? 0 : sources / circuit.source();
        double senseConductance = pinnedW ? 0 : senses / circuit.sense();
        diagU = new double[m];
        diagW = new double[n];
        for (int i = 0; i < m; i++) {
            diagU[i] = sourceConductance;
            for (int j = 0; j < n; j++) {
                diagU[i] += cell[i * n + j];
                diagW[j] += cell[i * n + j];
            }
        }
        for (int j = 0; j < n; j++) {
            diagW[j] += senseConductance;
        }
        double maxDiag = 0;
        if (!pinnedU) {
            for (double d : diagU) {
                maxDiag = Math.max(maxDiag, d);
            }
        }
        if (!pinnedW) {
            for (double d : diagW) {
                maxDiag = Math.max(maxDiag, d);
            }
        }
        normA = 2 * maxDiag;
        if (!pinnedU && !pinnedW) {
            double[] scaled = new double[m * n];
            for (int j = 0; j < n; j++) {
                double s = 1.0 / Math.sqrt(diagW[j]);
                for (int i = 0; i < m; i++) {
                    scaled[i * n + j] = cell[i * n + j] * s;
                }
            }
            factor = new double[m * m];
            for (int i = 0; i < m; i++) {
                factor[i * m + i] = diagU[i];
            }
            Blas.dsyrk(true, false, m, n, -1.0, scaled, 0, n, 1.0, factor, 0, m);
            Lapack.dpotrf(m, factor);
        } else {
            factor = null;
        }
    }

    /** Scratch of one solving thread: the word-line and bit-line node voltages. */
    final class Work {
        final double[] hubU = new double[m];
        final double[] hubW = new double[n];
    }

    @Override
    public Work workspace() {
        return new Work();
    }

    @Override
    public ConjugateGradient.Stats solve(double[] v, double[] source, double[] currents, double[] u, double[] w,
                                         Work ws) {
        double[] uu = ws.hubU;
        double[] ww = ws.hubW;
        // Cell sources, summed per node: out of word line i (outU), into bit line j (inW).
        double[] outU = new double[m];
        double[] inW = new double[n];
        if (source != null) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    outU[i] += source[i * n + j];
                    inW[j] += source[i * n + j];
                }
            }
        }
        if (pinnedU) {
            System.arraycopy(v, 0, uu, 0, m);
        } else if (pinnedW) {
            for (int i = 0; i < m; i++) {
                uu[i] = (sourceConductance * v[i] - outU[i]) / diagU[i];
            }
        } else {
            // S U = b_U + G D_W^-1 b_W, with b_W the sources into the bit lines
            for (int i = 0; i < m; i++) {
                double s = sourceConductance * v[i] - outU[i];
                for (int j = 0; j < n; j++) {
                    s += cell[i * n + j] * inW[j] / diagW[j];
                }
                uu[i] = s;
            }
            Lapack.dpotrs(m, 1, factor, uu);
        }
        java.util.Arrays.fill(ww, 0);
        if (!pinnedW) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    ww[j] += cell[i * n + j] * uu[i];
                }
            }
            for (int j = 0; j < n; j++) {
                ww[j] = (ww[j] + inW[j]) / diagW[j];
            }
        }
        double residual = residual(v, outU, inW, uu, ww);
        if (residual > SolverOptions.REQUIRED_RESIDUAL) {
            throw new ConvergenceException("bipartite Cholesky solve", residual, SolverOptions.REQUIRED_RESIDUAL, 0);
        }
        java.util.Arrays.fill(currents, 0);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                currents[j] += cell[i * n + j] * (uu[i] - ww[j]) + (source == null ? 0 : source[i * n + j]);
                if (u != null) {
                    u[i * n + j] = uu[i];
                    w[i * n + j] = ww[j];
                }
            }
        }
        return new ConjugateGradient.Stats(residual, 0);
    }

    /** Scaled KCL residual over the free hub nodes. */
    private double residual(double[] v, double[] outU, double[] inW, double[] uu, double[] ww) {
        double normR = 0;
        double normB = 0;
        double normX = Math.max(LineKernels.maxAbs(uu), LineKernels.maxAbs(ww));
        if (!pinnedU) {
            for (int i = 0; i < m; i++) {
                double b = sourceConductance * v[i] - outU[i];
                double s = diagU[i] * uu[i];
                for (int j = 0; j < n; j++) {
                    s -= cell[i * n + j] * ww[j];
                }
                normR = Math.max(normR, Math.abs(b - s));
                normB = Math.max(normB, Math.abs(b));
            }
        }
        if (!pinnedW) {
            double[] s = new double[n];
            for (int j = 0; j < n; j++) {
                s[j] = diagW[j] * ww[j];
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    s[j] -= cell[i * n + j] * uu[i];
                }
            }
            for (int j = 0; j < n; j++) {
                normR = Math.max(normR, Math.abs(s[j] - inW[j]));
                normB = Math.max(normB, Math.abs(inW[j]));
            }
        }
        return ConjugateGradient.scaled(normR, normA, normX, normB);
    }
}
