// GridPoint: one point of a study's grid (tile size, wire resistance, mapping) and the nf command line that describes it.
package io.xbar.network;

import java.io.Serializable;
import java.util.List;

/**
 * One configuration every layer is run with. {@code arguments} is the circuit, device and mapping
 * part of the equivalent {@code xbar nf} command line: the user's flags with {@code --tile},
 * {@code --mapping} and (when {@code --wires} is given) {@code --r-wl}/{@code --r-bl} set to this
 * point. Workers parse it with the {@code nf} command's own code.
 *
 * @param index     position in the grid (tiles, then wires, then mappings)
 * @param tileRows  tile rows
 * @param tileCols  tile columns
 * @param rWordLine {@code r_wl} in ohms
 * @param rBitLine  {@code r_bl} in ohms
 * @param mapping   the preset's label
 */
record GridPoint(int index, int tileRows, int tileCols, double rWordLine, double rBitLine, String mapping,
                 List<String> arguments) implements Serializable {

    GridPoint {
        arguments = List.copyOf(arguments);
    }

    String[] argumentArray() {
        return arguments.toArray(new String[0]);
    }

    String tile() {
        return tileRows + "x" + tileCols;
    }

    /** {@code r_wl = r_bl}, the study's {@code r_wire}; {@code NaN} when they differ. */
    double wire() {
        return rWordLine == rBitLine ? rWordLine : Double.NaN;
    }
}
