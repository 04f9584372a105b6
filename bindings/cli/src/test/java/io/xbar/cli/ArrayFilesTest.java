// ArrayFilesTest: the shape, value and file checks every command applies to its .npy arguments.
package io.xbar.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xbar.io.NdArray;
import io.xbar.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

class ArrayFilesTest {
    @TempDir
    Path dir;

    private Path save(String name, NdArray a) throws IOException {
        Path p = dir.resolve(name);
        Npy.write(p, a);
        return p;
    }

    private static Flags flags(String... args) {
        return Flags.parse(args, Set.of("conductances", "inputs", "out"), Set.of());
    }

    private static String fails(Executable e) {
        UsageException u = assertThrows(UsageException.class, e);
        assertFalse(u.getMessage().contains("\n"), u.getMessage());
        return u.getMessage();
    }

    @Test
    void readsConductancesAndVectors() throws IOException {
        Path g = save("g.npy", NdArray.matrix(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
        Path v = save("v.npy", NdArray.vector(new double[] {0.1, -0.2}));
        Path b = save("b.npy", NdArray.matrix(new double[] {1, 2, 3, 4, 5, 6}, 3, 2));
        Path e = save("e.npy", NdArray.of(new double[0], false, 0, 2));
        ArrayFiles.Conductances c = ArrayFiles.conductances(flags("--conductances", g.toString()), "conductances");
        assertEquals(2, c.rows());
        assertEquals(3, c.cols());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, c.values());
        ArrayFiles.Vectors one = ArrayFiles.vectors(flags("--inputs", v.toString()), "inputs", 2, c.describe(), "");
        assertEquals(1, one.batch());
        assertArrayEquals(new int[] {3}, one.outputShape(3));
        ArrayFiles.Vectors three = ArrayFiles.vectors(flags("--inputs", b.toString()), "inputs", 2, c.describe(), "");
        assertEquals(3, three.batch());
        assertArrayEquals(new int[] {3, 5}, three.outputShape(5));
        ArrayFiles.Vectors none = ArrayFiles.vectors(flags("--inputs", e.toString()), "inputs", 2, c.describe(), "");
        assertEquals(0, none.batch());
        assertArrayEquals(new int[] {0, 3}, none.outputShape(3));
    }

    @Test
    void conductanceProblemsNameFileShapeAndIndex() throws IOException {
        Path vec = save("vec.npy", NdArray.vector(new double[] {1, 2}));
        assertTrue(fails(() -> ArrayFiles.conductances(flags("--conductances", vec.toString()), "conductances"))
                .equals("--conductances " + vec + " has shape (2,); conductances must be a 2-D M x N matrix"
                        + " (rows = word lines, columns = bit lines)"));
        Path empty = save("empty.npy", NdArray.of(new double[0], false, 0, 3));
        assertTrue(fails(() -> ArrayFiles.conductances(flags("--conductances", empty.toString()), "conductances"))
                .contains("(0, 3)"));
        for (double bad : new double[] {Double.NaN, -1e-6, Double.POSITIVE_INFINITY}) {
            Path p = save("bad.npy", NdArray.matrix(new double[] {1, 2, 3, 4, bad, 6}, 2, 3));
            String m = fails(() -> ArrayFiles.conductances(flags("--conductances", p.toString()), "conductances"));
            assertTrue(m.contains(p.toString()) && m.contains("[1, 1]") && m.contains("flat index 4")
                    && m.contains(Double.toString(bad)), m);
        }
        Path missing = dir.resolve("missing.npy");
        assertEquals("--conductances " + missing + ": no such file",
                fails(() -> ArrayFiles.conductances(flags("--conductances", missing.toString()), "conductances")));
        Path text = dir.resolve("text.npy");
        Files.writeString(text, "not numpy");
        assertTrue(fails(() -> ArrayFiles.conductances(flags("--conductances", text.toString()), "conductances"))
                .startsWith("--conductances " + text + ": not a .npy file"));
        assertEquals("missing --conductances", fails(() -> ArrayFiles.conductances(flags(), "conductances")));
    }

    @Test
    void vectorProblemsNameBothShapesAndFiles() throws IOException {
        Path g = save("g.npy", NdArray.matrix(new double[6], 2, 3));
        ArrayFiles.Conductances c = ArrayFiles.conductances(flags("--conductances", g.toString()), "conductances");
        Path v3 = save("v3.npy", NdArray.vector(new double[3]));
        String m = fails(() -> ArrayFiles.vectors(flags("--inputs", v3.toString()), "inputs", 2, c.describe(),
                "one voltage per row"));
        assertEquals("--inputs " + v3 + " has shape (3,) but --conductances " + g + " has shape (2, 3): the vector"
                + " needs 2 values, one voltage per row", m);
        Path b = save("b.npy", NdArray.matrix(new double[6], 2, 3));
        assertTrue(fails(() -> ArrayFiles.vectors(flags("--inputs", b.toString()), "inputs", 2, c.describe(), ""))
                .contains("(2, 3)"));
        Path nan = save("nan.npy", NdArray.matrix(new double[] {0, 1, 2, Double.NaN}, 2, 2));
        assertTrue(fails(() -> ArrayFiles.vectors(flags("--inputs", nan.toString()), "inputs", 2, c.describe(), ""))
                .equals("--inputs " + nan + ": value NaN at [1, 1] is not finite"));
    }

    @Test
    void outputsAreCheckedBeforeWork() throws IOException {
        Path nowhere = dir.resolve("nowhere/out.npy");
        assertTrue(fails(() -> ArrayFiles.output(flags("--out", nowhere.toString()), "out")).startsWith("--out: cannot write"));
        assertTrue(fails(() -> ArrayFiles.output(flags("--out", dir.toString()), "out")).contains("is a directory"));
        Path ok = dir.resolve("out.npy");
        assertEquals(ok, ArrayFiles.output(flags("--out", ok.toString()), "out"));
        assertFalse(Files.exists(ok), "checking creates nothing");
        ArrayFiles.write("out", ok, new double[] {1, 2}, 1, 2);
        assertEquals(NdArray.matrix(new double[] {1, 2}, 1, 2), Npy.read(ok));
    }
}
