// Parallel: splits one sweep over lines or blocks across the cores, for single large solves.
package io.xbar.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Runs a range body on this thread and, for large ranges, on the common fork-join pool too.
 * Batches are parallel across input vectors instead: their threads mark themselves
 * {@linkplain #serial serial} so that the two levels of parallelism never stack.
 */
public final class Parallel {
    /**
     * Below this many elements of work a split costs more than it saves (on the 2-core development
     * machine a 256x256 solve, 65536 cells per sweep, ran no faster split in two).
     */
    static final int MIN_WORK = Integer.getInteger("xbar.parallel.minWork", 1 << 17);
    private static final ThreadLocal<Boolean> SERIAL = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static final int WORKERS = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(),
            ForkJoinPool.getCommonPoolParallelism() + 1));

    public interface Body {
        void run(int from, int to);
    }

    private Parallel() {
    }

    /** Marks the current thread as one of several batch workers (no nested splitting). */
    static void serial(boolean on) {
        SERIAL.set(on);
    }

    /**
     * Runs {@code body} over {@code [0, n)}, split in chunks aligned to {@code align} when
     * {@code work} (elements touched) is large enough.
     */
    public static void range(int n, int align, long work, Body body) {
        int parts = WORKERS;
        if (parts < 2 || SERIAL.get() || work < MIN_WORK || n < 2 * align) {
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
            tasks[p - 1] = ForkJoinPool.commonPool().submit(() -> body.run(from, to));
        }
        body.run(bounds[0], bounds[1]);
        for (ForkJoinTask<?> t : tasks) {
            t.join();
        }
    }
}
