// OutputFiles: the checks and error messages shared by every command's outputs (distinct paths, writable directories, one-line failures).
package io.xbar.cli;

import io.xbar.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Outputs of commands: refused up front when two of them name the same file or their directory
 * cannot be written, and every write failure turned into one line naming the flag and the file.
 */
final class OutputFiles {
    private OutputFiles() {
    }

    /** {@code --flag: cannot write FILE: reason}, the one line a failed write prints. */
    static UsageException cannotWrite(String flag, Path file, IOException e) {
        String where = e instanceof FileSystemException f && f.getFile() != null ? f.getFile() : file.toString();
        return new UsageException((flag == null ? "" : "--" + flag + ": ") + "cannot write " + where + ": "
                + AtomicFiles.reason(e), e);
    }

    /**
     * Refuses two outputs of one command that are the same file: the same path, a symbolic link to
     * the other, a hard link, or the same file through a linked directory.
     *
     * @param outputs what each output is called in messages ({@code --report R.json}) to its path
     */
    static void requireDistinct(Map<String, Path> outputs) {
        List<Map.Entry<String, Path>> list = new ArrayList<>(outputs.entrySet());
        for (int a = 0; a < list.size(); a++) {
            for (int b = a + 1; b < list.size(); b++) {
                if (same(list.get(a).getValue(), list.get(b).getValue())) {
                    throw new UsageException(list.get(a).getKey() + " and " + list.get(b).getKey()
                            + " are the same file; give each output its own path");
                }
            }
        }
    }

    /** {@link #requireDistinct} for label, path pairs given in order. */
    static void requireDistinct(Object... labelsAndPaths) {
        Map<String, Path> map = new LinkedHashMap<>();
        for (int k = 0; k + 1 < labelsAndPaths.length; k += 2) {
            if (labelsAndPaths[k + 1] != null) {
                map.put((String) labelsAndPaths[k], (Path) labelsAndPaths[k + 1]);
            }
        }
        requireDistinct(map);
    }

    private static boolean same(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b)) {
                return true;
            }
        } catch (IOException e) {
            // fall back to comparing the resolved names
        }
        return identity(a).equals(identity(b));
    }

    /** The real directory plus the name the file has (or will have) there, symbolic links followed. */
    static Path identity(Path file) {
        Path p = io.xbar.io.WorkingDirectory.absolute(file);
        try {
            for (int hop = 0; hop < 40 && Files.isSymbolicLink(p); hop++) {
                p = p.resolveSibling(Files.readSymbolicLink(p));
            }
            Path parent = p.getParent();
            Path name = p.getFileName();
            if (parent != null && name != null && Files.isDirectory(parent)) {
                return parent.toRealPath().resolve(name);
            }
        } catch (IOException e) {
            // unresolvable: compare as given
        }
        return p.normalize();
    }

    /**
     * Checks before any work that the output directory {@code dir} can be created or written:
     * its parent exists, an existing {@code dir} is a directory, and the one to write into is writable.
     */
    static void checkDirectory(String flag, String given, Path dir) {
        Path parent = dir.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new UsageException("--" + flag + " " + given + ": directory " + parent + " does not exist");
        }
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new UsageException("--" + flag + " " + given + " exists and is not a directory");
            }
            if (!Files.isWritable(dir)) {
                throw new UsageException("--" + flag + " " + given + ": directory " + dir + " is not writable");
            }
        } else if (!Files.isWritable(parent)) {
            throw new UsageException("--" + flag + " " + given + ": cannot create it, directory " + parent + " is not writable");
        }
    }

    /**
     * An output directory filled by one command: created on first use, and on failure the files this
     * run wrote are removed, and the directory too if this run created it and it is empty again.
     */
    static final class Directory implements AutoCloseable {
        private final String flag;
        private final Path dir;
        private final List<Path> written = new ArrayList<>();
        private boolean created;
        private boolean committed;

        Directory(String flag, Path dir) {
            this.flag = flag;
            this.dir = dir;
        }

        /** Creates the directory if needed and writes one file through {@code writer}. */
        Path write(String name, Writer writer) {
            Path file = dir.resolve(name);
            try {
                if (!Files.isDirectory(dir)) {
                    Files.createDirectory(dir);
                    created = true;
                }
                writer.write(file);
            } catch (IOException e) {
                throw cannotWrite(flag, file, e);
            }
            written.add(file);
            return file;
        }

        /** Every file was written: keep them. */
        void commit() {
            committed = true;
        }

        @Override
        public void close() {
            if (committed) {
                return;
            }
            for (Path p : written) {
                removeWritten(p);
            }
            if (created) {
                try (var entries = Files.list(dir)) {
                    if (entries.findAny().isEmpty()) {
                        Files.delete(dir);
                    }
                } catch (IOException e) {
                    // best effort
                }
            }
        }

        @FunctionalInterface
        interface Writer {
            void write(Path file) throws IOException;
        }
    }

    /**
     * Removes an output this run wrote, after a later output failed. Only a regular file is removed:
     * a device, FIFO or symbolic link given as the output stays.
     */
    static void removeWritten(Path file) {
        try {
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // best effort: the error that got us here is what the user sees
        }
    }
}
