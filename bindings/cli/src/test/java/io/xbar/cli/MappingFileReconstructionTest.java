// MappingFileReconstructionTest: rebuilds mvm's and nf's numbers from mapping.json and the tile files alone, with independent code.
package io.xbar.cli;

import io.xbar.mapping.Encoding;
import io.xbar.mapping.LayerMapping;
import io.xbar.mapping.LayerResult;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.Preset;
import io.xbar.mapping.Quantizer;
import io.xbar.mapping.TiledMvm;
import io.xbar.mapping.TrainedLikeData;
import io.xbar.mapping.TransferFunction;
import io.xbar.reference.ReferenceSolver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xbar.cli.Main;
import io.xbar.cli.MapCommand;
import io.xbar.io.NdArray;
import io.xbar.io.Npy;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MappingFileReconstructionTest {
    @TempDir
    Path dir;

    /** What a user outside xbar would write: everything from mapping.json, the tile files and the raw inputs. */
    static double[][] reconstruct(Path mappingDir, double[] x, int batch, TransferFunction transfer, double[] nfOut)
            throws IOException {
        return reconstruct(mappingDir, x, batch, transfer, nfOut, null);
    }

    /**
     * As above; with the raw weights {@code w} the NF's ideal currents come from the nominal
     * conductances (the level each cell was programmed to: {@code weight_scale}, {@code signed},
     * {@code weight_bits}, {@code cell_bits} and the tile's {@code rows}/{@code cols}), as xbar
     * defines them when the tile files hold stuck, noisy or drifted cells (the {@code device} of mapping.json).
     */
    static double[][] reconstruct(Path mappingDir, double[] x, int batch, TransferFunction transfer, double[] nfOut,
                                  double[] w) throws IOException {
        JsonNode m = new ObjectMapper().readTree(mappingDir.resolve("mapping.json").toFile());
        int k = m.get("inputs").asInt();
        int n = m.get("outputs").asInt();
        int inputBits = m.get("input_bits").asInt();
        int p = m.get("dac_bits").asInt();
        int c = m.get("cell_bits").asInt();
        int weightBits = m.get("weight_bits").asInt();
        double gOn = m.get("g_on").asDouble();
        double gOff = m.get("g_off").asDouble();
        double vRead = m.get("v_read").asDouble();
        JsonNode cj = m.get("circuit");
        Circuit circuit = new Circuit(cj.get("r_wl").asDouble(), cj.get("r_bl").asDouble(), cj.get("r_source").asDouble(),
                cj.get("r_sense").asDouble(), cj.get("r_access").asDouble(), Drive.parse(cj.get("drive").asText()),
                Sense.parse(cj.get("sense").asText()));
        double max = 0;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double sx = max / ((1 << inputBits) - 1);
        long[] a = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            a[i] = (long) Math.floor(x[i] / sx + 0.5);
        }
        int levels = (1 << c) - 1;
        int digit = (1 << p) - 1;
        int cycles = (inputBits + p - 1) / p;
        double[][] y = new double[batch][n];
        double nfSum = 0;
        long nfTerms = 0;
        for (JsonNode t : m.get("tiles")) {
            NdArray g = Npy.read(mappingDir.resolve(t.get("file").asText()));
            int rows = g.dim(0);
            int cols = g.dim(1);
            double[] tm = transfer.compute(rows, cols, circuit, g.toArray());
            for (int b = 0; b < batch; b++) {
                for (int cycle = 0; cycle < cycles; cycle++) {
                    double[] v = new double[rows];
                    double sumV = 0;
                    for (int i = 0; i < rows; i++) {
                        int r = t.get("rows").get(i).asInt();
                        v[i] = r < 0 ? 0 : vRead * ((a[b * k + r] >> (p * cycle)) & digit) / digit;
                        sumV += v[i];
                    }
                    for (int j = 0; j < cols; j++) {
                        JsonNode role = t.get("cols").get(j);
                        if (role.isNull()) {
                            continue;
                        }
                        double current = 0;
                        double ideal = 0;
                        for (int i = 0; i < rows; i++) {
                            current += v[i] * tm[i * cols + j];
                            int r = t.get("rows").get(i).asInt();
                            double programmed = w == null || r < 0 ? g.get(i, j)
                                    : nominal(m, w[r * n + role.get("output").asInt()], role);
                            ideal += v[i] * circuit.cellConductance(programmed);
                        }
                        if (ideal > 0) {
                            nfSum += (ideal - current) / ideal;
                            nfTerms++;
                        }
                        double est = (current - gOff * sumV) * digit * levels / ((gOn - gOff) * vRead);
                        y[b][role.get("output").asInt()] += role.get("sign").asInt() * Math.pow(2, c * role.get("slice").asInt())
                                * Math.pow(2, p * cycle) * est;
                    }
                }
            }
        }
        boolean offset = m.get("signed").asText().equals("offset");
        for (int b = 0; b < batch; b++) {
            long total = 0;
            for (int i = 0; i < k; i++) {
                total += a[b * k + i];
            }
            for (int j = 0; j < n; j++) {
                if (offset) {
                    y[b][j] -= Math.pow(2, weightBits - 1) * total;
                }
                y[b][j] *= m.get("weight_scale").asDouble() * sx;
            }
        }
        nfOut[0] = nfSum / nfTerms;
        return y;
    }

    /** The conductance a cell holding {@code role} of raw weight {@code w} was programmed to. */
    static double nominal(JsonNode m, double w, JsonNode role) {
        int weightBits = m.get("weight_bits").asInt();
        int c = m.get("cell_bits").asInt();
        double s = m.get("weight_scale").asDouble();
        long q = s == 0 ? 0 : (long) (Math.signum(w) * Math.floor(Math.abs(w) / s + 0.5));
        long stored = m.get("signed").asText().equals("offset") ? q + (1L << (weightBits - 1))
                : role.get("sign").asInt() > 0 ? Math.max(q, 0) : Math.max(-q, 0);
        long level = (stored >> (c * role.get("slice").asInt())) & ((1L << c) - 1);
        double gOn = m.get("g_on").asDouble();
        double gOff = m.get("g_off").asDouble();
        return gOff + (gOn - gOff) * level / ((1 << c) - 1);
    }

    @Test
    void libraryRunIsRebuiltFromTheWrittenMappingWithParasitics() throws IOException {
        int k = 40;
        int n = 5;
        int batch = 3;
        double[] wf = TrainedLikeData.weights(k, n, 11);
        double[] xf = TrainedLikeData.activations(batch, k, 12);
        Circuit circuit = new Circuit(3, 2, 1, 0.5, 0, Drive.LEFT, Sense.BOTTOM);
        TransferFunction reference = ReferenceSolver.transferFunction();
        for (Preset preset : Preset.values()) {
            for (Encoding e : Encoding.values()) {
                MappingOptions o = MappingOptions.DEFAULT.withEncoding(e).withCellBits(2).withTile(16, 24)
                        .withInputs(8, 2, 0).withPreset(preset);
                LayerMapping mapping = LayerMapping.map(Quantizer.weights(wf, k, n, 8, e, false), o, Drive.LEFT, Sense.BOTTOM);
                LayerResult result = TiledMvm.run(mapping, Quantizer.inputs(xf, batch, k, 8, false, false), circuit, reference);
                Path out = dir.resolve(preset.label() + "-" + e.label());
                MapCommand.write(mapping, circuit, out);
                double[] nf = new double[1];
                double[][] y = reconstruct(out, xf, batch, reference, nf);
                for (int b = 0; b < batch; b++) {
                    for (int j = 0; j < n; j++) {
                        double expected = result.y()[b * n + j];
                        assertEquals(expected, y[b][j], 1e-9 * Math.abs(expected) + 1e-12, preset + " " + e);
                    }
                }
                assertEquals(result.nonidealityFactor(), nf[0], 1e-12);
            }
        }
    }

    @Test
    void commandLineMapAndMvmAgreeWithTheRebuild() throws IOException {
        int k = 50;
        int n = 9;
        int batch = 4;
        double[] wf = TrainedLikeData.weights(k, n, 21);
        double[] xf = TrainedLikeData.activations(batch, k, 22);
        Path w = dir.resolve("w.npy");
        Path x = dir.resolve("x.npy");
        Npy.write(w, wf, k, n);
        Npy.write(x, xf, batch, k);
        String[] common = {"--mapping", "optimized", "--tile", "32x40", "--cell-bits", "2", "--signed", "offset",
                "--r-wl", "2", "--r-bl", "3", "--r-sense", "1"};
        assertEquals(0, run(concat(new String[] {"map", "--weights", w.toString(), "--out", dir.resolve("m").toString()}, common)));
        assertEquals(0, run(concat(new String[] {"mvm", "--weights", w.toString(), "--inputs", x.toString(), "--out",
                dir.resolve("y.npy").toString()}, common)));
        assertEquals(0, run(concat(new String[] {"nf", "--weights", w.toString(), "--inputs", x.toString(), "--report",
                dir.resolve("r.json").toString()}, common)));
        NdArray y = Npy.read(dir.resolve("y.npy"));
        assertEquals(2, y.rank());
        double[] nf = new double[1];
        // The rebuild solves the network with the test's own banded reference, not with xbar's solver.
        double[][] rebuilt = reconstruct(dir.resolve("m"), xf, batch, ReferenceSolver.transferFunction(), nf);
        double norm = 0;
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < n; j++) {
                assertEquals(rebuilt[b][j], y.get(b, j), 1e-8 * Math.abs(rebuilt[b][j]) + 1e-10);
                norm += Math.abs(y.get(b, j));
            }
        }
        assertTrue(norm > 0);
        JsonNode report = new ObjectMapper().readTree(dir.resolve("r.json").toFile());
        assertEquals(nf[0], report.get("nf").asDouble(), 1e-10);
        assertTrue(nf[0] > 0);
        assertTrue(report.get("mvm_rel_error").asDouble() > 0);
        JsonNode mapping = new ObjectMapper().readTree(dir.resolve("m/mapping.json").toFile());
        assertEquals(mapping.get("tiles").size(), report.get("tiles").size());
        assertTrue(mapping.get("method").asText().startsWith("optimized"));
        for (String key : new String[] {"tile_rows", "tile_cols", "g_on", "g_off", "cell_bits", "weight_bits", "signed",
                "weight_scale", "tiles"}) {
            assertTrue(mapping.has(key), key);
        }
        try (var files = Files.list(dir.resolve("m"))) {
            assertEquals(mapping.get("tiles").size() + 1, files.count(), "one file per tile plus mapping.json, nothing else");
        }
        // A 1-D input gives a 1-D output.
        Npy.write(x, java.util.Arrays.copyOf(xf, k), k);
        assertEquals(0, run(concat(new String[] {"mvm", "--weights", w.toString(), "--inputs", x.toString(), "--out",
                dir.resolve("y1.npy").toString()}, common)));
        assertEquals(1, Npy.read(dir.resolve("y1.npy")).rank());
    }

    static String[] concat(String[] a, String[] b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static int run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        if (status != 0) {
            System.err.println(err.toString(StandardCharsets.UTF_8));
        }
        return status;
    }
}
