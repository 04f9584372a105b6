// NetworkErrorsTest: every user mistake of xbar network is exit 2 and one line naming the problem, before any output appears.
package io.xbar.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xbar.io.Npy;
import io.xbar.mapping.TrainedLikeData;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkErrorsTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void model() throws IOException {
        model = Cli.model(dir.resolve("model"));
    }

    /** Runs {@code xbar network --model M --out OUT extra...}: exit 2, one line with every mention, no OUT. */
    private static String refused(Path modelDir, List<String> mentions, String... extra) {
        Path out = dir.resolve("out");
        List<String> args = new ArrayList<>(List.of("network", "--model", modelDir.toString(), "--out", out.toString()));
        args.addAll(List.of(extra));
        if (!args.contains("--tiles")) {
            args.addAll(List.of("--tiles", "32"));
        }
        if (!args.contains("--master")) {
            args.addAll(List.of("--master", "in-process"));
        }
        Cli.Run r = Cli.run(args.toArray(new String[0]));
        assertEquals(2, r.status(), r.err() + r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("xbar network: "), r.err());
        for (String m : mentions) {
            assertTrue(r.err().contains(m), "'" + m + "' not in: " + r.err());
        }
        assertTrue(Files.notExists(out), "an output directory was left behind");
        return r.err();
    }

    private static Path modelWith(String name, String json) throws IOException {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        for (String f : new String[] {"l0_w.npy", "l0_x.npy", "l1_w.npy", "l1_x.npy"}) {
            Files.copy(model.resolve(f), d.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (json != null) {
            Files.writeString(d.resolve("model.json"), json);
        }
        return d;
    }

    @Test
    void missingModelDirectoryOrFile() throws IOException {
        refused(dir.resolve("nowhere"), List.of("--model", "nowhere", "no such directory"));
        Path empty = modelWith("nomodel", null);
        refused(empty, List.of("model.json does not exist"));
    }

    @Test
    void malformedModelJson() throws IOException {
        refused(modelWith("bad1", "{\"layers\": [{\"name\": \"a\", "), List.of("model.json is not valid JSON", "line 1"));
        refused(modelWith("bad2", "[1, 2]"), List.of("model.json must hold a JSON object"));
        refused(modelWith("bad3", "{\"layer\": []}"), List.of("no \"layers\" array"));
        refused(modelWith("bad4", "{\"layers\": []}"), List.of("model.json lists no layers"));
        refused(modelWith("bad5", "{\"layers\": [{\"name\": \"a\", \"weights\": \"l0_w.npy\"}]}"),
                List.of("layer 0 ('a')", "\"inputs\" must be a non-empty string"));
        refused(modelWith("bad6", "{\"layers\": [{\"name\": \"a\", \"weights\": \"l0_w.npy\", \"inputs\": \"l0_x.npy\"},"
                + " {\"name\": \"a\", \"weights\": \"l1_w.npy\", \"inputs\": \"l1_x.npy\"}]}"), List.of("the name is used twice"));
        refused(modelWith("bad7", "{\"layers\": [{\"name\": \"a\", \"weights\": \"l0_w.npy\", \"inputs\": \"l0_x.npy\","
                + " \"input\": 3}]}"), List.of("unknown key 'input'"));
        refused(modelWith("bad8", "{\"layers\": [{\"name\": \"a\", \"weights\": \"missing.npy\", \"inputs\": \"l0_x.npy\"}]}"),
                List.of("layer 'a'", "missing.npy"));
    }

    @Test
    void weightsAndInputsThatDisagreeInShape() throws IOException {
        // l0 is 70 x 5, l1's inputs have 300 values per vector.
        String e = refused(modelWith("mismatch", "{\"layers\": [{\"name\": \"conv1\", \"weights\": \"l0_w.npy\","
                + " \"inputs\": \"l1_x.npy\"}]}"), List.of("layer 'conv1'", "l1_x.npy", "(2, 300)", "70"));
        assertTrue(!e.contains("--inputs"), e);
        Path d = modelWith("rank", "{\"layers\": [{\"name\": \"v\", \"weights\": \"v_w.npy\", \"inputs\": \"l0_x.npy\"}]}");
        Npy.write(d.resolve("v_w.npy"), TrainedLikeData.weights(70, 1, 1), 70);
        refused(d, List.of("layer 'v'", "v_w.npy", "K x N_out"));
    }

    @Test
    void emptyGridsAndBadGridValues() {
        refused(model, List.of("--tiles", "the grid has no point"), "--tiles", " , ");
        refused(model, List.of("--mappings", "the grid has no point"), "--mappings", "");
        refused(model, List.of("--wires", "the grid has no point"), "--wires", ",");
        refused(model, List.of("--wires", "'-1'"), "--wires", "1,-1");
        refused(model, List.of("--mappings"), "--mappings", "naive,best");
        refused(model, List.of("--task-work"), "--task-work", "-1");
        refused(model, List.of("unknown flag --tile-size"), "--tile-size", "3");
        refused(model, List.of("--g-on"), "--g-on", "1e-7", "--g-off", "1e-6");
        // Cell-model flags are checked as nf checks them, before any task runs.
        refused(model, List.of("--cell-model", "'tanh'"), "--cell-model", "tanh");
        refused(model, List.of("--v0", "sinh only"), "--v0", "0.3");
        refused(model, List.of("--v0", "must be a voltage"), "--cell-model", "sinh", "--v0", "0");
        refused(model, List.of("--r-access", "--cell-model sinh"), "--cell-model", "sinh", "--r-access", "100");
        refused(model, List.of("--v-read", "--v0"), "--cell-model", "sinh", "--v0", "0.001", "--v-read", "0.2");
        // Device-variability flags too.
        refused(model, List.of("--stuck-on"), "--stuck-on", "0.7", "--stuck-off", "0.4");
        refused(model, List.of("--seed"), "--seed", "1.5");
    }

    @Test
    void badOrUnreachableMaster() throws IOException {
        refused(model, List.of("--master must be", "'yarn'"), "--master", "yarn");
        refused(model, List.of("--master", "spark://nohost", "HOST:PORT"), "--master", "spark://nohost");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free once closed: nothing listens there
        }
        long start = System.nanoTime();
        refused(model, List.of("--master spark://127.0.0.1:" + port, "cannot reach the Spark master"), "--master",
                "spark://127.0.0.1:" + port);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 30, "took " + seconds + " s");
    }

    @Test
    void outputDirectoryProblemsAreNamedBeforeAnyWork() throws IOException {
        Path file = dir.resolve("afile");
        Files.writeString(file, "x");
        Cli.Run r = Cli.run("network", "--model", model.toString(), "--out", file.toString(), "--master", "in-process");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("exists and is not a directory"), r.err());
        Cli.Run missing = Cli.run("network", "--model", model.toString(), "--master", "in-process");
        assertEquals(2, missing.status());
        assertEquals("xbar network: missing --out", missing.err().strip());
    }

    @Test
    void helpListsTheFlagsAndTheCommandIsListed() {
        Cli.Run help = Cli.run("network", "--help");
        assertEquals(0, help.status());
        for (String flag : new String[] {"--model", "--tiles", "--wires", "--mappings", "--master", "--g-on", "--r-wl",
            "--weight-bits", "generate"}) {
            assertTrue(help.out().contains(flag), flag);
        }
        assertTrue(Cli.run("help").out().contains("network"));
    }

    @Test
    void generatorWritesResNet18ShapedLayers() throws IOException {
        Path out = dir.resolve("resnet");
        Cli.Run r = Cli.run("network", "generate", "--out", out.toString(), "--layers", "conv1,fc,layer4.0.downsample",
                "--batch", "2", "--seed", "3");
        assertEquals(0, r.status(), r.err());
        assertEquals(147, Npy.read(out.resolve("conv1_w.npy")).dim(0));
        assertEquals(1000, Npy.read(out.resolve("fc_w.npy")).dim(1));
        assertEquals(256, Npy.read(out.resolve("layer4.0.downsample_x.npy")).dim(1));
        assertEquals(2, Npy.read(out.resolve("fc_x.npy")).dim(0));
        assertTrue(Files.readString(out.resolve("model.json")).contains("\"layer4.0.downsample\""));
        Cli.Run bad = Cli.run("network", "generate", "--out", dir.resolve("g2").toString(), "--layers", "conv9");
        assertEquals(2, bad.status());
        assertTrue(bad.err().startsWith("xbar network: --layers: 'conv9' is not a ResNet-18 layer"), bad.err());
        assertTrue(Files.notExists(dir.resolve("g2")));
    }
}
