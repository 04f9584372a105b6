// NativeMultigrid: the compiled C twin of the multigrid solve (libxbarmg.so, same bits), loaded once and lazily.
package io.xbar.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * The multigrid-preconditioned CG solve of {@code kernel/src/main/c/xbar_multigrid.c}, compiled at build time
 * for x86-64-v3 and shipped inside the kernel jar. A fresh JVM interprets the Java solver for its first calls;
 * this twin answers them with the same bits (issue 17).
 *
 * <p>Loading happens on the first call of {@link #available()}, once per JVM, and never throws: anything in the
 * way (built without gcc, not linux-x86_64, a CPU without AVX2 and FMA, {@code -Dxbar.native=false}, a library
 * that does not link) makes {@link #available()} false and {@link #unavailableReason()} says why. From a
 * directory (tests on {@code target/classes}) the library is loaded where it is; from a jar it is extracted once
 * to {@code ${XDG_CACHE_HOME:-$HOME/.cache}/xbar/native/<sha-256 prefix>/libxbarmg.so} (or below
 * {@code java.io.tmpdir} when that is not writable) and reused by every later JVM.
 */
final class NativeMultigrid {
    /** The library's file name and its resource, relative to this class. */
    static final String LIBRARY = "libxbarmg.so";
    static final String RESOURCE = "native/linux-x86_64/" + LIBRARY;
    /** {@code -Dxbar.native=false} turns the twin off. */
    static final String PROPERTY = "xbar.native";

    /** Status codes of xbar_multigrid.h. */
    static final int OK = 0, NOT_CONVERGED = 1, NOT_SPD = 2, PINNED_COUPLED = 3, NO_MEMORY = 4, BAD_ARGUMENT = 5;
    /** Lengths of {@link #solve}'s {@code real}, {@code ints} and {@code stats}. */
    static final int REAL_COUNT = 8, INT_COUNT = 6, STATS_COUNT = 2;

    private static final System.Logger LOG = System.getLogger(NativeMultigrid.class.getName());

    private NativeMultigrid() {
    }

    /** Initialization on first use: the class initializer runs once, thread-safely, on the first ask. */
    private static final class Holder {
        static final String REASON = load(System.getProperty(PROPERTY));
    }

    /** True when the library is loaded and this CPU runs it. Loads it on the first call; never throws. */
    static boolean available() {
        return Holder.REASON == null;
    }

    /** Why {@link #available()} is false, or null when it is true. */
    static String unavailableReason() {
        return Holder.REASON;
    }

    /**
     * Programs, solves and frees a crossbar in C (stateless). {@code real} = {wordLine, bitLine, source, sense,
     * tolerance, currentTolerance, requiredResidual, refineDrop} (scaled as the Java solver sees them);
     * {@code ints} = {drive ordinal, sense ordinal, maxIterations, sweeps, cycleIndex, wFrom}; {@code cell} the
     * scaled conductances, row-major m x n; {@code v} the m scaled inputs. Writes the n {@code currents} and, when
     * {@code u} and {@code w} are given (both or neither), the node voltages, only when it returns {@link #OK};
     * {@code stats} receives {residual, iterations} after a solve, converged or not.
     *
     * @return a status code: {@link #OK}, {@link #NOT_CONVERGED}, {@link #NOT_SPD}, {@link #PINNED_COUPLED},
     *         {@link #NO_MEMORY}, {@link #BAD_ARGUMENT}
     * @throws IllegalArgumentException when a length does not fit m and n
     * @throws IllegalStateException when the library is not {@link #available()}
     */
    static int solve(int m, int n, double[] real, int[] ints, double[] cell, double[] v, double[] currents,
                     double[] u, double[] w, double[] stats) {
        if (m < 1 || n < 1 || (long) m * n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("crossbar size " + m + " x " + n + " out of range");
        }
        checkLength("real", real, REAL_COUNT);
        checkLength("ints", ints, ints == null ? 0 : ints.length, INT_COUNT);
        checkLength("cell", cell, m * n);
        checkLength("v", v, m);
        checkLength("currents", currents, n);
        checkLength("stats", stats, STATS_COUNT);
        if ((u == null) != (w == null)) {
            throw new IllegalArgumentException("u and w: give both or neither");
        }
        if (u != null) {
            checkLength("u", u, m * n);
            checkLength("w", w, m * n);
        }
        if (!available()) {
            throw new IllegalStateException("native multigrid not available: " + unavailableReason());
        }
        return solve0(m, n, real, ints, cell, v, currents, u, w, stats);
    }

    private static void checkLength(String name, double[] a, int expected) {
        checkLength(name, a, a == null ? 0 : a.length, expected);
    }

    private static void checkLength(String name, Object a, int length, int expected) {
        if (a == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (length != expected) {
            throw new IllegalArgumentException(name + " has length " + length + ", expected " + expected);
        }
    }

    private static native int cpuSupported0();

    private static native int solve0(int m, int n, double[] real, int[] ints, double[] cell, double[] v,
                                     double[] currents, double[] u, double[] w, double[] stats);

    /**
     * Loads the library unless {@code property} is "false"; returns null when it can be used, else the reason.
     * Never throws. Package-private so tests can ask for a disabled load without restarting the JVM.
     */
    static String load(String property) {
        String reason;
        try {
            reason = loadOrSayWhy(property);
        } catch (Throwable t) { // UnsatisfiedLinkError, SecurityException, IOException, a broken file system ...
            reason = "loading " + LIBRARY + " failed: " + t;
        }
        if (reason != null) {
            String message = reason;
            LOG.log(System.Logger.Level.DEBUG, () -> "native multigrid not used, the Java solver answers: " + message);
        }
        return reason;
    }

    private static String loadOrSayWhy(String property) throws IOException, URISyntaxException {
        if (property != null && property.trim().equalsIgnoreCase("false")) {
            return "disabled by -D" + PROPERTY + "=false";
        }
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return "built for linux-x86_64 only, this is " + os + " " + arch;
        }
        URL url = NativeMultigrid.class.getResource(RESOURCE);
        if (url == null) {
            return "no " + RESOURCE + " in the kernel (built without gcc?)";
        }
        Path library;
        if (url.getProtocol().equals("file")) {
            library = Path.of(url.toURI());
        } else {
            byte[] bytes;
            try (InputStream in = url.openStream()) {
                bytes = in.readAllBytes();
            }
            library = extract(bytes, cacheRoots());
        }
        System.load(library.toAbsolutePath().toString());
        if (cpuSupported0() != 1) {
            return "this CPU lacks AVX2 or FMA (the library is built for x86-64-v3)";
        }
        return null;
    }

    /** Where extracted libraries go: the per-user cache, then a per-user directory below java.io.tmpdir. */
    static Path[] cacheRoots() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        return new Path[] {cache.resolve("xbar").resolve("native"),
                           Path.of(System.getProperty("java.io.tmpdir"), "xbar-" + user, "native")};
    }

    /**
     * The library {@code bytes} as a file {@code <root>/<first 16 hex digits of their SHA-256>/libxbarmg.so}
     * below the first root that works: reused when it is there with the right size (a file there is complete,
     * since it is only ever created by an atomic move), else written to a temporary file in the same directory
     * and moved into place atomically, so concurrent JVMs never see a half-written library.
     *
     * @throws IOException when no root can hold it; the message names every root's failure
     */
    static Path extract(byte[] bytes, Path... roots) throws IOException {
        String hash = sha256Prefix(bytes);
        IOException failure = new IOException("cannot extract " + LIBRARY + " to " + Arrays.toString(roots));
        for (Path root : roots) {
            try {
                return extractTo(bytes, root.resolve(hash));
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                failure.addSuppressed(e);
            }
        }
        throw failure;
    }

    private static Path extractTo(byte[] bytes, Path dir) throws IOException {
        createPrivateDirectories(dir);
        // Below a shared java.io.tmpdir someone else could have made these directories first and put a library
        // there: use them only when they are this user's and nobody else can write to them.
        Path d = dir.toAbsolutePath();
        for (int level = 0; level < 3 && d != null; level++, d = d.getParent()) { // <hash>, native, xbar
            requirePrivate(d);
        }
        Path target = dir.resolve(LIBRARY);
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.size(target) == bytes.length) {
            return target;
        }
        Path temporary = Files.createTempFile(dir, "." + LIBRARY + ".", ".tmp"); // owner-only, in the same directory
        try {
            Files.write(temporary, bytes);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) { // a file system whose atomic move does not replace
                Files.delete(target);
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("no atomic move in " + dir, e);
        } finally {
            Files.deleteIfExists(temporary);
        }
        return target;
    }

    /** Creates what is missing of {@code dir}, owner-only where the file system knows permissions. */
    private static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            createPrivateDirectories(parent);
        }
        try {
            if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    private static void requirePrivate(Path dir) throws IOException {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        UserPrincipal me = dir.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
        UserPrincipal owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (!owner.equals(me) || permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(dir + " is not private to " + me.getName() + " (owner " + owner.getName() + ", "
                    + PosixFilePermissions.toString(permissions) + ")");
        }
    }

    static String sha256Prefix(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
