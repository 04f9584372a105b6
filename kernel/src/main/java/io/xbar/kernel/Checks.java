// Checks: argument validation shared by every public entry point; messages name the argument, shape and value.
package io.xbar.kernel;

/** Validation of user-supplied arrays. Every failure is an {@link IllegalArgumentException} naming what is wrong. */
public final class Checks {
    private Checks() {
    }

    /** Crossbar shape: both dimensions at least 1, and {@code 2*rows*cols} addressable. */
    public static void shape(int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("crossbar shape must be at least 1x1, got " + rows + "x" + cols);
        }
        if ((long) rows * cols > (Integer.MAX_VALUE - 16) / 2) {
            throw new IllegalArgumentException("crossbar " + rows + "x" + cols + " is too large (2*rows*cols must fit an int)");
        }
    }

    /** Conductances: length {@code rows*cols}, finite, {@code >= 0}. */
    public static void conductances(int rows, int cols, double[] g, String name) {
        shape(rows, cols);
        if (g == null) {
            throw new IllegalArgumentException(name + " must be given");
        }
        if (g.length != rows * cols) {
            throw new IllegalArgumentException(name + " has " + g.length + " values, expected " + rows + "x" + cols
                    + " = " + (rows * cols));
        }
        for (int k = 0; k < g.length; k++) {
            double v = g[k];
            if (!(v >= 0) || v == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException(name + "[" + (k / cols) + "][" + (k % cols) + "] = " + v
                        + " is not a finite conductance >= 0 S");
            }
        }
    }

    /** A batch of vectors: length {@code batch*width}, all finite. */
    public static void finiteBatch(double[] x, int batch, int width, String name) {
        if (x == null) {
            throw new IllegalArgumentException(name + " must be given");
        }
        if (batch < 0) {
            throw new IllegalArgumentException(name + ": negative batch size " + batch);
        }
        if ((long) batch * width != x.length) {
            throw new IllegalArgumentException(name + " has " + x.length + " values, expected " + batch + "x" + width
                    + " = " + ((long) batch * width));
        }
        for (int k = 0; k < x.length; k++) {
            if (!Double.isFinite(x[k])) {
                throw new IllegalArgumentException(name + "[" + (k / Math.max(1, width)) + "][" + (k % Math.max(1, width))
                        + "] = " + x[k] + " is not finite");
            }
        }
    }
}
