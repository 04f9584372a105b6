// TuningTest: knobs read from properties, bad values ignored, the vector/scalar choice, the one worker pool.
package io.xbar.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class TuningTest {
    @Test
    void noPropertiesGiveTheDefaults() {
        assertEquals(Tuning.DEFAULT, Tuning.read(key -> null));
        assertTrue(Tuning.DEFAULT.threads() >= 1);
    }

    @Test
    void everyKnobIsReadFromItsProperty() {
        Map<String, String> p = Map.ofEntries(Map.entry("xbar.threads", "3"), Map.entry("xbar.scalar", "true"),
                Map.entry("xbar.parallel.minWork", "4096"), Map.entry("xbar.sweeps", "2"), Map.entry("xbar.cycle", "1"),
                Map.entry("xbar.wfrom", "0"), Map.entry("xbar.refineDrop", "0.5"), Map.entry("xbar.trace", "TRUE"),
                Map.entry("xbar.nd.leaf", "16"), Map.entry("xbar.nd.wide", "0"),
                Map.entry("xbar.transfer.blasThreads", "true"), Map.entry("xbar.transfer.method", " Nested "),
                Map.entry("xbar.native.maxCells", "0"));
        assertEquals(new Tuning(3, true, 4096, 2, 1, 0, 0.5, true, 16, 0, true, TransferMatrix.Method.NESTED, 0),
                Tuning.read(p::get));
    }

    @Test
    void valuesThatDoNotParseKeepTheDefault() {
        Map<String, String> p = Map.of("xbar.threads", "0", "xbar.cycle", "two", "xbar.refineDrop", "1",
                "xbar.scalar", "yes", "xbar.transfer.method", "fast");
        assertEquals(Tuning.DEFAULT, Tuning.read(p::get));
        assertThrows(IllegalArgumentException.class,
                () -> new Tuning(0, false, 1, 0, 2, 2, 0.01, false, 8, 1024, false, TransferMatrix.Method.AUTO, 1 << 18));
    }

    @Test
    void aMissingVectorImplementationFallsBackToScalarAndSaysWhy() {
        List<String> reasons = new ArrayList<>();
        LineKernels k = LineKernels.Holder.choose(false, "io.xbar.kernel.NoSuchLineKernels", reasons::add);
        assertSame(LineKernels.scalar(), k);
        assertEquals(1, reasons.size());
        assertTrue(reasons.get(0).contains("NoSuchLineKernels"), reasons.get(0));
        assertTrue(reasons.get(0).contains("jdk.incubator.vector"), reasons.get(0));
        assertSame(LineKernels.scalar(), LineKernels.Holder.choose(true, "io.xbar.kernel.VectorLineKernels",
                reasons::add));
        assertEquals(1, reasons.size());
        // A class that is there but is no LineKernels is a programming error, not a fallback.
        assertThrows(ClassCastException.class, () -> LineKernels.Holder.choose(false, "java.lang.Object", reasons::add));
    }

    @Test
    void partsCoverTheRangeOnTheWorkerPool() {
        int count = 1000;
        int[] seen = new int[count];
        Set<String> threads = ConcurrentHashMap.newKeySet();
        Parallel.parts(count, 7, (from, to) -> {
            threads.add(Thread.currentThread().getName());
            assertTrue(Parallel.onWorker());
            for (int k = from; k < to; k++) {
                seen[k]++;
            }
        });
        for (int k = 0; k < count; k++) {
            assertEquals(1, seen[k], "index " + k);
        }
        assertTrue(threads.stream().allMatch(t -> t.startsWith("xbar-worker-")), threads.toString());
        assertFalse(Parallel.onWorker());
    }

    @Test
    void aFailingPartIsRethrownAsThrownAfterTheOthersFinish() {
        IllegalArgumentException thrown = new IllegalArgumentException("piece 3 failed");
        int[] done = new int[8];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallel.parts(8, 8,
                (from, to) -> {
                    if (from == 3) {
                        throw thrown;
                    }
                    done[from] = 1;
                }));
        assertSame(thrown, e);
        assertEquals(7, java.util.Arrays.stream(done).sum());
    }
}
