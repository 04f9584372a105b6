// SparkRunner: the study's tasks as one Spark job, on an embedded local Spark or a standalone cluster; transfer matrices are computed on the executors.
package io.xbar.network;

import io.xbar.cli.UsageException;

import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One job of {@code tasks.size()} partitions, one task each, in plan order (layer by layer, so an
 * executor maps a layer once for its tasks). The layers go to the executors once, as a broadcast;
 * each task sends back its {@link TaskResult}, a few kilobytes. A task that fails is run again by
 * Spark (up to 4 attempts; results are only ever collected from successful attempts, and the
 * driver writes every file), so a failure never leaves a half-written result.
 *
 * <p>Settings: every {@code spark.*} Java system property ({@code XBAR_JAVA_OPTS="-Dspark.executor.memory=8g"})
 * is passed on, as {@link SparkConf} does; this class only sets what the user did not.
 */
final class SparkRunner {
    /** JVM flags every executor needs: the Vector API, native access for OpenBLAS, Spark's Unsafe use on Java 25. */
    static final String EXECUTOR_FLAGS = "--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
            + " --sun-misc-unsafe-memory-access=allow";
    /** Test hook (a real fault, real retry): fail every task's first attempt when this system property is true. */
    static final String FAIL_FIRST_ATTEMPT = "xbar.network.failFirstAttempt";

    private SparkRunner() {
    }

    /** The configuration of a job on {@code master}: the user's {@code spark.*} properties first. */
    static SparkConf configuration(Master master) throws IOException {
        SparkConf conf = new SparkConf(true).setAppName("xbar network").setMaster(master.spark());
        conf.setIfMissing("spark.ui.enabled", "false");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        conf.setIfMissing("spark.task.maxFailures", "4");
        if (master.loopback()) {
            // A local Spark, or a master on this machine: keep every connection on loopback.
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        if (master.cluster()) {
            String options = conf.get("spark.executor.extraJavaOptions", "").strip();
            conf.set("spark.executor.extraJavaOptions", (options.isEmpty() ? "" : options + " ") + EXECUTOR_FLAGS);
            if (!conf.contains("spark.jars")) {
                conf.set("spark.jars", ShipList.jars());
            }
        }
        return conf;
    }

    static List<TaskResult> run(Master master, String study, List<StudyTask> tasks, List<StudyLayer> layers,
                                TaskListener listener) throws IOException, InterruptedException {
        if (master.cluster()) {
            master.requireReachable(5000);
        }
        SparkConf conf = configuration(master);
        JavaSparkContext spark;
        try {
            spark = new JavaSparkContext(conf);
        } catch (RuntimeException e) {
            throw new UsageException("--master " + master.given() + ": Spark did not start: " + rootMessage(e));
        }
        try {
            if (master.cluster()) {
                awaitExecutors(spark, master);
            }
            AtomicInteger done = new AtomicInteger();
            spark.sc().addSparkListener(new SparkListener() {
                @Override
                public void onTaskEnd(SparkListenerTaskEnd end) {
                    if (end.taskInfo().successful()) {
                        listener.finished(done.incrementAndGet(), tasks.size());
                    }
                }
            });
            Broadcast<ArrayList<StudyLayer>> shared = spark.broadcast(new ArrayList<>(layers));
            List<TaskResult> results = spark.parallelize(tasks, tasks.size())
                    .map(new RunTask(study, shared, Boolean.getBoolean(FAIL_FIRST_ATTEMPT)))
                    .collect();
            shared.destroy();
            return results;
        } finally {
            spark.stop();
            TaskRunner.forget(study);
        }
    }

    /** Waits until the cluster has given the job an executor; a cluster without free workers is an error, not a hang. */
    private static void awaitExecutors(JavaSparkContext spark, Master master) throws InterruptedException {
        long seconds = Long.getLong("xbar.network.executorWait", 60);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (spark.sc().statusTracker().getExecutorInfos().length < 2) { // the driver is listed too
            if (spark.sc().isStopped()) {
                throw new UsageException("--master " + master.given() + ": the Spark master refused the job "
                        + "(is it a Spark standalone master of version 4.1 or newer?)");
            }
            if (System.nanoTime() > deadline) {
                throw new UsageException("--master " + master.given() + ": no executor started within " + seconds
                        + " s: are workers registered with free cores and memory (spark.executor.memory)?");
            }
            Thread.sleep(100);
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    /** The executor side: one task. */
    private static final class RunTask implements Function<StudyTask, TaskResult> {
        private static final long serialVersionUID = 1L;
        private final String study;
        private final Broadcast<ArrayList<StudyLayer>> layers;
        private final boolean failFirstAttempt;

        RunTask(String study, Broadcast<ArrayList<StudyLayer>> layers, boolean failFirstAttempt) {
            this.study = study;
            this.layers = layers;
            this.failFirstAttempt = failFirstAttempt;
        }

        @Override
        public TaskResult call(StudyTask task) {
            if (failFirstAttempt && TaskContext.get().attemptNumber() == 0) {
                throw new IllegalStateException("injected failure of task " + task.index() + " (" + FAIL_FIRST_ATTEMPT + ")");
            }
            return TaskRunner.run(study, task, layers.value());
        }
    }
}
