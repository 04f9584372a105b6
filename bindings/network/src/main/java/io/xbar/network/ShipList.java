// ShipList: the jars a standalone cluster's executors need from this job (xbar, JavaCPP/OpenBLAS, CSparseJ): spark.jars.
package io.xbar.network;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A cluster's executors have Spark (its distribution's {@code jars/}) but not xbar: every jar of
 * this JVM's class path that is xbar's or one of the libraries its tasks load (JavaCPP and
 * OpenBLAS with their Linux natives, CSparseJ) is shipped with the job. A class directory on the
 * class path (a build's {@code target/classes}) is packed into a temporary jar first.
 */
final class ShipList {
    private static final List<String> PREFIXES = List.of("xbar-", "javacpp-", "openblas-", "csparsej-");

    private ShipList() {
    }

    /** True for a jar file name this job ships. */
    static boolean shipped(String fileName) {
        if (!fileName.endsWith(".jar")) {
            return false;
        }
        for (String p : PREFIXES) {
            if (fileName.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** The jars to ship, as a {@code spark.jars} value. */
    static String jars() throws IOException {
        List<String> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path p = Path.of(entry).toAbsolutePath();
            if (Files.isDirectory(p)) {
                if (!p.getFileName().toString().equals("test-classes")) {
                    jars.add(pack(p).toString());
                }
            } else if (Files.isRegularFile(p) && shipped(p.getFileName().toString())) {
                jars.add(p.toString());
            }
        }
        return String.join(",", jars);
    }

    /** A temporary jar of a class directory, removed when this JVM exits. */
    private static Path pack(Path dir) throws IOException {
        Path jar = Files.createTempFile("xbar-classes-", ".jar");
        jar.toFile().deleteOnExit();
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
             Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                if (Files.isRegularFile(f)) {
                    j.putNextEntry(new JarEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
                    Files.copy(f, j);
                    j.closeEntry();
                }
            }
        }
        return jar;
    }
}
