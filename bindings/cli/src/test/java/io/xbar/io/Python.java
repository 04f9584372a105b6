// Python: runs python3 with NumPy from tests, or skips the test with a message when either is missing.
package io.xbar.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Test helper shared by the .npy and command-line tests. */
public final class Python {
    private static Boolean numpy;

    private Python() {
    }

    /** The interpreter: {@code XBAR_PYTHON} if set, else {@code python3} on the PATH. */
    public static String interpreter() {
        String p = System.getenv("XBAR_PYTHON");
        return p == null || p.isBlank() ? "python3" : p;
    }

    /** True when {@code python3 -c 'import numpy'} succeeds. */
    public static synchronized boolean hasNumpy() {
        if (numpy == null) {
            try {
                Process p = new ProcessBuilder(interpreter(), "-c", "import numpy").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                numpy = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                numpy = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                numpy = false;
            }
        }
        return numpy;
    }

    /** Skips the calling test, saying why, when Python or NumPy is missing. */
    public static void assumeNumpy() {
        assumeTrue(hasNumpy(), "skipped: " + interpreter() + " with numpy is not available on this machine");
    }

    /** Runs a script with arguments and fails the test, showing its output, if it does not exit with 0. */
    public static String run(String script, String... args) throws IOException, InterruptedException {
        return run(script, Map.of(), args);
    }

    /** As {@link #run(String, String...)}, with extra environment variables. */
    public static String run(String script, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(interpreter(), "-c", script));
        cmd.addAll(List.of(args));
        return exec(cmd, env);
    }

    /** Runs a Python file with extra environment variables; fails the test unless it exits with 0. */
    public static String runFile(Path file, Map<String, String> env) throws IOException, InterruptedException {
        return exec(List.of(interpreter(), file.toString()), env);
    }

    private static String exec(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), "python failed:\n" + output);
        return output;
    }
}
