// NativeCrossbar: one programmed crossbar's compiled twin of the multigrid solve (C, same bits as MultigridMethod).
package io.xbar.kernel;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The multigrid-preconditioned CG solve of one crossbar with resistive word and bit lines, run by
 * the C twin of {@link MultigridMethod} ({@link NativeMultigrid}, {@code kernel/src/main/c}). The C
 * code performs the same floating-point operations in the same order as the Java solver on one
 * thread (whose parallel pieces are combined in a fixed order), so every result, residual and
 * iteration count is bit-identical; {@code NativeMultigridTest} holds them equal.
 *
 * <p>Why: a fresh JVM runs the Java solver in the interpreter and C1 for its first calls, some 50
 * times slower than once compiled; the C twin is compiled from the first call, and up to
 * {@link Tuning#nativeMaxCells} cells as fast as the warm Java solver on all cores (measured:
 * docs/performance.md). {@link ProgrammedCrossbar} uses it for linear cells whenever the library
 * loaded.
 *
 * <p>Memory: the native crossbar (its levels and one solve's workspace, about 46 doubles a cell) is
 * programmed on the first solve and kept for the next, up to one per worker thread (a batch solves
 * on all of them at once); a solve that finds none free programs its own. Kept crossbars are freed when their owner
 * becomes unreachable (a {@link Cleaner}), and together hold at most {@link #KEEP_BYTES}: beyond
 * that a solve frees what it programmed, so a loop over many crossbars cannot pile up native
 * memory the garbage collector does not see (it may run rarely: a crossbar solved natively holds
 * little Java heap).
 */
final class NativeCrossbar {
    /**
     * Bytes the kept native crossbars of the process may hold together (256 MiB: ten 256x256 crossbars).
     * Beyond it a solve frees what it programmed, into the C code's pool of mappings (at most 160 MiB),
     * which the next crossbar reuses: a loop over new crossbars neither grows the process nor faults in
     * fresh pages for every crossbar.
     */
    static final long KEEP_BYTES = 256L << 20;
    private static final AtomicLong LIVE = new AtomicLong();
    private static final Cleaner CLEANER = Cleaner.create();

    private final int rows;
    private final int cols;
    private final double[] real;
    private final int[] ints;
    private final double[] cells;
    private final double tolerance;
    private final Kept kept = new Kept(Math.max(1, Tuning.get().threads()));
    /** Programming failed for a reason that will not go away (not memory): the Java solver answers from now on. */
    private volatile boolean failed;

    /**
     * The native crossbars kept between solves, one slot per worker thread (a batch solves on all of
     * them at once), 0 where none (or taken by a solve); the cleaning action frees what is kept.
     */
    private static final class Kept implements Runnable {
        final AtomicLong[] slots;

        Kept(int count) {
            slots = new AtomicLong[count];
            for (int k = 0; k < count; k++) {
                slots[k] = new AtomicLong();
            }
        }

        @Override
        public void run() {
            for (AtomicLong slot : slots) {
                long a = slot.getAndSet(0);
                if (a != 0) {
                    release(a);
                }
            }
        }
    }

    /**
     * The twin of {@code new MultigridMethod(rows, cols, circuit, cells, options, ...)}: {@code circuit}
     * and {@code cells} scaled ({@link Scaling}), {@code cells} owned by the caller and never changed.
     */
    private NativeCrossbar(int rows, int cols, Circuit circuit, double[] cells, SolverOptions options) {
        this.rows = rows;
        this.cols = cols;
        this.cells = cells;
        this.tolerance = options.tolerance();
        Tuning t = Tuning.get();
        this.real = new double[] {circuit.wordLine(), circuit.bitLine(), circuit.source(), circuit.sense(),
            options.tolerance(), options.currentTolerance(), SolverOptions.REQUIRED_RESIDUAL, t.refineDrop()};
        this.ints = new int[] {circuit.drive().ordinal(), circuit.senseAt().ordinal(), options.maxIterations(),
            t.smoothingSweeps(), t.cycleIndex(), t.cycleFromLevel()};
        CLEANER.register(this, kept);
    }

    /**
     * The twin for a scaled circuit and cells, or null where the Java solver must run: a line layer
     * shorted (not multigrid), more cells than {@link Tuning#nativeMaxCells}, CG tracing on, or the
     * library not loaded ({@link NativeMultigrid#unavailableReason}).
     */
    static NativeCrossbar of(int rows, int cols, Circuit scaled, double[] cells, SolverOptions options) {
        Tuning t = Tuning.get();
        if (scaled.wordLine() == 0 || scaled.bitLine() == 0 || scaled.access() != 0 || t.trace()
                || (long) rows * cols > t.nativeMaxCells() || !NativeMultigrid.available()) {
            return null;
        }
        return new NativeCrossbar(rows, cols, scaled, cells, options);
    }

    /**
     * Solves for the scaled input voltages {@code v}: {@code currents} (length N) and, when not null,
     * the node voltages {@code u}, {@code w} (row-major M x N), all scaled as {@link MultigridMethod}'s.
     * Returns null when the native code could not run (out of native memory): the caller then solves
     * in Java, which meets the same condition with its own error if there is one.
     *
     * @throws ConvergenceException as {@link ConjugateGradient#solve}, with the same residual and iterations
     */
    ConjugateGradient.Stats solve(double[] v, double[] currents, double[] u, double[] w) {
        long address = take();
        if (address == 0) {
            return null;
        }
        double[] stats = new double[2];
        int status;
        try {
            status = NativeMultigrid.solveProgrammed(address, rows, cols, v, currents, u, w, stats);
        } finally {
            put(address);
            Reference.reachabilityFence(this);
        }
        if (status == NativeMultigrid.NOT_CONVERGED) {
            throw new ConvergenceException("multigrid-preconditioned CG", stats[0], tolerance, (int) stats[1]);
        }
        if (status != NativeMultigrid.OK) {
            Tuning.log().log(System.Logger.Level.DEBUG, "native multigrid solve: status {0}; solving in Java", status);
            return null;
        }
        return new ConjugateGradient.Stats(stats[0], (int) stats[1]);
    }

    /** A kept native crossbar, or a new one; 0 when it cannot be programmed. */
    private long take() {
        for (AtomicLong slot : kept.slots) {
            long address = slot.getAndSet(0);
            if (address != 0) {
                return address;
            }
        }
        if (failed) {
            return 0;
        }
        int[] status = new int[1];
        long address = NativeMultigrid.program(rows, cols, real, ints, cells, status);
        if (address == 0) {
            // Out of memory may pass; anything else (a coarse matrix that is not positive definite, a
            // size beyond the C code's) would fail again: the Java solver answers from now on.
            failed = status[0] != NativeMultigrid.NO_MEMORY;
            Tuning.log().log(System.Logger.Level.DEBUG, "native multigrid programming: status {0}; solving in Java", status[0]);
            return 0;
        }
        LIVE.addAndGet(NativeMultigrid.bytes(address));
        return address;
    }

    /** Keeps {@code address} for the next solve in a free slot when the budget allows, else frees it. */
    private void put(long address) {
        if (LIVE.get() <= KEEP_BYTES) {
            for (AtomicLong slot : kept.slots) {
                if (slot.compareAndSet(0, address)) {
                    return;
                }
            }
        }
        release(address);
    }

    /** Frees a native crossbar and takes its bytes (its own: sizes differ with pooled mappings) off the count. */
    private static void release(long address) {
        long bytes = NativeMultigrid.bytes(address);
        NativeMultigrid.free(address);
        LIVE.addAndGet(-bytes);
    }

    /** Bytes held by native crossbars of this process now (kept or in a solve). */
    static long liveBytes() {
        return LIVE.get();
    }
}
