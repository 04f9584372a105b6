// NetworkStudyTest: xbar network on an embedded local Spark equals xbar nf layer by layer, bit for bit, also in pieces, in process and after task failures.
package io.xbar.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkStudyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static Path model;
    /** The study on local[2], one column block per task (the most pieces to combine). */
    static JsonNode local;

    @BeforeAll
    static void runLocal() throws IOException {
        model = Cli.model(dir.resolve("model"));
        local = study("local", "--master", "local[2]", "--task-work", "0");
    }

    static JsonNode study(String name, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("network", "--model", model.toString(), "--out",
                dir.resolve(name).toString()));
        args.addAll(List.of(Cli.GRID));
        args.addAll(List.of(extra));
        Cli.Run r = Cli.run(args.toArray(new String[0]));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("network study: 3 layers x 8 grid points"), r.out());
        assertTrue(Files.size(dir.resolve(name).resolve("network-nf.png")) > 1000);
        return JSON.readTree(dir.resolve(name).resolve("results.json").toFile());
    }

    /** The rows without their timings. */
    static List<JsonNode> rows(JsonNode results) {
        List<JsonNode> rows = new ArrayList<>();
        for (JsonNode r : results.get("rows")) {
            ObjectNode copy = ((ObjectNode) r).deepCopy();
            copy.remove("seconds");
            copy.remove("tasks");
            rows.add(copy);
        }
        return rows;
    }

    @Test
    void everyLayerRowEqualsXbarNfExactly() throws IOException {
        int checked = 0;
        for (JsonNode row : local.get("rows")) {
            String layer = row.get("layer").asText();
            if (layer.equals("*")) {
                continue;
            }
            int l = Integer.parseInt(layer.substring("layer".length()));
            Path report = dir.resolve("nf-" + checked + ".json");
            String wire = row.get("r_wire").asText();
            Cli.Run nf = Cli.run("nf", "--weights", model.resolve("l" + l + "_w.npy").toString(), "--inputs",
                    model.resolve("l" + l + "_x.npy").toString(), "--report", report.toString(), "--tile",
                    row.get("tile_rows").asInt() + "x" + row.get("tile_cols").asInt(), "--r-wl", wire, "--r-bl", wire,
                    "--mapping", row.get("mapping").asText(), "--g-on", "1e-5", "--g-off", "1e-7");
            assertEquals(0, nf.status(), nf.err());
            JsonNode expected = JSON.readTree(report.toFile());
            String label = row.toString();
            assertEquals(expected.get("nf").asDouble(), row.get("nf").asDouble(), 0.0, label);
            assertEquals(expected.get("mvm_rel_error").asDouble(), row.get("mvm_rel_error").asDouble(), 0.0, label);
            assertEquals(expected.get("nf_terms").asLong(), row.get("nf_terms").asLong(), label);
            assertEquals(expected.get("tiles").size(), row.get("tiles").asInt(), label);
            checked++;
        }
        assertEquals(24, checked);
    }

    @Test
    void networkRowIsTheMeanOfAllTermsOfAllLayers() {
        JsonNode rows = local.get("rows");
        assertEquals(32, rows.size());
        for (int p = 0; p < 8; p++) {
            double sum = 0;
            long terms = 0;
            int tiles = 0;
            for (int l = 0; l < 3; l++) {
                JsonNode r = rows.get(4 * p + l);
                sum += r.get("nf").asDouble() * r.get("nf_terms").asLong();
                terms += r.get("nf_terms").asLong();
                tiles += r.get("tiles").asInt();
            }
            JsonNode network = rows.get(4 * p + 3);
            assertEquals("*", network.get("layer").asText());
            assertEquals(terms, network.get("nf_terms").asLong());
            assertEquals(tiles, network.get("tiles").asInt());
            assertEquals(sum / terms, network.get("nf").asDouble(), 1e-12 * sum / terms);
            // The layers' errors bracket the network's (a mean over outputs of all layers, by norm).
            double lo = Double.MAX_VALUE;
            double hi = 0;
            for (int l = 0; l < 3; l++) {
                lo = Math.min(lo, rows.get(4 * p + l).get("mvm_rel_error").asDouble());
                hi = Math.max(hi, rows.get(4 * p + l).get("mvm_rel_error").asDouble());
            }
            double e = network.get("mvm_rel_error").asDouble();
            assertTrue(e >= lo && e <= hi, e + " not in [" + lo + ", " + hi + "]");
        }
        // The grid order: tiles, then wires, then mappings.
        assertEquals("naive", rows.get(0).get("mapping").asText());
        assertEquals("optimized", rows.get(4).get("mapping").asText());
        assertEquals(2.5, rows.get(8).get("r_wire").asDouble());
        assertEquals(128, rows.get(16).get("tile_rows").asInt());
        // Split into tasks: the 40 x 33 layer has 33 outputs, 2 per 32-wide tile: 17 column blocks, 17 tasks.
        assertEquals(17, rows.get(2).get("tasks").asInt());
    }

    @Test
    void inProcessAndCoarseTasksGiveTheSameRows() throws IOException {
        JsonNode inProcess = study("in-process", "--master", "in-process", "--threads", "2");
        assertEquals(rows(local), rows(inProcess));
        JsonNode coarse = study("coarse", "--master", "local[2]");
        assertEquals(rows(local), rows(coarse));
        assertEquals(1, coarse.get("rows").get(2).get("tasks").asInt());
        String csv = Files.readString(dir.resolve("coarse").resolve("results.csv"));
        assertTrue(csv.startsWith("layer,tile_rows,tile_cols,r_wire,mapping,nf,mvm_rel_error,tiles,seconds,"), csv);
        assertEquals(33, csv.lines().count());
        // The CSV holds every digit: the same numbers as the JSON.
        String[] first = csv.lines().skip(1).findFirst().orElseThrow().split(",");
        assertEquals(coarse.get("rows").get(0).get("nf").asDouble(), Double.parseDouble(first[5]), 0.0);
    }

    @Test
    void failedTasksAreRetriedBySparkWithTheSameResult() throws IOException {
        System.setProperty(SparkRunner.FAIL_FIRST_ATTEMPT, "true");
        try {
            JsonNode retried = study("retried", "--master", "local[2]", "--task-work", "0");
            assertEquals(rows(local), rows(retried));
        } finally {
            System.clearProperty(SparkRunner.FAIL_FIRST_ATTEMPT);
        }
        // With a single attempt per task the injected failure ends the study: one line, exit 1, no output directory.
        System.setProperty(SparkRunner.FAIL_FIRST_ATTEMPT, "true");
        try {
            Path out = dir.resolve("failed");
            List<String> args = new ArrayList<>(List.of("network", "--model", model.toString(), "--out", out.toString(),
                    "--master", "local[1,1]"));
            args.addAll(List.of(Cli.GRID));
            Cli.Run r = Cli.run(args.toArray(new String[0]));
            assertEquals(1, r.status(), r.err());
            assertTrue(r.err().startsWith("xbar network: the study failed on local[1,1]: "), r.err());
            assertTrue(r.err().contains("injected failure"), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(Files.notExists(out));
        } finally {
            System.clearProperty(SparkRunner.FAIL_FIRST_ATTEMPT);
        }
    }
}
