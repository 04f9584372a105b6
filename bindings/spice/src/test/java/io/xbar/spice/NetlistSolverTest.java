// NetlistSolverTest: hand-solved circuits, ngspice sign conventions, topology errors, and seeded random networks vs dense MNA.
package io.xbar.spice;

import io.xbar.reference.RandomNetworks;
import static io.xbar.spice.NetlistParserTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class NetlistSolverTest {
    static NetlistSolution solve(String text) throws IOException {
        return NetlistSolver.solve(parse(text));
    }

    @Test
    void dividerWithNgspiceSigns() throws IOException {
        NetlistSolution s = solve("divider\nV1 in 0 DC 3\nR1 in out 2k\nR2 out 0 1k\nVSENSE out2 0 0\nR3 out out2 1k\n.op\n.end\n");
        // out: (3/2k) = out (1/2k + 1/1k + 1/1k)  ->  out = 0.6 V
        assertEquals(3.0, s.voltage("in"), 1e-15);
        assertEquals(0.6, s.voltage("out"), 1e-15);
        assertEquals(0.0, s.voltage("out2"), 0);
        // The source delivers 1.2 mA: ngspice reports the current into its + terminal, -1.2 mA.
        assertEquals(-1.2e-3, s.current("V1"), 1e-18);
        // 0.6 mA flows from out2 into VSENSE's + terminal.
        assertEquals(0.6e-3, s.current("vsense"), 1e-18);
        assertTrue(s.residual() <= 1e-15, "residual " + s.residual());
    }

    @Test
    void nearShortInSeriesWithASourceIsReportedNotRefused() throws IOException {
        // 10 V over 1 uohm + 100 kohm: i = 1e-4 A, but the 1e-11 V across R1 is below the rounding of 10 V
        // (2^-53 * 20 V / 1e-6 ohm = 2.2e-9 A, 2.2e-5 of the current): the number stays, with a warning.
        NetlistSolution s = solve("near short\nV1 a 0 10\nR1 a b 1e-6\nR2 b 0 100k\nVS c 0 0\nR3 b c 1e12\n.op\n.end\n");
        assertEquals(-1e-4, s.current("V1"), 2.3e-9);
        assertEquals(10 / 1e12, s.current("VS"), 1e-22); // the other source's current keeps full precision
        String w = s.precisionWarning();
        assertTrue(w != null && w.startsWith("the current of voltage source V1 is determined only to within 2.2")
                && w.contains("resistor 'R1'") && !w.contains("VS"), w);
        // The same circuit without the near-short: no warning.
        assertEquals(null, solve("fine\nV1 a 0 10\nR1 a b 1\nR2 b 0 100k\n.op\n.end\n").precisionWarning());
    }

    @Test
    void currentSourceDirectionIsSpice() throws IOException {
        // I1 0 a 1m: 1 mA flows from node 0 through the source into node a.
        NetlistSolution s = solve("t\nI1 0 a 1m\nR1 a 0 1k\n");
        assertEquals(1.0, s.voltage("a"), 1e-14);
        assertEquals(0, s.sourceCount());
    }

    @Test
    void floatingVoltageSourcesAndShorts() throws IOException {
        NetlistSolution s = solve("""
                floating sources: b = a + 2, c = b - 0.5; ground reached through resistors only
                R1 a 0 1k
                Vab b a 2
                Vcb b c 0.5
                R2 c d 0
                R3 d 0 1k
                R4 b 0 2k
                """);
        // KCL over the source tree {a, b, c=d}: a/1k + (a+1.5)/1k + (a+2)/2k = 0
        double a = -(1.5 / 1000 + 2 / 2000.0) / (2 / 1000.0 + 1 / 2000.0);
        assertEquals(a, s.voltage("a"), 1e-14);
        assertEquals(a + 2, s.voltage("b"), 1e-14);
        assertEquals(a + 1.5, s.voltage("c"), 1e-14);
        assertEquals(a + 1.5, s.voltage("d"), 1e-14);
        // Vab: into its + terminal (b) flows the current b sends into R4 minus what Vcb takes... check with KCL at b:
        double iR4 = (a + 2) / 2000; // leaves b into R4
        double iCb = -(a + 1.5) / 1000; // current through Vcb from + (b) to - (c) = current c must supply = -(c leaving)
        // c's only resistive path: R3 via d, leaving c: (a+1.5)/1k, supplied by Vcb into its - terminal: i(Vcb) = (a+1.5)/1k.
        assertEquals((a + 1.5) / 1000, s.current("Vcb"), 1e-17);
        // b: supplied by Vab into its + terminal? Vab's + is b: current out of + terminal into b is -i(Vab).
        // KCL at b: -i(Vab) = iR4 + i(Vcb)
        assertEquals(-(iR4 + (a + 1.5) / 1000), s.current("Vab"), 1e-17);
        assertTrue(iCb < 0);
    }

    @Test
    void chainOfGroundedSources() throws IOException {
        NetlistSolution s = solve("t\nV1 a 0 1\nV2 b a 2\nV3 b c 4\nR1 c 0 2\nR2 b 0 3\n");
        assertEquals(1, s.voltage("a"), 0);
        assertEquals(3, s.voltage("b"), 0);
        assertEquals(-1, s.voltage("c"), 0);
        assertEquals(-0.5, s.current("V3"), 1e-15); // c draws -0.5 A from R1; V3's - terminal feeds c
        assertEquals(-(1 + (-0.5)), s.current("V2"), 1e-15); // b feeds R2 (1 A) and V3 (i(V3) into its + terminal)
        assertEquals(s.current("V2"), s.current("V1"), 1e-15);
    }

    @Test
    void parallelResistorsAndSelfLoopsAreHarmless() throws IOException {
        NetlistSolution s = solve("t\nV1 a 0 1\nR1 a b 1\nR2 a b 1\nR3 b 0 1\nR4 b b 7\n");
        assertEquals(2.0 / 3, s.voltage("b"), 1e-15);
        assertEquals(-2.0 / 3, s.current("V1"), 1e-15);
    }

    @Test
    void topologyErrors() {
        assertError("t\nR1 a 0 1\nR2 b c 1\nV1 a 0 1\n", 3, "node 'b' has no DC path to ground");
        assertError("t\nV1 a 0 1\nI1 a b 1m\n", 3, "node 'b' has no DC path to ground");
        assertError("t\nV1 a 0 1\nV2 b c 1\nR1 b c 5\n", 3, "node 'b' has no DC path to ground");
        assertError("t\nV1 a 0 1\nR1 a 0 1\nR2 b b 1\n", 4, "node 'b' has no DC path to ground");
        assertError("t\nV1 a 0 1\nV2 a 0 1\nR1 a 0 1\n", 3, "loop of voltage sources (V2, V1");
        assertError("t\nV1 a 0 1\nV2 b a 1\nV3 b 0 1\nR1 a 0 1\n", 3, "loop of voltage sources (V2, V1, V3;");
        assertError("t\nV1 a 0 1\nR0 a b 0\nV2 b 0 1\nR1 a 0 1\n", 4, "loop of voltage sources (V2, V1");
        assertError("t\nV1 a a 1\nR1 a 0 1\n", 2, "'V1' is a loop of voltage sources by itself: both terminals are node 'a'");
        assertError("t\nV1 a b 1\nR1 a b 0\nR2 a 0 1\n", 2, "nodes 'a' and 'b' are shorted by zero-ohm resistors");
        assertError("t\n.op\n.end\n", 0, "the netlist has no elements");
        assertError("t\nR1 a 0 1e-300\nR2 a b 1e300\nV1 b 0 1\n", 0, "");
    }

    /** Issue 12: a 1e-310 ohm resistor gave a source current of -Infinity, written to R.json as a string. */
    @Test
    void resistancesWhoseConductanceDoubleCannotHoldAreRefused() throws IOException {
        for (String ohms : new String[] {"1e-310", "4.9e-324", "2.2250738585072e-308", "4.5e307", "1e308", "1.7976931348623157e308"}) {
            NetlistException e = assertThrows(NetlistException.class, () -> solve("t\nV1 a 0 1\nR1 a 0 " + ohms + "\n"), ohms);
            assertEquals(3, e.line(), e.getMessage());
            assertTrue(e.getMessage().contains("resistor 'R1' has resistance") && e.getMessage().contains("outside what double"
                    + " precision can solve"), e.getMessage());
        }
        // The limits themselves, 2^-1022 and 2^1022 ohm, solve; so does 0, an exact short.
        assertEquals(-0x1p1022, solve("t\nV1 a 0 1\nR1 a 0 " + Double.MIN_NORMAL + "\n").current("V1"), 0);
        assertEquals(-0x1p-1022, solve("t\nV1 a 0 1\nR1 a 0 " + 0x1p1022 + "\n").current("V1"), 0);
        assertEquals(1.0, solve("t\nV1 a 0 1\nR1 a b 0\nR2 b 0 1\n").voltage("b"), 0);
    }

    @Test
    void currentsBeyondDoublePrecisionAreAnError() {
        NetlistException e = assertThrows(NetlistException.class, () -> solve("t\nV1 a 0 1e300\nR1 a 0 1e-10\n"));
        assertEquals("line 2: voltage source 'V1' has no finite current (-Infinity A): element values out of range of double"
                + " precision (currents above " + Double.MAX_VALUE + " A)", e.getMessage());
        e = assertThrows(NetlistException.class, () -> solve("t\nV1 a 0 1e308\nV2 b a 1e308\nR1 b 0 1\n"));
        assertTrue(e.getMessage().startsWith("line 3: node 'b' has no finite voltage (Infinity)"), e.getMessage());
        // 1e310 V across 1e10 ohm: the solve itself overflows; the node is named, not a residual.
        e = assertThrows(NetlistException.class, () -> solve("t\nI1 0 a 1e300\nR1 a 0 1e10\n"));
        assertTrue(e.getMessage().startsWith("line 2: node 'a' has no finite voltage"), e.getMessage());
    }

    /**
     * 1e-300 ohm in series with 1 ohm across 1 V: the node between them rounds to 1 V, the drop
     * across the small resistor to 0, and its current, the source's, came out -0.0 A instead of
     * -1 A (ngspice 39: -1.49e284 A).
     */
    @Test
    void currentsThatRoundingLeavesUndeterminedAreAnError() throws IOException {
        // Bounds of 2.2e-16 / R relative: beyond 0.1 an error, from 1e-6 to 0.1 a warning beside the number.
        for (String ohms : new String[] {"1e-300", "1e-20", "1e-16"}) {
            NetlistException e = assertThrows(NetlistException.class,
                    () -> solve("t\nV1 a 0 1\nRs a b " + ohms + "\nR2 b 0 1\n"), ohms);
            assertEquals(2, e.line(), e.getMessage());
            assertTrue(e.getMessage().startsWith("line 2: the current of voltage source 'V1' is not determined in double"
                    + " precision: resistor 'Rs' (line 3, "), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), "one line");
        }
        for (String ohms : new String[] {"1e-14", "1e-12", "1e-10"}) {
            NetlistSolution s = solve("t\nV1 a 0 1\nRs a b " + ohms + "\nR2 b 0 1\n");
            assertEquals(-1, s.current("V1"), 3e-16 / Double.parseDouble(ohms), ohms);
            assertTrue(s.precisionWarning().startsWith("the current of voltage source V1 is determined only to within"),
                    s.precisionWarning());
        }
        // The small resistor deep inside a source's subtree is still found.
        NetlistException e = assertThrows(NetlistException.class,
                () -> solve("t\nV1 a 0 1\nR1 a b 1\nVm b c 0\nRs c d 1e-15\nR3 d 0 1\n"));
        assertTrue(e.getMessage().contains("'Vm'") && e.getMessage().contains("resistor 'Rs'"), e.getMessage());
    }

    @Test
    void smallResistancesThatDoublePrecisionResolvesStillSolve() throws IOException {
        // 1e-8 ohm in series with 1 ohm: the drop of 1e-8 V is resolved to ~1e-8 relative.
        assertEquals(-1 / (1 + 1e-8), solve("t\nV1 a 0 1\nRs a b 1e-8\nR2 b 0 1\n").current("V1"), 1e-7);
        // Tiny resistances carrying the whole current are exact: their potentials are fixed by sources.
        assertEquals(-1e300, solve("t\nV1 a 0 1\nR1 a 0 1e-300\nR2 a 0 1\n").current("V1"), 1e285);
        assertEquals(-5e299, solve("t\nV1 a 0 1\nR1 a b 1e-300\nR2 b 0 1e-300\n").current("V1"), 1e285);
        assertEquals(-1e-292, solve("t\nV1 a 0 1e-300\nR1 a 0 1e-8\n").current("V1"), 1e-307);
        // A network whose currents all vanish: noise of 1e-18 A on a branch at -2 V is not an error.
        NetlistSolution s = solve("t\nR0 n1 0 150415\nR1 n2 n1 240\nR6 n7 n1 731865\nR10 n11 n9 103\nV0 n1 n9 2.15\n");
        assertEquals(0, s.current("V0"), 1e-16);
        // A balanced bridge: the ammeter's current is zero to rounding, not refused.
        s = solve("t\nV1 a 0 1\nR1 a b 1\nR2 b 0 1\nR3 a c 1\nR4 c 0 1\nRx b d 1\nVm d c 0\n");
        assertEquals(0, s.current("Vm"), 1e-15);
    }

    /** Extreme values everywhere: either a NetlistException or finite numbers, never a string in the JSON. */
    @Test
    void extremeValuesGiveFiniteNumbersOrAnError() throws IOException {
        Random random = new Random(12_2026);
        int solved = 0;
        int refused = 0;
        for (int trial = 0; trial < 2000; trial++) {
            StringBuilder text = new StringBuilder("extreme ").append(trial).append('\n');
            int elements = 2 + random.nextInt(8);
            for (int k = 0; k < elements; k++) {
                String a = k == 0 ? "n1" : "n" + random.nextInt(5);
                String b = k == 0 ? "0" : "n" + random.nextInt(5);
                String magnitude = (random.nextBoolean() ? "" : "-") + "1e" + (random.nextInt(641) - 320);
                switch (k == 0 ? 1 : random.nextInt(4)) {
                    case 0 -> text.append("I").append(k).append(' ').append(a).append(' ').append(b).append(' ').append(magnitude);
                    case 1 -> text.append("V").append(k).append(' ').append(a).append(' ').append(b).append(' ').append(magnitude);
                    default -> text.append("R").append(k).append(' ').append(a).append(' ').append(b).append(" 1e")
                            .append(random.nextInt(641) - 320);
                }
                text.append('\n');
            }
            NetlistSolution s;
            try {
                s = solve(text.toString());
            } catch (NetlistException e) {
                assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
                refused++;
                continue;
            }
            solved++;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            s.writeJson(out);
            JsonNode root = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
            for (String section : new String[] {"node_voltages", "source_currents"}) {
                for (JsonNode value : root.get(section)) {
                    assertTrue(value.isNumber() && Double.isFinite(value.doubleValue()), text + " -> " + value);
                }
            }
        }
        assertTrue(solved > 100 && refused > 100, "solved " + solved + ", refused " + refused);
    }

    @Test
    void unknownNamesAreReported() throws IOException {
        NetlistSolution s = solve("t\nV1 a 0 1\nR1 a b 1\nR2 b 0 1\nI1 b 0 1m\n");
        assertEquals(0.5, s.voltage("B") + 0.5e-3, 1e-15);
        assertEquals(0.0, s.voltage("gnd"), 0);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.voltage("c")).getMessage().contains("no node named 'c'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.current("R1")).getMessage()
                .contains("no voltage source named 'R1'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.current("I1")).getMessage()
                .contains("no voltage source named 'I1'"));
        assertEquals(-(1 - s.voltage("b")), s.current("v1"), 1e-15);
    }

    @Test
    void errorsAreOneLine() {
        NetlistException e = assertThrows(NetlistException.class, () -> solve("t\nR1 a b 1\n"));
        assertTrue(!e.getMessage().contains("\n"));
    }

    private static void assertError(String text, int line, String fragment) {
        NetlistException e = assertThrows(NetlistException.class, () -> solve(text));
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
    }

    @Test
    void jsonHasEveryNodeAndSourceAtFullPrecision() throws IOException {
        NetlistSolution s = solve("t\nV1 a 0 1\nR1 a b 3\nR2 b 0 7\nVx c b 0.1\nR3 c 0 11\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.writeJson(out);
        JsonNode root = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        JsonNode v = root.get("node_voltages");
        assertEquals(3, v.size());
        for (String name : new String[] {"a", "b", "c"}) {
            assertEquals(s.voltage(name), v.get(name).doubleValue(), 0, "bit-exact " + name);
        }
        JsonNode i = root.get("source_currents");
        assertEquals(2, i.size());
        assertEquals(s.current("V1"), i.get("V1").doubleValue(), 0);
        assertEquals(s.current("Vx"), i.get("Vx").doubleValue(), 0);
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        assertEquals("node_voltages", fields.next().getKey());
        assertEquals("source_currents", fields.next().getKey());
    }

    /** Seeded random networks (shorts, floating sources, current sources) against textbook dense MNA. */
    @Test
    void randomNetworksMatchDenseMna() throws IOException {
        Random random = new Random(20261122);
        for (int trial = 0; trial < 60; trial++) {
            String text = RandomNetworks.netlist(random, 3 + random.nextInt(60), trial);
            Netlist net = parse(text);
            NetlistSolution s = NetlistSolver.solve(net);
            DenseMna reference = new DenseMna(net);
            double vScale = 0;
            for (double x : reference.voltages) {
                vScale = Math.max(vScale, Math.abs(x));
            }
            for (int node = 1; node < net.nodeCount(); node++) {
                assertEquals(reference.voltages[node], s.voltage(node), 1e-8 * vScale + 1e-300,
                        "trial " + trial + " node " + net.nodeName(node));
            }
            double iScale = 0;
            for (int k = 0; k < net.elementCount(); k++) {
                if (net.kind(k) != Netlist.Kind.RESISTOR) {
                    iScale = Math.max(iScale, Math.abs(net.kind(k) == Netlist.Kind.VOLTAGE_SOURCE
                            ? reference.sourceCurrents[k] : net.value(k)));
                }
            }
            for (int k = 0; k < s.sourceCount(); k++) {
                int element = s.source(k);
                assertEquals(reference.sourceCurrents[element], s.sourceCurrent(k), 1e-8 * iScale + 1e-300,
                        "trial " + trial + " source " + net.elementName(element));
            }
            assertTrue(s.residual() <= 1e-14, "trial " + trial + " residual " + s.residual());
            assertKirchhoff(net, s, "trial " + trial);
        }
    }

    /**
     * KCL from the solution alone: for every group of nodes joined by zero-ohm resistors, the
     * currents leaving through resistors, voltage sources (ngspice current into the + terminal) and
     * current sources sum to zero, relative to the largest current at that group; and every voltage
     * source holds its value.
     */
    static void assertKirchhoff(Netlist net, NetlistSolution s, String what) {
        int n = net.nodeCount();
        int[] group = new int[n];
        for (int k = 0; k < n; k++) {
            group[k] = k;
        }
        for (int k = 0; k < net.elementCount(); k++) {
            if (net.kind(k) == Netlist.Kind.RESISTOR && net.value(k) == 0) {
                group[root(group, net.plus(k))] = root(group, net.minus(k));
            }
        }
        double[] sum = new double[n];
        double[] scale = new double[n];
        int source = 0;
        for (int k = 0; k < net.elementCount(); k++) {
            int a = root(group, net.plus(k));
            int b = root(group, net.minus(k));
            double i;
            switch (net.kind(k)) {
                case RESISTOR -> {
                    if (net.value(k) == 0) {
                        continue;
                    }
                    i = (s.voltage(net.plus(k)) - s.voltage(net.minus(k))) / net.value(k);
                    // What rounding of the voltages can do to this current: (|va| + |vb|) / R.
                    double swing = (Math.abs(s.voltage(net.plus(k))) + Math.abs(s.voltage(net.minus(k)))) / net.value(k);
                    scale[a] = Math.max(scale[a], swing);
                    scale[b] = Math.max(scale[b], swing);
                }
                case VOLTAGE_SOURCE -> {
                    assertEquals(k, s.source(source));
                    i = s.sourceCurrent(source++);
                    assertEquals(net.value(k), s.voltage(net.plus(k)) - s.voltage(net.minus(k)),
                            1e-12 * (Math.abs(s.voltage(net.plus(k))) + Math.abs(net.value(k))), what + " " + net.elementName(k));
                }
                default -> i = net.value(k);
            }
            sum[a] += i;
            sum[b] -= i;
            scale[a] = Math.max(scale[a], Math.abs(i));
            scale[b] = Math.max(scale[b], Math.abs(i));
        }
        // Source currents add up their whole subtree's currents, so the scale is the network's largest term.
        double largest = 0;
        for (double x : scale) {
            largest = Math.max(largest, x);
        }
        int ground = root(group, 0);
        for (int v = 0; v < n; v++) {
            if (root(group, v) == v && v != ground) {
                assertEquals(0, sum[v], 1e-13 * largest + 1e-300, what + ": KCL at " + net.nodeName(v));
            }
        }
    }

    private static int root(int[] group, int k) {
        while (group[k] != k) {
            k = group[k];
        }
        return k;
    }
}
