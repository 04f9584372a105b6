// TiledMvm: tiles to outputs (MODEL.md sections 3-4): bit-serial inputs, level-sum estimation, shift-and-add, offset removal, NF.
package io.xbar.mapping;

import io.xbar.blas.Blas;
import io.xbar.kernel.Circuit;

/**
 * Runs a mapped layer on a batch of quantized inputs. Per tile the transfer matrix {@code T} is
 * computed once; all input vectors and cycles then go through one dgemm {@code [I | I_ideal] =
 * V . [T | g']}, in chunks that bound the memory. Per physical
 * column and cycle the periphery estimates the level sum
 * {@code (I - g_off * sum_i V[i]) * (2^p - 1) * L / ((g_on - g_off) * v_read)} and accumulates it
 * with weight {@code sign * 2^(c*k) * 2^(p*t)}.
 */
public final class TiledMvm {
    /** Upper bound on doubles per work matrix (V, I, I_ideal) of one chunk. */
    private static final int CHUNK_DOUBLES = 1 << 22;

    private TiledMvm() {
    }

    /** With the exact transfer matrix. */
    public static LayerResult run(LayerMapping mapping, QuantizedInputs inputs, Circuit circuit) {
        return run(mapping, inputs, circuit, TransferFunction.exact());
    }

    public static LayerResult run(LayerMapping mapping, QuantizedInputs inputs, Circuit circuit, TransferFunction transfer) {
        if (mapping == null || inputs == null || circuit == null || transfer == null) {
            throw new IllegalArgumentException("run: mapping, inputs, circuit and transfer function must be given");
        }
        if (inputs.width() != mapping.inputs()) {
            throw new IllegalArgumentException("inputs have length " + inputs.width() + ", the weights have "
                    + mapping.inputs() + " rows");
        }
        MappingOptions o = mapping.options();
        int batch = inputs.batch();
        int outs = mapping.outputs();
        double[] acc = new double[batch * outs];
        int nTiles = mapping.tiles().size();
        double[] nfSum = new double[nTiles];
        long[] nfTerms = new long[nTiles];
        for (int t = 0; t < nTiles; t++) {
            Tile tile = mapping.tiles().get(t);
            double[] transferMatrix = transfer.compute(tile.rows(), tile.cols(), circuit, tile.conductances());
            if (transferMatrix == null || transferMatrix.length != tile.rows() * tile.cols()) {
                throw new IllegalStateException("transfer function returned " + (transferMatrix == null ? "nothing"
                        : transferMatrix.length + " values") + " for a " + tile.rows() + "x" + tile.cols() + " tile");
            }
            // [T | g'] side by side, so one dgemm gives the actual and the ideal currents together.
            int rows = tile.rows();
            int cols = tile.cols();
            double[] both = new double[rows * 2 * cols];
            double[] g = tile.conductances();
            for (int i = 0; i < rows; i++) {
                System.arraycopy(transferMatrix, i * cols, both, i * 2 * cols, cols);
                for (int j = 0; j < cols; j++) {
                    both[i * 2 * cols + cols + j] = circuit.cellConductance(g[i * cols + j]);
                }
            }
            runTile(o, tile, both, inputs, outs, acc, nfSum, nfTerms, t);
        }
        removeOffset(o, inputs, outs, acc);
        double[] ideal = idealProduct(mapping.weights(), inputs);
        double scale = mapping.weightScale() * inputs.scale();
        double[] y = new double[acc.length];
        double[] yIdeal = new double[acc.length];
        for (int k = 0; k < acc.length; k++) {
            y[k] = acc[k] * scale + 0.0; // no -0.0 in output files
            yIdeal[k] = ideal[k] * scale + 0.0;
        }
        return new LayerResult(batch, outs, y, yIdeal, acc, nfSum, nfTerms);
    }

    private static void runTile(MappingOptions o, Tile tile, double[] both, QuantizedInputs inputs,
                                int outs, double[] acc, double[] nfSum, long[] nfTerms, int t) {
        int rows = tile.rows();
        int cols = tile.cols();
        int width = inputs.width();
        int cycles = o.cycles();
        int dacBits = o.dacBits();
        int digitMax = (1 << dacBits) - 1;
        double vRead = o.vRead();
        double gOff = o.gOff();
        double gain = (double) digitMax * o.maxLevel() / ((o.gOn() - o.gOff()) * vRead);
        int[] rowMap = tile.rowMap();
        int[] columnOutput = new int[cols];
        double[] columnWeight = new double[cols];
        for (int j = 0; j < cols; j++) {
            ColumnRole role = tile.columns()[j];
            columnOutput[j] = role == null ? -1 : role.output();
            columnWeight[j] = role == null ? 0 : role.sign() * Math.scalb(1.0, o.cellBits() * role.slice());
        }
        int usedRows = tile.usedRows();
        double adcFullScale = usedRows * vRead * o.gOn();
        double adcLevels = o.adcBits() == 0 ? 0 : Math.scalb(1.0, o.adcBits()) - 1;

        int chunk = Math.max(1, Math.min(inputs.batch(), CHUNK_DOUBLES / (cycles * Math.max(rows, 2 * cols))));
        double[] v = new double[chunk * cycles * rows];
        int width2 = 2 * cols;
        double[] currents = new double[chunk * cycles * width2];
        double[] sumV = new double[chunk * cycles];
        double sum = 0;
        long terms = 0;
        for (int phase = 0; phase < inputs.phases(); phase++) {
            int[] a = inputs.phase(phase);
            double phaseSign = phase == 0 ? 1 : -1;
            for (int b0 = 0; b0 < inputs.batch(); b0 += chunk) {
                int nb = Math.min(chunk, inputs.batch() - b0);
                int m = nb * cycles;
                for (int bb = 0; bb < nb; bb++) {
                    int aBase = (b0 + bb) * width;
                    for (int c = 0; c < cycles; c++) {
                        int vBase = (bb * cycles + c) * rows;
                        int shift = dacBits * c;
                        double s = 0;
                        for (int i = 0; i < rows; i++) {
                            int r = rowMap[i];
                            double volts = r < 0 ? 0 : vRead * ((a[aBase + r] >>> shift) & digitMax) / digitMax;
                            v[vBase + i] = volts;
                            s += volts;
                        }
                        sumV[bb * cycles + c] = s;
                    }
                }
                Blas.dgemm(false, false, m, width2, rows, 1, v, 0, rows, both, 0, width2, 0, currents, 0, width2);
                for (int bb = 0; bb < nb; bb++) {
                    int yBase = (b0 + bb) * outs;
                    for (int c = 0; c < cycles; c++) {
                        int row = bb * cycles + c;
                        double cycleWeight = phaseSign * Math.scalb(1.0, dacBits * c);
                        double leak = gOff * sumV[row];
                        int base = row * width2;
                        for (int j = 0; j < cols; j++) {
                            int out = columnOutput[j];
                            if (out < 0) {
                                continue;
                            }
                            double i = currents[base + j];
                            double iIdeal = currents[base + cols + j];
                            if (iIdeal > 0) {
                                sum += (iIdeal - i) / iIdeal;
                                terms++;
                            }
                            if (adcLevels > 0) {
                                double code = Math.rint(i / adcFullScale * adcLevels);
                                i = Math.min(adcLevels, Math.max(0, code)) * adcFullScale / adcLevels;
                            }
                            acc[yBase + out] += columnWeight[j] * cycleWeight * (i - leak) * gain;
                        }
                    }
                }
            }
        }
        nfSum[t] = sum;
        nfTerms[t] = terms;
    }

    /** {@code offset} stores {@code q + 2^(B-1)}: subtract {@code 2^(B-1) * sum(a)} per vector and phase. */
    private static void removeOffset(MappingOptions o, QuantizedInputs inputs, int outs, double[] acc) {
        if (o.encoding() != Encoding.OFFSET) {
            return;
        }
        double offset = Math.scalb(1.0, o.weightBits() - 1);
        for (int phase = 0; phase < inputs.phases(); phase++) {
            int[] a = inputs.phase(phase);
            double phaseSign = phase == 0 ? 1 : -1;
            for (int b = 0; b < inputs.batch(); b++) {
                long total = 0;
                for (int k = 0; k < inputs.width(); k++) {
                    total += a[b * inputs.width() + k];
                }
                double d = phaseSign * offset * total;
                for (int out = 0; out < outs; out++) {
                    acc[b * outs + out] -= d;
                }
            }
        }
    }

    /** {@code a . q} over both phases; exact in double (every partial sum stays far below 2^53). */
    static double[] idealProduct(QuantizedWeights w, QuantizedInputs inputs) {
        int k = w.inputs();
        int n = w.outputs();
        int batch = inputs.batch();
        double[] q = new double[k * n];
        for (int i = 0; i < q.length; i++) {
            q[i] = w.q()[i];
        }
        double[] a = new double[batch * k];
        double[] out = new double[batch * n];
        for (int phase = 0; phase < inputs.phases(); phase++) {
            int[] part = inputs.phase(phase);
            for (int i = 0; i < a.length; i++) {
                a[i] = part[i];
            }
            Blas.dgemm(false, false, batch, n, k, phase == 0 ? 1 : -1, a, 0, k, q, 0, n, 1, out, 0, n);
        }
        return out;
    }
}
