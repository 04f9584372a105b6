// NgSpice: runs a real ngspice in batch mode on a netlist and reads its operating point at full precision (ASCII raw file).
package io.xbar.validation;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The external SPICE the project checks itself against. {@code ngspice -b -r out.raw net.cir}
 * with {@code SPICE_ASCIIRAWFILE=1} runs the netlist's {@code .op} and writes every node voltage
 * and voltage-source current as text with 16 significant digits; this class runs it in a scratch
 * directory and reads that file. Names come back in lower case, as ngspice reports them.
 *
 * <p>ngspice is found as {@code $XBAR_NGSPICE} or {@code ngspice} on the {@code PATH}; when it is
 * missing, {@link #isAvailable()} is false and {@link #INSTALL_HINT} says how to get it.
 */
public final class NgSpice {
    /** What to do when ngspice is missing. */
    public static final String INSTALL_HINT = "ngspice is not installed: apt-get install -y ngspice";

    private NgSpice() {
    }

    /** The operating point ngspice computed. Names are lower case. */
    public record Result(Map<String, Double> nodeVoltages, Map<String, Double> sourceCurrents, double seconds) {
        /** {@code v(node)}; ground is 0. */
        public double voltage(String node) {
            String key = node.toLowerCase(Locale.ROOT);
            if (key.equals("0") || key.equals("gnd")) {
                return 0;
            }
            Double v = nodeVoltages.get(key);
            if (v == null) {
                throw new IllegalArgumentException("ngspice reported no voltage for node '" + node + "'");
            }
            return v;
        }

        /** {@code i(source)}: the current into the source's + terminal, through it, out of its - terminal. */
        public double current(String source) {
            Double i = sourceCurrents.get(source.toLowerCase(Locale.ROOT));
            if (i == null) {
                throw new IllegalArgumentException("ngspice reported no current for voltage source '" + source + "'");
            }
            return i;
        }
    }

    /** ngspice failed: non-zero status, no results, or an error in its log (included, last lines). */
    public static final class NgSpiceException extends IOException {
        private static final long serialVersionUID = 1L;

        NgSpiceException(String message) {
            super(message);
        }
    }

    /** The ngspice executable, if there is one. */
    public static Optional<Path> executable() {
        String override = System.getenv("XBAR_NGSPICE");
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, "ngspice");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public static boolean isAvailable() {
        return executable().isPresent();
    }

    /** Runs the netlist's operating point with a 10-minute limit. */
    public static Result run(Path netlist) throws IOException {
        return run(netlist, Duration.ofMinutes(10));
    }

    /** Runs the netlist's operating point; the netlist must contain {@code .op}. */
    public static Result run(Path netlist, Duration timeout) throws IOException {
        Path ngspice = executable().orElseThrow(() -> new NgSpiceException(INSTALL_HINT));
        Path work = Files.createTempDirectory("xbar-ngspice");
        try {
            Path raw = work.resolve("out.raw");
            Path log = work.resolve("ngspice.log");
            ProcessBuilder pb = new ProcessBuilder(ngspice.toString(), "-b", "-r", raw.toString(),
                    netlist.toAbsolutePath().toString());
            pb.directory(work.toFile());
            pb.environment().put("SPICE_ASCIIRAWFILE", "1");
            pb.redirectErrorStream(true);
            pb.redirectOutput(log.toFile());
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            long start = System.nanoTime();
            Process process = pb.start();
            boolean finished;
            try {
                finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new NgSpiceException("interrupted while ngspice ran " + netlist);
            }
            if (!finished) {
                process.destroyForcibly();
                throw new NgSpiceException("ngspice did not finish " + netlist + " within " + timeout.toSeconds() + " s");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
            if (process.exitValue() != 0 || !Files.exists(raw) || hasError(text)) {
                throw new NgSpiceException("ngspice failed on " + netlist + " (status " + process.exitValue() + "): " + tail(text));
            }
            return read(raw, seconds);
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * True when ngspice reports an error, or did not get the operating point by a plain linear
     * solve (a singular matrix, gmin or source stepping perturb the answer): the title line, echoed
     * as {@code Circuit:}, is not looked at.
     */
    static boolean hasError(String log) {
        for (String line : log.lines().toList()) {
            String l = line.strip().toLowerCase(Locale.ROOT);
            if (l.startsWith("circuit:") || l.startsWith("title:")) {
                continue;
            }
            if (l.startsWith("error") || l.contains(" error") || l.contains("singular matrix") || l.contains("gmin stepping")
                    || l.contains("source stepping") || l.contains("aborted")) {
                return true;
            }
        }
        return false;
    }

    private static String tail(String log) {
        List<String> lines = log.lines().filter(l -> !l.isBlank()).toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 6), lines.size()));
    }

    /** Reads an ASCII raw file of one operating point. */
    static Result read(Path raw, double seconds) throws IOException {
        Map<String, Double> voltages = new HashMap<>();
        Map<String, Double> currents = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(raw, StandardCharsets.ISO_8859_1)) {
            int variables = -1;
            String line;
            while ((line = in.readLine()) != null && !line.startsWith("Variables:")) {
                if (line.startsWith("No. Variables:")) {
                    variables = Integer.parseInt(line.substring("No. Variables:".length()).trim());
                }
                if (line.startsWith("Flags:") && line.contains("complex")) {
                    throw new NgSpiceException(raw + ": complex data, not an operating point");
                }
            }
            if (variables < 0 || line == null) {
                throw new NgSpiceException(raw + ": not an ngspice ASCII raw file (no variable list)");
            }
            String[] names = new String[variables];
            String[] types = new String[variables];
            for (int k = 0; k < variables; k++) {
                String[] f = in.readLine().trim().split("\\s+");
                names[k] = f[1].toLowerCase(Locale.ROOT);
                types[k] = f.length > 2 ? f[2] : "";
            }
            while ((line = in.readLine()) != null && !line.startsWith("Values:")) {
                // skip to the values
            }
            if (line == null) {
                throw new NgSpiceException(raw + ": no values");
            }
            double[] values = new double[variables];
            int read = -1; // the first token is the point index
            while (read < variables && (line = in.readLine()) != null) {
                for (String token : line.trim().split("\\s+")) {
                    if (token.isEmpty()) {
                        continue;
                    }
                    if (read >= 0 && read < variables) {
                        values[read] = Double.parseDouble(token);
                    }
                    read++;
                }
            }
            if (read < variables) {
                throw new NgSpiceException(raw + ": " + read + " of " + variables + " values");
            }
            for (int k = 0; k < variables; k++) {
                String n = names[k];
                if (n.startsWith("v(") && n.endsWith(")")) {
                    voltages.put(n.substring(2, n.length() - 1), values[k]);
                } else if (n.startsWith("i(") && n.endsWith(")")) {
                    currents.put(n.substring(2, n.length() - 1), values[k]);
                } else if (n.endsWith("#branch")) {
                    currents.put(n.substring(0, n.length() - "#branch".length()), values[k]);
                } else if (types[k].equals("voltage")) {
                    voltages.put(n, values[k]);
                } else if (types[k].equals("current")) {
                    currents.put(n, values[k]);
                }
            }
        }
        return new Result(voltages, currents, seconds);
    }
}
