// PlotsTest: the pictures decode at the stated size and show their data's colours; IR-drop data agree with independent sums.
package io.xbar.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import javax.imageio.ImageIO;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarSolver;
import io.xbar.kernel.Solution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {
    @TempDir
    Path dir;

    private static BufferedImage decode(Path png) throws IOException {
        assertTrue(Files.isRegularFile(png), png + " written");
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(Plots.WIDTH, image.getWidth());
        assertEquals(Plots.HEIGHT, image.getHeight());
        return image;
    }

    /** Whether some pixel is within {@code tolerance} per channel of {@code c}. */
    private static boolean contains(BufferedImage image, Color c, int tolerance) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                if (Math.abs(((p >> 16) & 0xFF) - c.getRed()) <= tolerance && Math.abs(((p >> 8) & 0xFF) - c.getGreen()) <= tolerance
                        && Math.abs((p & 0xFF) - c.getBlue()) <= tolerance) {
                    return true;
                }
            }
        }
        return false;
    }

    private void noTemporaryFiles() throws IOException {
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    @Test
    void irDropMapShowsTheColoursOfItsRange() throws IOException {
        int rows = 12;
        int cols = 20;
        double[] rel = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                rel[i * cols + j] = i == 3 ? Double.NaN : 1 - 0.5 * j / (cols - 1.0);
            }
        }
        Path png = dir.resolve("ir.png");
        Plots.irDropMap(png, rows, cols, rel, "test map");
        BufferedImage image = decode(png);
        Plots.ColourScale scale = new Plots.ColourScale(0.5, 1.0);
        assertTrue(contains(image, (Color) scale.getPaint(1.0), 2), "ideal colour drawn");
        assertTrue(contains(image, (Color) scale.getPaint(0.5), 2), "most-drop colour drawn");
        assertTrue(contains(image, Color.LIGHT_GRAY, 0), "undriven row drawn grey");
        noTemporaryFiles();
    }

    @Test
    void colourScaleRunsFromDarkToBright() {
        Plots.ColourScale scale = new Plots.ColourScale(0, 1);
        Color low = (Color) scale.getPaint(0);
        Color high = (Color) scale.getPaint(1);
        Color mid = (Color) scale.getPaint(0.5);
        assertEquals(new Color(0x440154), low);
        assertEquals(new Color(0xFDE725), high);
        assertEquals(low, scale.getPaint(-3)); // clamped
        assertTrue(brightness(low) < brightness(mid) && brightness(mid) < brightness(high));
        assertEquals(Color.LIGHT_GRAY, scale.getPaint(Double.NaN));
    }

    private static double brightness(Color c) {
        return 0.2126 * c.getRed() + 0.7152 * c.getGreen() + 0.0722 * c.getBlue();
    }

    @Test
    void columnNfAndSweepDrawTheirLines() throws IOException {
        Map<String, double[]> nf = new LinkedHashMap<>();
        nf.put("naive", new double[] {0.1, 0.2, 0.3, Double.NaN, 0.25});
        nf.put("mdm", new double[] {0.05, 0.1, 0.2, 0.2, 0.2});
        Path png = dir.resolve("nf.png");
        Plots.columnNf(png, nf, "per-column test");
        BufferedImage image = decode(png);
        assertTrue(contains(image, new Color(0xD62728), 0), "first series colour");
        assertTrue(contains(image, new Color(0x1F77B4), 0), "second series colour");

        Path sweep = dir.resolve("sweep.png");
        Plots.sweepNf(sweep, List.of(new Plots.SweepPoint("32x32", "naive", 0.1), new Plots.SweepPoint("64x64", "naive", 0.2),
                new Plots.SweepPoint("32x32", "mdm", 0.08), new Plots.SweepPoint("64x64", "mdm", 0.15)), "sweep test");
        BufferedImage s = decode(sweep);
        assertTrue(contains(s, new Color(0xD62728), 0) && contains(s, new Color(0x1F77B4), 0));
        noTemporaryFiles();
    }

    @Test
    void badDataIsNamed() {
        Path png = dir.resolve("bad.png");
        var e = assertThrows(IllegalArgumentException.class, () -> Plots.irDropMap(png, 2, 3, new double[5], "t"));
        assertTrue(e.getMessage().contains("2x3 needs 6 values, got 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Plots.irDropMap(png, 1, 2, new double[] {Double.NaN, Double.NaN}, "t"));
        assertTrue(e.getMessage().contains("no driven row"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Plots.columnNf(png,
                Map.of("a", new double[3], "b", new double[4]), "t"));
        assertTrue(e.getMessage().contains("columns"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Plots.sweepNf(png, List.of(), "t"));
        assertTrue(e.getMessage().contains("no points"), e.getMessage());
        Path nowhere = dir.resolve("missing").resolve("x.png");
        e = assertThrows(IllegalArgumentException.class, () -> Plots.irDropMap(nowhere, 1, 1, new double[] {1}, "t"));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertFalse(Files.exists(png));
    }

    @Test
    void relativeCellVoltagesCarryTheColumnCurrents() {
        int rows = 24;
        int cols = 17;
        SplittableRandom random = new SplittableRandom(7);
        double[] g = new double[rows * cols];
        for (int k = 0; k < g.length; k++) {
            g[k] = 1e-6 + (1e-4 - 1e-6) * random.nextDouble();
        }
        double[] v = new double[rows];
        for (int i = 0; i < rows; i++) {
            v[i] = 0.01 + 0.19 * random.nextDouble();
        }
        Circuit circuit = Circuit.DEFAULT.withWires(10);
        double[] rel = IrDrop.relativeCellVoltage(rows, cols, circuit, g, v);
        Solution s = CrossbarSolver.create(rows, cols, circuit).program(g).solve(v);
        // Sense at the bottom with r_sense = 0: the bit-line current into the amplifier is the sum of its cells' currents.
        for (int j = 0; j < cols; j++) {
            double sum = 0;
            for (int i = 0; i < rows; i++) {
                double r = rel[i * cols + j];
                assertTrue(r > 0 && r <= 1 + 1e-12, "cell (" + i + "," + j + ") between 0 and its input: " + r);
                sum += g[i * cols + j] * r * v[i];
            }
            assertEquals(s.currents()[j], sum, 1e-9 * Math.abs(s.currents()[j]), "column " + j);
            if (j > 0) {
                assertTrue(rel[j] < 1 - 1e-3, "top row, away from the driver, loses voltage: " + rel[j]);
            }
        }
        v[5] = 0;
        double[] withIdleRow = IrDrop.relativeCellVoltage(rows, cols, circuit, g, v);
        for (int j = 0; j < cols; j++) {
            assertTrue(Double.isNaN(withIdleRow[5 * cols + j]), "a row at 0 V has no ideal: NaN");
            assertFalse(Double.isNaN(withIdleRow[4 * cols + j]));
        }
        double[] ideal = IrDrop.relativeCellVoltage(rows, cols, Circuit.IDEAL, g, v);
        for (int k = 0; k < ideal.length; k++) {
            assertEquals(k / cols == 5 ? Double.NaN : 1.0, ideal[k], 1e-9);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> IrDrop.relativeCellVoltage(rows, cols, circuit, g, new double[3]));
        assertTrue(e.getMessage().contains("24 word lines need 24 input voltages, got 3"), e.getMessage());
    }
}
