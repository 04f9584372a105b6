// XbarExampleTest: compiles examples/java/XbarExample.java against this module and runs it, so the published example works.
package io.xbar.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XbarExampleTest {
    @TempDir
    Path classes;

    @Test
    void exampleCompilesAndPrintsItsTable() throws Exception {
        Path source = Path.of("../..", "examples", "java", "XbarExample.java");
        assertTrue(Files.exists(source), "example at " + source.toAbsolutePath());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classpath = classpath();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = javac.run(null, null, diagnostics, "--release", "25", "-cp", classpath, "-d", classes.toString(),
                source.toString());
        assertEquals(0, status, diagnostics.toString(StandardCharsets.UTF_8));

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            Method main = loader.loadClass("XbarExample").getMethod("main", String[].class);
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(saved);
        }
        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(6, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("crossbar 128x64"), lines.get(0));
        for (String preset : List.of("naive", "mdm", "optimized")) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(preset + " ")), preset + " row in " + lines);
        }
    }

    /** The test's class path, expanded from a manifest-only surefire jar when surefire uses one. */
    private static String classpath() throws Exception {
        StringBuilder cp = new StringBuilder();
        // Surefire puts the modules under test on the module path and the rest on the class path.
        String paths = System.getProperty("jdk.module.path", "") + File.pathSeparator + System.getProperty("java.class.path");
        for (String entry : paths.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            append(cp, entry);
            if (entry.endsWith(".jar")) {
                try (java.util.jar.JarFile jar = new java.util.jar.JarFile(entry)) {
                    java.util.jar.Manifest m = jar.getManifest();
                    String more = m == null ? null : m.getMainAttributes().getValue("Class-Path");
                    if (more != null) {
                        for (String u : more.trim().split("\\s+")) {
                            append(cp, Path.of(new java.net.URI(u)).toString());
                        }
                    }
                } catch (java.io.IOException | IllegalArgumentException e) {
                    // not a jar we can read: its entry above is enough
                }
            }
        }
        return cp.toString();
    }

    private static void append(StringBuilder cp, String entry) {
        if (!cp.isEmpty()) {
            cp.append(File.pathSeparator);
        }
        cp.append(entry);
    }
}
