// ArrayFiles: reads and writes the .npy arguments of commands, turning every file, shape and value problem into one line.
package io.xbar.cli;

import io.xbar.io.NdArray;
import io.xbar.io.Npy;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The array arguments of commands ({@code --conductances G.npy}, {@code --inputs V.npy},
 * {@code --out I.npy}), read and checked the same way everywhere. Messages name the flag, the file,
 * the shape and the offending value or index, and are thrown as {@link UsageException}.
 */
public final class ArrayFiles {
    private ArrayFiles() {
    }

    /** A rank-2 conductance matrix read from a file: {@code rows x cols}, row-major, checked. */
    public record Conductances(String flag, Path file, int rows, int cols, double[] values) {
        /** {@code --conductances G.npy has shape (4, 3)}: how messages refer to this argument. */
        public String describe() {
            return "--" + flag + " " + file + " has shape (" + rows + ", " + cols + ")";
        }
    }

    /**
     * A batch of row vectors read from a file: rank 1 ({@code batch = 1}, {@code vector = true}) or
     * rank 2 ({@code batch x width}).
     */
    public record Vectors(String flag, Path file, NdArray array, int batch, int width, boolean vector) {
        /** The values, row-major {@code batch x width} (a copy). */
        public double[] values() {
            return array.toArray();
        }

        /** The shape of an output with {@code width} values per vector, of the same rank as the input. */
        public int[] outputShape(int outputWidth) {
            return vector ? new int[] {outputWidth} : new int[] {batch, outputWidth};
        }
    }

    /** The array named by a required flag. */
    public static NdArray read(Flags flags, String flag) throws IOException {
        Path file = Path.of(flags.required(flag));
        try {
            return Npy.read(file);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + flag + " " + e.getMessage(), e);
        } catch (IOException e) {
            // A read failure of the file system (an I/O error, a vanished device): still one line naming the file.
            throw new UsageException("--" + flag + " " + file + ": cannot be read: " + ioReason(e), e);
        }
    }

    /** The reason of an I/O failure without the exception class or a repeated file name. */
    static String ioReason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * Conductances: a 2-D {@code M x N} matrix with {@code M, N >= 1}, every value finite and
     * {@code >= 0} siemens.
     */
    public static Conductances conductances(Flags flags, String flag) throws IOException {
        NdArray a = read(flags, flag);
        Path file = Path.of(flags.required(flag));
        if (a.rank() != 2) {
            throw new UsageException("--" + flag + " " + file + " has shape " + a.shapeString()
                    + "; conductances must be a 2-D M x N matrix (rows = word lines, columns = bit lines)");
        }
        if (a.dim(0) < 1 || a.dim(1) < 1) {
            throw new UsageException("--" + flag + " " + file + " has shape " + a.shapeString()
                    + "; a crossbar needs at least one row and one column");
        }
        double[] g = a.toArray();
        int cols = a.dim(1);
        for (int k = 0; k < g.length; k++) {
            double v = g[k];
            if (!(v >= 0) || v == Double.POSITIVE_INFINITY) {
                throw new UsageException("--" + flag + " " + file + ": value " + v + " at [" + (k / cols) + ", "
                        + (k % cols) + "] (flat index " + k + ") is not a conductance; conductances must be finite and >= 0 S");
            }
        }
        return new Conductances(flag, file, a.dim(0), cols, g);
    }

    /**
     * Vectors of {@code width} values each: a 1-D vector of length {@code width} or a 2-D
     * {@code B x width} batch ({@code B = 0} is a valid empty batch), every value finite.
     *
     * @param against how the message describes what fixes the width, e.g. {@link Conductances#describe()}
     * @param what    what one value is, e.g. "one voltage per row"
     */
    public static Vectors vectors(Flags flags, String flag, int width, String against, String what) throws IOException {
        NdArray a = read(flags, flag);
        Path file = Path.of(flags.required(flag));
        int have = a.rank() == 1 ? a.dim(0) : a.dim(1);
        if (have != width) {
            throw new UsageException("--" + flag + " " + file + " has shape " + a.shapeString() + " but " + against
                    + ": " + (a.rank() == 1 ? "the vector" : "each row") + " needs " + width + " values, " + what);
        }
        for (int k = 0; k < a.size(); k++) {
            double v = a.get(k);
            if (!Double.isFinite(v)) {
                throw new UsageException("--" + flag + " " + file + ": value " + v + " at "
                        + (a.rank() == 1 ? "[" + k + "]" : "[" + (k / width) + ", " + (k % width) + "]")
                        + " is not finite");
            }
        }
        boolean vector = a.rank() == 1;
        return new Vectors(flag, file, a, vector ? 1 : a.dim(0), width, vector);
    }

    /** The output path of a required flag, checked to be writable before any work is done. */
    public static Path output(Flags flags, String flag) {
        Path file = Path.of(flags.required(flag));
        try {
            Npy.checkWritable(file);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + flag + ": " + e.getMessage(), e);
        }
        return file;
    }

    /** Writes a float64 array atomically; a file-system refusal becomes one line naming the flag and file. */
    public static void write(String flag, Path file, double[] values, int... shape) throws IOException {
        try {
            Npy.write(file, values, shape);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + flag + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw OutputFiles.cannotWrite(flag, file, e);
        }
    }
}
