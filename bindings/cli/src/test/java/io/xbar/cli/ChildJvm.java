// ChildJvm: the command that runs the code under test in a fresh JVM (for tests that need a real process).
package io.xbar.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The java command line that starts {@link Main} on this test JVM's classes, in a new process. */
final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * This JVM's class path and module path joined into one class path: surefire puts the modules under
     * test on the module path and the rest on the class path; the child runs all of it on the class path,
     * as the {@code xbar} launcher does.
     */
    static String classPath() {
        StringBuilder cp = new StringBuilder();
        for (String key : List.of("jdk.module.path", "java.class.path")) {
            for (String entry : System.getProperty(key, "").split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    cp.append(cp.isEmpty() ? "" : File.pathSeparator).append(entry);
                }
            }
        }
        return cp.toString();
    }

    /** {@code java ... io.xbar.cli.Main args...} with the launcher's JVM flags and the given heap. */
    static List<String> command(String heap, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx" + heap, "-cp",
                classPath(), Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
