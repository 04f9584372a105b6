// ValidationCases: the seeded campaign of crossbar problems (shapes, every option, exact shorts, extreme values).
package io.xbar.validation;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Builds the validation campaign shared by {@code KernelAgreementTest} and {@code xbar validate}.
 * Families: {@code shapes} (1x1, single rows and columns, odd and prime sizes up to 64x64, random
 * circuits), {@code options} (every drive x sense end, access and periphery resistances),
 * {@code shorts} (every subset of the five resistances exactly 0), {@code extremes} (wires 0,
 * 1e-6 and 100 ohm against cells from 1e-9 to 1e-2 S, open cells), {@code ideal} (zero parasitics)
 * and {@code banded} (arrays the reference solves with banded Cholesky, up to 256x256).
 * The same seed gives the same campaign.
 */
public final class ValidationCases {
    private ValidationCases() {
    }

    /** How cell conductances are drawn. */
    public enum Cells {
        /** Uniform in [1e-6, 1e-4] S, the default device range. */
        DEFAULT(1e-6, 1e-4, false, 0),
        /** Uniform in [1e-4, 1e-2] S: strongly coupled with the wires. */
        STRONG(1e-4, 1e-2, false, 0),
        /** Log-uniform in [1e-9, 1e-8] S: nearly open. */
        WEAK(1e-9, 1e-8, true, 0),
        /** Log-uniform over the whole range [1e-9, 1e-2] S. */
        EXTREME(1e-9, 1e-2, true, 0),
        /** Half the cells open (0 S), the rest log-uniform in [1e-6, 1e-2] S. */
        SPARSE(1e-6, 1e-2, true, 0.5),
        /** Every cell open: no current anywhere. */
        OPEN(0, 0, false, 1),
        /** Programmed like a binary weight: g_on = 1e-4 or g_off = 1e-6 S. */
        BINARY(1e-6, 1e-4, false, 0);

        final double lo;
        final double hi;
        final boolean logUniform;
        final double openFraction;

        Cells(double lo, double hi, boolean logUniform, double openFraction) {
            this.lo = lo;
            this.hi = hi;
            this.logUniform = logUniform;
            this.openFraction = openFraction;
        }

        /** Draws {@code count} conductances. */
        public double[] draw(Random rnd, int count) {
            double[] g = new double[count];
            for (int k = 0; k < count; k++) {
                if (openFraction > 0 && rnd.nextDouble() < openFraction) {
                    g[k] = 0;
                } else if (this == BINARY) {
                    g[k] = rnd.nextBoolean() ? hi : lo;
                } else {
                    g[k] = logUniform ? lo * Math.pow(hi / lo, rnd.nextDouble()) : lo + (hi - lo) * rnd.nextDouble();
                }
            }
            return g;
        }

        /** For the report, e.g. {@code "default 1e-06..1e-04 S"}. */
        public String label() {
            String name = name().toLowerCase(Locale.ROOT);
            return switch (this) {
                case OPEN -> name + " (all 0 S)";
                case BINARY -> name + " (1e-6 or 1e-4 S)";
                case SPARSE -> name + String.format(Locale.ROOT, " (50%% open, %.0e..%.0e S)", lo, hi);
                default -> name + String.format(Locale.ROOT, " (%.0e..%.0e S)", lo, hi);
            };
        }
    }

    private static final double[] WIRES = {0, 1e-6, 1e-3, 0.1, 1, 2.5, 10, 100};
    private static final double[] PERIPHERY = {0, 0, 1e-6, 1, 10, 100};
    private static final double[] ACCESS = {0, 0, 1e3, 1e4};
    private static final Cells[] RANDOM_CELLS = {Cells.DEFAULT, Cells.STRONG, Cells.WEAK, Cells.EXTREME,
            Cells.SPARSE, Cells.BINARY};

    /**
     * The campaign for a seed.
     *
     * @param quick a small subset (seconds) instead of the full campaign
     */
    public static List<ValidationCase> campaign(long seed, boolean quick) {
        Random rnd = new Random(seed);
        List<ValidationCase> out = new ArrayList<>();
        shapes(rnd, quick, out);
        options(rnd, quick, out);
        shorts(rnd, quick, out);
        extremes(rnd, quick, out);
        ideal(rnd, quick, out);
        banded(rnd, quick, out);
        return out;
    }

    private static void shapes(Random rnd, boolean quick, List<ValidationCase> out) {
        int[][] shapes = quick
                ? new int[][] {{1, 1}, {1, 17}, {17, 1}, {5, 7}, {13, 11}, {31, 29}}
                : new int[][] {{1, 1}, {1, 2}, {2, 1}, {1, 17}, {17, 1}, {1, 64}, {64, 1}, {2, 3}, {3, 2}, {5, 7},
                        {7, 5}, {11, 13}, {13, 11}, {16, 16}, {31, 29}, {37, 64}, {64, 37}, {61, 61}, {64, 64}};
        int perShape = quick ? 1 : 3;
        for (int[] shape : shapes) {
            for (int k = 0; k < perShape; k++) {
                Circuit c = new Circuit(pick(rnd, WIRES), pick(rnd, WIRES), pick(rnd, PERIPHERY), pick(rnd, PERIPHERY),
                        pick(rnd, ACCESS), pick(rnd, Drive.values()), pick(rnd, Sense.values()));
                out.add(make(rnd, "shapes", shape[0], shape[1], c, pick(rnd, RANDOM_CELLS), quick ? 2 : 3));
            }
        }
    }

    private static void options(Random rnd, boolean quick, List<ValidationCase> out) {
        for (Drive drive : Drive.values()) {
            for (Sense sense : Sense.values()) {
                double[] accessValues = quick ? new double[] {pick(rnd, ACCESS)} : new double[] {0, 2e3};
                double[] peripheryValues = quick ? new double[] {pick(rnd, PERIPHERY)} : new double[] {0, 20};
                for (double access : accessValues) {
                    for (double periphery : peripheryValues) {
                        Circuit c = new Circuit(2.5, 1.5, periphery, periphery / 2, access, drive, sense);
                        out.add(make(rnd, "options", 7, 10, c, Cells.DEFAULT, 2));
                    }
                }
            }
        }
    }

    private static void shorts(Random rnd, boolean quick, List<ValidationCase> out) {
        int[] masks = quick ? new int[] {0, 1, 2, 4, 8, 16, 31} : range(32);
        for (int mask : masks) {
            double[] r = new double[5];
            for (int k = 0; k < 5; k++) {
                r[k] = (mask & (1 << k)) != 0 ? 0 : 0.5 + 10 * rnd.nextDouble();
            }
            r[4] *= 100; // access transistors are hundreds of ohms
            Circuit c = new Circuit(r[0], r[1], r[2], r[3], r[4], pick(rnd, Drive.values()), pick(rnd, Sense.values()));
            out.add(make(rnd, "shorts", 6, 9, c, Cells.STRONG, 2));
        }
    }

    private static void extremes(Random rnd, boolean quick, List<ValidationCase> out) {
        Cells[] cells = quick ? new Cells[] {Cells.EXTREME, Cells.STRONG}
                : new Cells[] {Cells.WEAK, Cells.STRONG, Cells.EXTREME, Cells.SPARSE, Cells.OPEN};
        double[] peripheries = quick ? new double[] {100} : new double[] {0, 1e-6, 100};
        int k = 0;
        for (double wire : new double[] {0, 1e-6, 100}) {
            for (Cells cell : cells) {
                for (double periphery : peripheries) {
                    boolean tall = (k++ & 1) == 0;
                    Circuit c = new Circuit(wire, wire, periphery, periphery, pick(rnd, ACCESS),
                            pick(rnd, Drive.values()), pick(rnd, Sense.values()));
                    out.add(make(rnd, "extremes", tall ? 40 : 24, tall ? 24 : 40, c, cell, 2));
                }
            }
        }
    }

    private static void ideal(Random rnd, boolean quick, List<ValidationCase> out) {
        int[][] shapes = quick ? new int[][] {{8, 8}} : new int[][] {{1, 1}, {8, 8}, {33, 17}, {17, 33}};
        for (int[] shape : shapes) {
            Circuit c = Circuit.IDEAL.withAccess(pick(rnd, ACCESS)).withDrive(pick(rnd, Drive.values()))
                    .withSenseAt(pick(rnd, Sense.values()));
            out.add(make(rnd, "ideal", shape[0], shape[1], c, pick(rnd, RANDOM_CELLS), 3));
        }
    }

    private static void banded(Random rnd, boolean quick, List<ValidationCase> out) {
        if (quick) {
            out.add(make(rnd, "banded", 48, 64, Circuit.DEFAULT, Cells.DEFAULT, 2));
            return;
        }
        out.add(make(rnd, "banded", 100, 150, Circuit.DEFAULT.withSource(5).withSense(5), Cells.DEFAULT, 2));
        out.add(make(rnd, "banded", 128, 128, Circuit.DEFAULT.withDrive(Drive.BOTH).withSenseAt(Sense.BOTH),
                Cells.EXTREME, 2));
        out.add(make(rnd, "banded", 256, 256, Circuit.DEFAULT, Cells.DEFAULT, 2));
        out.add(make(rnd, "banded", 256, 256, Circuit.DEFAULT.withWires(1), Cells.STRONG, 2));
    }

    private static ValidationCase make(Random rnd, String family, int rows, int cols, Circuit c, Cells cells,
                                       int maxBatch) {
        double[] g = cells.draw(rnd, rows * cols);
        int batch = 1 + rnd.nextInt(maxBatch);
        double[] v = new double[batch * rows];
        boolean signed = rnd.nextInt(4) == 0;
        for (int k = 0; k < v.length; k++) {
            v[k] = signed ? 0.4 * rnd.nextDouble() - 0.2 : 0.2 * rnd.nextDouble();
        }
        return new ValidationCase(family, rows, cols, c, cells.label(), g, v, batch);
    }

    private static <T> T pick(Random rnd, T[] values) {
        return values[rnd.nextInt(values.length)];
    }

    private static double pick(Random rnd, double[] values) {
        return values[rnd.nextInt(values.length)];
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int k = 0; k < n; k++) {
            r[k] = k;
        }
        return r;
    }
}
