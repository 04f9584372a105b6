// CrossbarNetwork: the crossbar of MODEL.md section 1 as an explicit list of nodes and two-terminal elements.
package io.xbar.kernel;

/**
 * The crossbar circuit spelled out element by element, the one place that says which node
 * connects to which. The fast solvers use their own structured forms; this explicit form is what
 * the dense reference solver assembles and what the SPICE exporter writes, so both follow the
 * model by construction.
 *
 * <p>Nodes (0-based ids): {@code u(i,j) = i*N + j} (word-line layer), {@code w(i,j) = M*N + i*N + j}
 * (bit-line layer), {@code source(i) = 2MN + i} (held at {@code V[i]} by the ideal driver),
 * {@code sense(j) = 2MN + M + j} (held at 0 V by the sense amplifier; the current flowing into it
 * is the column current {@code I[j]}). With {@code drive = both} both ends of word line {@code i}
 * connect through {@code r_source} to {@code source(i)}; with {@code sense = both} both ends of bit
 * line {@code j} connect through {@code r_sense} to {@code sense(j)}, so that one node carries the
 * sum of both amplifiers' currents.
 *
 * <p>Every element is reported with its conductance in siemens; {@code +Infinity} is an exact short
 * (a zero resistance), and open cells ({@code g = 0}) are not reported.
 */
public final class CrossbarNetwork {
    /** What an element is in the crossbar. */
    public enum Kind {
        /** Cell {@code (row, col)}: {@code u(i,j) -- g' -- w(i,j)}. */
        CELL,
        /** Word-line segment {@code u(row, col) -- r_wl -- u(row, col+1)}. */
        WORD_LINE,
        /** Bit-line segment {@code w(row, col) -- r_bl -- w(row+1, col)}. */
        BIT_LINE,
        /** Driver resistance {@code source(row) -- r_source -- u(row, col)}, col 0 or N-1. */
        SOURCE,
        /** Sense resistance {@code w(row, col) -- r_sense -- sense(col)}, row 0 or M-1. */
        SENSE
    }

    /** Receives one element; {@code conductance} is in siemens, {@code +Infinity} for a short. */
    @FunctionalInterface
    public interface Visitor {
        void element(Kind kind, int row, int col, int nodeA, int nodeB, double conductance);
    }

    private final int rows;
    private final int cols;
    private final Circuit circuit;
    private final double[] conductances;

    /**
     * @param conductances row-major {@code rows x cols} cell conductances {@code g >= 0} (siemens),
     *                     checked for shape, finiteness and sign
     */
    public CrossbarNetwork(int rows, int cols, Circuit circuit, double[] conductances) {
        Checks.conductances(rows, cols, conductances, "conductances");
        this.rows = rows;
        this.cols = cols;
        this.circuit = circuit;
        this.conductances = conductances;
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

    public int wordLineNode(int i, int j) {
        return i * cols + j;
    }

    public int bitLineNode(int i, int j) {
        return rows * cols + i * cols + j;
    }

    public int sourceNode(int i) {
        return 2 * rows * cols + i;
    }

    public int senseNode(int j) {
        return 2 * rows * cols + rows + j;
    }

    /** Total number of nodes: {@code 2MN + M + N} (ground is not a node here). */
    public int nodeCount() {
        return 2 * rows * cols + rows + cols;
    }

    /** Conductance of a resistance, {@code +Infinity} for an exact short. */
    public static double conductanceOf(double ohms) {
        return ohms == 0 ? Double.POSITIVE_INFINITY : 1.0 / ohms;
    }

    /** Visits every element: cells, word-line segments, bit-line segments, drivers, sense amplifiers. */
    public void forEachElement(Visitor v) {
        double gWordLine = conductanceOf(circuit.wordLine());
        double gBitLine = conductanceOf(circuit.bitLine());
        double gSource = conductanceOf(circuit.source());
        double gSense = conductanceOf(circuit.sense());
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double g = circuit.cellConductance(conductances[i * cols + j]);
                if (g > 0) {
                    v.element(Kind.CELL, i, j, wordLineNode(i, j), bitLineNode(i, j), g);
                }
            }
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j + 1 < cols; j++) {
                v.element(Kind.WORD_LINE, i, j, wordLineNode(i, j), wordLineNode(i, j + 1), gWordLine);
            }
        }
        for (int i = 0; i + 1 < rows; i++) {
            for (int j = 0; j < cols; j++) {
                v.element(Kind.BIT_LINE, i, j, bitLineNode(i, j), bitLineNode(i + 1, j), gBitLine);
            }
        }
        for (int i = 0; i < rows; i++) {
            if (circuit.drive().atFirstColumn()) {
                v.element(Kind.SOURCE, i, 0, sourceNode(i), wordLineNode(i, 0), gSource);
            }
            if (circuit.drive().atLastColumn()) {
                v.element(Kind.SOURCE, i, cols - 1, sourceNode(i), wordLineNode(i, cols - 1), gSource);
            }
        }
        for (int j = 0; j < cols; j++) {
            if (circuit.senseAt().atFirstRow()) {
                v.element(Kind.SENSE, 0, j, bitLineNode(0, j), senseNode(j), gSense);
            }
            if (circuit.senseAt().atLastRow()) {
                v.element(Kind.SENSE, rows - 1, j, bitLineNode(rows - 1, j), senseNode(j), gSense);
            }
        }
    }
}
