// WorkingDirectory: the one place where xbar turns a user's relative path into an absolute one, and where the daemon takes a client's directory.
package io.xbar.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A plain {@code xbar} process works in the directory it was started in. The daemon
 * ({@code io.xbar.cli.Daemon}) serves one request at a time in the client's directory:
 * {@link #enter} changes the process's working directory ({@code chdir(2)}), so every relative path
 * that reaches the operating system (opening, creating, renaming, listing) resolves exactly as in the
 * client's own process, and error messages keep naming files as the user wrote them.
 *
 * <p>The JVM's own idea of the working directory ({@code user.dir}, used by
 * {@link Path#toAbsolutePath()}) is fixed when it starts and does not follow {@code chdir}. Every
 * absolute path xbar derives from a relative one therefore goes through {@link #absolute}; the code
 * under {@code io.xbar} calls {@code toAbsolutePath} nowhere else. Paths that name one process's own
 * descriptors ({@code /dev/stdin}, {@code /dev/fd/N}, {@code /proc/...}) cannot be served for another
 * process: {@link #requireServable} stops the request so the client runs it itself.
 */
public final class WorkingDirectory {
    /** The client's directory while a daemon request runs; null in a plain process (the JVM's own). */
    private static volatile Path current;
    private static final int MAX_LINKS = 40;

    private WorkingDirectory() {
    }

    /** {@code path} made absolute against the working directory of the command being run. */
    public static Path absolute(Path path) {
        Path dir = current;
        if (path.isAbsolute() || dir == null) {
            return path.toAbsolutePath();
        }
        return dir.resolve(path);
    }

    /** True while a daemon request runs (the process works for a client). */
    public static boolean serving() {
        return current != null;
    }

    /**
     * Thrown when a daemon request names a file that belongs to the client's process (its standard
     * streams, {@code /dev/fd/N}, {@code /proc/self}): the daemon hands the command back to the client,
     * which runs it itself. An {@link Error} so that no command's error handling turns it into a message.
     */
    public static final class NotServable extends Error {
        private static final long serialVersionUID = 1L;

        NotServable(String path) {
            super(path + " names a file of the client's own process");
        }
    }

    /**
     * In a daemon request, refuses a path that names (through its symbolic links) a per-process file:
     * {@code /proc/...}, {@code /dev/fd/...}, {@code /dev/stdin}, {@code /dev/stdout}, {@code /dev/stderr}.
     */
    public static void requireServable(Path path) {
        if (current == null) {
            return;
        }
        Path p = absolute(path);
        try {
            for (int hop = 0; hop <= MAX_LINKS; hop++) {
                String s = p.normalize().toString();
                if (s.startsWith("/proc/") || s.startsWith("/dev/fd/") || s.equals("/dev/stdin")
                        || s.equals("/dev/stdout") || s.equals("/dev/stderr") || s.equals("/dev/tty")) {
                    throw new NotServable(path.toString());
                }
                // A link in a directory on the way: the real directory plus the name.
                Path parent = p.getParent();
                if (parent != null && Files.isDirectory(parent)) {
                    Path real = parent.toRealPath().resolve(p.getFileName());
                    String r = real.toString();
                    if (r.startsWith("/proc/") || r.startsWith("/dev/fd/")) {
                        throw new NotServable(path.toString());
                    }
                    p = real;
                }
                if (!Files.isSymbolicLink(p)) {
                    return;
                }
                p = p.resolveSibling(Files.readSymbolicLink(p));
            }
        } catch (IOException e) {
            // unresolvable: the command's own checks report it as in a plain process
        }
    }

    /**
     * Runs the rest of a daemon request in {@code dir} (raw bytes, as the client's {@code getcwd} gave
     * them). Only one request may be inside at a time; {@link #leave} ends it.
     *
     * @throws IOException if the process cannot change to that directory (removed, not searchable)
     */
    public static synchronized void enter(byte[] dir) throws IOException {
        if (current != null) {
            throw new IllegalStateException("a request is already in " + current);
        }
        chdir(dir);
        current = Path.of(new String(dir, jnuCharset()));
    }

    /** Ends a daemon request: back to {@code home} (the daemon's own directory). */
    public static synchronized void leave(Path home) throws IOException {
        current = null;
        chdir(home.toString().getBytes(jnuCharset()));
    }

    /** The charset the JVM uses for file names and arguments (as it decoded the plain process's argv). */
    public static Charset jnuCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    private static MethodHandle chdirHandle;

    private static void chdir(byte[] dir) throws IOException {
        try {
            if (chdirHandle == null) {
                Linker linker = Linker.nativeLinker();
                chdirHandle = linker.downcallHandle(linker.defaultLookup().find("chdir").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment s = arena.allocate(dir.length + 1L);
                MemorySegment.copy(dir, 0, s, ValueLayout.JAVA_BYTE, 0, dir.length);
                s.set(ValueLayout.JAVA_BYTE, dir.length, (byte) 0);
                int rc = (int) chdirHandle.invokeExact(s);
                if (rc != 0) {
                    throw new IOException("cannot change to directory " + new String(dir, jnuCharset()));
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("chdir failed: " + t, t);
        }
    }
}
