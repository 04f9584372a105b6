// PicturesCommandTest: `xbar demo --quick` prints its table and writes decodable pictures; `--no-plots` writes none; sweep draws NF vs tile size.
package io.xbar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import io.xbar.io.Npy;
import io.xbar.mapping.TrainedLikeData;
import io.xbar.plot.Plots;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PicturesCommandTest {
    @TempDir
    Path dir;

    private static void decodes(Path png) throws IOException {
        assertTrue(Files.isRegularFile(png), png + " written");
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(Plots.WIDTH, image.getWidth(), png + " width");
        assertEquals(Plots.HEIGHT, image.getHeight(), png + " height");
    }

    @Test
    void quickDemoPrintsItsTableAndWritesItsPictures() throws IOException {
        Path out = dir.resolve("demo");
        CommandTesting.Run r = CommandTesting.run("demo", "--quick", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        String text = r.out();
        assertTrue(text.contains("exact solve:") && text.contains("scaled KCL residual"), text);
        assertTrue(text.contains("NF reduction vs naive") && text.contains("mvm_rel_error"), text);
        for (String mapping : new String[] {"naive", "mdm", "optimized"}) {
            assertTrue(text.lines().anyMatch(l -> l.trim().startsWith(mapping + " ")), "table row for " + mapping + ":\n" + text);
        }
        Path ir = out.resolve("ir-drop-tile.png");
        Path nf = out.resolve("column-nf.png");
        decodes(ir);
        decodes(nf);
        assertTrue(text.contains(ir.toString()) && text.contains(nf.toString()), "says where the pictures are:\n" + text);
        try (var files = Files.list(out)) {
            assertEquals(2, files.count(), "only the two pictures, no temporary files");
        }
    }

    @Test
    void noPlotsWritesNoPicture() {
        Path out = dir.resolve("none");
        CommandTesting.Run r = CommandTesting.run("demo", "--quick", "--no-plots", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("optimized"), r.out());
        assertFalse(Files.exists(out), "--no-plots creates nothing");
        assertFalse(r.out().contains(".png"), r.out());
    }

    @Test
    void demoMapsOnBothDevicesAndItsWhyLineMatchesItsTables() throws IOException {
        CommandTesting.Run r = CommandTesting.run("demo", "--quick", "--no-plots");
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        int defaults = indexOf(lines, "(10 kOhm cells)");
        int low = indexOf(lines, "(100 kOhm cells)");
        assertTrue(defaults >= 0 && low > defaults, "both devices, default first:\n" + r.out());
        // Each table: a header, then naive, mdm, optimized with NF in the third column.
        double[] nfDefault = tableNf(lines, defaults);
        double[] nfLow = tableNf(lines, low);
        List<String> why = lines.stream().filter(l -> l.trim().startsWith("why they differ:")).toList();
        assertEquals(1, why.size(), r.out());
        String line = why.get(0);
        assertTrue(nfLow[0] < nfDefault[0], "100 kOhm cells lose less:\n" + r.out());
        assertTrue(line.contains(String.format(java.util.Locale.ROOT, "naive NF falls from %.3f to %.3f", nfDefault[0], nfLow[0])),
                line);
        // The reductions it quotes are the tables' "NF reduction vs naive" of optimized.
        String reductionDefault = lines.get(defaults + 4).trim().split("\\s+")[4];
        String reductionLow = lines.get(low + 4).trim().split("\\s+")[4];
        assertTrue(line.contains("optimized cuts NF by " + reductionLow + " at 100 kOhm vs " + reductionDefault + " at 10 kOhm"),
                line);
        assertEquals(nfLow[2] / nfLow[0] < nfDefault[2] / nfDefault[0], line.contains("placement matters more"), line);
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    private static double[] tableNf(List<String> lines, int deviceLine) {
        double[] nf = new double[3];
        String[] names = {"naive", "mdm", "optimized"};
        for (int p = 0; p < 3; p++) {
            String[] cells = lines.get(deviceLine + 2 + p).trim().split("\\s+");
            assertEquals(names[p], cells[0], lines.get(deviceLine + 2 + p));
            nf[p] = Double.parseDouble(cells[2]);
        }
        return nf;
    }

    @Test
    void demoMistakesAreOneLine() throws IOException {
        CommandTesting.refused(null, List.of("--layer", "'12'"), "demo", "--quick", "--layer", "12");
        CommandTesting.refused(null, List.of("--batch", "0"), "demo", "--quick", "--batch", "0");
        CommandTesting.refused(null, List.of("--size", "8"), "demo", "--size", "8");
        Path file = Files.writeString(dir.resolve("file"), "x");
        CommandTesting.refused(null, List.of("--out", "not a directory"), "demo", "--quick", "--out", file.toString());
    }

    @Test
    void sweepDrawsNfVsTileSizeUnlessToldNotTo() throws IOException {
        Path w = dir.resolve("w.npy");
        Path x = dir.resolve("x.npy");
        Npy.write(w, TrainedLikeData.weights(40, 4, 1), 40, 4);
        Npy.write(x, TrainedLikeData.activations(3, 40, 2), 3, 40);
        Path out = dir.resolve("sweep");
        CommandTesting.Run r = CommandTesting.run("sweep", "--weights", w.toString(), "--inputs", x.toString(), "--out",
                out.toString(), "--tiles", "16,32", "--wires", "2.5", "--mappings", "naive,optimized");
        assertEquals(0, r.status(), r.err());
        decodes(out.resolve("sweep-nf.png"));
        assertTrue(r.out().contains("sweep-nf.png"), r.out());

        Path quiet = dir.resolve("sweep2");
        r = CommandTesting.run("sweep", "--weights", w.toString(), "--inputs", x.toString(), "--out", quiet.toString(),
                "--tiles", "16", "--wires", "1,2.5", "--mappings", "naive", "--no-plots");
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.isRegularFile(quiet.resolve("sweep.csv")));
        assertFalse(Files.exists(quiet.resolve("sweep-nf.png")), "--no-plots writes no picture");
    }
}
