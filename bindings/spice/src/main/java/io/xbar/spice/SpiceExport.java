// SpiceExport: writes a crossbar with its inputs as an ngspice-ready .op netlist, streaming, element by element.
package io.xbar.spice;

import io.xbar.kernel.CellModel;
import io.xbar.kernel.Checks;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarNetwork;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * The crossbar of MODEL.md section 1 as a SPICE netlist, written from {@link CrossbarNetwork} so it
 * follows the model element by element (every option of {@link Circuit}).
 *
 * <p>Nodes: {@code u_<i>_<j>} and {@code w_<i>_<j>} (word-line and bit-line node of cell
 * {@code (i, j)}), {@code src_<i>} (driver of row {@code i}), {@code sense_<j>} (sense node of
 * column {@code j}). A zero resistance is an exact short: its nodes are merged under one name
 * (a driver or sense node's name when one is in the group, else the first node's) and no
 * resistor is written. Resistors carry {@code R = 1/g'} for cells and the circuit's resistance for
 * wires and periphery, printed with round-trip precision.
 *
 * <p>Sources: {@code V<i> src_<i> 0 DC V[i]}; {@code VSENSE<j> sense_<j> 0 DC 0}, the sense
 * amplifier's virtual ground. ngspice's {@code i(VSENSE<j>)} is the current flowing into the
 * source's plus terminal, which here is the current from the bit line into the sense amplifier:
 * {@code i(VSENSE<j>) = I[j]} exactly as MODEL.md defines it.
 *
 * <p>With the {@code sinh} cell model (MODEL.md section 6) each cell is a behavioural current source
 * {@code Bcell_<i>_<j> u w I=g*v0*sinh(V(u,w)/v0)} instead of a resistor, and the netlist sets
 * {@code .options reltol=1e-12 abstol=1e-18 vntol=1e-15} so ngspice's Newton iteration converges to
 * the accuracy the comparison needs (docs/spice.md).
 */
public final class SpiceExport {
    private final int rows;
    private final int cols;
    private final Circuit circuit;
    private final CrossbarNetwork network;
    private final double[] conductances;
    /** Merged node of every network node (union-find over the shorts, roots chosen for naming). */
    private final int[] representative;
    private final CellModel cellModel;

    /**
     * @param conductances row-major {@code rows x cols} cell conductances {@code g >= 0} (siemens)
     */
    public SpiceExport(int rows, int cols, Circuit circuit, double[] conductances) {
        this(rows, cols, circuit, conductances, CellModel.LINEAR);
    }

    /**
     * @param conductances row-major {@code rows x cols} cell conductances {@code g >= 0} (siemens); with a
     *                     nonlinear {@code model}, each cell's small-signal conductance
     * @throws IllegalArgumentException for a nonlinear model with {@code r_access > 0} (not supported)
     */
    public SpiceExport(int rows, int cols, Circuit circuit, double[] conductances, CellModel model) {
        Checks.conductances(rows, cols, conductances, "conductances");
        if (circuit == null) {
            throw new IllegalArgumentException("circuit must be given");
        }
        if (model == null) {
            throw new IllegalArgumentException("cell model must be given");
        }
        if (!model.isLinear() && circuit.access() != 0) {
            throw new IllegalArgumentException("r_access = " + circuit.access() + " ohm with the " + model.kind().flagName()
                    + " cell model: a nonlinear cell behind an access transistor is not supported (r_access must be 0)");
        }
        this.cellModel = model;
        this.rows = rows;
        this.cols = cols;
        this.circuit = circuit;
        this.conductances = conductances.clone(); // the netlist describes the values given now
        this.network = new CrossbarNetwork(rows, cols, circuit, this.conductances);
        int n = network.nodeCount();
        int[] parent = new int[n];
        for (int v = 0; v < n; v++) {
            parent[v] = v;
        }
        network.forEachElement((kind, row, col, a, b, g) -> {
            if (g == Double.POSITIVE_INFINITY) {
                int ra = find(parent, a);
                int rb = find(parent, b);
                if (ra != rb) {
                    // Prefer the driver/sense node as the group's name, then the lower id: deterministic.
                    if (rank(ra) < rank(rb) || (rank(ra) == rank(rb) && ra < rb)) {
                        parent[rb] = ra;
                    } else {
                        parent[ra] = rb;
                    }
                }
            }
        });
        for (int v = 0; v < n; v++) {
            parent[v] = find(parent, v);
        }
        this.representative = parent;
    }

    /** Driver and sense nodes name their group first. */
    private int rank(int node) {
        return node >= 2 * rows * cols ? 0 : 1;
    }

    private static int find(int[] parent, int v) {
        while (parent[v] != v) {
            parent[v] = parent[parent[v]];
            v = parent[v];
        }
        return v;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The netlist name of a {@link CrossbarNetwork} node id, after merging shorts. */
    public String nodeName(int node) {
        StringBuilder sb = new StringBuilder(16);
        appendName(sb, representative[node]);
        return sb.toString();
    }

    /** The netlist node of {@code u(i,j)}. */
    public String wordLineNode(int i, int j) {
        return nodeName(network.wordLineNode(i, j));
    }

    /** The netlist node of {@code w(i,j)}. */
    public String bitLineNode(int i, int j) {
        return nodeName(network.bitLineNode(i, j));
    }

    /** The name of row {@code i}'s driver source, {@code V<i>}. */
    public static String rowSource(int i) {
        return "V" + i;
    }

    /** The name of column {@code j}'s sense source, {@code VSENSE<j>}; its ngspice current is {@code I[j]}. */
    public static String senseSource(int j) {
        return "VSENSE" + j;
    }

    private void appendName(StringBuilder sb, int node) {
        int mn = rows * cols;
        if (node < mn) {
            sb.append("u_").append(node / cols).append('_').append(node % cols);
        } else if (node < 2 * mn) {
            sb.append("w_").append((node - mn) / cols).append('_').append((node - mn) % cols);
        } else if (node < 2 * mn + rows) {
            sb.append("src_").append(node - 2 * mn);
        } else {
            sb.append("sense_").append(node - 2 * mn - rows);
        }
    }

    /**
     * Writes the netlist for one input vector. Streams line by line; {@code out} is flushed, not closed.
     *
     * @param voltages {@code V[i]}, length {@code rows}, finite (volts)
     */
    public void write(double[] voltages, Writer out) throws IOException {
        Checks.finiteBatch(voltages, 1, rows, "voltages");
        Writer w = out instanceof BufferedWriter ? out : new BufferedWriter(out, 1 << 16);
        StringBuilder line = new StringBuilder(128);
        w.write("xbar crossbar " + rows + "x" + cols + " (r_wl=" + num(circuit.wordLine()) + " r_bl=" + num(circuit.bitLine())
                + " r_source=" + num(circuit.source()) + " r_sense=" + num(circuit.sense()) + " r_access=" + num(circuit.access())
                + " drive=" + circuit.drive().label() + " sense=" + circuit.senseAt().label()
                + (cellModel.isLinear() ? "" : " cells=sinh v0=" + cellModel.v0()) + ")\n");
        w.write("""
                * Written by `xbar spice export`: the crossbar of MODEL.md section 1, element by element.
                * Nodes: u_<i>_<j> / w_<i>_<j> word-line / bit-line node of cell (i, j); src_<i> driver of row i;
                *   sense_<j> sense node of column j. Zero resistances are exact shorts: the nodes they join share
                *   one name and no 0-ohm resistor is written.
                * Rcell_<i>_<j> = 1/g' = 1/g + r_access (open cells, g = 0, are left out); Rwl_<i>_<j>:
                *   u_<i>_<j> to u_<i>_<j+1>; Rbl_<i>_<j>: w_<i>_<j> to w_<i+1>_<j>; Rsrc_left/right_<i>: driver;
                *   Rsense_top/bottom_<j>: sense amplifier input resistance.
                * V<i> src_<i> 0: ideal driver, v(src_<i>) = V[i].
                * VSENSE<j> sense_<j> 0 DC 0: the sense amplifier's virtual ground.
                * Sign convention (ngspice): i(VSENSE<j>) is the current flowing into the + terminal (sense_<j>),
                *   through the source, out of the - terminal (ground), i.e. the current from the bit line into
                *   the sense amplifier: i(VSENSE<j>) = I[j] = sum_i g'(i,j) (u(i,j) - w(i,j)).
                *   i(V<i>) is minus the current that row i's driver delivers.
                """);
        if (!cellModel.isLinear()) {
            w.write("* Cells follow the sinh model (MODEL.md section 6): Bcell_<i>_<j> u_<i>_<j> w_<i>_<j>\n"
                    + "*   I=g*v0*sinh(V(u,w)/v0), g the cell's small-signal conductance (S), v0 = " + cellModel.v0() + " V.\n"
                    + ".options reltol=1e-12 abstol=1e-18 vntol=1e-15\n");
        }
        IOException[] failure = new IOException[1];
        int[] sourceSide = new int[rows];
        int[] senseSide = new int[cols];
        network.forEachElement((kind, row, col, a, b, g) -> {
            if (failure[0] != null || g == Double.POSITIVE_INFINITY) {
                return;
            }
            line.setLength(0);
            int ra = representative[a];
            int rb = representative[b];
            switch (kind) {
                case CELL -> line.append(cellModel.isLinear() ? "Rcell_" : "Bcell_").append(row).append('_').append(col);
                case WORD_LINE -> line.append("Rwl_").append(row).append('_').append(col);
                case BIT_LINE -> line.append("Rbl_").append(row).append('_').append(col);
                case SOURCE -> {
                    // With drive = both and one column, both drivers sit at column 0: tell them apart by order.
                    boolean left = circuit.drive().atFirstColumn() && sourceSide[row]++ == 0;
                    line.append(left ? "Rsrc_left_" : "Rsrc_right_").append(row);
                }
                case SENSE -> {
                    boolean top = circuit.senseAt().atFirstRow() && senseSide[col]++ == 0;
                    line.append(top ? "Rsense_top_" : "Rsense_bottom_").append(col);
                }
            }
            if (ra == rb) {
                // Both ends on one merged node (e.g. drive = both, r_source = 0, two columns): no current.
                line.insert(0, "* ").append(" (both ends on one node after merging shorts: carries no current)");
            } else {
                line.append(' ');
                appendName(line, ra);
                line.append(' ');
                appendName(line, rb);
                line.append(' ');
                if (kind == CrossbarNetwork.Kind.CELL && !cellModel.isLinear()) {
                    String v0 = Double.toString(cellModel.v0());
                    line.append("I=").append(g).append('*').append(v0).append("*sinh(V(");
                    appendName(line, ra);
                    line.append(',');
                    appendName(line, rb);
                    line.append(")/").append(v0).append(')');
                } else {
                    line.append(ohms(kind, row, col, g));
                }
            }
            line.append('\n');
            try {
                w.append(line);
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
        for (int i = 0; i < rows; i++) {
            line.setLength(0);
            line.append(rowSource(i)).append(' ');
            appendName(line, representative[network.sourceNode(i)]);
            line.append(" 0 DC ").append(voltages[i]).append('\n');
            w.append(line);
        }
        for (int j = 0; j < cols; j++) {
            line.setLength(0);
            line.append(senseSource(j)).append(' ');
            appendName(line, representative[network.senseNode(j)]);
            line.append(" 0 DC 0\n");
            w.append(line);
        }
        w.write(".op\n.end\n");
        w.flush();
    }

    /**
     * The resistance to write: the circuit's own value for wires and periphery (no 1/(1/r)
     * rounding); for a cell {@code 1/g' = 1/g + r_access}, summed in that form because it rounds
     * less than inverting {@code g'}.
     */
    private String ohms(CrossbarNetwork.Kind kind, int row, int col, double g) {
        double r = switch (kind) {
            case CELL -> circuit.access() == 0 ? 1.0 / g : 1.0 / conductances[row * cols + col] + circuit.access();
            case WORD_LINE -> circuit.wordLine();
            case BIT_LINE -> circuit.bitLine();
            case SOURCE -> circuit.source();
            case SENSE -> circuit.sense();
        };
        return Double.toString(r);
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** Writes to a String; for tests and small crossbars only. */
    String toNetlist(double[] voltages) {
        java.io.StringWriter s = new java.io.StringWriter();
        try {
            write(voltages, s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s.toString();
    }
}
