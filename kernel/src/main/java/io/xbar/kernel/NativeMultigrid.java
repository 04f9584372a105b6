// NativeMultigrid: the compiled C twin of the multigrid solve (libxbarmg.so, same bits), loaded once and lazily.
package io.xbar.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
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
 * {@code java.io.tmpdir}, in directories private to the user, when that is not writable) and reused by every
 * later JVM.
 */
final class NativeMultigrid {
    /** The library's file name and its resource, relative to this class. */
    static final String LIBRARY = "libxbarmg.so";
    static final String RESOURCE = "native/linux-x86_64/" + LIBRARY;
    /** {@code RESOURCE + DIGEST}: the library's SHA-256 (hex) and size in bytes, written next to it by build.sh. */
    static final String DIGEST = ".sha256";
    /** {@code -Dxbar.native=false} turns the twin off. */
    static final String PROPERTY = "xbar.native";

    static final String DISABLED = "disabled by -D" + PROPERTY + "=false";
    /** {@code -Dxbar.native.variant=v3} keeps to the x86-64-v3 core on a CPU with AVX-512 (benchmarks compare the two). */
    static final String VARIANT_PROPERTY = "xbar.native.variant";
    /** The core's instruction-set level in use (3 or 4), set when the library loads. */
    private static volatile int level;

    /** Status codes of xbar_multigrid.h. */
    static final int OK = 0, NOT_CONVERGED = 1, NOT_SPD = 2, PINNED_COUPLED = 3, NO_MEMORY = 4, BAD_ARGUMENT = 5;
    /** Lengths of {@link #solve}'s {@code real}, {@code ints} and {@code stats}. */
    static final int REAL_COUNT = 8, INT_COUNT = 6, STATS_COUNT = 2;

    private NativeMultigrid() {
    }

    /** Initialization on first use: the class initializer runs once, thread-safely, on the first ask. */
    private static final class Holder {
        static final String REASON = load(System.getProperty(PROPERTY));
    }

    /** The background load was started (guarded by the class lock: an AtomicBoolean's VarHandle costs a cold JVM 20 ms). */
    private static boolean loading;

    /**
     * Starts loading the library on a daemon thread, once per JVM, so that a fresh JVM's first crossbar
     * finds it loaded (some 30 ms from a jar) while it checks and scales the conductances on its own
     * thread; {@link #available()} then waits for that load if it is still running. Never throws.
     */
    static synchronized void loadInBackground() {
        if (!loading) {
            loading = true;
            try {
                Thread t = new Thread(new Loader(), "xbar-native-load");
                t.setDaemon(true);
                t.start();
            } catch (RuntimeException | Error e) { // no thread to spare: the first available() loads it
            }
        }
    }

    /** The background load: a class, not a lambda (the first lambda of a JVM costs it some 20 ms). */
    private static final class Loader implements Runnable {
        @Override
        public void run() {
            available();
        }
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
        checkShape(m, n);
        checkLength("real", real, REAL_COUNT);
        checkLength("ints", ints, ints == null ? 0 : ints.length, INT_COUNT);
        checkLength("cell", cell, m * n);
        checkOutputs(m, n, v, currents, u, w, stats);
        requireAvailable();
        return solve0(m, n, real, ints, cell, v, currents, u, w, stats);
    }

    private static void checkShape(int m, int n) {
        if (m < 1 || n < 1 || (long) m * n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("crossbar size " + m + " x " + n + " out of range");
        }
    }

    private static void checkOutputs(int m, int n, double[] v, double[] currents, double[] u, double[] w,
                                     double[] stats) {
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
    }

    private static void requireAvailable() {
        if (!available()) {
            throw new IllegalStateException("native multigrid not available: " + unavailableReason());
        }
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

    /** Chooses the core's instruction set: 0 the widest the CPU runs, 3 x86-64-v3; returns 3, 4, or 0 (none runs). */
    private static native int select0(int want);

    /**
     * Makes the core of instruction-set level {@code want} (3: x86-64-v3, AVX2 and FMA; 4: x86-64-v4,
     * AVX-512) the one later calls use, as far as the CPU runs it; returns the level now in use.
     * Crossbars programmed before keep theirs. For tests, which hold every variant to the Java bits.
     */
    static synchronized int useLevel(int want) {
        if (!available()) {
            throw new IllegalStateException("native multigrid not available: " + unavailableReason());
        }
        level = select0(want == 3 ? 3 : 0);
        return level;
    }

    /** The core's instruction-set level in use: 3 (x86-64-v3) or 4 (x86-64-v4); 0 when not {@link #available()}. */
    static int level() {
        return available() ? level : 0;
    }

    private static native long program0(int m, int n, double[] real, int[] ints, double[] cell, int[] status);

    private static native int solveProgrammed0(long address, int m, int n, double[] v, double[] currents, double[] u,
                                               double[] w, double[] stats);

    private static native long bytes0(long address);

    private static native void free0(long address);

    /**
     * Programs a crossbar in native memory, kept until {@link #free}: arguments as {@link #solve}'s. Returns its
     * address, or 0 with the status code in {@code status[0]} ({@link #NO_MEMORY}, {@link #NOT_SPD} ...).
     * One solve at a time may use a programmed crossbar ({@link NativeCrossbar} sees to it).
     */
    static long program(int m, int n, double[] real, int[] ints, double[] cell, int[] status) {
        checkShape(m, n);
        checkLength("real", real, REAL_COUNT);
        checkLength("ints", ints, ints == null ? 0 : ints.length, INT_COUNT);
        checkLength("cell", cell, m * n);
        checkLength("status", status, status == null ? 0 : status.length, 1);
        requireAvailable();
        return program0(m, n, real, ints, cell, status);
    }

    /** Solves on a crossbar of {@link #program} ({@code m x n}): outputs, stats and status as {@link #solve}'s. */
    static int solveProgrammed(long address, int m, int n, double[] v, double[] currents, double[] u, double[] w,
                               double[] stats) {
        if (address == 0) {
            throw new IllegalArgumentException("no programmed crossbar (address 0)");
        }
        checkShape(m, n);
        checkOutputs(m, n, v, currents, u, w, stats);
        return solveProgrammed0(address, m, n, v, currents, u, w, stats);
    }

    /** Bytes mapped by a crossbar of {@link #program}. */
    static long bytes(long address) {
        return address == 0 ? 0 : bytes0(address);
    }

    /** Frees a crossbar of {@link #program}; the address must not be used again. */
    static void free(long address) {
        if (address != 0) {
            free0(address);
        }
    }

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
        // The logger only for a failure (setting one up costs a cold JVM some 40 ms), not for the user's own switch.
        if (reason != null && !reason.equals(DISABLED)) {
            String message = reason;
            try {
                System.getLogger(NativeMultigrid.class.getName()).log(System.Logger.Level.DEBUG,
                        () -> "native multigrid not used, the Java solver answers: " + message);
            } catch (RuntimeException | LinkageError e) { // a broken logging set-up must not fail the class
            }
        }
        return reason;
    }

    @SuppressWarnings("restricted") // System.load: every launch passes --enable-native-access (README, xbar.jvm.flags)
    private static String loadOrSayWhy(String property) throws IOException, URISyntaxException {
        if (property != null && property.trim().equalsIgnoreCase("false")) {
            return DISABLED;
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
        Path library = url.getProtocol().equals("file") ? Path.of(url.toURI()) : extract(url, NativeMultigrid.class.getResource(RESOURCE + DIGEST), cacheDirs());
        System.load(library.toAbsolutePath().toString());
        String variant = System.getProperty(VARIANT_PROPERTY, "").trim();
        level = select0(variant.equalsIgnoreCase("v3") ? 3 : 0);
        if (level == 0) {
            return "this CPU lacks AVX2 or FMA (the library is built for x86-64-v3 and v4)";
        }
        return null;
    }

    /**
     * Extracts the library at {@code url} (inside a jar). build.sh writes its SHA-256 and size next to it
     * ({@link #DIGEST}, {@code digest} here; may be null), so a later JVM finds the extracted copy without reading and hashing the library
     * again (that costs a cold JVM some 40 ms); without that file, or on a miss, the bytes are read and hashed.
     */
    static Path extract(URL url, URL digest, CacheDir... dirs) throws IOException {
        if (digest != null) {
            String text;
            try (InputStream in = digest.openStream()) {
                text = new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
            }
            int space = text.indexOf(' ');
            String hash = space == 64 ? text.substring(0, 64).toLowerCase(Locale.ROOT) : "";
            long size = space == 64 ? size(text.substring(space + 1).strip()) : -1;
            if (size >= 0 && isHex(hash)) {
                hash = hash.substring(0, 16);
                for (CacheDir dir : dirs) {
                    Path found = dir.existing(hash, size);
                    if (found != null) {
                        return found;
                    }
                }
            }
        }
        byte[] bytes;
        try (InputStream in = url.openStream()) {
            bytes = in.readAllBytes();
        }
        return extract(bytes, dirs);
    }

    /** A directory for extracted libraries; a shared one (below java.io.tmpdir) is used only when it is private. */
    record CacheDir(Path path, boolean shared) {
        /** The library extracted earlier under {@code hash}, when it is there with {@code size} bytes, else null. */
        Path existing(String hash, long size) {
            Path dir = path.resolve(hash);
            Path target = dir.resolve(LIBRARY);
            try {
                if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) || Files.size(target) != size) {
                    return null;
                }
                if (shared) {
                    requirePrivate(dir);
                }
                return target;
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                return null; // unreadable, or owner checks the file system cannot answer: extract anew
            }
        }
    }

    /**
     * Where extracted libraries go: {@code ${XDG_CACHE_HOME:-$HOME/.cache}/xbar/native}, then
     * {@code ${java.io.tmpdir}/xbar-<user>/native}.
     */
    static CacheDir[] cacheDirs() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        StringBuilder user = new StringBuilder(System.getProperty("user.name", "user"));
        for (int i = 0; i < user.length(); i++) { // no regex: a cold JVM pays for compiling one
            char c = user.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')) {
                user.setCharAt(i, '_');
            }
        }
        return new CacheDir[] {new CacheDir(cache.resolve("xbar").resolve("native"), false),
                               new CacheDir(Path.of(System.getProperty("java.io.tmpdir"), "xbar-".concat(user.toString()), "native"), true)};
    }

    /**
     * The library {@code bytes} as a file {@code <dir>/<first 16 hex digits of their SHA-256>/libxbarmg.so} in the
     * first of {@code dirs} that works: reused when it is there with the right size (a file there is complete,
     * since it is only ever created by an atomic move), else written to a temporary file in the same directory
     * and moved into place atomically, so concurrent JVMs never see a half-written library.
     *
     * @throws IOException when no directory can hold it; the message names every directory's failure
     */
    static Path extract(byte[] bytes, CacheDir... dirs) throws IOException {
        String hash = sha256Prefix(bytes);
        List<Exception> failures = new ArrayList<>();
        for (CacheDir dir : dirs) {
            try {
                Path found = dir.existing(hash, bytes.length);
                return found != null ? found : extractTo(bytes, dir.path().resolve(hash), dir.shared());
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                failures.add(e); // this directory cannot hold it: try the next, report all if none can
            }
        }
        IOException failure = new IOException("cannot extract " + LIBRARY + " to any of " + Arrays.toString(dirs));
        failures.forEach(failure::addSuppressed);
        throw failure;
    }

    private static Path extractTo(byte[] bytes, Path dir, boolean shared) throws IOException {
        createPrivateDirectories(dir);
        if (shared) {
            requirePrivate(dir);
        }
        Path target = dir.resolve(LIBRARY);
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

    /**
     * Below a shared java.io.tmpdir someone else could have made {@code <hash>}, {@code native} or
     * {@code xbar-<user>} first and put a library there: each must be this user's and writable by nobody else.
     */
    private static void requirePrivate(Path hashDir) throws IOException {
        if (!hashDir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        UserPrincipal me = hashDir.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
        Path d = hashDir.toAbsolutePath();
        for (int level = 0; level < 3 && d != null; level++, d = d.getParent()) {
            PosixFileAttributes a = Files.readAttributes(d, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> permissions = a.permissions();
            if (!a.isDirectory() || !a.owner().equals(me) || permissions.contains(PosixFilePermission.GROUP_WRITE)
                    || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new IOException(d + " is not a directory private to " + me.getName() + " (owner "
                        + a.owner().getName() + ", " + PosixFilePermissions.toString(permissions) + ")");
            }
        }
    }

    /** {@code s} as a size: decimal digits only, at most 12 of them; else -1. No regex: a cold JVM pays for one. */
    private static long size(String s) {
        long value = s.isEmpty() || s.length() > 12 ? -1 : 0;
        for (int i = 0; i < s.length() && value >= 0; i++) {
            char c = s.charAt(i);
            value = c >= '0' && c <= '9' ? value * 10 + (c - '0') : -1;
        }
        return value;
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    static String sha256Prefix(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
