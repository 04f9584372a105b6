// AtomicFiles: writes a file through a temporary sibling and a move, so no partial output ever remains.
package io.xbar.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every file xbar writes (arrays, JSON reports, CSV tables, netlists, pictures) goes through here:
 * the content is written to a hidden temporary file next to the target, which is then moved over
 * the target (atomically where the file system can). The target appears complete or not at all,
 * and a failed write leaves nothing behind. The temporary file is created with the process's
 * umask, so outputs get the same permissions as any other file the user creates.
 */
public final class AtomicFiles {
    /** Writes the whole content to the stream it is given (the stream is buffered; do not close it). */
    @FunctionalInterface
    public interface Body {
        void write(OutputStream out) throws IOException;
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
        Path target = file.toAbsolutePath();
        Path tmp = createTemp(target.getParent(), target);
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                body.write(channel);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static Path createTemp(Path dir, Path file) throws IOException {
        // CREATE_NEW honours the umask, unlike Files.createTempFile's owner-only permissions.
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                    + ".tmp");
            try {
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }
}
