// InProcessRunner: the study's tasks on this JVM's threads, without Spark (--master in-process): the baseline Spark is measured against.
package io.xbar.network;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** The same tasks and the same {@link TaskRunner} as on Spark, on a fixed pool of threads. */
final class InProcessRunner {
    private InProcessRunner() {
    }

    static List<TaskResult> run(String study, List<StudyTask> tasks, List<StudyLayer> layers, int threads,
                                TaskListener listener) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "xbar-network-task");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger done = new AtomicInteger();
        try {
            List<Future<TaskResult>> futures = new ArrayList<>(tasks.size());
            for (StudyTask task : tasks) {
                futures.add(pool.submit(() -> {
                    TaskResult r = TaskRunner.run(study, task, layers);
                    listener.finished(done.incrementAndGet(), tasks.size());
                    return r;
                }));
            }
            List<TaskResult> results = new ArrayList<>(tasks.size());
            for (Future<TaskResult> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
            TaskRunner.forget(study);
        }
    }
}
