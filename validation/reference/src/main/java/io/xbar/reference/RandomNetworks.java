// RandomNetworks: seeded random linear DC netlists that are solvable (connected, no source loops); shared by tests.
package io.xbar.reference;

import io.xbar.kernel.UnionFind;

import java.util.Random;

/** Random resistor networks with grounded and floating voltage sources, current sources and shorts. */
public final class RandomNetworks {
    private RandomNetworks() {
    }

    /**
     * A netlist text with {@code nodes} non-ground nodes. Every node reaches ground through
     * resistors (a random spanning tree), extra resistors span 1e-2..1e6 ohm, a few are 0-ohm
     * shorts; voltage sources never close a loop (checked with a union-find over shorts and
     * sources); current sources are arbitrary.
     */
    public static String netlist(Random random, int nodes, int seedLabel) {
        return netlist(random, nodes, seedLabel, true);
    }

    /**
     * As {@link #netlist(Random, int, int)}; without {@code shorts} no 0-ohm resistor is written
     * (ngspice turns those into 1 mOhm, so they are left out where ngspice is the reference).
     */
    public static String netlist(Random random, int nodes, int seedLabel, boolean shorts) {
        StringBuilder sb = new StringBuilder("random network ").append(seedLabel).append('\n');
        UnionFind joined = new UnionFind(nodes + 1); // nodes tied by shorts or voltage sources
        int elements = 0;
        for (int v = 1; v <= nodes; v++) {
            int to = random.nextInt(v); // node 0 is ground: a tree that reaches ground
            sb.append("R").append(elements++).append(' ').append(name(v)).append(' ').append(name(to)).append(' ')
                    .append(resistance(random)).append('\n');
        }
        int extra = random.nextInt(2 * nodes + 1);
        for (int k = 0; k < extra; k++) {
            int a = random.nextInt(nodes + 1);
            int b = random.nextInt(nodes + 1);
            boolean shortCircuit = shorts && random.nextInt(12) == 0;
            if (shortCircuit) {
                if (!joined.union(a, b)) {
                    continue; // would short a source
                }
                sb.append("R").append(elements++).append(' ').append(name(a)).append(' ').append(name(b)).append(" 0\n");
            } else {
                sb.append("R").append(elements++).append(' ').append(name(a)).append(' ').append(name(b)).append(' ')
                        .append(resistance(random)).append('\n');
            }
        }
        int sources = random.nextInt(Math.max(1, nodes / 2) + 1);
        for (int k = 0; k < sources; k++) {
            int a = random.nextInt(nodes + 1);
            int b = random.nextInt(nodes + 1);
            if (!joined.union(a, b)) {
                continue;
            }
            sb.append("V").append(k).append(' ').append(name(a)).append(' ').append(name(b)).append(" DC ")
                    .append(random.nextDouble() * 10 - 5).append('\n');
        }
        int currents = random.nextInt(4);
        for (int k = 0; k < currents; k++) {
            sb.append("I").append(k).append(' ').append(name(random.nextInt(nodes + 1))).append(' ')
                    .append(name(random.nextInt(nodes + 1))).append(' ').append(random.nextDouble() * 2e-3 - 1e-3)
                    .append('\n');
        }
        return sb.append(".op\n.end\n").toString();
    }

    private static String name(int node) {
        return node == 0 ? "0" : "n" + node;
    }

    private static String resistance(Random random) {
        return Double.toString(Math.pow(10, -2 + 8 * random.nextDouble()));
    }
}
