// NpyTest: .npy reading and writing against byte-exact fixtures built here, and against numpy when it is installed.
package io.xbar.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    /** A .npy file of any version with a header string padded the way numpy pads it. */
    static byte[] npy(int major, String dict, byte[] data) {
        int lengthBytes = major == 1 ? 2 : 4;
        int unpadded = 8 + lengthBytes + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        byte[] h = header.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(8 + lengthBytes + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) h.length);
        } else {
            b.putInt(h.length);
        }
        return b.put(h).put(data).array();
    }

    static String dict(String descr, boolean fortran, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape
                + ", }";
    }

    /** Raw values of the given integer or float width, in the given byte order. */
    static byte[] raw(ByteOrder order, int size, boolean floating, double... values) {
        ByteBuffer b = ByteBuffer.allocate(size * values.length).order(order);
        for (double v : values) {
            switch (size) {
                case 1 -> b.put((byte) (long) v);
                case 2 -> b.putShort(floating ? Float.floatToFloat16((float) v) : (short) (long) v);
                case 4 -> {
                    if (floating) {
                        b.putFloat((float) v);
                    } else {
                        b.putInt((int) (long) v);
                    }
                }
                default -> {
                    if (floating) {
                        b.putDouble(v);
                    } else {
                        b.putLong((long) v);
                    }
                }
            }
        }
        return b.array();
    }

    private Path file(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private NdArray read(byte[] bytes) throws IOException {
        return Npy.read(file("a.npy", bytes));
    }

    private String error(byte[] bytes) throws IOException {
        Path p = file("bad.npy", bytes);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.read(p));
        assertTrue(e.getMessage().startsWith(p.toString() + ": "), "message names the file: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void writesExactlyWhatNumpyWrites() throws IOException {
        // Header bytes as numpy 2.x writes them for np.save(f, np.array([1.5, -2, 0.25])).
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
        byte[] expected = npy(1, dict, raw(ByteOrder.LITTLE_ENDIAN, 8, true, 1.5, -2, 0.25));
        assertEquals(128 + 24, expected.length);
        Path p = dir.resolve("v.npy");
        Npy.write(p, NdArray.vector(new double[] {1.5, -2, 0.25}));
        assertArrayEquals(expected, Files.readAllBytes(p));

        byte[] expected2 = npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
                raw(ByteOrder.LITTLE_ENDIAN, 8, true, 1, 2, 3, 4, 5, 6));
        Npy.write(p, NdArray.matrix(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
        assertArrayEquals(expected2, Files.readAllBytes(p));
        assertEquals(List.of(p), list(dir), "no temporary file left behind");
    }

    @Test
    void roundTripKeepsShapeAndBits() throws IOException {
        Random rnd = new Random(7);
        for (int[] shape : new int[][] {{1}, {17}, {0}, {3, 5}, {0, 4}, {4, 0}, {1, 1}, {300, 257}}) {
            int n = shape.length == 1 ? shape[0] : shape[0] * shape[1];
            double[] v = new double[n];
            for (int k = 0; k < n; k++) {
                v[k] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(40) - 20);
            }
            if (n > 3) {
                v[0] = Double.NaN;
                v[1] = Double.NEGATIVE_INFINITY;
                v[2] = -0.0;
                v[3] = Double.MIN_VALUE;
            }
            NdArray a = NdArray.of(v, false, shape);
            Path p = dir.resolve("r.npy");
            Npy.write(p, a);
            NdArray b = Npy.read(p);
            assertEquals(a, b);
            assertArrayEquals(shape, b.shape());
            assertFalse(b.integerTyped());
        }
    }

    @Test
    void readsEveryNumericDtypeInBothByteOrders() throws IOException {
        record Case(String code, int size, boolean floating, double[] values) {
        }
        List<Case> cases = List.of(
                new Case("f", 2, true, new double[] {1.5, -2, 65504, 0.0009765625}),
                new Case("f", 4, true, new double[] {1.5, -2.25, 3.4028234663852886E38, 1.401298464324817E-45}),
                new Case("f", 8, true, new double[] {1e-300, -7.125, Math.PI, Double.MAX_VALUE}),
                new Case("i", 1, false, new double[] {-128, 127, 0, -1}),
                new Case("i", 2, false, new double[] {-32768, 32767, 5, -300}),
                new Case("i", 4, false, new double[] {-2147483648, 2147483647, 70000, -1}),
                new Case("i", 8, false, new double[] {-(1L << 53), 1L << 53, 1L << 40, -5}),
                new Case("u", 1, false, new double[] {0, 255, 128, 1}),
                new Case("u", 2, false, new double[] {0, 65535, 40000, 7}),
                new Case("u", 4, false, new double[] {0, 4294967295.0, 3000000000.0, 9}),
                new Case("u", 8, false, new double[] {0, 1L << 53, 1L << 33, 11}));
        for (Case c : cases) {
            for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
                char endian = c.size() == 1 ? '|' : order == ByteOrder.BIG_ENDIAN ? '>' : '<';
                String descr = endian + c.code() + c.size();
                for (int version = 1; version <= 3; version++) {
                    NdArray a = read(npy(version, dict(descr, false, "(2, 2)"),
                            raw(order, c.size(), c.floating(), c.values())));
                    assertArrayEquals(c.values(), a.toArray(), descr + " v" + version);
                    assertArrayEquals(new int[] {2, 2}, a.shape());
                    assertEquals(!c.floating(), a.integerTyped(), descr);
                }
            }
        }
    }

    @Test
    void nativeOrderAndPython2Headers() throws IOException {
        byte[] data = raw(ByteOrder.nativeOrder(), 4, false, 1, 2, 3);
        assertArrayEquals(new double[] {1, 2, 3}, read(npy(1, dict("=i4", false, "(3,)"), data)).toArray());
        // numpy on Python 2 wrote long dimensions with an L suffix and no trailing comma in the dict.
        byte[] old = npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 1L)}",
                raw(ByteOrder.LITTLE_ENDIAN, 8, true, 4, 5));
        NdArray a = read(old);
        assertArrayEquals(new int[] {2, 1}, a.shape());
        assertArrayEquals(new double[] {4, 5}, a.toArray());
    }

    @Test
    void fortranOrderIsTransposedToCOrder() throws IOException {
        // The 2x3 matrix [[1, 2, 3], [4, 5, 6]] stored column by column.
        for (String descr : List.of("<f8", ">i4", "<f4")) {
            int size = Integer.parseInt(descr.substring(2));
            ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            NdArray a = read(npy(1, dict(descr, true, "(2, 3)"),
                    raw(order, size, descr.charAt(1) == 'f', 1, 4, 2, 5, 3, 6)));
            assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, a.toArray(), descr);
            assertEquals(6, a.get(1, 2));
        }
        // A Fortran-order matrix larger than one streaming chunk.
        int rows = 700;
        int cols = 450;
        double[] colMajor = new double[rows * cols];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                colMajor[j * rows + i] = i * 1000 + j;
            }
        }
        NdArray big = read(npy(1, dict("<f8", true, "(" + rows + ", " + cols + ")"),
                raw(ByteOrder.LITTLE_ENDIAN, 8, true, colMajor)));
        for (int i = 0; i < rows; i += 37) {
            for (int j = 0; j < cols; j += 29) {
                assertEquals(i * 1000 + j, big.get(i, j));
            }
        }
        assertEquals((rows - 1) * 1000 + cols - 1, big.get(rows - 1, cols - 1));
        // Rank 1 in Fortran order is the same as C order.
        assertArrayEquals(new double[] {1, 2}, read(npy(1, dict("<f8", true, "(2,)"),
                raw(ByteOrder.LITTLE_ENDIAN, 8, true, 1, 2))).toArray());
    }

    @Test
    void largeArraysStreamInChunksOfEveryDtype() throws IOException {
        int n = 300_001; // several chunks of every item size, and a ragged last chunk
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            v[k] = (k % 241) - 120;
        }
        for (String descr : List.of("<f8", ">f8", "<f4", "|i1", ">i2", "<u4", ">i8")) {
            int size = Integer.parseInt(descr.substring(2));
            ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            double[] values = descr.charAt(1) == 'u' ? Stream.of(v).flatMapToDouble(java.util.Arrays::stream)
                    .map(Math::abs).toArray() : v;
            NdArray a = read(npy(2, dict(descr, false, "(" + n + ",)"), raw(order, size, descr.charAt(1) == 'f', values)));
            assertArrayEquals(values, a.toArray(), descr);
        }
    }

    @Test
    void rejectsScalarsAndHigherRanksWithTheShape() throws IOException {
        byte[] eight = raw(ByteOrder.LITTLE_ENDIAN, 8, true, 1);
        assertTrue(error(npy(1, dict("<f8", false, "()"), eight)).contains("0-d"));
        String m = error(npy(1, dict("<f8", false, "(1, 1, 1)"), eight));
        assertTrue(m.contains("(1, 1, 1)") && m.contains("rank 3"), m);
    }

    @Test
    void rejectsMalformedFilesNamingTheProblem() throws IOException {
        byte[] two = raw(ByteOrder.LITTLE_ENDIAN, 8, true, 1, 2);
        String good = dict("<f8", false, "(2,)");
        assertTrue(error(new byte[0]).contains("not a .npy file"));
        assertTrue(error("hello world, this is text".getBytes(StandardCharsets.US_ASCII)).contains("bad magic"));
        assertTrue(error(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1}).contains("truncated header"));
        byte[] full = npy(1, good, two);
        assertTrue(error(java.util.Arrays.copyOf(full, 40)).contains("truncated header"));
        assertTrue(error(java.util.Arrays.copyOf(full, full.length - 3)).contains("truncated data"));
        String extra = error(npy(1, good, raw(ByteOrder.LITTLE_ENDIAN, 8, true, 1, 2, 3)));
        assertTrue(extra.contains("8 unexpected bytes"), extra);
        byte[] v9 = full.clone();
        v9[6] = 9;
        assertTrue(error(v9).contains("version 9.0"));
        assertTrue(error(npy(1, dict("<c16", false, "(1,)"), new byte[16])).contains("unsupported dtype '<c16'"));
        assertTrue(error(npy(1, dict("<U3", false, "(1,)"), new byte[12])).contains("unsupported dtype '<U3'"));
        assertTrue(error(npy(1, dict("|b1", false, "(1,)"), new byte[1])).contains("unsupported dtype '|b1'"));
        assertTrue(error(npy(1, dict("|O", false, "(1,)"), new byte[8])).contains("object arrays"));
        assertTrue(error(npy(1, "{'descr': [('a', '<f8'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }",
                new byte[12])).contains("structured dtype"));
        assertTrue(error(npy(1, "['<f8', False, (2,)]", two)).contains("header is not a dict"));
        assertTrue(error(npy(1, "{'descr': '<f8', 'shape': (2,), }", two)).contains("no 'fortran_order' key"));
        assertTrue(error(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}", two))
                .contains("unexpected key 'x'"));
        assertTrue(error(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,", two))
                .contains("malformed header"));
        assertTrue(error(npy(1, "{'descr': '<f8', 'fortran_order': 0, 'shape': (2,), }", two))
                .contains("fortran_order"));
        assertTrue(error(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }", two))
                .contains("bad dimension"));
        String big = error(npy(1, dict("<i8", false, "(2,)"), ByteBuffer.allocate(16)
                .order(ByteOrder.LITTLE_ENDIAN).putLong(1).putLong((1L << 53) + 1).array()));
        assertTrue(big.contains("9007199254740993") && big.contains("index 1"), big);
        String ubig = error(npy(1, dict("<u8", false, "(1,)"), new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}));
        assertTrue(ubig.contains("18446744073709551615"), ubig);
    }

    @Test
    void missingFilesAndDirectoriesAreNamed() {
        Path missing = dir.resolve("nope.npy");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.read(missing));
        assertEquals(missing + ": no such file", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Npy.read(dir));
        assertTrue(e.getMessage().contains("is a directory"));
    }

    @Test
    void failedWritesLeaveNothingBehind() throws IOException {
        Path inMissingDir = dir.resolve("no/such/dir/out.npy");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Npy.write(inMissingDir, NdArray.vector(new double[] {1})));
        assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains("out.npy"), e.getMessage());
        Path sub = Files.createDirectory(dir.resolve("sub.npy"));
        e = assertThrows(IllegalArgumentException.class, () -> Npy.write(sub, NdArray.vector(new double[] {1})));
        assertTrue(e.getMessage().contains("is a directory"));
        Path out = dir.resolve("out.npy");
        assertThrows(IllegalArgumentException.class, () -> Npy.write(out, new double[3], 2, 2));
        assertEquals(List.of(sub), list(dir));
        // Overwriting replaces the old file in one step.
        Npy.write(out, NdArray.vector(new double[] {1, 2, 3}));
        Npy.write(out, NdArray.vector(new double[] {4}));
        assertEquals(NdArray.vector(new double[] {4}), Npy.read(out));
        assertEquals(List.of(out, sub), list(dir));
    }

    @Test
    void writesHigherRanksForNodeVoltageStacks() throws IOException {
        Path p = dir.resolve("stack.npy");
        Npy.write(p, new double[24], 2, 3, 4);
        String header = new String(Files.readAllBytes(p), 10, 118, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3, 4), }"), header);
        assertEquals(128 + 24 * 8, Files.size(p));
    }

    @Test
    void ndArrayIsImmutableAndChecksItsShape() {
        double[] v = {1, 2, 3, 4};
        NdArray a = NdArray.matrix(v, 2, 2);
        v[0] = 99;
        assertEquals(1, a.get(0, 0));
        a.toArray()[1] = 99;
        assertEquals(2, a.get(1));
        int[] s = a.shape();
        s[0] = 7;
        assertEquals(2, a.dim(0));
        assertEquals("(2, 2)", a.shapeString());
        assertEquals("(4,)", NdArray.vector(v).shapeString());
        assertThrows(IllegalArgumentException.class, () -> NdArray.matrix(v, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> NdArray.of(new double[1], false));
        assertThrows(IllegalArgumentException.class, () -> NdArray.of(new double[1], false, 1, 1, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> a.get(2, 0));
    }

    @Test
    void agreesWithNumpy() throws Exception {
        Python.assumeNumpy();
        Path fromJava = dir.resolve("java.npy");
        double[] v = {0.1, -2.5e-7, 3e300, 4, 5, 6};
        Npy.write(fromJava, NdArray.matrix(v, 2, 3));
        String script = String.join("\n",
                "import numpy as np, sys",
                "d = sys.argv[1]",
                "a = np.load(d + '/java.npy')",
                "assert a.dtype == np.float64 and a.shape == (2, 3), (a.dtype, a.shape)",
                "assert (a == np.array([[0.1, -2.5e-7, 3e300], [4, 5, 6]])).all(), a",
                "m = np.arange(12).reshape(3, 4) - 5",
                "np.save(d + '/f4.npy', (m / 4).astype(np.float32))",
                "np.save(d + '/i2be.npy', m.astype('>i2'))",
                "np.save(d + '/fortran.npy', np.asfortranarray(m.astype(np.float64)))",
                "np.save(d + '/u1.npy', (m + 5).astype(np.uint8))",
                "np.save(d + '/i8.npy', m.astype(np.int64)[0])",
                "np.save(d + '/same.npy', a)",
                "np.lib.format.write_array(open(d + '/v2.npy', 'wb'), m.astype('<f8'), version=(2, 0))",
                "np.lib.format.write_array(open(d + '/v3.npy', 'wb'), m.astype('<u2'), version=(3, 0))");
        Python.run(script, dir.toString());
        double[] m = new double[12];
        for (int k = 0; k < 12; k++) {
            m[k] = k - 5;
        }
        double[] quarter = java.util.Arrays.stream(m).map(x -> x / 4).toArray();
        assertEquals(NdArray.of(quarter, false, 3, 4), Npy.read(dir.resolve("f4.npy")));
        assertEquals(NdArray.of(m, true, 3, 4), Npy.read(dir.resolve("i2be.npy")));
        assertEquals(NdArray.of(m, false, 3, 4), Npy.read(dir.resolve("fortran.npy")));
        assertEquals(NdArray.of(java.util.Arrays.stream(m).map(x -> x + 5).toArray(), true, 3, 4),
                Npy.read(dir.resolve("u1.npy")));
        assertEquals(NdArray.of(new double[] {-5, -4, -3, -2}, true, 4), Npy.read(dir.resolve("i8.npy")));
        assertEquals(NdArray.of(m, false, 3, 4), Npy.read(dir.resolve("v2.npy")));
        assertEquals(NdArray.of(java.util.Arrays.stream(m).map(x -> x < 0 ? x + 65536 : x).toArray(), true, 3, 4),
                Npy.read(dir.resolve("v3.npy")));
        assertArrayEquals(Files.readAllBytes(fromJava), Files.readAllBytes(dir.resolve("same.npy")),
                "numpy re-saves our file byte for byte");
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
