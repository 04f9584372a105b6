// SciPyPeer: runs bench/scipy_crossbar.py (SciPy splu on the crossbar's nodal system) and reads its timing line.
package io.xbar.bench;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The SciPy peer as a child process; its times are measured inside Python, so interpreter start is not counted. */
final class SciPyPeer {
    private SciPyPeer() {
    }

    /** Null when {@code python} can import SciPy and the script exists, else what is missing and how to get it. */
    static String check(String python, String script) {
        if (!Files.isRegularFile(Path.of(script))) {
            return "script " + script + " not found (run from the repository root)";
        }
        try {
            Process p = new ProcessBuilder(python, "-c", "import scipy.sparse.linalg, numpy")
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return python + " cannot import SciPy (apt-get install -y python3-scipy for /usr/bin/python3,"
                        + " or set XBAR_PYTHON): " + text.strip().lines().reduce((a, b) -> b).orElse("");
            }
            return null;
        } catch (IOException e) {
            return python + " not found (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Runs {@code script mode files... --r-* ...} and returns its JSON line.
     *
     * @throws IOException when the script fails or runs past {@code budgetSeconds} (then it is killed)
     */
    static JsonNode run(String python, String script, Circuit c, String mode, List<String> files, int repeats,
                        double budgetSeconds) throws IOException {
        if (c.drive() != Drive.LEFT || c.senseAt() != Sense.BOTTOM || !(c.wordLine() > 0 && c.bitLine() > 0)) {
            throw new IllegalArgumentException("the SciPy peer models left drive, bottom sense and positive wires, got " + c);
        }
        List<String> cmd = new ArrayList<>(List.of(python, script, mode));
        cmd.addAll(files);
        cmd.addAll(List.of("--r-wl", num(c.wordLine()), "--r-bl", num(c.bitLine()), "--r-source", num(c.source()),
                "--r-sense", num(c.sense()), "--r-access", num(c.access()), "--repeats", Integer.toString(repeats)));
        Path log = Files.createTempFile("xbar-scipy", ".log");
        Path stdout = Files.createTempFile("xbar-scipy", ".json");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).redirectOutput(stdout.toFile()).start();
            boolean finished;
            try {
                finished = p.waitFor((long) (budgetSeconds * 1000), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            if (!finished) {
                p.destroyForcibly();
                throw new IOException("SciPy did not finish within " + budgetSeconds + " s");
            }
            if (p.exitValue() != 0) {
                List<String> err = Files.readAllLines(log);
                throw new IOException("SciPy peer failed (status " + p.exitValue() + "): "
                        + String.join(" | ", err.subList(Math.max(0, err.size() - 3), err.size())));
            }
            String line = Files.readString(stdout, StandardCharsets.UTF_8).strip();
            return new ObjectMapper().readTree(line.substring(line.lastIndexOf('\n') + 1));
        } finally {
            Files.deleteIfExists(log);
            Files.deleteIfExists(stdout);
        }
    }

    private static String num(double x) {
        return String.format(Locale.ROOT, "%.17g", x);
    }
}
