// AtomicFilesTest: outputs appear whole or not at all, with the permissions of any other new file.
package io.xbar.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void writesTheWholeContentAndReplacesAnOldFile() throws IOException {
        Path f = dir.resolve("out.txt");
        Files.writeString(f, "old content, longer than the new one");
        AtomicFiles.write(f, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));
        assertEquals("new", Files.readString(f));
        // A body that closes the stream itself (as Jackson does) is fine too.
        AtomicFiles.write(f, out -> {
            out.write("closed".getBytes(StandardCharsets.UTF_8));
            out.close();
        });
        assertEquals("closed", Files.readString(f));
        assertEquals(List.of(f), listing(), "no temporary file left");
    }

    @Test
    void aFailedWriteLeavesNothingBehindAndKeepsTheOldFile() throws IOException {
        Path fresh = dir.resolve("fresh.bin");
        assertThrows(IOException.class, () -> AtomicFiles.write(fresh, out -> {
            out.write(new byte[100_000]);
            throw new IOException("disk full");
        }));
        assertFalse(Files.exists(fresh));
        Path old = dir.resolve("old.bin");
        byte[] before = {1, 2, 3};
        Files.write(old, before);
        assertThrows(IllegalStateException.class, () -> AtomicFiles.writeChannel(old, ch -> {
            throw new IllegalStateException("interrupted");
        }));
        assertArrayEquals(before, Files.readAllBytes(old));
        assertEquals(List.of(fresh.resolveSibling("old.bin")), listing(), "only the old file");
    }

    @Test
    void outputsGetTheUmaskPermissionsNotOwnerOnly() throws IOException {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return; // nothing to compare on this file system
        }
        Path plain = dir.resolve("plain.txt");
        Files.writeString(plain, "x");
        Path atomic = dir.resolve("atomic.txt");
        AtomicFiles.write(atomic, out -> out.write('x'));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(atomic));
    }
}
