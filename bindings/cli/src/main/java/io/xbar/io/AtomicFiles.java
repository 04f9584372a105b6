// AtomicFiles: writes a file through a temporary sibling and a move, so no partial output ever remains.
package io.xbar.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every file xbar writes (arrays, JSON reports, CSV tables, netlists, pictures) goes through here.
 *
 * <ul>
 * <li>A regular file (or a path that does not exist yet) is written to a hidden temporary sibling
 *     {@code .NAME.xbar-tmp-<pid>-<hex>}, which is then moved over the target (atomically where the
 *     file system can). The target appears complete or not at all; a failed write leaves nothing.
 *     The temporary file is created with the process's umask (and takes over the permissions of a
 *     file it replaces), so outputs get the same permissions as any other file the user creates.</li>
 * <li>A symbolic link stays a link: the file it points to is replaced (or created).</li>
 * <li>An existing path that is not a regular file (a device such as {@code /dev/null}, a FIFO,
 *     {@code /dev/stdout}) is written straight through, never replaced; a write error (for example
 *     {@code /dev/full}) is an error.</li>
 * </ul>
 *
 * Temporaries (files and the staging directories of {@link #createTempDirectory}) are deleted when the
 * JVM shuts down (normal exit, Ctrl-C, SIGTERM). After a {@code kill -9} they remain; their name
 * carries the writer's process id, and the next write into the same directory removes those whose
 * process is no longer alive. Every I/O failure is thrown as a {@link FileSystemException} naming
 * the target (never the temporary).
 */
public final class AtomicFiles {
    /** The part of every temporary name that marks it as xbar's: {@code .NAME.xbar-tmp-<pid>-<hex>}. */
    public static final String MARK = ".xbar-tmp-";
    private static final Pattern TEMPORARY = Pattern.compile("\\..*\\.xbar-tmp-(\\d+)-[0-9a-f]+");
    private static final long PID = ProcessHandle.current().pid();
    /** Temporaries of this process that still exist: deleted by the shutdown hook. */
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();
    private static final int MAX_LINKS = 40;
    /** When this process last tidied each directory ({@link System#nanoTime}). */
    private static final java.util.Map<Path, Long> TIDIED = new ConcurrentHashMap<>();
    /**
     * Guards creating a temporary, putting one in place, and the shutdown hook: once the hook has
     * begun no temporary is created or moved, so it cannot miss a new one or race a move.
     */
    private static final Object COMMIT = new Object();
    /** Set (under {@link #COMMIT}) when the JVM began to shut down. */
    private static boolean closing;
    /**
     * Set (under {@link #COMMIT}) while a daemon request whose client was interrupted winds down:
     * the request gets what a plain process gets at Ctrl-C, in a JVM that goes on serving.
     */
    private static boolean cancelled;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(AtomicFiles::deleteLive, "xbar-temporaries"));
    }

    /** Writes the whole content to the stream it is given (the stream is buffered; do not close it). */
    @FunctionalInterface
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    /** A file-system step that puts temporaries in place. */
    @FunctionalInterface
    public interface Step {
        void run() throws IOException;
    }

    /** Writes the whole content to the channel it is given (do not close it). */
    @FunctionalInterface
    public interface ChannelBody {
        void write(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Writes {@code file} from a stream. */
    public static void write(Path file, Body body) throws IOException {
        writeChannel(file, channel -> {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            body.write(out);
            out.flush();
        });
    }

    /** Writes {@code file} through a file channel (for large binary content). */
    public static void writeChannel(Path file, ChannelBody body) throws IOException {
        WorkingDirectory.requireServable(file);
        Path given = WorkingDirectory.absolute(file);
        BasicFileAttributes attributes = attributes(given);
        if (attributes != null && attributes.isDirectory()) {
            throw new FileSystemException(file.toString(), null, "it is a directory");
        }
        if (attributes != null && (!attributes.isRegularFile() || throughProc(given))) {
            writeThrough(file, given, attributes.isRegularFile(), body);
            return;
        }
        Path target = resolveLinks(file, given);
        Path dir = target.getParent();
        tidyOnce(dir);
        Path tmp;
        try {
            tmp = createTemp(dir, target.getFileName().toString());
        } catch (IOException e) {
            throw named(file, e);
        }
        boolean moved = false;
        try {
            if (attributes != null) {
                copyPermissions(target, tmp);
            }
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                body.write(channel);
            }
            testHooks();
            commit(() -> {
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            });
            moved = true;
        } catch (IOException e) {
            throw named(file, e);
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
            LIVE.remove(tmp);
        }
    }

    /**
     * Creates an empty staging directory {@code parent/.NAME.xbar-tmp-<pid>-<hex>} that the shutdown
     * hook deletes with its content unless {@link #release} is called first (after it was moved into
     * place or deleted).
     */
    public static Path createTempDirectory(Path parent, String name) throws IOException {
        tidyOnce(parent);
        for (int attempt = 0; ; attempt++) {
            Path tmp = parent.resolve(temporaryName(name));
            try {
                synchronized (COMMIT) {
                    requireRunning();
                    Files.createDirectory(tmp);
                    LIVE.add(tmp);
                }
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    /** Forgets a temporary of {@link #createTempDirectory} (it was moved into place or deleted). */
    public static void release(Path tmp) {
        LIVE.remove(tmp);
    }

    /** Deletes a directory tree without following symbolic links; a missing root is fine. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(root);
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** True for the name of an xbar temporary ({@code .NAME.xbar-tmp-<pid>-<hex>}). */
    public static boolean isTemporary(String name) {
        return TEMPORARY.matcher(name).matches();
    }

    /**
     * Removes the temporaries in {@code dir} left by xbar processes that are no longer alive (after a
     * {@code kill -9} or a power loss); live writers' temporaries are kept. Returns how many were removed.
     * Problems (a directory that cannot be listed, a file that vanished) are ignored: this is tidying.
     */
    public static int removeStale(Path dir) {
        int removed = 0;
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                Matcher m = TEMPORARY.matcher(p.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid == PID || ProcessHandle.of(pid).isPresent()) {
                    continue;
                }
                try {
                    deleteTree(p);
                    removed++;
                } catch (IOException e) {
                    // someone else is tidying, or it cannot be removed: leave it
                }
            }
        } catch (IOException | RuntimeException e) {
            // not listable: nothing to tidy
        }
        return removed;
    }

    /**
     * {@link #removeStale} at most every ten seconds per directory: a map of many tiles does not
     * list its directory once per tile, and a long-lived process still tidies again later.
     */
    private static void tidyOnce(Path dir) {
        long now = System.nanoTime();
        Long last = TIDIED.get(dir);
        if (last == null || now - last > 10_000_000_000L) {
            TIDIED.put(dir, now);
            removeStale(dir);
        }
    }

    /** The reason of an I/O failure without the file name: {@code permission denied}, {@code No space left on device}. */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** The failure as a {@link FileSystemException} naming {@code file} (the user's path, not a temporary). */
    private static IOException named(Path file, IOException e) {
        String reason = reason(e);
        FileSystemException named = e instanceof AccessDeniedException
                ? new AccessDeniedException(file.toString(), null, reason)
                : new FileSystemException(file.toString(), null, reason);
        named.initCause(e);
        return named;
    }

    /** The attributes of what {@code path} finally names (links followed), or null if nothing is there. */
    private static BasicFileAttributes attributes(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw named(path, e);
        }
    }

    /**
     * True if a link on the way points into {@code /proc} or {@code /dev/fd} ({@code /dev/stdout}, a
     * descriptor of this process): the file behind it belongs to the caller's redirection and is
     * written through, not replaced.
     */
    private static boolean throughProc(Path path) throws IOException {
        Path p = path;
        for (int hop = 0; hop <= MAX_LINKS; hop++) {
            String s = p.toString();
            if (s.startsWith("/proc/") || s.startsWith("/dev/fd/")) {
                return true;
            }
            if (!Files.isSymbolicLink(p)) {
                return false;
            }
            p = p.resolveSibling(Files.readSymbolicLink(p));
        }
        return false;
    }

    /** Follows the symbolic links of the last name component: the file to replace or create. */
    private static Path resolveLinks(Path file, Path given) throws IOException {
        Path p = given;
        for (int hop = 0; hop <= MAX_LINKS; hop++) {
            if (!Files.isSymbolicLink(p)) {
                return p;
            }
            p = p.resolveSibling(Files.readSymbolicLink(p));
        }
        throw new FileSystemException(file.toString(), null, "too many levels of symbolic links");
    }

    /** Writes to an existing device, FIFO or descriptor in place: nothing is created, renamed or truncated. */
    private static void writeThrough(Path file, Path given, boolean regular, ChannelBody body) throws IOException {
        try (FileChannel channel = regular
                ? FileChannel.open(given, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
                : FileChannel.open(given, StandardOpenOption.WRITE)) {
            body.write(channel);
        } catch (IOException e) {
            throw named(file, e);
        }
    }

    private static void copyPermissions(Path from, Path to) {
        try {
            Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
        } catch (IOException | UnsupportedOperationException e) {
            // A file system without POSIX permissions (or one that refuses them): the new file keeps
            // the umask's permissions, as any file the user creates there would.
        }
    }

    private static String temporaryName(String name) {
        return "." + name + MARK + PID + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    }

    private static Path createTemp(Path dir, String name) throws IOException {
        // CREATE_NEW honours the umask, unlike Files.createTempFile's owner-only permissions.
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve(temporaryName(name));
            try {
                synchronized (COMMIT) {
                    requireRunning();
                    Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                    LIVE.add(tmp);
                }
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    /**
     * Test hooks, off unless set: {@code xbar.test.writeDelayMillis=N} holds every finished temporary
     * N ms before its move (to interrupt a writer mid-write); {@code xbar.test.fullDisk=true} fails it
     * as a full disk would.
     */
    private static void testHooks() throws IOException {
        long millis = Long.getLong("xbar.test.writeDelayMillis", 0);
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (Boolean.getBoolean("xbar.test.fullDisk")) {
            throw new IOException("No space left on device");
        }
    }

    /**
     * Runs {@code step}, which moves finished temporaries into place, unless the JVM is shutting
     * down (Ctrl-C, SIGTERM): then it throws, and the shutdown hook deletes the temporaries. The hook
     * waits for a step in progress, so an output is put in place whole or not at all.
     */
    public static void commit(Step step) throws IOException {
        synchronized (COMMIT) {
            requireRunning();
            step.run();
        }
    }

    /**
     * A daemon request's client got Ctrl-C or SIGTERM: from now until {@link #endCancel} nothing is
     * created or put in place, and every temporary that exists is deleted, as the shutdown hook does
     * for a plain process. Returns once they are gone (a move in progress finishes first, whole).
     */
    public static void cancel() {
        synchronized (COMMIT) {
            cancelled = true;
        }
        deleteTemporaries();
    }

    /** The cancelled request has ended (the daemon serves one request at a time): writes are allowed again. */
    public static void endCancel() {
        synchronized (COMMIT) {
            cancelled = false;
        }
    }

    private static void requireRunning() throws IOException {
        if (closing || cancelled) {
            throw new java.io.InterruptedIOException("interrupted: xbar is shutting down, its output is not written");
        }
    }

    private static void deleteLive() {
        synchronized (COMMIT) {
            closing = true;
        }
        deleteTemporaries();
    }

    private static void deleteTemporaries() {
        for (Path p : LIVE) {
            try {
                deleteTree(p);
            } catch (IOException | RuntimeException e) {
                // shutting down: nothing more to do
            }
        }
    }
}
