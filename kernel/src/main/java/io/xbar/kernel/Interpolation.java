// Interpolation: one direction of the multigrid transfer, fine index -> up to two (coarse index, weight) pairs.
package io.xbar.kernel;

/**
 * A one-dimensional prolongation from {@code coarse} points to {@code fine} points. The
 * crossbar's two layers use different kinds per direction: a word line is a chain along the
 * columns (linear interpolation there) and its rows are independent (aggregation of row pairs);
 * a bit line the other way round. {@link #identity} is used in a direction that is not coarsened.
 */
final class Interpolation {
    final int fine;
    final int coarse;
    final int[] first;
    final double[] firstWeight;
    /** Second coarse point, or -1. */
    final int[] second;
    final double[] secondWeight;

    private Interpolation(int fine, int coarse) {
        this.fine = fine;
        this.coarse = coarse;
        first = new int[fine];
        firstWeight = new double[fine];
        second = new int[fine];
        secondWeight = new double[fine];
        java.util.Arrays.fill(second, -1);
    }

    /** Size of a coarsened direction: every other point. */
    static int coarseSize(int fine) {
        return (fine + 1) / 2;
    }

    static Interpolation identity(int n) {
        Interpolation p = new Interpolation(n, n);
        for (int i = 0; i < n; i++) {
            p.first[i] = i;
            p.firstWeight[i] = 1;
        }
        return p;
    }

    /** Piecewise-constant: fine points {@code 2I, 2I+1} take coarse point {@code I}. */
    static Interpolation aggregate(int n) {
        Interpolation p = new Interpolation(n, coarseSize(n));
        for (int i = 0; i < n; i++) {
            p.first[i] = i / 2;
            p.firstWeight[i] = 1;
        }
        return p;
    }

    /**
     * Piecewise-linear: even fine points sit on coarse points, odd ones average their two
     * neighbours; a last odd point without a right neighbour copies its left one (the far end of a
     * line is open, so constant extension is the smooth continuation).
     */
    static Interpolation linear(int n) {
        int nc = coarseSize(n);
        Interpolation p = new Interpolation(n, nc);
        for (int i = 0; i < n; i++) {
            int c = i / 2;
            p.first[i] = c;
            if (i % 2 == 0 || c + 1 >= nc) {
                p.firstWeight[i] = 1;
            } else {
                p.firstWeight[i] = 0.5;
                p.second[i] = c + 1;
                p.secondWeight[i] = 0.5;
            }
        }
        return p;
    }
}
