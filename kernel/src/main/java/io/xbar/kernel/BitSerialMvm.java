// BitSerialMvm: bit-serial MVMs of integer activations through a transfer matrix, all input cycles of a batch in one GEMM.
package io.xbar.kernel;

import io.xbar.blas.Blas;

/**
 * Bit-serial input streaming of MODEL.md section 3. An activation {@code a} of {@code A = inputBits}
 * bits is applied in {@code cycles = ceil(A / p)} cycles of a {@code p = dacBits}-bit DAC; cycle
 * {@code t} puts {@code V[i] = vRead * ((a_i >> (p t)) & (2^p - 1)) / (2^p - 1)} on word line
 * {@code i}. With the crossbar's transfer matrix {@code T} ({@link TransferMatrix}) every cycle of
 * every vector is one row of a {@code (cycles * batch) x rows} voltage matrix, so the whole batch
 * is a single {@code dgemm} with {@code T}.
 *
 * <p>Layouts (row-major): activations {@code batch x rows}; per-cycle results
 * {@code cycles x batch x cols} (cycle-major: cycle {@code t}'s block starts at
 * {@code t * batch * cols}); combined results {@code batch x cols}. A batch of 0 vectors is valid
 * and gives empty results.
 *
 * <p>An instance keeps its voltage workspace between calls and is not thread-safe.
 */
public final class BitSerialMvm {
    private final int inputBits;
    private final int dacBits;
    private final double vRead;
    private final int cycles;
    private double[] voltages = new double[0];

    /**
     * @param inputBits activation bit width {@code A}, 1 to 31
     * @param dacBits   DAC resolution {@code p}, 1 to 31 (more than {@code A} is one cycle)
     * @param vRead     read voltage (full DAC output) in volts, finite and {@code > 0}
     */
    public BitSerialMvm(int inputBits, int dacBits, double vRead) {
        if (inputBits < 1 || inputBits > 31) {
            throw new IllegalArgumentException("input_bits must be 1 to 31, got " + inputBits);
        }
        if (dacBits < 1 || dacBits > 31) {
            throw new IllegalArgumentException("dac_bits must be 1 to 31, got " + dacBits);
        }
        if (!(vRead > 0) || !Double.isFinite(vRead)) {
            throw new IllegalArgumentException("v_read must be a finite voltage > 0 V, got " + vRead);
        }
        this.inputBits = inputBits;
        this.dacBits = dacBits;
        this.vRead = vRead;
        this.cycles = (inputBits + dacBits - 1) / dacBits;
    }

    public int inputBits() {
        return inputBits;
    }

    public int dacBits() {
        return dacBits;
    }

    public double vRead() {
        return vRead;
    }

    /** Input cycles per vector, {@code ceil(inputBits / dacBits)}. */
    public int cycles() {
        return cycles;
    }

    /** Weight of cycle {@code t} in the shift-and-add, {@code 2^(p t)}. */
    public double cycleWeight(int t) {
        return Math.scalb(1.0, dacBits * t);
    }

    /**
     * The word-line voltages of every cycle, {@code (cycles * batch) x rows}, cycle-major (row
     * {@code t * batch + b} is vector {@code b} in cycle {@code t}).
     *
     * @throws IllegalArgumentException on a bad shape or an activation outside {@code [0, 2^A - 1]}
     */
    public double[] voltages(int[] activations, int batch, int rows) {
        checkActivations(activations, batch, rows);
        double[] v = new double[cycles * batch * rows];
        fillVoltages(activations, batch, rows, v);
        return v;
    }

    /**
     * Per-cycle column currents with parasitics: {@code cycles x batch x cols}, each current
     * passed through {@code adc}.
     *
     * @param transfer    row-major {@code rows x cols} transfer matrix of the tile
     * @param activations row-major {@code batch x rows} integers in {@code [0, 2^inputBits - 1]}
     */
    public double[] cycleCurrents(double[] transfer, int rows, int cols, int[] activations, int batch, Adc adc) {
        double[] out = new double[cycles * batch * cols];
        cycleCurrents(transfer, rows, cols, activations, batch, adc, out);
        return out;
    }

    /** Per-cycle column currents of a tile, through its (cached) transfer matrix: {@code cycles x batch x cols}. */
    public double[] cycleCurrents(AnalogTile tile, int[] activations, int batch, Adc adc) {
        if (tile == null) {
            throw new IllegalArgumentException("tile must be given");
        }
        return cycleCurrents(tile.transfer(), tile.rows(), tile.cols(), activations, batch, adc);
    }

    /** {@link #cycleCurrents(double[], int, int, int[], int, Adc)} into {@code out} ({@code cycles * batch * cols}). */
    public void cycleCurrents(double[] transfer, int rows, int cols, int[] activations, int batch, Adc adc, double[] out) {
        checkTransfer(transfer, rows, cols);
        checkActivations(activations, batch, rows);
        if (adc == null) {
            throw new IllegalArgumentException("adc must be given (Adc.IDEAL for an ideal ADC)");
        }
        int stacked = cycles * batch;
        if (out == null || out.length != stacked * cols) {
            throw new IllegalArgumentException("cycle currents must have " + cycles + "x" + batch + "x" + cols + " = "
                    + (stacked * cols) + " values, got " + (out == null ? "none" : out.length));
        }
        if (stacked == 0) {
            return;
        }
        int needed = stacked * rows;
        if (voltages.length < needed) {
            voltages = new double[needed];
        }
        fillVoltages(activations, batch, rows, voltages);
        Blas.dgemm(false, false, stacked, cols, rows, 1.0, voltages, 0, rows, transfer, 0, cols, 0.0, out, 0, cols);
        adc.convert(out, 0, out.length);
    }

    /**
     * Shift-and-add of per-cycle results: {@code batch x cols}, {@code sum_t 2^(p t) I_t}. With
     * zero parasitics and an ideal ADC this is {@code vRead / (2^p - 1) * a . g'}.
     */
    public double[] shiftAdd(double[] cycleCurrents, int batch, int cols) {
        if (batch < 0 || cols < 1) {
            throw new IllegalArgumentException("shift-and-add shape must be batch >= 0 and cols >= 1, got " + batch + "x" + cols);
        }
        if (cycleCurrents == null || cycleCurrents.length != (long) cycles * batch * cols) {
            throw new IllegalArgumentException("cycle currents must have " + cycles + "x" + batch + "x" + cols + " = "
                    + ((long) cycles * batch * cols) + " values, got "
                    + (cycleCurrents == null ? "none" : cycleCurrents.length));
        }
        int block = batch * cols;
        double[] out = new double[block];
        for (int t = 0; t < cycles; t++) {
            double w = cycleWeight(t);
            int off = t * block;
            for (int k = 0; k < block; k++) {
                out[k] += w * cycleCurrents[off + k];
            }
        }
        return out;
    }

    /** Per-cycle results and shift-and-add in one call: {@code batch x cols}. */
    public double[] mvm(double[] transfer, int rows, int cols, int[] activations, int batch, Adc adc) {
        return shiftAdd(cycleCurrents(transfer, rows, cols, activations, batch, adc), batch, cols);
    }

    /**
     * Sum of the word-line voltages of each cycle and vector, {@code cycles x batch} (volts): the
     * {@code sum_i V[i]} that the level-sum estimate of MODEL.md section 3 subtracts {@code g_off} times.
     */
    public double[] voltageSums(int[] activations, int batch, int rows) {
        checkActivations(activations, batch, rows);
        int mask = (1 << dacBits) - 1;
        double scale = vRead / mask;
        double[] sums = new double[cycles * batch];
        for (int t = 0; t < cycles; t++) {
            int shift = dacBits * t;
            for (int b = 0; b < batch; b++) {
                long s = 0;
                int base = b * rows;
                for (int i = 0; i < rows; i++) {
                    s += (activations[base + i] >>> shift) & mask;
                }
                sums[t * batch + b] = s * scale;
            }
        }
        return sums;
    }

    private void fillVoltages(int[] a, int batch, int rows, double[] v) {
        int mask = (1 << dacBits) - 1;
        double scale = vRead / mask;
        for (int t = 0; t < cycles; t++) {
            int shift = dacBits * t;
            int block = t * batch * rows;
            for (int k = 0; k < batch * rows; k++) {
                v[block + k] = ((a[k] >>> shift) & mask) * scale;
            }
        }
    }

    private void checkActivations(int[] a, int batch, int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be >= 1, got " + rows);
        }
        if (batch < 0) {
            throw new IllegalArgumentException("activations: negative batch size " + batch);
        }
        if (a == null) {
            throw new IllegalArgumentException("activations must be given");
        }
        if ((long) batch * rows != a.length) {
            throw new IllegalArgumentException("activations have " + a.length + " values, expected " + batch + "x" + rows
                    + " = " + ((long) batch * rows));
        }
        if ((long) cycles * batch * rows > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("batch of " + batch + " vectors x " + cycles + " cycles x " + rows
                    + " rows is too large for one voltage matrix; split the batch");
        }
        int max = inputBits == 31 ? Integer.MAX_VALUE : (1 << inputBits) - 1;
        for (int k = 0; k < a.length; k++) {
            if (a[k] < 0 || a[k] > max) {
                throw new IllegalArgumentException("activations[" + (k / rows) + "][" + (k % rows) + "] = " + a[k]
                        + " is outside the declared bit width: input_bits = " + inputBits + " allows 0.." + max);
            }
        }
    }

    private static void checkTransfer(double[] t, int rows, int cols) {
        Checks.shape(rows, cols);
        if (t == null || t.length != rows * cols) {
            throw new IllegalArgumentException("transfer matrix must have " + rows + "x" + cols + " = " + (rows * cols)
                    + " values, got " + (t == null ? "none" : t.length));
        }
        Checks.finiteBatch(t, rows, cols, "transfer matrix");
    }
}
