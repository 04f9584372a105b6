// InputFiles: the one way every input is opened (regular file, pipe, /dev/stdin, FIFO), with a bounded wait and bounded reads.
package io.xbar.io;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Opens the files a command reads. A regular file is opened as a file (its size is known); any
 * other file that can be read as a stream is opened as one: a pipe, {@code /dev/stdin}, a FIFO, a
 * character device. Streams are read front to back only, never seeked, and every reader bounds
 * what it takes from them (a configuration file by a byte cap, a {@code .npy} file by the size its
 * header declares), so {@code /dev/zero} or an endless pipe is refused instead of filling the heap.
 *
 * <p>Opening a FIFO blocks until a process opens it for writing; this waits at most
 * {@link #writerWait()} (10 s unless the system property {@code xbar.input.wait-ms} says otherwise)
 * and then refuses the file, instead of hanging for ever.
 *
 * <p>Every refusal is an {@link IllegalArgumentException} whose message starts with the file name
 * and says what is wrong (missing, a directory, a symbolic link loop, permission denied, no writer,
 * too large). Genuine read failures while reading surface as {@link IOException}. Thread-safe.
 */
public final class InputFiles {
    /** Default wait for a writer of a FIFO. */
    private static final long DEFAULT_WAIT_MS = 10_000;
    /** {@code S_IFMT} and the file types of {@code st_mode} (POSIX), read through the "unix" attribute view. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFSOCK = 0140000;

    private InputFiles() {
    }

    /** An opened input: a channel read front to back, and the size of a regular file ({@code -1} for a stream). */
    public record Input(String name, ReadableByteChannel channel, long size) implements Closeable {
        /** {@return whether this is a regular file of known size} */
        public boolean regular() {
            return size >= 0;
        }

        /** This input as an {@link InputStream} (closing it closes the input). */
        public InputStream stream() {
            return Channels.newInputStream(channel);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** {@return how long opening a FIFO waits for a writer, in milliseconds} */
    public static long writerWait() {
        String v = System.getProperty("xbar.input.wait-ms");
        if (v != null) {
            try {
                return Math.max(1, Long.parseLong(v.strip()));
            } catch (NumberFormatException e) {
                // a malformed property falls back to the default
            }
        }
        return DEFAULT_WAIT_MS;
    }

    /**
     * Opens {@code file} for reading.
     *
     * @throws IllegalArgumentException naming the file: missing, a directory, a symbolic link loop,
     *                                  permission denied, a FIFO without a writer, not readable
     * @throws IOException              on another failure of the file system
     */
    public static Input open(Path file) throws IOException {
        WorkingDirectory.requireServable(file);
        String name = file.toString();
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            if (Files.isSymbolicLink(file)) {
                throw new IllegalArgumentException(name + ": is a symbolic link to a missing file");
            }
            throw new IllegalArgumentException(name + ": no such file");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(name + ": permission denied");
        } catch (FileSystemException e) {
            throw refusal(name, e);
        }
        if (attrs.isDirectory()) {
            throw new IllegalArgumentException(name + ": is a directory, not a file");
        }
        try {
            if (attrs.isRegularFile()) {
                FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                return new Input(name, ch, ch.size());
            }
            return openStream(file, name);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(name + ": no such file");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(name + ": permission denied");
        } catch (FileSystemException e) {
            throw refusal(name, e);
        }
    }

    /**
     * Reads all of {@code file}, at most {@code maxBytes} bytes.
     *
     * @param what what the file is, for the message of a file that is too large (e.g. "a configuration file")
     * @throws IllegalArgumentException as {@link #open}, or naming the cap when the file holds more
     * @throws IOException              on a read failure
     */
    public static byte[] readAll(Path file, int maxBytes, String what) throws IOException {
        try (Input in = open(file)) {
            if (in.regular() && in.size() > maxBytes) {
                throw tooLarge(in.name(), in.size() + " bytes", maxBytes, what);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            long total = 0;
            while (true) {
                buf.clear();
                int r = in.channel().read(buf);
                if (r < 0) {
                    return out.toByteArray();
                }
                total += r;
                if (total > maxBytes) {
                    throw tooLarge(in.name(), "more than " + maxBytes + " bytes", maxBytes, what);
                }
                out.write(buf.array(), 0, r);
            }
        }
    }

    /** {@code 1 MiB}, {@code 64 KiB} or a byte count: how messages state a cap. */
    public static String bytes(long n) {
        if (n >= 1 << 20 && n % (1 << 20) == 0) {
            return (n >> 20) + " MiB";
        }
        if (n >= 1 << 10 && n % (1 << 10) == 0) {
            return (n >> 10) + " KiB";
        }
        return n + " bytes";
    }

    private static IllegalArgumentException tooLarge(String name, String has, int maxBytes, String what) {
        return new IllegalArgumentException(name + ": holds " + has + "; " + what + " is read up to "
                + bytes(maxBytes));
    }

    /** Opens a non-regular file as a stream, waiting a bounded time for the writer of a FIFO. */
    private static Input openStream(Path file, String name) throws IOException {
        String kind = kind(file);
        CompletableFuture<ReadableByteChannel> opened = new CompletableFuture<>();
        // open(2) of a FIFO blocks until a writer appears and cannot be interrupted: open on a daemon thread.
        Thread.ofPlatform().daemon().name("xbar-open").start(() -> {
            try {
                opened.complete(Files.newByteChannel(file, StandardOpenOption.READ));
            } catch (Throwable e) {
                opened.completeExceptionally(e);
            }
        });
        long wait = writerWait();
        try {
            return new Input(name, opened.get(wait, TimeUnit.MILLISECONDS), -1);
        } catch (TimeoutException e) {
            release(file, opened);
            throw new IllegalArgumentException(name + ": " + kind + " has no writer (waited " + seconds(wait)
                    + "); start the process that writes to it first, or pass a regular file");
        } catch (InterruptedException e) {
            release(file, opened);
            Thread.currentThread().interrupt();
            throw new IOException(name + ": interrupted while waiting for a writer", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(name + ": " + e.getCause(), e.getCause());
        }
    }

    /**
     * Frees the thread still blocked opening a FIFO: opening the FIFO for writing completes its open,
     * and the channel it gets is closed at once. Runs on its own daemon thread so it never blocks us.
     */
    private static void release(Path file, CompletableFuture<ReadableByteChannel> opened) {
        opened.thenAccept(ch -> {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing was read from it; closing is best effort
            }
        });
        if (opened.isDone()) {
            return;
        }
        Thread.ofPlatform().daemon().name("xbar-open-release").start(() -> {
            try (var w = FileChannel.open(file, StandardOpenOption.WRITE)) {
                // opening is all it takes
            } catch (IOException | RuntimeException e) {
                // not a FIFO after all, or gone: the blocked thread is a daemon and cannot outlive the JVM
            }
        });
    }

    private static String seconds(long ms) {
        return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** "FIFO", "character device", "socket" or "special file". */
    private static String kind(Path file) {
        try {
            int mode = (Integer) Files.getAttribute(file, "unix:mode");
            return switch (mode & S_IFMT) {
                case S_IFIFO -> "FIFO (named pipe)";
                case S_IFCHR -> "character device";
                case S_IFSOCK -> "socket";
                default -> "special file";
            };
        } catch (IOException | RuntimeException e) {
            return "special file";
        }
    }

    /** One line for a file-system refusal that is not "missing" or "permission denied". */
    private static IllegalArgumentException refusal(String name, FileSystemException e) {
        String reason = e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
        if (reason.toLowerCase(Locale.ROOT).contains("too many levels of symbolic links")) {
            return new IllegalArgumentException(name + ": symbolic link loop (too many levels of symbolic links)");
        }
        return new IllegalArgumentException(name + ": cannot be opened: " + reason);
    }
}
