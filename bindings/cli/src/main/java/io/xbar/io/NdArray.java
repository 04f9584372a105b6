// NdArray: an immutable rank-1 or rank-2 array of doubles in C order, as read from or written to a .npy file.
package io.xbar.io;

import java.util.Arrays;

/**
 * A dense array of rank 1 ({@code n}) or rank 2 ({@code rows x cols}, row-major), with a flag telling
 * whether it came from an integer-typed file. MODEL.md takes an integer-typed weights or inputs file
 * as integers directly (no quantization), so the flag travels with the values.
 *
 * <p>Immutable and thread-safe: the factories copy their argument and {@link #toArray()} returns a
 * copy. Dimensions may be 0 (an empty batch is a valid array).
 */
public final class NdArray {
    /** Largest element count a Java array holds on every VM. */
    static final long MAX_SIZE = Integer.MAX_VALUE - 8;

    private final double[] data;
    private final int[] shape;
    private final boolean integerTyped;

    private NdArray(double[] data, int[] shape, boolean integerTyped) {
        this.data = data;
        this.shape = shape;
        this.integerTyped = integerTyped;
    }

    /** A rank-1 array holding a copy of {@code values}. */
    public static NdArray vector(double[] values) {
        return of(values, false, values.length);
    }

    /** A rank-2 {@code rows x cols} array holding a copy of the row-major {@code values}. */
    public static NdArray matrix(double[] values, int rows, int cols) {
        return of(values, false, rows, cols);
    }

    /**
     * An array of the given shape holding a copy of the C-order {@code values}.
     *
     * @throws IllegalArgumentException if the rank is not 1 or 2, a dimension is negative, or the
     *                                  number of values does not match the shape
     */
    public static NdArray of(double[] values, boolean integerTyped, int... shape) {
        if (values == null || shape == null) {
            throw new IllegalArgumentException("values and shape must be given");
        }
        int[] s = shape.clone();
        long size = checkShape(s);
        if (size != values.length) {
            throw new IllegalArgumentException("shape " + shapeString(s) + " holds " + size + " values, got "
                    + values.length);
        }
        return new NdArray(values.clone(), s, integerTyped);
    }

    /** Takes ownership of {@code data} without copying; only for readers in this package. */
    static NdArray wrap(double[] data, int[] shape, boolean integerTyped) {
        return new NdArray(data, shape, integerTyped);
    }

    static long checkShape(int[] shape) {
        if (shape.length < 1 || shape.length > 2) {
            throw new IllegalArgumentException("arrays of rank 1 or 2 are supported, got rank " + shape.length
                    + " shape " + shapeString(shape));
        }
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + shapeString(shape));
            }
            size *= d;
        }
        if (size > MAX_SIZE) {
            throw new IllegalArgumentException("shape " + shapeString(shape) + " has " + size
                    + " elements, more than a Java array holds");
        }
        return size;
    }

    /** 1 or 2. */
    public int rank() {
        return shape.length;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Dimension {@code axis} of the shape. */
    public int dim(int axis) {
        return shape[axis];
    }

    /** Number of elements. */
    public int size() {
        return data.length;
    }

    /** True when the values came from an integer dtype (int8..int64, uint8..uint64). */
    public boolean integerTyped() {
        return integerTyped;
    }

    /** Element {@code k} in C order. */
    public double get(int k) {
        return data[k];
    }

    /** Element {@code (row, col)} of a rank-2 array. */
    public double get(int row, int col) {
        if (shape.length != 2) {
            throw new IllegalStateException("get(row, col) on a rank-1 array of shape " + shapeString());
        }
        if (row < 0 || row >= shape[0] || col < 0 || col >= shape[1]) {
            throw new IndexOutOfBoundsException("(" + row + ", " + col + ") outside shape " + shapeString());
        }
        return data[row * shape[1] + col];
    }

    /** A copy of the values in C (row-major) order. */
    public double[] toArray() {
        return data.clone();
    }

    /** Read access without a copy, for code in this package that only reads. */
    double[] data() {
        return data;
    }

    /** The shape as NumPy prints it: {@code (3,)} or {@code (4, 3)}. */
    public String shapeString() {
        return shapeString(shape);
    }

    static String shapeString(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder b = new StringBuilder("(");
        for (int k = 0; k < shape.length; k++) {
            b.append(k == 0 ? "" : ", ").append(shape[k]);
        }
        return b.append(')').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NdArray a && integerTyped == a.integerTyped && Arrays.equals(shape, a.shape)
                && Arrays.equals(data, a.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(shape) + Arrays.hashCode(data)) + (integerTyped ? 1 : 0);
    }

    @Override
    public String toString() {
        return "NdArray" + shapeString() + (integerTyped ? " integer" : "")
                + (data.length <= 8 ? " " + Arrays.toString(data) : "");
    }
}
