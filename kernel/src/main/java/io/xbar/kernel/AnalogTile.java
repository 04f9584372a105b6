// AnalogTile: column currents of a programmed tile for batches of input voltages, through its cached transfer matrix or direct solves.
package io.xbar.kernel;

import io.xbar.blas.Blas;

/**
 * One programmed crossbar tile (conductances plus circuit) that answers batches of input voltage
 * vectors with their column currents, parasitics included, in float64. Paths:
 * <ul>
 *   <li>{@link Path#TRANSFER}: compute the transfer matrix {@code T} once ({@link TransferMatrix},
 *       cached in the tile), then {@code I = V . T} is one {@code dgemm} per batch;</li>
 *   <li>{@link Path#DIRECT}: per-vector solves of the crossbar solver
 *       ({@link ProgrammedCrossbar#currents}, programmed once and cached), no {@code T};</li>
 *   <li>{@link Path#SWEEP}: the exact row sweep of {@link TransferMatrix} with the batch as its
 *       right-hand sides (no iteration, no {@code T}); never chosen automatically.</li>
 * </ul>
 * {@link Path#AUTO} compares estimated costs in dense-flop equivalents: {@code TRANSFER} costs
 * {@code flops(T) + 2 B M N} (only {@code 2 B M N} once {@code T} is cached), {@code DIRECT}
 * {@code K M N B} with {@code K = }{@value #DIRECT_FLOPS_PER_CELL}, the measured cost of one
 * iterative solve per cell in units of one BLAS-3 flop of the transfer computation (break-even
 * batches measured on 2 cores: 2 vectors at 64x64, 11 at 128x128, 17 at 256x256; the model gives
 * 2, 7 and 26). So a fresh tile is solved directly for small batches and through {@code T} for
 * large ones, and every batch goes through {@code T} once it is cached.
 *
 * <p>Layouts are row-major: voltages {@code batch x rows}, currents {@code batch x cols}. A batch of
 * 0 vectors gives an empty result. Not thread-safe (the workspaces and the cache are shared).
 */
public final class AnalogTile {
    /** How {@link #currents(double[], int, Path)} computes. */
    public enum Path {
        /** TRANSFER or DIRECT, the cheaper by {@link AnalogTile#flops(Path, int)}. */
        AUTO,
        /** Through the cached transfer matrix and one dgemm. */
        TRANSFER,
        /** Per-vector solves of the crossbar solver (iterative to the contract's KCL residual). */
        DIRECT,
        /** The exact row sweep with the batch as right-hand sides. */
        SWEEP
    }

    /** Cost of one direct solve per cell, in flops of the transfer computation (measured, see the class comment). */
    public static final double DIRECT_FLOPS_PER_CELL = 5000;

    private final int rows;
    private final int cols;
    private final Circuit circuit;
    private final double[] conductances;
    private double[] transfer;
    private ProgrammedCrossbar direct;
    private SchurSweep sweep;

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

    /**
     * Estimated cost of a batch of {@code batch} vectors on a path, in dense-flop equivalents
     * (AUTO: the cheaper of TRANSFER and DIRECT).
     */
    public double flops(Path path, int batch) {
        if (batch < 0) {
            throw new IllegalArgumentException("negative batch size " + batch);
        }
        if (path == null) {
            throw new IllegalArgumentException("path must be given (AUTO, TRANSFER, DIRECT or SWEEP)");
        }
        double cells = (double) rows * cols;
        double viaTransfer = (transfer == null ? TransferMatrix.flops(rows, cols, circuit) : 0) + 2.0 * batch * cells;
        double viaDirect = DIRECT_FLOPS_PER_CELL * cells * batch;
        return switch (path) {
            case TRANSFER -> viaTransfer;
            case DIRECT -> viaDirect;
            case SWEEP -> SchurSweep.cost(rows, cols, circuit.bitLine(), circuit.senseAt() == Sense.BOTH, batch, false);
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
            throw new IllegalArgumentException("path must be given (AUTO, TRANSFER, DIRECT or SWEEP)");
        }
        Checks.finiteBatch(voltages, batch, rows, "voltages");
        double[] out = new double[batch * cols];
        if (batch == 0) {
            return out;
        }
        Path p = path == Path.AUTO ? choose(batch) : path;
        switch (p) {
            case TRANSFER -> Blas.dgemm(batch, cols, rows, 1.0, voltages, transfer(), 0.0, out);
            case DIRECT -> {
                if (direct == null) {
                    direct = CrossbarSolver.create(rows, cols, circuit).program(conductances);
                }
                return direct.currents(voltages, batch);
            }
            default -> {
                if (sweep == null) {
                    sweep = SchurSweep.of(rows, cols, circuit);
                }
                sweep.currents(conductances, voltages, batch, out);
            }
        }
        return out;
    }
}
