// AnalogTile: column currents of a programmed tile for batches of input voltages, through its cached transfer matrix or direct solves.
package io.xbar.kernel;

import io.xbar.blas.Blas;

/**
 * One programmed crossbar tile (conductances plus circuit) that answers batches of input voltage
 * vectors with their column currents, parasitics included, in float64. Two exact paths:
 * <ul>
 *   <li>{@link Path#TRANSFER}: compute the transfer matrix {@code T} once ({@link TransferMatrix},
 *       cached in the tile), then {@code I = V . T} is one {@code dgemm} per batch;</li>
 *   <li>{@link Path#DIRECT}: solve the network for the given vectors only (the row sweep of
 *       {@link TransferMatrix} with the batch as its right-hand sides), without forming {@code T}.</li>
 * </ul>
 * {@link Path#AUTO} takes the cheaper by a flop count: {@code TRANSFER} costs
 * {@code flops(T) + 2 B M N} ({@code 2 B M N} once {@code T} is cached), {@code DIRECT} costs
 * {@code M N^3 + 2 M N^2 B} per sweep (see {@link #flops(Path, int)}). Both count the dense
 * factorizations that dominate; for a fresh tile {@code DIRECT} wins for batches below about
 * {@code M / 2}, and every batch uses {@code T} once it is cached.
 *
 * <p>Layouts are row-major: voltages {@code batch x rows}, currents {@code batch x cols}. A batch of
 * 0 vectors gives an empty result. Not thread-safe (the workspaces and the cache are shared).
 */
public final class AnalogTile {
    /** How {@link #currents(double[], int, Path)} computes. */
    public enum Path {
        /** The cheaper of the two by the flop count of {@link AnalogTile#flops(Path, int)}. */
        AUTO,
        /** Through the cached transfer matrix and one dgemm. */
        TRANSFER,
        /** Direct solves for the given vectors only. */
        DIRECT
    }

    private final int rows;
    private final int cols;
    private final Circuit circuit;
    private final double[] conductances;
    private double[] transfer;
    private SchurSweep direct;

    /**
     * @param conductances row-major {@code rows x cols} cell conductances {@code g >= 0} (siemens); copied
     * @throws IllegalArgumentException on a bad shape, a missing circuit or a bad conductance
     */
    public AnalogTile(int rows, int cols, Circuit circuit, double[] conductances) {
        Checks.conductances(rows, cols, conductances, "conductances");
        if (circuit == null) {
            throw new IllegalArgumentException("circuit must be given");
        }
        this.rows = rows;
        this.cols = cols;
        this.circuit = circuit;
        this.conductances = conductances.clone();
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public Circuit circuit() {
        return circuit;
    }

    /** A copy of the programmed conductances. */
    public double[] conductances() {
        return conductances.clone();
    }

    /** True once the transfer matrix has been computed (and is cached). */
    public boolean hasTransfer() {
        return transfer != null;
    }

    /**
     * The exact transfer matrix (row-major {@code rows x cols}), computed on first use and cached.
     * The returned array is the cache itself: read it, do not modify it.
     */
    public double[] transfer() {
        if (transfer == null) {
            transfer = TransferMatrix.compute(rows, cols, circuit, conductances);
        }
        return transfer;
    }

    /** Estimated flops of a batch of {@code batch} vectors on a path (AUTO: the cheaper one). */
    public double flops(Path path, int batch) {
        if (batch < 0) {
            throw new IllegalArgumentException("negative batch size " + batch);
        }
        double apply = 2.0 * batch * rows * cols;
        double viaTransfer = (transfer == null ? TransferMatrix.flops(rows, cols, circuit) : 0) + apply;
        double viaDirect = SchurSweep.cost(rows, cols, circuit.bitLine(), circuit.senseAt() == Sense.BOTH, batch, false);
        return switch (path) {
            case TRANSFER -> viaTransfer;
            case DIRECT -> viaDirect;
            case AUTO -> Math.min(viaTransfer, viaDirect);
        };
    }

    /** The path {@link Path#AUTO} takes for a batch of this size now. */
    public Path choose(int batch) {
        return flops(Path.TRANSFER, batch) <= flops(Path.DIRECT, batch) ? Path.TRANSFER : Path.DIRECT;
    }

    /** Column currents of a batch, path chosen automatically. */
    public double[] currents(double[] voltages, int batch) {
        return currents(voltages, batch, Path.AUTO);
    }

    /**
     * Column currents ({@code batch x cols}, amperes) of a batch of input voltage vectors
     * ({@code batch x rows}, volts).
     *
     * @throws IllegalArgumentException on a bad shape, a non-finite voltage or a missing path
     */
    public double[] currents(double[] voltages, int batch, Path path) {
        if (path == null) {
            throw new IllegalArgumentException("path must be given (AUTO, TRANSFER or DIRECT)");
        }
        Checks.finiteBatch(voltages, batch, rows, "voltages");
        double[] out = new double[batch * cols];
        if (batch == 0) {
            return out;
        }
        Path p = path == Path.AUTO ? choose(batch) : path;
        if (p == Path.TRANSFER) {
            Blas.dgemm(batch, cols, rows, 1.0, voltages, transfer(), 0.0, out);
        } else {
            if (direct == null) {
                direct = SchurSweep.of(rows, cols, circuit);
            }
            direct.currents(conductances, voltages, batch, out);
        }
        return out;
    }
}
