// SharedFormulasTest: the small formulas every method shares (end multiplicities, union-find, infinity norm).
package io.xbar.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SharedFormulasTest {
    @Test
    void sourcesSitAtTheDrivenEndsAndSumToTheSourcesPerLine() {
        assertEquals(1, Drive.LEFT.sourcesAt(0, 5));
        assertEquals(0, Drive.LEFT.sourcesAt(4, 5));
        assertEquals(0, Drive.RIGHT.sourcesAt(0, 5));
        assertEquals(1, Drive.RIGHT.sourcesAt(4, 5));
        assertEquals(1, Drive.BOTH.sourcesAt(4, 5));
        assertEquals(0, Drive.BOTH.sourcesAt(2, 5));
        assertEquals(2, Drive.BOTH.sourcesAt(0, 1));
        assertEquals(1, Drive.RIGHT.sourcesAt(0, 1));
        for (Drive d : Drive.values()) {
            for (int n = 1; n <= 4; n++) {
                int sum = 0;
                for (int j = 0; j < n; j++) {
                    sum += d.sourcesAt(j, n);
                }
                assertEquals(d.sources(), sum, d + " on " + n + " columns");
            }
        }
    }

    @Test
    void amplifiersSitAtTheSensedEndsAndSumToTheAmplifiersPerLine() {
        assertEquals(1, Sense.BOTTOM.amplifiersAt(3, 4));
        assertEquals(0, Sense.BOTTOM.amplifiersAt(0, 4));
        assertEquals(1, Sense.TOP.amplifiersAt(0, 4));
        assertEquals(0, Sense.TOP.amplifiersAt(3, 4));
        assertEquals(2, Sense.BOTH.amplifiersAt(0, 1));
        assertEquals(0, Sense.BOTH.amplifiersAt(1, 3));
        for (Sense s : Sense.values()) {
            for (int m = 1; m <= 4; m++) {
                int sum = 0;
                for (int i = 0; i < m; i++) {
                    sum += s.amplifiersAt(i, m);
                }
                assertEquals(s.amplifiers(), sum, s + " on " + m + " rows");
            }
        }
    }

    @Test
    void unionFindAgreesWithRelabelling() {
        Random random = new Random(13);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + random.nextInt(40);
            UnionFind sets = new UnionFind(n);
            int[] label = new int[n]; // brute force: every id carries the smallest id of its set
            for (int k = 0; k < n; k++) {
                label[k] = k;
            }
            for (int step = 0; step < 2 * n; step++) {
                int a = random.nextInt(n);
                int b = random.nextInt(n);
                boolean separate = label[a] != label[b];
                assertEquals(separate, sets.union(a, b));
                int from = Math.max(label[a], label[b]);
                int to = Math.min(label[a], label[b]);
                for (int k = 0; k < n; k++) {
                    if (label[k] == from) {
                        label[k] = to;
                    }
                }
                for (int k = 0; k < n; k++) {
                    assertEquals(label[k], sets.find(k), "representative is the smallest id of the set");
                }
            }
            assertTrue(sets.connected(0, label[0]));
        }
        UnionFind two = new UnionFind(2);
        assertFalse(two.connected(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new UnionFind(-1));
    }

    @Test
    void maxAbsIsTheLargestMagnitude() {
        assertEquals(0, LineKernels.maxAbs(new double[0]));
        assertEquals(3.5, LineKernels.maxAbs(new double[] {1, -3.5, 2}));
        assertEquals(Double.MAX_VALUE, LineKernels.maxAbs(new double[] {-Double.MAX_VALUE, 0}));
    }
}
