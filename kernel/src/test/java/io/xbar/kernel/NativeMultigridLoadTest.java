// NativeMultigridLoadTest: libxbarmg.so loads (unless XBAR_NATIVE_OPTIONAL=1), can be turned off, is extracted atomically and reused.
package io.xbar.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeMultigridLoadTest {
    /** A machine without gcc builds no library; XBAR_NATIVE_OPTIONAL=1 says that is expected there. */
    private static final boolean OPTIONAL = "1".equals(System.getenv("XBAR_NATIVE_OPTIONAL"));

    @TempDir
    Path temp;

    @Test
    void theLibraryLoadsFromTheBuild() {
        if (OPTIONAL && !NativeMultigrid.available()) {
            assertNotNull(NativeMultigrid.unavailableReason());
            return;
        }
        assertNull(NativeMultigrid.unavailableReason(),
                "libxbarmg.so did not load; on a machine without gcc set XBAR_NATIVE_OPTIONAL=1");
        assertTrue(NativeMultigrid.available());
        assertNull(NativeMultigrid.load(null), "a second load of the same library is harmless");
    }

    @Test
    void minusDxbarNativeFalseTurnsItOff() {
        for (String off : new String[] {"false", "FALSE", " false "}) {
            String reason = NativeMultigrid.load(off);
            assertNotNull(reason, off);
            assertTrue(reason.contains("-Dxbar.native=false"), reason);
        }
    }

    @Test
    void aBadArgumentComesBackAsItsStatusAndWritesNothing() {
        assumeTrue(NativeMultigrid.available(), () -> NativeMultigrid.unavailableReason());
        int m = 3, n = 4;
        double[] real = {1e-3, 1e-3, 0, 0, 1e-10, 1e-6, 1e-6, 0.1};
        int[] ints = {3, 0, 100, 0, 2, 1}; // drive ordinal 3: there is no such Drive
        double[] cell = new double[m * n];
        java.util.Arrays.fill(cell, 1.0);
        double[] currents = {7, 7, 7, 7};
        double[] stats = {7, 7};
        assertEquals(NativeMultigrid.BAD_ARGUMENT,
                NativeMultigrid.solve(m, n, real, ints, cell, new double[] {1, 1, 1}, currents, null, null, stats));
        assertArrayEquals(new double[] {7, 7, 7, 7}, currents);
    }

    @Test
    void aSolveWritesCurrentsAndTheNodeVoltagesOnlyWhenAskedFor() {
        assumeTrue(NativeMultigrid.available(), () -> NativeMultigrid.unavailableReason());
        int m = 5, n = 7;
        double[] real = {1e-2, 2e-2, 0, 0, 1e-12, 1e-9, 1e-6, 0.01};
        int[] ints = {2, 0, 500, 0, 2, 1}; // drive BOTH, sense BOTTOM
        Random random = new Random(11);
        double[] cell = new double[m * n];
        for (int k = 0; k < cell.length; k++) {
            cell[k] = 0.1 + random.nextDouble();
        }
        double[] v = {1, 0.5, 0, 0.25, 1};
        double[] cellBefore = cell.clone(), vBefore = v.clone();
        double[] currents = new double[n], stats = new double[2];
        assertEquals(NativeMultigrid.OK, NativeMultigrid.solve(m, n, real, ints, cell, v, currents, null, null, stats));
        assertTrue(stats[1] >= 1 && stats[0] <= 1e-6, java.util.Arrays.toString(stats));
        double[] again = new double[n], u = new double[m * n], w = new double[m * n];
        assertEquals(NativeMultigrid.OK, NativeMultigrid.solve(m, n, real, ints, cell, v, again, u, w, stats));
        assertArrayEquals(currents, again, "the node voltages asked for change no current");
        for (int j = 0; j < n; j++) {
            assertTrue(currents[j] > 0 && Double.isFinite(currents[j]), "I" + j + " = " + currents[j]);
        }
        for (int k = 0; k < m * n; k++) { // each node lies between the lowest (0 V) and highest (1 V) source
            assertTrue(u[k] >= 0 && u[k] <= 1 && w[k] >= 0 && w[k] <= 1, "node " + k + ": " + u[k] + ", " + w[k]);
        }
        assertArrayEquals(cellBefore, cell);
        assertArrayEquals(vBefore, v);
    }

    @Test
    void lengthsAreCheckedBeforeTheNativeCall() {
        double[] real = new double[NativeMultigrid.REAL_COUNT];
        int[] ints = new int[NativeMultigrid.INT_COUNT];
        double[] stats = new double[NativeMultigrid.STATS_COUNT];
        assertThrows(IllegalArgumentException.class,
                () -> NativeMultigrid.solve(2, 3, real, ints, new double[5], new double[2], new double[3], null, null, stats));
        assertThrows(IllegalArgumentException.class,
                () -> NativeMultigrid.solve(2, 3, real, ints, new double[6], new double[3], new double[3], null, null, stats));
        assertThrows(IllegalArgumentException.class,
                () -> NativeMultigrid.solve(2, 3, real, ints, new double[6], new double[2], new double[2], null, null, stats));
        assertThrows(IllegalArgumentException.class,
                () -> NativeMultigrid.solve(2, 3, real, new int[5], new double[6], new double[2], new double[3], null, null, stats));
        assertThrows(IllegalArgumentException.class,
                () -> NativeMultigrid.solve(2, 3, new double[7], ints, new double[6], new double[2], new double[3], null, null, stats));
        assertThrows(IllegalArgumentException.class,
                () -> NativeMultigrid.solve(2, 3, real, ints, new double[6], new double[2], new double[3], new double[6], null, stats));
        assertThrows(IllegalArgumentException.class,
                () -> NativeMultigrid.solve(2, 3, real, ints, new double[6], new double[2], new double[3], new double[6], new double[5], stats));
        assertThrows(IllegalArgumentException.class,
                () -> NativeMultigrid.solve(2, 3, real, ints, new double[6], new double[2], new double[3], null, null, new double[1]));
        assertThrows(IllegalArgumentException.class,
                () -> NativeMultigrid.solve(0, 3, real, ints, new double[0], new double[0], new double[3], null, null, stats));
        assertThrows(IllegalArgumentException.class,
                () -> NativeMultigrid.solve(65536, 65536, real, ints, new double[0], new double[0], new double[0], null, null, stats));
    }

    @Test
    void extractionWritesTheBytesUnderTheirHashAndLeavesNoTemporaryFile() throws IOException {
        byte[] bytes = bytes(1, 40_000);
        Path root = temp.resolve("cache").resolve("xbar").resolve("native");
        Path library = NativeMultigrid.extract(bytes, own(root));
        assertEquals(root.resolve(NativeMultigrid.sha256Prefix(bytes)).resolve(NativeMultigrid.LIBRARY), library);
        assertEquals(16, NativeMultigrid.sha256Prefix(bytes).length());
        assertArrayEquals(bytes, Files.readAllBytes(library));
        assertEquals(List.of(library), list(library.getParent()));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(library.getParent())));
    }

    @Test
    void anExtractedLibraryIsReusedAndOneOfTheWrongSizeReplaced() throws IOException {
        byte[] bytes = bytes(2, 30_000);
        Path root = temp.resolve("a").resolve("b");
        Path library = NativeMultigrid.extract(bytes, own(root));
        FileTime marker = FileTime.fromMillis(86_400_000L);
        Files.setLastModifiedTime(library, marker);
        assertEquals(library, NativeMultigrid.extract(bytes, own(root)));
        assertEquals(marker, Files.getLastModifiedTime(library), "rewritten instead of reused");

        Files.write(library, new byte[bytes.length / 2]); // as if cut short by something else
        assertEquals(library, NativeMultigrid.extract(bytes, own(root)));
        assertArrayEquals(bytes, Files.readAllBytes(library));
        assertEquals(List.of(library), list(library.getParent()));

        byte[] other = bytes(3, 30_000); // another build: another directory, the first one stays
        Path second = NativeMultigrid.extract(other, own(root));
        assertTrue(!second.getParent().equals(library.getParent()));
        assertArrayEquals(bytes, Files.readAllBytes(library));
        assertArrayEquals(other, Files.readAllBytes(second));
    }

    @Test
    void concurrentExtractionsAllSeeTheWholeLibrary() throws Exception {
        byte[] bytes = bytes(4, 2_000_000);
        Path root = temp.resolve("x").resolve("native");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<byte[]>> tasks = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                tasks.add(() -> Files.readAllBytes(NativeMultigrid.extract(bytes, own(root))));
            }
            for (Future<byte[]> f : pool.invokeAll(tasks)) {
                assertArrayEquals(bytes, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        Path dir = root.resolve(NativeMultigrid.sha256Prefix(bytes));
        assertEquals(List.of(dir.resolve(NativeMultigrid.LIBRARY)), list(dir));
    }

    @Test
    void aRootThatCannotBeUsedFallsBackToTheNext() throws IOException {
        byte[] bytes = bytes(5, 10_000);
        Path blocked = temp.resolve("blocked");
        Files.writeString(blocked, "a file where the cache directory should be");
        Path fallback = temp.resolve("tmp").resolve("xbar-me").resolve("native");
        Path library = NativeMultigrid.extract(bytes, own(blocked.resolve("native")), shared(fallback));
        assertTrue(library.startsWith(fallback), library.toString());
        assertArrayEquals(bytes, Files.readAllBytes(library));

        IOException none = assertThrows(IOException.class, () -> NativeMultigrid.extract(bytes, own(blocked.resolve("native"))));
        assertEquals(1, none.getSuppressed().length);
    }

    @Test
    void aDirectoryOthersCanWriteToIsNotUsed() throws IOException {
        byte[] bytes = bytes(6, 10_000);
        Path shared = temp.resolve("shared").resolve("native");
        Path planted = shared.resolve(NativeMultigrid.sha256Prefix(bytes));
        Files.createDirectories(planted);
        Files.write(planted.resolve(NativeMultigrid.LIBRARY), new byte[bytes.length]); // right size, wrong bytes
        Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path own = temp.resolve("own").resolve("native");
        Path library = NativeMultigrid.extract(bytes, shared(shared), own(own));
        assertTrue(library.startsWith(own), library.toString());
        assertArrayEquals(bytes, Files.readAllBytes(library));
    }

    @Test
    void aLaterJvmFindsTheExtractedLibraryByItsDigestWithoutReadingIt() throws Exception {
        byte[] bytes = bytes(7, 20_000);
        Path jar = Files.createDirectories(temp.resolve("jar"));
        Path resource = Files.write(jar.resolve(NativeMultigrid.LIBRARY), bytes);
        Path digest = Files.writeString(jar.resolve(NativeMultigrid.LIBRARY + NativeMultigrid.DIGEST),
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)) + " " + bytes.length + "\n");
        Path root = temp.resolve("cache").resolve("native");
        Path library = NativeMultigrid.extract(resource.toUri().toURL(), digest.toUri().toURL(), own(root));
        assertArrayEquals(bytes, Files.readAllBytes(library));
        Files.delete(resource); // found by the digest: the library itself is not read again
        assertEquals(library, NativeMultigrid.extract(resource.toUri().toURL(), digest.toUri().toURL(), own(root)));
        // without a digest (or with one that does not parse) the bytes are read and hashed
        Files.write(resource, bytes);
        Files.writeString(digest, "not a digest");
        Files.delete(library);
        assertEquals(library, NativeMultigrid.extract(resource.toUri().toURL(), digest.toUri().toURL(), own(root)));
        assertEquals(library, NativeMultigrid.extract(resource.toUri().toURL(), null, own(root)));
        assertArrayEquals(bytes, Files.readAllBytes(library));
    }

    private static NativeMultigrid.CacheDir own(Path dir) {
        return new NativeMultigrid.CacheDir(dir, false);
    }

    private static NativeMultigrid.CacheDir shared(Path dir) {
        return new NativeMultigrid.CacheDir(dir, true);
    }

    private static byte[] bytes(long seed, int length) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
