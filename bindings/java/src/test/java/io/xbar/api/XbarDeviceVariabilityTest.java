// XbarDeviceVariabilityTest: the Java API maps with stuck cells, noise and drift as the command line does, seeded.
package io.xbar.api;

import io.xbar.kernel.Circuit;
import io.xbar.mapping.DeviceVariability;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.Preset;
import io.xbar.mapping.TrainedLikeData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class XbarDeviceVariabilityTest {
    private static final int K = 60;
    private static final int N = 6;
    private static final double[] W = TrainedLikeData.weights(K, N, 8);
    private static final double[] X = TrainedLikeData.activations(2, K, 9);

    @Test
    void variedLayerIsSeededAndDiffersFromTheNominalOne() {
        MappingOptions base = MappingOptions.DEFAULT.withTile(32, 42).withPreset(Preset.OPTIMIZED);
        DeviceVariability device = new DeviceVariability(0.01, 0.02, 0.05, 2.592e6, 0.05, 0.02, 42);
        Circuit c = Xbar.circuit(1, 1);
        MvmResult nominal = Xbar.map(W, K, N, base, c).mvm(X, 2);
        MappedLayer a = Xbar.map(W, K, N, base.withVariability(device), c);
        MappedLayer b = Xbar.map(W, K, N, base.withVariability(device), c);
        assertEquals(device, a.options().variability());
        MvmResult ra = a.mvm(X, 2);
        assertArrayEquals(ra.y(), b.mvm(X, 2).y(), "one seed, one result");
        assertArrayEquals(nominal.yIdeal(), ra.yIdeal(), "the ideal product does not depend on the device");
        assertFalse(java.util.Arrays.equals(nominal.y(), ra.y()));
        assertTrue(ra.mvmRelativeError() > nominal.mvmRelativeError());
        MvmResult other = Xbar.map(W, K, N, base.withVariability(device.withSeed(43)), c).mvm(X, 2);
        assertFalse(java.util.Arrays.equals(ra.y(), other.y()));
        // With no variability the default options give the same numbers bit for bit.
        assertArrayEquals(nominal.y(), Xbar.map(W, K, N, base.withVariability(DeviceVariability.NONE), c).mvm(X, 2).y());
        assertThrows(IllegalArgumentException.class, () -> new DeviceVariability(0.5, 0.6, 0, 1, 0, 0, 0));
    }
}
