// Parallel: the kernel's one parallelism mechanism, a fork-join pool of Tuning.threads() workers.
package io.xbar.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Every thread the kernel uses is a worker of one fork-join pool with {@link Tuning#threads()}
 * workers ({@code -Dxbar.threads}, default: available processors), named {@code xbar-worker-N}
 * and daemon. Three uses:
 * <ul>
 *   <li>{@link #range}: one sweep over lines or blocks of a single large solve, split across the
 *       workers;</li>
 *   <li>{@link #parts}: independent pieces of work, such as the input vectors of a batch or the
 *       tiles of a layer;</li>
 *   <li>{@link #invoke} and {@link #execute}: fork-join tasks (nested-dissection subtrees, the row
 *       sweep's carry beside the inverse).</li>
 * </ul>
 * Work already running on a worker never splits a sweep again ({@link #range} runs it whole), so
 * the levels of parallelism never stack: a batch spread over the workers solves each vector on one
 * thread. Fork-join tasks may fork from a worker; joining them there helps rather than blocks.
 */
public final class Parallel {
    /** Below this many elements of work a split costs more than it saves ({@link Tuning#parallelMinWork}). */
    static final int MIN_WORK = Tuning.get().parallelMinWork();
    private static final int THREADS = Tuning.get().threads();
    private static final ForkJoinPool POOL = new ForkJoinPool(THREADS, pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("xbar-worker-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
    }, null, false);

    /** A body over an index range. */
    public interface Body {
        void run(int from, int to);
    }

    private Parallel() {
    }

    /** Worker threads of the pool ({@link Tuning#threads()}). */
    public static int threads() {
        return THREADS;
    }

    /** True on a worker of the kernel's pool. */
    public static boolean onWorker() {
        return Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == POOL;
    }

    /**
     * Runs {@code body} over {@code [0, n)}, split in chunks aligned to {@code align} when
     * {@code work} (elements touched) is large enough and this thread is not already a worker.
     */
    public static void range(int n, int align, long work, Body body) {
        int parts = THREADS;
        if (parts < 2 || work < MIN_WORK || n < 2 * align || onWorker()) {
            body.run(0, n);
            return;
        }
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[parts - 1];
        int[] bounds = new int[parts + 1];
        for (int p = 0; p <= parts; p++) {
            bounds[p] = p == parts ? n : (int) ((long) n * p / parts / align * align);
        }
        for (int p = 1; p < parts; p++) {
            int from = bounds[p];
            int to = bounds[p + 1];
            tasks[p - 1] = POOL.submit(() -> body.run(from, to));
        }
        body.run(bounds[0], bounds[1]);
        for (ForkJoinTask<?> t : tasks) {
            t.join();
        }
    }

    /**
     * Runs {@code body} over {@code [0, count)} in {@code parts} contiguous pieces on the pool's
     * workers (at most {@link #threads()} at a time) and returns when all are done. The first
     * failure of a piece is rethrown as it was thrown, after every piece has finished.
     * {@code parts <= 1} runs on this thread.
     */
    public static void parts(int count, int parts, Body body) {
        if (count <= 0) {
            return;
        }
        int pieces = Math.min(parts, count);
        if (pieces <= 1) {
            body.run(0, count);
            return;
        }
        RuntimeException[] failure = new RuntimeException[1];
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[pieces];
        for (int p = 0; p < pieces; p++) {
            int from = (int) ((long) count * p / pieces);
            int to = (int) ((long) count * (p + 1) / pieces);
            tasks[p] = ForkJoinTask.adapt(() -> {
                try {
                    body.run(from, to);
                } catch (RuntimeException e) {
                    synchronized (failure) {
                        if (failure[0] == null) {
                            failure[0] = e;
                        }
                    }
                }
            });
        }
        Runnable all = () -> {
            for (int p = 1; p < pieces; p++) {
                tasks[p].fork();
            }
            tasks[0].invoke();
            for (int p = 1; p < pieces; p++) {
                tasks[p].join();
            }
        };
        if (onWorker()) {
            all.run();
        } else {
            POOL.invoke(ForkJoinTask.adapt(all));
        }
        synchronized (failure) {
            if (failure[0] != null) {
                throw failure[0];
            }
        }
    }

    /** Runs {@code task} on the pool (in this worker's own fork-join context when on one) and returns its result. */
    static <T> T invoke(ForkJoinTask<T> task) {
        return onWorker() ? task.invoke() : POOL.invoke(task);
    }

    /** Starts {@code task} on the pool; the caller joins it. */
    static void execute(ForkJoinTask<?> task) {
        if (onWorker()) {
            task.fork();
        } else {
            POOL.execute(task);
        }
    }
}
