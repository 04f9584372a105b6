// StandaloneClusterTest: a real Spark standalone cluster (a master and two workers, separate java processes on 127.0.0.1) runs the study with the local run's results.
package io.xbar.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class StandaloneClusterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A cluster as a Spark distribution would run it, without one: {@code SPARK_HOME} holds an empty
     * {@code RELEASE} and {@code jars/} with Spark and its dependencies only (this JVM's class path
     * less xbar, JavaCPP/OpenBLAS and CSparseJ, which the job ships itself, and the test libraries).
     */
    static final class Cluster implements AutoCloseable {
        final List<Process> processes = new ArrayList<>();
        final Path dir;
        final int port;

        Cluster(Path dir) throws IOException {
            this.dir = dir;
            Path home = dir.resolve("spark-home");
            Path jars = home.resolve("jars");
            Files.createDirectories(jars);
            Files.writeString(home.resolve("RELEASE"), "");
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path p = Path.of(entry);
                String name = p.getFileName().toString();
                boolean testLibrary = name.startsWith("junit-") || name.startsWith("opentest4j-")
                        || name.startsWith("apiguardian-") || name.startsWith("surefire") || name.startsWith("common-java5")
                        || name.startsWith("common-junit");
                if (Files.isRegularFile(p) && name.endsWith(".jar") && !ShipList.shipped(name) && !testLibrary) {
                    Files.createSymbolicLink(jars.resolve(name), p.toAbsolutePath());
                }
            }
            try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            start("master", home, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                    Integer.toString(port), "--webui-port", "0");
            awaitPort(port, 90);
            for (int w = 1; w <= 2; w++) {
                Files.createDirectories(dir.resolve("work" + w));
                start("worker" + w, home, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
                        "--memory", "1536m", "--webui-port", "0", "--work-dir", dir.resolve("work" + w).toString(),
                        "spark://127.0.0.1:" + port);
            }
            for (int w = 1; w <= 2; w++) {
                awaitLog(dir.resolve("worker" + w + ".log"), "Successfully registered with master", 90);
            }
        }

        private void start(String name, Path home, String main, String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "--add-modules=jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow",
                    "-cp", home.resolve("jars") + File.separator + "*", main));
            command.addAll(List.of(args));
            ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve(name + ".log").toFile());
            b.environment().put("SPARK_HOME", home.toString());
            b.environment().put("SPARK_SCALA_VERSION", "2.13");
            b.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
            b.environment().put("JAVA_HOME", System.getProperty("java.home")); // the executors' java
            processes.add(b.start());
        }

        private void awaitPort(int port, int seconds) throws IOException {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            while (true) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                    return;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline || !processes.get(0).isAlive()) {
                        throw new IOException("the Spark master did not listen on " + port + ": " + log("master"), e);
                    }
                    sleep();
                }
            }
        }

        private void awaitLog(Path log, String line, int seconds) throws IOException {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            while (!(Files.exists(log) && Files.readString(log).contains(line))) {
                if (System.nanoTime() > deadline) {
                    throw new IOException(log + " never said '" + line + "': " + Files.readString(log));
                }
                sleep();
            }
        }

        String log(String name) throws IOException {
            Path p = dir.resolve(name + ".log");
            return Files.exists(p) ? Files.readString(p) : "(no log)";
        }

        private static void sleep() {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Stops the workers' executors, the workers and the master, by process id, forcibly after 10 s. */
        @Override
        public void close() {
            for (int k = processes.size() - 1; k >= 0; k--) {
                Process p = processes.get(k);
                List<ProcessHandle> children = p.descendants().toList();
                p.destroy();
                children.forEach(ProcessHandle::destroy);
                try {
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
                children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void aMasterAndTwoWorkersGiveTheLocalResults(@TempDir Path dir) throws IOException {
        Path model = Cli.model(dir.resolve("model"));
        JsonNode local = study(model, dir.resolve("local"), "local[2]");
        try (Cluster cluster = new Cluster(dir)) {
            JsonNode remote = study(model, dir.resolve("cluster"), "spark://127.0.0.1:" + cluster.port);
            assertEquals(NetworkStudyTest.rows(local), NetworkStudyTest.rows(remote));
            assertEquals("spark://127.0.0.1:" + cluster.port, remote.get("master").asText());
            // Both workers ran executors for the job.
            for (int w = 1; w <= 2; w++) {
                assertTrue(cluster.log("worker" + w).contains("Asked to launch executor"), cluster.log("worker" + w));
            }
        }
    }

    private static JsonNode study(Path model, Path out, String master) throws IOException {
        List<String> args = new ArrayList<>(List.of("network", "--model", model.toString(), "--out", out.toString(),
                "--master", master, "--task-work", "0"));
        // A smaller grid than the local tests: the cluster's JVMs are the cost here, the numbers are checked there.
        args.addAll(List.of("--tiles", "32x32,128x128", "--wires", "2.5", "--mappings", "naive,optimized", "--g-on", "1e-5",
                "--g-off", "1e-7"));
        Cli.Run r = Cli.run(args.toArray(new String[0]));
        assertEquals(0, r.status(), r.err());
        return JSON.readTree(out.resolve("results.json").toFile());
    }
}
