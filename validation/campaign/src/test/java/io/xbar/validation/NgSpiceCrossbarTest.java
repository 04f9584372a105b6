// NgSpiceCrossbarTest: exported crossbars run in a real ngspice agree with xbar to 1e-6 (currents and node voltages), every option.
package io.xbar.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarSolver;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import io.xbar.kernel.Solution;
import io.xbar.spice.Netlist;
import io.xbar.spice.NetlistParser;
import io.xbar.spice.NetlistSolution;
import io.xbar.spice.NetlistSolver;
import io.xbar.spice.SpiceExport;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agreement suite of issue 5: a seeded set of crossbars, every drive and sense option,
 * periphery and access resistances, zero (exactly shorted) resistances, sizes up to 128x128,
 * exported by {@link SpiceExport}, run in ngspice, and compared with the kernel's
 * {@link CrossbarSolver} on the same crossbar: output currents {@code i(VSENSE<j>) = I[j]} to a
 * relative 1e-6 per column, and every word-line and bit-line node voltage. xbar's own netlist
 * solver, on the exported file, is held to the same tolerance.
 *
 * <p>ngspice's default sparse solver needs minutes for a fully resistive 128x128 mesh, so the
 * 128-wide cases are rectangular or have shorted wires; full meshes go up to 64x64 here (the
 * benchmark script times ngspice on the large ones).
 */
class NgSpiceCrossbarTest {
    /** Relative agreement required on column currents and node voltages. */
    static final double TOLERANCE = 1e-6;

    @TempDir
    static Path dir;

    static void requireNgspice() {
        assumeTrue(NgSpice.isAvailable(), NgSpice.INSTALL_HINT);
    }

    record Case(String name, int rows, int cols, Circuit circuit, long seed) {
        @Override
        public String toString() {
            return name + " " + rows + "x" + cols + " " + circuit.drive().label() + "/" + circuit.senseAt().label()
                    + " r_wl=" + circuit.wordLine() + " r_bl=" + circuit.bitLine() + " r_source=" + circuit.source()
                    + " r_sense=" + circuit.sense() + " r_access=" + circuit.access();
        }
    }

    static List<Case> cases() {
        List<Case> list = new ArrayList<>();
        long seed = 5000;
        // Every drive x sense pair on small full meshes, with periphery and access resistances.
        double[][] r = {{2.5, 2.5, 0, 0, 0}, {1, 4, 20, 0, 0}, {3, 1, 0, 15, 0}, {2.5, 2.5, 10, 10, 2000},
                {0.5, 0.5, 0, 0, 10000}, {5, 5, 100, 50, 500}, {2.5, 2.5, 1, 1, 0}, {1.5, 3.5, 0, 7, 300}, {2, 2, 3, 0, 100}};
        int[][] sizes = {{4, 4}, {8, 5}, {5, 9}, {12, 12}, {16, 7}, {7, 16}, {20, 20}, {24, 16}, {16, 32}};
        int k = 0;
        for (Drive d : Drive.values()) {
            for (Sense s : Sense.values()) {
                double[] x = r[k];
                list.add(new Case("mesh", sizes[k][0], sizes[k][1], new Circuit(x[0], x[1], x[2], x[3], x[4], d, s), seed++));
                k++;
            }
        }
        // Zero resistances: exact shorts, merged nodes.
        list.add(new Case("ideal", 10, 10, new Circuit(0, 0, 0, 0, 0, Drive.LEFT, Sense.BOTTOM), seed++));
        list.add(new Case("wl-short", 12, 9, new Circuit(0, 2.5, 5, 0, 0, Drive.RIGHT, Sense.TOP), seed++));
        list.add(new Case("bl-short", 9, 12, new Circuit(2.5, 0, 0, 5, 1000, Drive.BOTH, Sense.BOTTOM), seed++));
        list.add(new Case("both-short-periphery", 15, 15, new Circuit(0, 0, 20, 30, 0, Drive.BOTH, Sense.BOTH), seed++));
        list.add(new Case("single", 1, 1, new Circuit(2.5, 2.5, 1, 1, 1, Drive.BOTH, Sense.BOTH), seed++));
        list.add(new Case("row", 1, 33, new Circuit(2.5, 2.5, 0, 0, 0, Drive.BOTH, Sense.BOTTOM), seed++));
        list.add(new Case("column", 33, 1, new Circuit(2.5, 2.5, 0, 0, 0, Drive.LEFT, Sense.BOTH), seed++));
        list.add(new Case("two-columns-both", 6, 2, new Circuit(2.5, 2.5, 0, 0, 0, Drive.BOTH, Sense.BOTH), seed++));
        // Larger: a 64x64 mesh, 128-wide rectangles, and 128x128 with shorted wires.
        list.add(new Case("mesh", 64, 64, Circuit.DEFAULT, seed++));
        list.add(new Case("wide", 8, 128, new Circuit(2.5, 2.5, 10, 0, 0, Drive.BOTH, Sense.BOTTOM), seed++));
        list.add(new Case("tall", 128, 8, new Circuit(2.5, 2.5, 0, 10, 0, Drive.LEFT, Sense.BOTH), seed++));
        list.add(new Case("periphery", 128, 128, new Circuit(0, 0, 50, 20, 1000, Drive.LEFT, Sense.BOTTOM), seed++));
        list.add(new Case("periphery", 128, 128, new Circuit(0, 0, 5, 5, 0, Drive.BOTH, Sense.BOTH), seed++));
        return list;
    }

    static Stream<Arguments> parameters() {
        return cases().stream().map(Arguments::of);
    }

    @Test
    void theSetIsLargeAndCoversEveryOption() {
        List<Case> all = cases();
        assertTrue(all.size() >= 20);
        for (Drive d : Drive.values()) {
            for (Sense s : Sense.values()) {
                assertTrue(all.stream().anyMatch(c -> c.circuit().drive() == d && c.circuit().senseAt() == s), d + "/" + s);
            }
        }
        assertTrue(all.stream().anyMatch(c -> c.rows() == 128 && c.cols() == 128));
        assertTrue(all.stream().anyMatch(c -> c.circuit().access() > 0 && c.circuit().source() > 0 && c.circuit().sense() > 0));
        assertTrue(all.stream().anyMatch(c -> c.circuit().wordLine() == 0) && all.stream().anyMatch(c -> c.circuit().bitLine() == 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parameters")
    void ngspiceAgrees(Case c) throws IOException {
        requireNgspice();
        Random random = new Random(c.seed());
        double[] g = new double[c.rows() * c.cols()];
        for (int k = 0; k < g.length; k++) {
            int kind = random.nextInt(6);
            g[k] = kind == 0 ? 0 : kind == 1 ? 1e-6 : kind == 2 ? 1e-4 : 1e-6 + (1e-4 - 1e-6) * random.nextDouble();
        }
        double[] v = new double[c.rows()];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextInt(5) == 0 ? 0 : 0.2 * random.nextDouble();
        }
        if (c.rows() > 1) {
            v[random.nextInt(c.rows())] = 0.2;
        }
        SpiceExport export = new SpiceExport(c.rows(), c.cols(), c.circuit(), g);
        Path file = dir.resolve("crossbar-" + c.seed() + ".cir");
        try (Writer w = Files.newBufferedWriter(file)) {
            export.write(v, w);
        }
        Solution kernel = CrossbarSolver.create(c.rows(), c.cols(), c.circuit()).program(g).solve(v, true);
        NetlistSolution netlist = xbarSolution(file);
        NgSpice.Result ng = NgSpice.run(file);

        double largest = 0;
        double[] currents = kernel.currents();
        for (int j = 0; j < c.cols(); j++) {
            largest = Math.max(largest, Math.abs(currents[j]));
        }
        assertTrue(largest > 0, "a test with no current proves nothing");
        for (int j = 0; j < c.cols(); j++) {
            double expected = currents[j];
            double actual = ng.current(SpiceExport.senseSource(j));
            // Relative per column; a column carrying (almost) nothing is held to the largest column's scale.
            double scale = Math.max(Math.abs(expected), 1e-6 * largest);
            assertEquals(expected, actual, TOLERANCE * scale, c + ": I[" + j + "] ngspice vs kernel");
            assertEquals(expected, netlist.current(SpiceExport.senseSource(j)), TOLERANCE * scale,
                    c + ": I[" + j + "] xbar spice solve vs kernel");
        }
        double vmax = 0;
        for (double x : v) {
            vmax = Math.max(vmax, Math.abs(x));
        }
        for (int i = 0; i < c.rows(); i++) {
            for (int j = 0; j < c.cols(); j++) {
                String u = export.wordLineNode(i, j);
                String w = export.bitLineNode(i, j);
                int k = i * c.cols() + j;
                assertEquals(kernel.wordLineVoltages()[k], ng.voltage(u), TOLERANCE * vmax, c + ": v(" + u + ")");
                assertEquals(kernel.bitLineVoltages()[k], ng.voltage(w), TOLERANCE * vmax, c + ": v(" + w + ")");
                assertEquals(kernel.wordLineVoltages()[k], netlist.voltage(u), TOLERANCE * vmax, c + ": xbar v(" + u + ")");
                assertEquals(kernel.bitLineVoltages()[k], netlist.voltage(w), TOLERANCE * vmax, c + ": xbar v(" + w + ")");
            }
        }
    }

    /** xbar's answer for the same crossbar: the exported file parsed and solved by xbar's netlist solver. */
    private static NetlistSolution xbarSolution(Path file) throws IOException {
        Netlist net = NetlistParser.parse(file);
        return NetlistSolver.solve(net);
    }
}
