// Netlist: a parsed linear DC netlist (R, V, I elements) held in primitive arrays, one entry per element.
package io.xbar.spice;

import java.util.Arrays;

/**
 * The elements of a linear DC netlist in the order they appear. Node {@code 0} is ground (SPICE
 * {@code 0} or {@code gnd}); other nodes are numbered in order of first appearance. Names are
 * case-insensitive as in SPICE and keep the spelling of their first appearance.
 *
 * <p>Storage is columnar (kinds, terminals, values and lines in primitive arrays that grow), so a
 * netlist of millions of elements costs a few dozen bytes per element plus its names.
 *
 * <p>Conventions (SPICE's): a resistor's value is in ohms, {@code 0} meaning a short; a voltage
 * source holds {@code v(plus) - v(minus) = value}; a current source drives {@code value} amperes
 * from its plus node through itself into its minus node.
 */
public final class Netlist {
    /** The element types this netlist model understands. */
    public enum Kind {
        RESISTOR, VOLTAGE_SOURCE, CURRENT_SOURCE
    }

    private static final Kind[] KINDS = Kind.values();

    /** The ground node's id. */
    public static final int GROUND = 0;

    private final String title;
    final NameTable nodes = new NameTable();
    int[] nodeLine = new int[64];
    final NameTable elementNames = new NameTable();
    byte[] kind = new byte[64];
    int[] plus = new int[64];
    int[] minus = new int[64];
    double[] value = new double[64];
    int[] line = new int[64];
    int count;

    Netlist(String title) {
        this.title = title;
        char[] ground = {'0'};
        nodes.add(ground, 0, 1);
    }

    /** The title (first line of the file). */
    public String title() {
        return title;
    }

    /** Number of nodes including ground. */
    public int nodeCount() {
        return nodes.size();
    }

    /** The name of a node; ground is {@code "0"}. */
    public String nodeName(int node) {
        return nodes.name(node);
    }

    /** The id of a node name ({@code 0} or {@code gnd} for ground), or {@code -1}. */
    public int nodeId(String name) {
        return isGround(name) ? GROUND : nodes.find(name);
    }

    /** The line on which a node is first used (0 for ground). */
    public int nodeLine(int node) {
        return nodeLine[node];
    }

    public int elementCount() {
        return count;
    }

    /** The id of an element name, or {@code -1}. */
    public int elementId(String name) {
        return elementNames.find(name);
    }

    public String elementName(int element) {
        return elementNames.name(element);
    }

    public Kind kind(int element) {
        return KINDS[kind[element]];
    }

    /** First terminal: a resistor's first node, a source's plus node. */
    public int plus(int element) {
        return plus[element];
    }

    /** Second terminal: a resistor's second node, a source's minus node. */
    public int minus(int element) {
        return minus[element];
    }

    /** Ohms, volts or amperes. */
    public double value(int element) {
        return value[element];
    }

    /** The line on which the element is defined. */
    public int line(int element) {
        return line[element];
    }

    static boolean isGround(CharSequence s) {
        if (s.length() == 1) {
            return s.charAt(0) == '0';
        }
        return s.length() == 3 && NameTable.fold(s.charAt(0)) == 'g' && NameTable.fold(s.charAt(1)) == 'n'
                && NameTable.fold(s.charAt(2)) == 'd';
    }

    /** Interns a node name read on {@code lineNumber}. */
    int node(char[] buf, int from, int to, int lineNumber) {
        int len = to - from;
        if ((len == 1 && buf[from] == '0') || (len == 3 && NameTable.fold(buf[from]) == 'g'
                && NameTable.fold(buf[from + 1]) == 'n' && NameTable.fold(buf[from + 2]) == 'd')) {
            return GROUND;
        }
        int id = nodes.add(buf, from, to);
        if (id < 0) {
            return -1 - id;
        }
        if (id >= nodeLine.length) {
            nodeLine = Arrays.copyOf(nodeLine, nodeLine.length * 2);
        }
        nodeLine[id] = lineNumber;
        return id;
    }

    /**
     * Appends an element whose name is {@code buf[from, to)}.
     *
     * @throws NetlistException when the name is taken
     */
    void add(char[] buf, int from, int to, Kind k, int a, int b, double v, int lineNumber) {
        int id = elementNames.add(buf, from, to);
        if (id < 0) {
            int first = -1 - id;
            throw new NetlistException(lineNumber, "duplicate element name '" + new String(buf, from, to - from)
                    + "' (first defined on line " + line[first] + " as '" + elementNames.name(first) + "')");
        }
        if (count == kind.length) {
            int n = count * 2;
            kind = Arrays.copyOf(kind, n);
            plus = Arrays.copyOf(plus, n);
            minus = Arrays.copyOf(minus, n);
            value = Arrays.copyOf(value, n);
            line = Arrays.copyOf(line, n);
        }
        kind[count] = (byte) k.ordinal();
        plus[count] = a;
        minus[count] = b;
        value[count] = v;
        line[count] = lineNumber;
        count++;
    }
}
