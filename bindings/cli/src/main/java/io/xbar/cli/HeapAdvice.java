// HeapAdvice: the heap a command says it needs, so that warnings and the out-of-memory message name a true XBAR_HEAP.
package io.xbar.cli;

import java.util.Locale;

/**
 * A command that knows how much memory its work takes records it here ({@link #need}) before
 * starting; {@link #outOfMemory()} then advises the heap that would do instead of a fixed guess.
 */
final class HeapAdvice {
    /** Bytes the running command estimated it needs; 0 when it did not say. */
    private static volatile double need;

    private HeapAdvice() {
    }

    /** Forgets the previous command's estimate. */
    static void reset() {
        need = 0;
    }

    /** The running command needs about {@code bytes} of heap. */
    static void need(double bytes) {
        need = bytes;
    }

    /** {@code 1.5 GB}: bytes in decimal units, as users read them. */
    static String size(double bytes) {
        return bytes >= 1e9 ? String.format(Locale.ROOT, "%.1f GB", bytes / 1e9)
                : String.format(Locale.ROOT, "%.0f MB", Math.max(1, bytes / 1e6));
    }

    /** An {@code XBAR_HEAP} value (JVM units, 2^30 bytes per g) with a fifth to spare over {@code bytes}. */
    static String heapFor(double bytes) {
        double withSpare = 1.2 * bytes;
        if (withSpare < (1L << 30)) {
            return (long) Math.ceil(withSpare / (1 << 20)) + "m";
        }
        return (long) Math.ceil(withSpare / (1L << 30)) + "g";
    }

    /** The heap the JVM may use now. */
    static double heap() {
        return Runtime.getRuntime().maxMemory();
    }

    /** The message after an {@link OutOfMemoryError}: what was needed, what the heap holds, what to set. */
    static String outOfMemory() {
        double n = need;
        if (n > 0) {
            return "out of memory: this needs about " + size(n) + ", the heap holds " + size(heap())
                    + " (run with XBAR_HEAP=" + heapFor(n) + ")";
        }
        return "out of memory: the heap holds " + size(heap()) + " (raise it with XBAR_HEAP, e.g. XBAR_HEAP="
                + heapFor(2 * heap()) + ")";
    }
}
