// NetlistException: a problem with a SPICE netlist (syntax or topology), with the line it concerns.
package io.xbar.spice;

/**
 * The one exception the netlist parser and solver throw for a bad netlist. The message is one
 * line that starts with the file line ({@code "line 12: ..."}) whenever the problem belongs to a
 * line, and names the element, node or value at fault. It is an {@link IllegalArgumentException},
 * so the command line reports it as a user mistake (status 2).
 */
public final class NetlistException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final int line;

    /** @param line the 1-based netlist line, or 0 when the problem is not tied to a line */
    public NetlistException(int line, String message) {
        super(line > 0 ? "line " + line + ": " + message : message);
        this.line = line;
    }

    /** The 1-based line the problem is on, 0 when it concerns the netlist as a whole. */
    public int line() {
        return line;
    }
}
