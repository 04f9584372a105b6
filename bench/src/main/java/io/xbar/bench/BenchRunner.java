// BenchRunner: runs JMH benchmarks and records results stamped with commit, JDK, vector width, BLAS and threads.
package io.xbar.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.xbar.blas.Blas;
import jdk.incubator.vector.DoubleVector;
import org.openjdk.jmh.Main;

/**
 * {@code BenchRunner <name> [JMH arguments...]}: runs JMH with the given arguments (benchmark
 * regex, {@code -f}, {@code -wi}, {@code -i}, {@code -p} ...), then writes
 * {@code bench/results/<name>.json}: the machine and build stamp plus JMH's own JSON results.
 */
public final class BenchRunner {
    private BenchRunner() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: BenchRunner <result-name> [JMH arguments...]");
            System.exit(2);
        }
        String name = args[0];
        Path results = Path.of(System.getProperty("xbar.results", "bench/results"));
        Files.createDirectories(results);
        Path raw = Files.createTempFile("jmh-", ".json");
        List<String> jmh = new ArrayList<>(List.of(args).subList(1, args.length));
        jmh.addAll(List.of("-rf", "json", "-rff", raw.toString()));
        Main.main(jmh.toArray(new String[0]));
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("machine", stamp(jmh));
        JsonNode parsed = mapper.readTree(raw.toFile());
        out.put("jmh", parsed);
        Path target = results.resolve(name + ".json");
        mapper.writeValue(target.toFile(), out);
        Files.deleteIfExists(raw);
        System.out.println("results written to " + target);
    }

    /** Where and how the numbers were measured. */
    static Map<String, Object> stamp(List<String> jmhArgs) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", Instant.now().toString());
        m.put("git_commit", command("git", "rev-parse", "HEAD"));
        m.put("git_dirty", !command("git", "status", "--porcelain", "--untracked-files=no").isEmpty());
        m.put("jdk", System.getProperty("java.vm.name") + " " + Runtime.version());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("cpu", cpuModel());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memory_gib", Math.round(totalMemoryGib() * 10) / 10.0);
        m.put("vector_bits", DoubleVector.SPECIES_PREFERRED.vectorBitSize());
        m.put("scalar_forced", io.xbar.kernel.Tuning.get().scalar());
        m.put("blas", Blas.config());
        m.put("blas_threads", Blas.threads());
        m.put("jmh_args", String.join(" ", jmhArgs));
        return m;
    }

    private static String cpuModel() throws IOException {
        Path p = Path.of("/proc/cpuinfo");
        if (Files.exists(p)) {
            for (String line : Files.readAllLines(p)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        return System.getProperty("os.arch");
    }

    private static double totalMemoryGib() throws IOException {
        Path p = Path.of("/proc/meminfo");
        if (Files.exists(p)) {
            for (String line : Files.readAllLines(p)) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0;
                }
            }
        }
        return Runtime.getRuntime().maxMemory() / 1024.0 / 1024.0 / 1024.0;
    }

    private static String command(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? s : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
