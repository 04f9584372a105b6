// SpiceCrossbars: the seeded crossbars (default circuit) that the SPICE benchmarks export, shared by JMH and the ngspice timer.
package io.xbar.bench;

import io.xbar.kernel.Circuit;
import io.xbar.spice.SpiceExport;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** An {@code n x n} crossbar with g in {g_off, g_on} (seeded), inputs in {0, v_read}, MODEL.md default circuit. */
final class SpiceCrossbars {
    static final double G_ON = 1e-4;
    static final double G_OFF = 1e-6;
    static final double V_READ = 0.2;

    final int size;
    final double[] conductances;
    final double[] voltages;
    final SpiceExport export;

    SpiceCrossbars(int size, long seed) {
        this.size = size;
        Random random = new Random(seed);
        conductances = new double[size * size];
        for (int k = 0; k < conductances.length; k++) {
            conductances[k] = random.nextBoolean() ? G_ON : G_OFF;
        }
        voltages = new double[size];
        for (int i = 0; i < size; i++) {
            voltages[i] = random.nextBoolean() ? V_READ : 0;
        }
        export = new SpiceExport(size, size, Circuit.DEFAULT, conductances);
    }

    /** Writes the netlist to {@code file}. */
    Path write(Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file)) {
            export.write(voltages, w);
        }
        return file;
    }
}
