// DeviceVariabilityCommandTest: the programming flags on map/mvm/nf/sweep: refusals naming flag and value, seeded tiles, device in the JSON files, rebuild from the files.
package io.xbar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xbar.io.NdArray;
import io.xbar.io.Npy;
import io.xbar.mapping.TrainedLikeData;
import io.xbar.reference.ReferenceSolver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceVariabilityCommandTest {
    private static final String[] DEVICE = {"--stuck-on", "0.02", "--stuck-off", "0.03", "--program-noise", "0.08",
            "--drift-time", "86400", "--drift-nu", "0.05", "--drift-nu-sigma", "0.02", "--seed", "12345678901"};

    @TempDir
    Path dir;
    Path w;
    Path x;
    double[] wf;
    double[] xf;
    private String err;

    @BeforeEach
    void files() throws IOException {
        w = dir.resolve("w.npy");
        x = dir.resolve("x.npy");
        wf = TrainedLikeData.weights(45, 7, 3);
        xf = TrainedLikeData.activations(3, 45, 4);
        Npy.write(w, wf, 45, 7);
        Npy.write(x, xf, 3, 45);
    }

    private int run(String... args) {
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(e, true, StandardCharsets.UTF_8));
        err = e.toString(StandardCharsets.UTF_8);
        return status;
    }

    private String[] map(Path out, String... more) {
        return MappingFileReconstructionTest.concat(new String[] {"map", "--weights", w.toString(), "--out", out.toString(),
                "--tile", "32x28"}, more);
    }

    @Test
    void badValuesExitTwoWithOneLineNamingFlagAndValue() {
        String[][] bad = {
                {"--stuck-on", "NaN"}, {"--stuck-on", "-0.01"}, {"--stuck-on", "1.5"}, {"--stuck-off", "-1"},
                {"--stuck-off", "2"}, {"--program-noise", "-0.1"}, {"--program-noise", "NaN"}, {"--program-noise", "11"},
                {"--drift-time", "0.5"}, {"--drift-time", "-3"}, {"--drift-time", "1e11"}, {"--drift-nu", "-0.05"},
                {"--drift-nu", "2"}, {"--drift-nu-sigma", "-0.01"}, {"--drift-nu-sigma", "Infinity"},
                {"--seed", "1.5"}, {"--seed", "abc"}, {"--seed", "99999999999999999999"},
        };
        for (String[] b : bad) {
            for (String command : new String[] {"map", "nf"}) {
                Path out = dir.resolve("out-" + command);
                String[] args = command.equals("map") ? map(out, b)
                        : new String[] {"nf", "--weights", w.toString(), "--inputs", x.toString(), "--report", out.toString(),
                        b[0], b[1]};
                assertEquals(2, run(args), String.join(" ", b) + ": " + err);
                assertEquals(1, err.lines().count(), "one line: " + err);
                assertTrue(err.startsWith("xbar " + command + ": "), err);
                assertTrue(err.contains(b[0]), b[0] + " named in: " + err);
                assertTrue(err.contains(b[1]), b[1] + " named in: " + err);
                assertFalse(Files.exists(out), out + " must not be written");
            }
        }
        assertEquals(2, run(map(dir.resolve("m"), "--stuck-on", "0.7", "--stuck-off", "0.4")));
        assertTrue(err.contains("--stuck-on 0.7") && err.contains("--stuck-off 0.4") && err.contains("at most 1"), err);
        assertEquals(1, err.lines().count());
        assertFalse(Files.exists(dir.resolve("m")));
        // The edge values are accepted.
        assertEquals(0, run(map(dir.resolve("edge"), "--stuck-on", "0.5", "--stuck-off", "0.5", "--program-noise", "10",
                "--drift-time", "1e10", "--drift-nu", "1", "--drift-nu-sigma", "0", "--seed", "-7")), err);
    }

    @Test
    void mapWritesTheHeldConductancesAndRecordsTheDevice() throws IOException {
        assertEquals(0, run(map(dir.resolve("nominal"))), err);
        assertEquals(0, run(map(dir.resolve("a"), DEVICE)), err);
        assertEquals(0, run(MappingFileReconstructionTest.concat(map(dir.resolve("b"), DEVICE), new String[] {"--threads", "1"})), err);
        assertEquals(0, run(map(dir.resolve("c"), "--stuck-on", "0.02", "--stuck-off", "0.03", "--program-noise", "0.08",
                "--drift-time", "86400", "--drift-nu", "0.05", "--drift-nu-sigma", "0.02", "--seed", "12345678902")), err);
        JsonNode a = new ObjectMapper().readTree(dir.resolve("a/mapping.json").toFile());
        JsonNode device = a.get("device");
        assertEquals(0.02, device.get("stuck_on").asDouble());
        assertEquals(0.03, device.get("stuck_off").asDouble());
        assertEquals(0.08, device.get("program_noise").asDouble());
        assertEquals(86400, device.get("drift_time").asDouble());
        assertEquals(0.05, device.get("drift_nu").asDouble());
        assertEquals(0.02, device.get("drift_nu_sigma").asDouble());
        assertEquals(12345678901L, device.get("seed").asLong());
        JsonNode nominalDevice = new ObjectMapper().readTree(dir.resolve("nominal/mapping.json").toFile()).get("device");
        assertEquals(0, nominalDevice.get("seed").asLong());
        assertEquals(1, nominalDevice.get("drift_time").asDouble());
        int differ = 0;
        int stuckOn = 0;
        int cells = 0;
        for (JsonNode t : a.get("tiles")) {
            String file = t.get("file").asText();
            double[] ga = Npy.read(dir.resolve("a").resolve(file)).toArray();
            double[] gb = Npy.read(dir.resolve("b").resolve(file)).toArray();
            double[] gc = Npy.read(dir.resolve("c").resolve(file)).toArray();
            double[] gn = Npy.read(dir.resolve("nominal").resolve(file)).toArray();
            assertArrayEquals(ga, gb, "same seed, other thread count: the same tile " + file);
            assertFalse(java.util.Arrays.equals(ga, gc), "another seed: other draws in " + file);
            for (int k = 0; k < ga.length; k++) {
                int i = k / 28;
                int j = k % 28;
                boolean programmed = t.get("rows").get(i).asInt() >= 0 && !t.get("cols").get(j).isNull();
                if (!programmed) {
                    assertEquals(1e-6, ga[k], "padding stays g_off");
                    continue;
                }
                cells++;
                differ += ga[k] != gn[k] ? 1 : 0;
                stuckOn += ga[k] == 1e-4 ? 1 : 0;
            }
        }
        assertEquals(45 * 7 * 14, cells);
        assertTrue(differ > 0.9 * cells, differ + " of " + cells + " cells moved");
        assertTrue(stuckOn > 0, "some cells stuck on");
    }

    @Test
    void mvmAndNfWithDeviceFlagsAreRebuiltFromTheMapFiles() throws IOException {
        String[] common = MappingFileReconstructionTest.concat(new String[] {"--tile", "32x28", "--mapping", "optimized",
                "--r-wl", "2", "--r-bl", "3"}, DEVICE);
        Path m = dir.resolve("m");
        assertEquals(0, run(MappingFileReconstructionTest.concat(new String[] {"map", "--weights", w.toString(), "--out",
                m.toString()}, common)), err);
        assertEquals(0, run(MappingFileReconstructionTest.concat(new String[] {"mvm", "--weights", w.toString(), "--inputs",
                x.toString(), "--out", dir.resolve("y.npy").toString()}, common)), err);
        assertEquals(0, run(MappingFileReconstructionTest.concat(new String[] {"nf", "--weights", w.toString(), "--inputs",
                x.toString(), "--report", dir.resolve("r.json").toString(), "--out", dir.resolve("y2.npy").toString()}, common)), err);
        double[] nf = new double[1];
        double[][] rebuilt = MappingFileReconstructionTest.reconstruct(m, xf, 3, ReferenceSolver.transferFunction(), nf, wf);
        NdArray y = Npy.read(dir.resolve("y.npy"));
        NdArray y2 = Npy.read(dir.resolve("y2.npy"));
        for (int b = 0; b < 3; b++) {
            for (int j = 0; j < 7; j++) {
                assertEquals(rebuilt[b][j], y.get(b, j), 1e-8 * Math.abs(rebuilt[b][j]) + 1e-10);
                assertEquals(rebuilt[b][j], y2.get(b, j), 1e-8 * Math.abs(rebuilt[b][j]) + 1e-10);
            }
        }
        JsonNode report = new ObjectMapper().readTree(dir.resolve("r.json").toFile());
        assertEquals(nf[0], report.get("nf").asDouble(), 1e-10);
        assertEquals(12345678901L, report.get("device").get("seed").asLong());
        // The device error is part of the NF (a signed mean: a cell stuck ON in a sparse column gives a
        // large negative term), so it moves away from the nominal-cell run's.
        assertEquals(0, run(new String[] {"nf", "--weights", w.toString(), "--inputs", x.toString(), "--report",
                dir.resolve("r0.json").toString(), "--tile", "32x28", "--mapping", "optimized", "--r-wl", "2", "--r-bl", "3"}), err);
        JsonNode nominal = new ObjectMapper().readTree(dir.resolve("r0.json").toFile());
        assertTrue(Math.abs(report.get("nf").asDouble() - nominal.get("nf").asDouble()) > 0.01,
                report.get("nf") + " vs nominal " + nominal.get("nf"));
        assertTrue(report.get("mvm_rel_error").asDouble() > nominal.get("mvm_rel_error").asDouble());
    }

    @Test
    void sweepRecordsTheDeviceAndVariesEveryPoint() throws IOException {
        Path out = dir.resolve("sweep");
        assertEquals(0, run(MappingFileReconstructionTest.concat(new String[] {"sweep", "--weights", w.toString(), "--inputs",
                x.toString(), "--out", out.toString(), "--tiles", "32x28", "--wires", "1", "--mappings", "naive", "--no-plots"},
                DEVICE)), err);
        JsonNode s = new ObjectMapper().readTree(out.resolve("sweep.json").toFile());
        assertEquals(0.08, s.get("device").get("program_noise").asDouble());
        assertEquals(0, run("nf", "--weights", w.toString(), "--inputs", x.toString(), "--report", dir.resolve("r.json").toString(),
                "--tile", "32x28", "--r-wl", "1", "--r-bl", "1", "--stuck-on", "0.02", "--stuck-off", "0.03", "--program-noise",
                "0.08", "--drift-time", "86400", "--drift-nu", "0.05", "--drift-nu-sigma", "0.02", "--seed", "12345678901"), err);
        JsonNode r = new ObjectMapper().readTree(dir.resolve("r.json").toFile());
        assertEquals(r.get("nf").asDouble(), s.get("points").get(0).get("nf").asDouble(), 1e-12);
    }

    @Test
    void configFileCarriesTheDeviceFlags() throws IOException {
        Path config = dir.resolve("study.json");
        Files.writeString(config, "{\"stuck-off\": 0.1, \"seed\": 9}");
        assertEquals(0, run(map(dir.resolve("m"), "--config", config.toString())), err);
        JsonNode device = new ObjectMapper().readTree(dir.resolve("m/mapping.json").toFile()).get("device");
        assertEquals(0.1, device.get("stuck_off").asDouble());
        assertEquals(9, device.get("seed").asLong());
    }
}
