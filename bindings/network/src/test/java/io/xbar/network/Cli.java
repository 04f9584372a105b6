// Cli: runs `xbar ...` in process for the tests and keeps what it printed; writes small model directories.
package io.xbar.network;

import io.xbar.cli.Main;
import io.xbar.io.Npy;
import io.xbar.mapping.TrainedLikeData;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

final class Cli {
    record Run(int status, String out, String err) {
    }

    private Cli() {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.run(args, o, e);
        }
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * A model of three small trained-like layers (K x N_out, B input vectors each), among them one
     * whose 128x128 tiles are above the kernel's threading size and one with several column blocks.
     */
    static Path model(Path dir) throws IOException {
        return model(dir, new int[][] {{70, 5}, {300, 20}, {40, 33}}, new int[] {3, 2, 4});
    }

    /** A model of trained-like layers {@code layer0, layer1, ...}: {@code shapes[l]} is {@code K x N_out}, {@code batches[l]} vectors. */
    static Path model(Path dir, int[][] shapes, int[] batches) throws IOException {
        Files.createDirectories(dir);
        StringBuilder json = new StringBuilder("{\"layers\": [");
        for (int l = 0; l < shapes.length; l++) {
            int k = shapes[l][0];
            int n = shapes[l][1];
            Npy.write(dir.resolve("l" + l + "_w.npy"), TrainedLikeData.weights(k, n, 10 + l), k, n);
            Npy.write(dir.resolve("l" + l + "_x.npy"), TrainedLikeData.activations(batches[l], k, 20 + l), batches[l], k);
            json.append(l == 0 ? "" : ", ").append("{\"name\": \"layer").append(l).append("\", \"weights\": \"l").append(l)
                    .append("_w.npy\", \"inputs\": \"l").append(l).append("_x.npy\"}");
        }
        Files.writeString(dir.resolve("model.json"), json.append("]}").toString());
        return dir;
    }

    /** The grid the tests run: 2 tile sizes x 2 wires x 2 mappings, the device at the non-saturated point. */
    static final String[] GRID = {"--tiles", "32x32,128x128", "--wires", "1,2.5", "--mappings", "naive,optimized",
        "--g-on", "1e-5", "--g-off", "1e-7"};
}
