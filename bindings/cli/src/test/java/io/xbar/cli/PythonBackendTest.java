// PythonBackendTest: runs examples/python/xbar_backend.py (Python + NumPy using xbar through .npy files and the CLI).
package io.xbar.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xbar.io.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PythonBackendTest {
    /** The example, found from the module directory (bindings/cli , surefire's working directory) or the repository root. */
    private static Path example() {
        for (Path p : List.of(Path.of("../../examples/python/xbar_backend.py"), Path.of("examples/python/xbar_backend.py"))) {
            if (Files.isRegularFile(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new AssertionError("examples/python/xbar_backend.py not found from " + Path.of("").toAbsolutePath());
    }

    /** This test JVM's java and class path, so the example runs the code under test rather than a stale build. */
    private static String xbarCommand() {
        return ChildJvm.command("1g").stream().map(s -> "'" + s.replace("'", "'\"'\"'") + "'").collect(Collectors.joining(" "));
    }

    @Test
    void pythonSimulatorUsesXbarAsBackend() throws Exception {
        Python.assumeNumpy();
        String output = Python.runFile(example(), Map.of("XBAR_CMD", xbarCommand()));
        assertTrue(output.contains("ideal MVM V @ G reproduced to rounding"), output);
        assertTrue(output.contains("xbar refused a NaN conductance"), output);
        assertTrue(output.contains("transfer matrix reproduces the batch"), output);
    }
}
