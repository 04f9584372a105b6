// NetworkDevicesTest: device variability (stuck cells, programming noise, drift, seed) and nonlinear sinh cells in xbar network equal xbar nf layer by layer, bit for bit.
package io.xbar.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkDevicesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Programming noise, stuck-off cells and a day of drift with a spread of exponents, one seed. */
    private static final List<String> VARIABILITY = List.of("--program-noise", "0.05", "--stuck-off", "0.01",
            "--drift-time", "86400", "--drift-nu", "0.05", "--drift-nu-sigma", "0.01", "--seed", "7");
    private static final List<String> SINH = List.of("--cell-model", "sinh", "--v0", "0.2");

    @TempDir
    Path dir;

    /** Runs {@code xbar network} on {@code model} with {@code flags} (by default on local[2], one column block per task). */
    private JsonNode study(Path model, String name, List<String> flags) throws IOException {
        List<String> args = new ArrayList<>(List.of("network", "--model", model.toString(), "--out",
                dir.resolve(name).toString(), "--no-plots"));
        args.addAll(flags);
        if (!flags.contains("--master")) {
            args.addAll(List.of("--master", "local[2]", "--task-work", "0"));
        }
        Cli.Run r = Cli.run(args.toArray(new String[0]));
        assertEquals(0, r.status(), r.err());
        return JSON.readTree(dir.resolve(name).resolve("results.json").toFile());
    }

    /** {@code xbar nf} on layer {@code l} of {@code model} at the row's grid point with {@code flags}: its report. */
    private JsonNode nf(Path model, JsonNode row, List<String> flags, String name) throws IOException {
        int l = Integer.parseInt(row.get("layer").asText().substring("layer".length()));
        Path report = dir.resolve(name + ".json");
        String wire = row.get("r_wire").asText();
        List<String> args = new ArrayList<>(List.of("nf", "--weights", model.resolve("l" + l + "_w.npy").toString(),
                "--inputs", model.resolve("l" + l + "_x.npy").toString(), "--report", report.toString(), "--tile",
                row.get("tile_rows").asInt() + "x" + row.get("tile_cols").asInt(), "--r-wl", wire, "--r-bl", wire,
                "--mapping", row.get("mapping").asText()));
        args.addAll(flags);
        Cli.Run r = Cli.run(args.toArray(new String[0]));
        assertEquals(0, r.status(), r.err());
        return JSON.readTree(report.toFile());
    }

    /**
     * Every layer row equals {@code xbar nf} on that layer with the same flags, bit for bit, and
     * differs from {@code nf} without {@code without} (so those flags reached the tasks). Returns
     * the nf report of the last row.
     */
    private JsonNode everyLayerRowIsNf(Path model, JsonNode results, List<String> common, List<String> tested,
                                       int expectedRows, int splitLayer) throws IOException {
        List<String> all = new ArrayList<>(common);
        all.addAll(tested);
        int checked = 0;
        int split = 0;
        JsonNode last = null;
        for (JsonNode row : results.get("rows")) {
            if (row.get("layer").asText().equals("*")) {
                continue;
            }
            JsonNode expected = nf(model, row, all, "nf-" + checked);
            String label = row.toString();
            assertEquals(expected.get("nf").asDouble(), row.get("nf").asDouble(), 0.0, label);
            assertEquals(expected.get("mvm_rel_error").asDouble(), row.get("mvm_rel_error").asDouble(), 0.0, label);
            assertEquals(expected.get("nf_terms").asLong(), row.get("nf_terms").asLong(), label);
            assertEquals(expected.get("tiles").size(), row.get("tiles").asInt(), label);
            JsonNode plain = nf(model, row, common, "plain-" + checked);
            assertNotEquals(plain.get("nf").asDouble(), row.get("nf").asDouble(), label);
            assertNotEquals(plain.get("mvm_rel_error").asDouble(), row.get("mvm_rel_error").asDouble(), label);
            if (row.get("layer").asText().equals("layer" + splitLayer)) {
                assertTrue(row.get("tasks").asInt() > 1, label);
                split++;
            }
            last = expected;
            checked++;
        }
        assertEquals(expectedRows, checked);
        assertTrue(split > 0);
        return last;
    }

    @Test
    void deviceVariabilityFlowsToEveryTaskWithOneSeedForEveryLayer() throws IOException {
        Path model = Cli.model(dir.resolve("model"));
        List<String> common = List.of("--g-on", "1e-5", "--g-off", "1e-7");
        List<String> flags = new ArrayList<>(List.of("--tiles", "32x32", "--wires", "1,2.5", "--mappings",
                "naive,optimized"));
        flags.addAll(common);
        flags.addAll(VARIABILITY);
        JsonNode results = study(model, "variability", flags);
        // 3 layers x 4 points; the 40 x 33 layer runs as 17 tasks of one column block each.
        JsonNode report = everyLayerRowIsNf(model, results, common, VARIABILITY, 12, 2);
        // results.json records the programming as nf's report does, and the flags.
        JsonNode device = results.get("device");
        assertEquals(report.get("device"), device);
        assertEquals(0.05, device.get("program_noise").asDouble());
        assertEquals(0.01, device.get("stuck_off").asDouble());
        assertEquals(0.0, device.get("stuck_on").asDouble());
        assertEquals(86400.0, device.get("drift_time").asDouble());
        assertEquals(0.05, device.get("drift_nu").asDouble());
        assertEquals(0.01, device.get("drift_nu_sigma").asDouble());
        assertEquals(7, device.get("seed").asLong());
        assertEquals("linear", results.get("cell_model").asText());
        String recorded = results.get("flags").toString();
        assertTrue(recorded.contains("\"--seed\",\"7\""), recorded);
        assertTrue(recorded.contains("\"--drift-time\",\"86400\""), recorded);
    }

    @Test
    void sinhCellsEqualNfLayerByLayer() throws IOException {
        // Tiny: 2 layers of 40 x 6 weights, 2 vectors, 16x16 tiles (3 x 6 tiles a layer): every cycle is a Newton solve.
        Path model = Cli.model(dir.resolve("tiny"), new int[][] {{40, 6}, {40, 6}}, new int[] {2, 2});
        List<String> common = List.of();
        List<String> flags = new ArrayList<>(List.of("--tiles", "16x16", "--wires", "2.5", "--mappings",
                "naive,optimized"));
        flags.addAll(SINH);
        JsonNode results = study(model, "sinh", flags);
        everyLayerRowIsNf(model, results, common, SINH, 4, 1);
        assertEquals("sinh", results.get("cell_model").asText());
        assertEquals(0.2, results.get("v0").asDouble());
        // In process, with the default task size: the same rows.
        List<String> inProcess = new ArrayList<>(flags);
        inProcess.addAll(List.of("--master", "in-process", "--threads", "2"));
        JsonNode again = study(model, "sinh-in-process", inProcess);
        assertEquals(NetworkStudyTest.rows(results), NetworkStudyTest.rows(again));
    }
}
