// CircuitAndDeviceFlagsTest: defaults, every flag, and the one-line errors of the shared circuit and device flags.
package io.xbar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CircuitAndDeviceFlagsTest {
    private static final Set<String> ALL = FlagSets.union(CircuitFlags.NAMES, DeviceFlags.NAMES, Set.of("out"));

    private static Flags flags(String... args) {
        return Flags.parse(args, ALL, FlagSets.HELP_SWITCH);
    }

    private static String circuitError(String... args) {
        UsageException e = assertThrows(UsageException.class, () -> CircuitFlags.parse(flags(args)));
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    private static String deviceError(String... args) {
        UsageException e = assertThrows(UsageException.class, () -> DeviceFlags.parse(flags(args)));
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void defaultsAreModelDefaults() {
        assertEquals(Circuit.DEFAULT, CircuitFlags.parse(flags()));
        assertEquals(new Circuit(2.5, 2.5, 0, 0, 0, Drive.LEFT, Sense.BOTTOM), CircuitFlags.parse(flags("--out", "x")));
        DeviceFlags d = DeviceFlags.parse(flags());
        assertEquals(new DeviceFlags(1e-4, 1e-6, 0.2), d);
        assertEquals(DeviceFlags.DEFAULT, d);
    }

    @Test
    void everyCircuitFlagReachesTheCircuit() {
        Circuit c = CircuitFlags.parse(flags("--r-wl", "1", "--r-bl=2", "--r-source", "3", "--r-sense", "4",
                "--r-access", "5e3", "--drive", "both", "--sense=TOP"));
        assertEquals(new Circuit(1, 2, 3, 4, 5e3, Drive.BOTH, Sense.TOP), c);
        assertEquals(Drive.RIGHT, CircuitFlags.parse(flags("--drive", "right")).drive());
        assertEquals(Sense.BOTH, CircuitFlags.parse(flags("--sense", "both")).senseAt());
        assertEquals(0.0, CircuitFlags.parse(flags("--r-wl", "0")).wordLine());
    }

    @Test
    void everyDeviceFlagReachesTheDevice() {
        assertEquals(new DeviceFlags(2e-5, 0, 0.1), DeviceFlags.parse(flags("--g-on", "2e-5", "--g-off", "0", "--v-read", "0.1")));
    }

    @Test
    void circuitErrorsNameTheFlagAndValue() {
        assertTrue(circuitError("--r-wl", "-1").startsWith("--r-wl: -1"));
        assertTrue(circuitError("--r-bl", "abc").contains("--r-bl: 'abc' is not a number"));
        assertTrue(circuitError("--r-sense", "NaN").contains("--r-sense"));
        assertTrue(circuitError("--r-source", "Infinity").contains("--r-source"));
        assertTrue(circuitError("--r-access", "-0.5").contains("--r-access: -0.5"));
        String drive = circuitError("--drive", "up");
        assertTrue(drive.startsWith("--drive: ") && drive.contains("'up'") && drive.contains("left, right or both"), drive);
        String sense = circuitError("--sense", "middle");
        assertTrue(sense.startsWith("--sense: ") && sense.contains("'middle'"), sense);
        UsageException e = assertThrows(UsageException.class, () -> flags("--r-wl"));
        assertEquals("--r-wl needs a value", e.getMessage());
        e = assertThrows(UsageException.class, () -> flags("--r-wire", "1"));
        assertEquals("unknown flag --r-wire", e.getMessage());
    }

    @Test
    void deviceErrorsNameTheFlagAndValue() {
        assertTrue(deviceError("--g-off", "-1e-6").startsWith("--g-off: -1.0E-6"));
        String order = deviceError("--g-on", "1e-7");
        assertTrue(order.contains("--g-on 1.0E-7") && order.contains("--g-off 1.0E-6"), order);
        assertTrue(deviceError("--g-on", "1e-6").contains("greater than"));
        assertTrue(deviceError("--v-read", "0").startsWith("--v-read: 0.0"));
        assertTrue(deviceError("--v-read", "-0.2").startsWith("--v-read"));
        assertTrue(deviceError("--g-on", "x").contains("--g-on: 'x' is not a number"));
        assertThrows(IllegalArgumentException.class, () -> new DeviceFlags(1e-6, 1e-4, 0.2));
        assertThrows(IllegalArgumentException.class, () -> new DeviceFlags(1e-4, 1e-6, Double.NaN));
    }

    @Test
    void helpListsEveryFlag() {
        for (String name : CircuitFlags.NAMES) {
            assertTrue(CircuitFlags.HELP.contains("--" + name + " "), name);
        }
        for (String name : DeviceFlags.NAMES) {
            assertTrue(DeviceFlags.HELP.contains("--" + name + " "), name);
        }
    }
}
