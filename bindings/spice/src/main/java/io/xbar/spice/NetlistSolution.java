// NetlistSolution: node voltages and voltage-source currents of a solved netlist, and their JSON form.
package io.xbar.spice;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The DC operating point of a {@link Netlist}. Node voltages are relative to ground; a voltage
 * source's current follows ngspice: {@code i(Vx)} is the current that flows into its plus terminal
 * from the circuit, through the source, and out of its minus terminal (so a source delivering
 * power has a negative current).
 */
public final class NetlistSolution {
    private final Netlist netlist;
    private final double[] nodeVoltages;
    private final int[] sources;
    private final double[] sourceCurrents;
    private final double residual;
    private final String precision;

    NetlistSolution(Netlist netlist, double[] nodeVoltages, int[] sources, double[] sourceCurrents, double residual,
                    String precision) {
        this.netlist = netlist;
        this.nodeVoltages = nodeVoltages;
        this.sources = sources;
        this.sourceCurrents = sourceCurrents;
        this.residual = residual;
        this.precision = precision;
    }

    public Netlist netlist() {
        return netlist;
    }

    /** Voltage of node {@code id} (ground, id 0, is 0 V). */
    public double voltage(int node) {
        return nodeVoltages[node];
    }

    /** Voltage of a node by name. */
    public double voltage(String node) {
        int id = netlist.nodeId(node);
        if (id < 0) {
            throw new IllegalArgumentException("no node named '" + node + "' in the netlist");
        }
        return nodeVoltages[id];
    }

    /** Number of voltage sources. */
    public int sourceCount() {
        return sources.length;
    }

    /** The element index of the {@code k}-th voltage source (in netlist order). */
    public int source(int k) {
        return sources[k];
    }

    /** The ngspice-convention current of the {@code k}-th voltage source. */
    public double sourceCurrent(int k) {
        return sourceCurrents[k];
    }

    /** The ngspice-convention current {@code i(name)} of a voltage source. */
    public double current(String source) {
        int id = netlist.elementId(source);
        if (id < 0 || netlist.kind(id) != Netlist.Kind.VOLTAGE_SOURCE) {
            throw new IllegalArgumentException("no voltage source named '" + source + "' in the netlist");
        }
        int k = java.util.Arrays.binarySearch(sources, id); // sources are in netlist (element) order
        return sourceCurrents[k];
    }

    /**
     * The scaled residual {@code ||G x - b||_inf / (||G||_inf ||x||_inf + ||b||_inf)} of the reduced
     * nodal system that was solved (0 when nothing needed solving).
     */
    public double residual() {
        return residual;
    }

    /**
     * {@code null} when double precision determines every voltage-source current to within 1e-6 of
     * the network's current scale; otherwise one sentence naming the sources whose currents it
     * determines less well, the error bound, and the near-short resistor that causes it (a current
     * recovered across a resistor of 1e-6 ohm beside potentials of volts keeps only a few digits).
     */
    public String precisionWarning() {
        return precision;
    }

    /**
     * Writes {@code {"node_voltages": {name: volts}, "source_currents": {name: amperes}}} with every
     * node but ground and every voltage source, in netlist order, at full (round-trip) precision.
     * Streams; the stream is not closed.
     */
    public void writeJson(OutputStream out) throws IOException {
        JsonFactory factory = new JsonFactory();
        try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeObjectFieldStart("node_voltages");
            for (int node = 1; node < nodeVoltages.length; node++) {
                g.writeNumberField(netlist.nodeName(node), nodeVoltages[node]);
            }
            g.writeEndObject();
            g.writeObjectFieldStart("source_currents");
            for (int k = 0; k < sources.length; k++) {
                g.writeNumberField(netlist.elementName(sources[k]), sourceCurrents[k]);
            }
            g.writeEndObject();
            g.writeEndObject();
        }
    }
}
