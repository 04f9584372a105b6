// FirstOrderModel: the crossbar's transfer matrix to first order in the parasitic resistances (the linear IR-drop model).
package io.xbar.mapping;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;

/**
 * The transfer matrix linearized in the parasitic resistances: every wire, driver and sense
 * resistor drops the voltage that the ideal cell currents ({@code g' V}) would make flow through
 * it, and each cell loses {@code g'} times the drops on its two nodes. This is the derivative of the
 * exact network at zero resistance, the model behind distance-based IR-drop estimates (the
 * drop seen by a cell grows with its Manhattan distance to the driver and the sense amplifier).
 *
 * <p>With {@code d(j)} the number of word-line segments between column {@code j} and the driver
 * and {@code e(i)} the number of bit-line segments between row {@code i} and the sense amplifier:
 * <pre>
 *   T1(i,j) = g'(i,j) - g'(i,j) [ r_wl sum_j' g'(i,j') min(d(j), d(j')) + r_source sum_j' g'(i,j')
 *                                + r_bl sum_i' g'(i',j) min(e(i), e(i')) + r_sense sum_i' g'(i',j) ]
 * </pre>
 * It agrees with the exact matrix to {@code O(r^2)} and overestimates the loss once the tile
 * saturates: the linear model has no feedback (a lower node voltage draws less current, which the
 * exact network accounts for), so its loss keeps growing linearly with {@code r} and can exceed the
 * whole current. It exists to compare with the exact {@link TransferFunction#exact()} results:
 * {@code xbar nf --model first-order}. Drivers and sense amplifiers at both ends are not covered
 * (the currents split between the ends in a way that is not first-order local).
 */
public final class FirstOrderModel {
    private FirstOrderModel() {
    }

    /** The transfer function of this model, for {@link TiledMvm#run(LayerMapping, QuantizedInputs, Circuit, TransferFunction)}. */
    public static TransferFunction transferFunction() {
        return FirstOrderModel::transfer;
    }

    /**
     * Row-major {@code rows x cols} first-order transfer matrix of a crossbar with cell conductances
     * {@code g} (row-major, siemens).
     *
     * @throws IllegalArgumentException for {@code drive = both} or {@code sense = both}, or a
     *                                  conductance array of the wrong length
     */
    public static double[] transfer(int rows, int cols, Circuit circuit, double[] g) {
        if (circuit.drive() == Drive.BOTH || circuit.senseAt() == Sense.BOTH) {
            throw new IllegalArgumentException("the first-order model needs the driver at one end and the sense "
                    + "amplifier at one end, got drive=" + circuit.drive() + " sense=" + circuit.senseAt());
        }
        if (rows < 1 || cols < 1 || g == null || g.length != rows * cols) {
            throw new IllegalArgumentException("conductances must have " + rows + " x " + cols + " values, got "
                    + (g == null ? "none" : g.length));
        }
        double[] cell = new double[rows * cols];
        for (int k = 0; k < cell.length; k++) {
            cell[k] = circuit.cellConductance(g[k]);
        }
        double[] loss = new double[rows * cols]; // the bracket above, per cell
        boolean fromLeft = circuit.drive().atFirstColumn();
        double[] line = new double[cols];
        double[] weighted = new double[cols];
        for (int i = 0; i < rows; i++) {
            // Word line i, positions ordered by distance from the driver.
            for (int d = 0; d < cols; d++) {
                line[d] = cell[i * cols + (fromLeft ? d : cols - 1 - d)];
            }
            double total = distanceWeightedSums(line, weighted);
            for (int d = 0; d < cols; d++) {
                int j = fromLeft ? d : cols - 1 - d;
                loss[i * cols + j] += circuit.wordLine() * weighted[d] + circuit.source() * total;
            }
        }
        boolean fromBottom = circuit.senseAt().atLastRow();
        line = new double[rows];
        weighted = new double[rows];
        for (int j = 0; j < cols; j++) {
            for (int e = 0; e < rows; e++) {
                line[e] = cell[(fromBottom ? rows - 1 - e : e) * cols + j];
            }
            double total = distanceWeightedSums(line, weighted);
            for (int e = 0; e < rows; e++) {
                int i = fromBottom ? rows - 1 - e : e;
                loss[i * cols + j] += circuit.bitLine() * weighted[e] + circuit.sense() * total;
            }
        }
        double[] t = new double[rows * cols];
        for (int k = 0; k < t.length; k++) {
            t[k] = cell[k] - cell[k] * loss[k];
        }
        return t;
    }

    /**
     * {@code out[d] = sum_d' h[d'] min(d, d')} for every {@code d} in {@code O(n)}: the conductance
     * "seen" through the {@code d} segments nearest the line's end. Returns {@code sum h}.
     */
    static double distanceWeightedSums(double[] h, double[] out) {
        int n = h.length;
        double total = 0;
        for (double v : h) {
            total += v;
        }
        double nearer = 0; // sum_{d' < d} h[d'] d'
        double farther = total; // sum_{d' >= d} h[d']
        for (int d = 0; d < n; d++) {
            out[d] = nearer + d * farther;
            nearer += h[d] * d;
            farther -= h[d];
        }
        return total;
    }
}
