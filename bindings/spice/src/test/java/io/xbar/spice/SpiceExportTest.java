// SpiceExportTest: exported crossbar netlists parse back and solve to MODEL.md's currents, for every circuit option.
package io.xbar.spice;

import io.xbar.reference.ReferenceSolver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarSolver;
import io.xbar.kernel.Solution;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import java.io.IOException;
import java.io.StringReader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpiceExportTest {
    /** Every drive x sense combination with a spread of resistances, zeros included. */
    static List<Circuit> circuits() {
        List<Circuit> list = new ArrayList<>();
        double[][] resistances = {
                {2.5, 2.5, 0, 0, 0},
                {1, 3, 50, 20, 0},
                {0, 2.5, 0, 10, 1000},
                {2.5, 0, 5, 0, 0},
                {0, 0, 0, 0, 0},
                {0.7, 1.3, 0, 0, 5000},
        };
        int k = 0;
        for (Drive d : Drive.values()) {
            for (Sense s : Sense.values()) {
                double[] r = resistances[k++ % resistances.length];
                list.add(new Circuit(r[0], r[1], r[2], r[3], r[4], d, s));
            }
        }
        list.add(new Circuit(0, 0, 0, 0, 0, Drive.BOTH, Sense.BOTH));
        list.add(new Circuit(2.5, 2.5, 0, 0, 0, Drive.BOTH, Sense.BOTH));
        return list;
    }

    static double[] conductances(Random random, int rows, int cols) {
        double[] g = new double[rows * cols];
        for (int k = 0; k < g.length; k++) {
            int kind = random.nextInt(5);
            g[k] = kind == 0 ? 0 : kind == 1 ? 1e-6 : kind == 2 ? 1e-4 : 1e-6 + random.nextDouble() * 1e-4;
        }
        return g;
    }

    static double[] voltages(Random random, int rows) {
        double[] v = new double[rows];
        for (int i = 0; i < rows; i++) {
            v[i] = random.nextInt(4) == 0 ? 0 : 0.2 * random.nextDouble();
        }
        return v;
    }

    @Test
    void roundTripEqualsTheReferenceForEveryOption() throws IOException {
        Random random = new Random(7);
        int[][] shapes = {{1, 1}, {1, 5}, {5, 1}, {2, 2}, {3, 4}, {7, 5}, {12, 9}};
        for (Circuit circuit : circuits()) {
            for (int[] shape : shapes) {
                int rows = shape[0];
                int cols = shape[1];
                double[] g = conductances(random, rows, cols);
                double[] v = voltages(random, rows);
                SpiceExport export = new SpiceExport(rows, cols, circuit, g);
                String text = export.toNetlist(v);
                Netlist net = NetlistParser.parse(new StringReader(text));
                NetlistSolution s = NetlistSolver.solve(net);
                Solution reference = ReferenceSolver.factor(rows, cols, circuit, g).solve(v);
                String what = circuit + " " + rows + "x" + cols;
                double scale = 0;
                for (double x : reference.currents()) {
                    scale = Math.max(scale, Math.abs(x));
                }
                // Two independent references: a dense solve of MODEL.md's network and the kernel's crossbar solver.
                Solution kernel = CrossbarSolver.create(rows, cols, circuit).program(g).solve(v, true);
                for (int j = 0; j < cols; j++) {
                    assertEquals(reference.currents()[j], s.current(SpiceExport.senseSource(j)), 1e-10 * scale + 1e-300,
                            what + " column " + j);
                    assertEquals(kernel.currents()[j], s.current(SpiceExport.senseSource(j)), 1e-8 * scale + 1e-300,
                            what + " column " + j + " vs kernel");
                }
                for (int i = 0; i < rows; i++) {
                    assertEquals(v[i], s.voltage("src_" + i), 0, what);
                    for (int j = 0; j < cols; j++) {
                        assertEquals(reference.wordLineVoltages()[i * cols + j], s.voltage(export.wordLineNode(i, j)), 1e-12, what + " u");
                        assertEquals(reference.bitLineVoltages()[i * cols + j], s.voltage(export.bitLineNode(i, j)), 1e-12, what + " w");
                        assertEquals(kernel.wordLineVoltages()[i * cols + j], s.voltage(export.wordLineNode(i, j)), 1e-9, what + " u kernel");
                        assertEquals(kernel.bitLineVoltages()[i * cols + j], s.voltage(export.bitLineNode(i, j)), 1e-9, what + " w kernel");
                    }
                }
            }
        }
    }

    @Test
    void idealCrossbarGivesIdealCurrents() throws IOException {
        Random random = new Random(3);
        double[] g = conductances(random, 6, 4);
        double[] v = voltages(random, 6);
        SpiceExport export = new SpiceExport(6, 4, Circuit.IDEAL, g);
        NetlistSolution s = NetlistSolver.solve(NetlistParser.parse(new StringReader(export.toNetlist(v))));
        for (int j = 0; j < 4; j++) {
            double ideal = 0;
            for (int i = 0; i < 6; i++) {
                ideal += g[i * 4 + j] * v[i];
            }
            assertEquals(ideal, s.current("VSENSE" + j), 1e-15 * Math.abs(ideal) + 1e-25);
        }
    }

    @Test
    void writesReadableNodesFullPrecisionAndNoZeroOhmResistors() throws IOException {
        double[] g = {1e-4, 1.0 / 3 * 1e-4, 0, 1e-6};
        Circuit c = new Circuit(2.5, 0, 0, 7.25, 1000, Drive.LEFT, Sense.BOTTOM);
        SpiceExport export = new SpiceExport(2, 2, c, g);
        String text = export.toNetlist(new double[] {0.2, 0.1});
        assertTrue(text.startsWith("xbar crossbar 2x2 (r_wl=2.5 r_bl=0 r_source=0 r_sense=7.25 r_access=1000 drive=left sense=bottom)\n"));
        assertTrue(text.contains("i(VSENSE<j>) = I[j]"), "states the sign convention");
        // r_source = 0 merges u_i_0 into src_i; r_bl = 0 merges each column's bit line into w_0_j.
        assertTrue(text.contains("Rcell_0_0 src_0 w_0_0 11000.0\n"), text);
        assertTrue(text.contains("Rwl_1_0 src_1 u_1_1 2.5\n"), text);
        assertTrue(text.contains("Rsense_bottom_1 w_0_1 sense_1 7.25\n"), text);
        assertTrue(text.contains("V0 src_0 0 DC 0.2\nV1 src_1 0 DC 0.1\nVSENSE0 sense_0 0 DC 0\n"), text);
        assertFalse(text.contains("\nRcell_1_0"), "open cell left out");
        assertFalse(text.contains("\nRbl_"), "shorts are merged, not written");
        assertTrue(text.endsWith(".op\n.end\n"));
        double r01 = 1 / (1.0 / 3 * 1e-4) + 1000;
        assertEquals(1 / c.cellConductance(1.0 / 3 * 1e-4), r01, 1e-16 * r01 * 4);
        assertTrue(text.contains("Rcell_0_1 u_0_1 w_0_1 " + r01 + "\n"), "round-trip precision");
        Netlist net = NetlistParser.parse(new StringReader(text));
        assertEquals(r01, net.value(net.elementId("Rcell_0_1")), 0);
        assertEquals("w_0_0", export.bitLineNode(1, 0));
        assertEquals("src_0", export.wordLineNode(0, 0));
    }

    @Test
    void zeroSenseResistanceMergesIntoTheSenseTerminal() {
        SpiceExport export = new SpiceExport(3, 2, new Circuit(1, 0, 1, 0, 0, Drive.RIGHT, Sense.BOTH), new double[6]);
        String text = export.toNetlist(new double[3]);
        assertEquals("sense_1", export.bitLineNode(2, 1));
        assertTrue(text.contains("VSENSE1 sense_1 0 DC 0\n"));
        assertTrue(text.contains("Rsrc_right_2 src_2 u_2_1 1.0\n"), text);
    }

    @Test
    void twoDriversOnOneColumnHaveDistinctNames() throws IOException {
        SpiceExport export = new SpiceExport(1, 1, new Circuit(1, 1, 4, 3, 0, Drive.BOTH, Sense.BOTH), new double[] {1e-4});
        String text = export.toNetlist(new double[] {1});
        assertTrue(text.contains("Rsrc_left_0 src_0 u_0_0 4.0\nRsrc_right_0 src_0 u_0_0 4.0\n"), text);
        assertTrue(text.contains("Rsense_top_0 w_0_0 sense_0 3.0\nRsense_bottom_0 w_0_0 sense_0 3.0\n"), text);
        NetlistSolution s = NetlistSolver.solve(NetlistParser.parse(new StringReader(text)));
        assertEquals(1 / (2 + 1e4 + 1.5), s.current("VSENSE0"), 1e-18);
    }

    @Test
    void elementsWithBothEndsMergedAreCommentedOut() throws IOException {
        // drive = both with r_source = 0 on two columns: the single word-line segment joins src_i to itself.
        SpiceExport export = new SpiceExport(1, 2, new Circuit(2.5, 1, 0, 0, 0, Drive.BOTH, Sense.BOTTOM), new double[] {1e-4, 1e-4});
        String text = export.toNetlist(new double[] {0.3});
        assertTrue(text.contains("* Rwl_0_0 (both ends on one node"), text);
        NetlistSolution s = NetlistSolver.solve(NetlistParser.parse(new StringReader(text)));
        // One row: w_0_0 is the sense node itself (r_sense = 0), so the cell sees the full 0.3 V.
        assertEquals(0.3e-4, s.current("VSENSE0"), 1e-18);
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new SpiceExport(2, 2, Circuit.DEFAULT, new double[3]));
        assertThrows(IllegalArgumentException.class, () -> new SpiceExport(1, 1, Circuit.DEFAULT, new double[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> new SpiceExport(1, 1, Circuit.DEFAULT, new double[] {Double.NaN}));
        assertThrows(IllegalArgumentException.class, () -> new SpiceExport(0, 1, Circuit.DEFAULT, new double[0]));
        assertThrows(IllegalArgumentException.class, () -> new SpiceExport(1, 1, null, new double[1]));
        SpiceExport e = new SpiceExport(2, 1, Circuit.DEFAULT, new double[2]);
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> e.toNetlist(new double[3]));
        assertTrue(x.getMessage().contains("voltages has 3 values, expected 1x2"), x.getMessage());
        assertThrows(IllegalArgumentException.class, () -> e.toNetlist(new double[] {0, Double.POSITIVE_INFINITY}));
    }

    @Test
    void streamsWithoutBuildingTheText() throws IOException {
        // A writer that only counts: the exporter must emit line by line.
        long[] chars = {0};
        int[] largestWrite = {0};
        Writer counting = new Writer() {
            @Override
            public void write(char[] buf, int off, int len) {
                chars[0] += len;
                largestWrite[0] = Math.max(largestWrite[0], len);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        new SpiceExport(128, 128, Circuit.DEFAULT, new double[128 * 128]).write(new double[128], counting);
        assertTrue(chars[0] > 1_000_000, "wrote " + chars[0]);
        assertTrue(largestWrite[0] <= 1 << 16, "largest single write " + largestWrite[0]);
    }
}
