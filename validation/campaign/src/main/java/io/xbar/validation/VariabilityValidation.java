// VariabilityValidation: the campaign's device-variability checks: seeded draws against their definition (MODEL.md section 6), reproducibility, NF.
package io.xbar.validation;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import io.xbar.mapping.ColumnRole;
import io.xbar.mapping.DeviceVariability;
import io.xbar.mapping.Encoding;
import io.xbar.mapping.LayerMapping;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.Preset;
import io.xbar.mapping.QuantizedInputs;
import io.xbar.mapping.QuantizedWeights;
import io.xbar.mapping.Quantizer;
import io.xbar.mapping.Tile;
import io.xbar.mapping.TiledMvm;
import io.xbar.mapping.TrainedLikeData;

import java.util.List;
import java.util.Locale;

/**
 * Maps a trained-like layer with stuck cells, programming noise and drift and checks the tiles
 * against the definition, cell by cell and in distribution:
 * <ul>
 *   <li>stuck-at rates: the cells held exactly at {@code g_on} / {@code g_off} (a noisy or drifted
 *       cell lands there with probability 0) against {@code n P}, as a binomial z-score;</li>
 *   <li>programming noise: {@code (g / g_nominal - 1) / S} of the other cells: mean 0, standard
 *       deviation 1 and the shares within 1 and 2 sigma, each as a z-score of its sampling error;</li>
 *   <li>drift: {@code nu = -ln(g / g_nominal) / ln T}: mean {@code NU} and standard deviation
 *       {@code SN}, as z-scores;</li>
 *   <li>reproducibility: one seed gives bit-identical tiles; every programmed cell equals its
 *       definition evaluated alone (in reverse order, so neither thread count nor tile order
 *       matters); the same logical cell holds the same value under other tile sizes and mappings;
 *       another seed changes the cells; no variability leaves the nominal tiles untouched;</li>
 *   <li>NF: with ideal wires and uniform drift every NF term is {@code 1 - T^-nu} (the ideal
 *       currents are the nominal cells').</li>
 * </ul>
 * Z-scores pass below {@link #Z}: for the few dozen statistics of a run a false alarm has a
 * probability of about 1e-5.
 */
final class VariabilityValidation {
    /** Largest accepted |z| of a statistic against its definition. */
    static final double Z = 5;

    private final Check stuck = new Check("device: stuck-at rates", "n P (binomial)", "|z|", Z);
    private final Check noise = new Check("device: programming noise", "N(0, S): mean, std, shares within 1 and 2 sigma",
            "|z|", Z);
    private final Check drift = new Check("device: drift exponent", "N(NU, SN): mean, std", "|z|", Z);
    private final Check definition = new Check("device: cells vs definition", "stuck -> noise -> drift, each cell alone",
            "max |dg| / g_on", 0);
    private final Check reproducible = new Check("device: reproducibility", "same seed / tile size / mapping / no variability",
            "cells that differ", 0);
    private final Check otherSeed = new Check("device: another seed", "independent draws", "share of equal cells", 1e-3);
    private final Check nf = new Check("device: NF with ideal wires", "1 - T^-nu (nominal I_ideal)", "|dNF|", 1e-12);

    List<Check> checks() {
        return List.of(stuck, noise, drift, definition, reproducible, otherSeed, nf);
    }

    void run(long seed, boolean quick) {
        int k = quick ? 96 : 256;
        int n = quick ? 24 : 64;
        int seeds = quick ? 1 : 3;
        QuantizedWeights w = Quantizer.weights(TrainedLikeData.weights(k, n, seed), k, n, 8, Encoding.DIFFERENTIAL, false);
        MappingOptions base = MappingOptions.DEFAULT.withTile(64, 56);
        for (int s = 0; s < seeds; s++) {
            long drawSeed = seed * 1000 + s;
            String layer = String.format(Locale.ROOT, "%dx%d trained-like layer, 64x56 tiles, seed %d", k, n, drawSeed);
            LayerMapping nominal = LayerMapping.map(w, base, Drive.LEFT, Sense.BOTTOM);
            // Stuck cells with noise and drift on: the stuck cells must stay exactly at the extremes.
            DeviceVariability all = new DeviceVariability(0.05, 0.1, 0.1, 1e6, 0.06, 0.02, drawSeed);
            checkStuck(w, base, nominal, all, layer);
            checkNoise(w, base, nominal, new DeviceVariability(0, 0, 0.1, 1, 0, 0, drawSeed), layer);
            checkDrift(w, base, nominal, new DeviceVariability(0, 0, 0, 1e6, 0.06, 0.02, drawSeed), layer);
            checkReproducible(w, base, nominal, all, layer);
        }
        checkNf(w, base, new DeviceVariability(0, 0, 0, 86400 * 30, 0.05, 0, seed), seed);
    }

    /** Held and nominal conductance of every programmed cell, with its logical key, in tile order. */
    private record Cells(long[] key, double[] held, double[] nominal) {
        static Cells of(LayerMapping m) {
            MappingOptions o = m.options();
            int count = 0;
            for (Tile t : m.tiles()) {
                for (int i = 0; i < t.rows(); i++) {
                    for (int j = 0; j < t.cols(); j++) {
                        ColumnRole role = t.columns()[j];
                        if (t.rowMap()[i] >= 0 && role != null) {
                            count++;
                        }
                    }
                }
            }
            long[] key = new long[count];
            double[] held = new double[count];
            double[] nominal = new double[count];
            int c = 0;
            for (Tile t : m.tiles()) {
                for (int i = 0; i < t.rows(); i++) {
                    for (int j = 0; j < t.cols(); j++) {
                        ColumnRole role = t.columns()[j];
                        if (t.rowMap()[i] < 0 || role == null) {
                            continue;
                        }
                        key[c] = DeviceVariability.cellKey(t.rowMap()[i], role.output(), role.slice(),
                                role.sign() > 0 ? 0 : 1, m.outputs(), o.slices(), o.encoding().halves());
                        held[c] = t.conductances()[i * t.cols() + j];
                        nominal[c] = t.nominal()[i * t.cols() + j];
                        c++;
                    }
                }
            }
            return new Cells(key, held, nominal);
        }

        /** Held value per logical key. */
        java.util.Map<Long, Double> byKey() {
            java.util.Map<Long, Double> map = new java.util.HashMap<>(key.length * 2);
            for (int c = 0; c < key.length; c++) {
                map.put(key[c], held[c]);
            }
            return map;
        }
    }

    private void checkStuck(QuantizedWeights w, MappingOptions base, LayerMapping nominal, DeviceVariability d, String layer) {
        LayerMapping m = LayerMapping.map(w, base.withVariability(d), Drive.LEFT, Sense.BOTTOM);
        Cells cells = Cells.of(m);
        long on = 0;
        long off = 0;
        for (double g : cells.held()) {
            on += g == base.gOn() ? 1 : 0;
            off += g == base.gOff() ? 1 : 0;
        }
        int total = cells.held().length;
        stuck.record(layer + ", stuck-on 0.05 of " + total + " cells: " + on, binomialZ(on, total, d.stuckOn()));
        stuck.record(layer + ", stuck-off 0.1 of " + total + " cells: " + off, binomialZ(off, total, d.stuckOff()));
        // Each cell against its definition, evaluated alone and in reverse order.
        double worst = 0;
        for (int c = total - 1; c >= 0; c--) {
            double expected = d.realize(cells.nominal()[c], base.gOn(), base.gOff(), cells.key()[c]);
            worst = Math.max(worst, Math.abs(expected - cells.held()[c]) / base.gOn());
        }
        definition.record(layer + ", stuck + noise + drift", worst);
        assertSameNominal(nominal, m, layer);
    }

    private void checkNoise(QuantizedWeights w, MappingOptions base, LayerMapping nominal, DeviceVariability d, String layer) {
        Cells cells = Cells.of(LayerMapping.map(w, base.withVariability(d), Drive.LEFT, Sense.BOTTOM));
        int total = cells.held().length;
        double sum = 0;
        double squares = 0;
        long within1 = 0;
        long within2 = 0;
        for (int c = 0; c < total; c++) {
            double z = (cells.held()[c] / cells.nominal()[c] - 1) / d.programNoise();
            sum += z;
            squares += z * z;
            within1 += Math.abs(z) <= 1 ? 1 : 0;
            within2 += Math.abs(z) <= 2 ? 1 : 0;
        }
        double mean = sum / total;
        double std = Math.sqrt(squares / total - mean * mean);
        String where = layer + ", program-noise 0.1, " + total + " cells";
        noise.record(where + ": mean " + fmt(mean), Math.abs(mean) * Math.sqrt(total));
        noise.record(where + ": std " + fmt(std), Math.abs(std - 1) / Math.sqrt(1.0 / (2 * total)));
        noise.record(where + ": within 1 sigma " + within1, binomialZ(within1, total, 0.6826894921370859));
        noise.record(where + ": within 2 sigma " + within2, binomialZ(within2, total, 0.9544997361036416));
    }

    private void checkDrift(QuantizedWeights w, MappingOptions base, LayerMapping nominal, DeviceVariability d, String layer) {
        Cells cells = Cells.of(LayerMapping.map(w, base.withVariability(d), Drive.LEFT, Sense.BOTTOM));
        int total = cells.held().length;
        double sum = 0;
        double squares = 0;
        double logT = Math.log(d.driftTime());
        for (int c = 0; c < total; c++) {
            double nu = -Math.log(cells.held()[c] / cells.nominal()[c]) / logT;
            sum += nu;
            squares += nu * nu;
        }
        double mean = sum / total;
        double std = Math.sqrt(squares / total - mean * mean);
        String where = layer + ", drift 1e6 s, nu 0.06 +- 0.02, " + total + " cells";
        drift.record(where + ": mean nu " + fmt(mean), Math.abs(mean - d.driftNu()) / (d.driftNuSigma() / Math.sqrt(total)));
        drift.record(where + ": std nu " + fmt(std), Math.abs(std / d.driftNuSigma() - 1) / Math.sqrt(1.0 / (2 * total)));
    }

    private void checkReproducible(QuantizedWeights w, MappingOptions base, LayerMapping nominal, DeviceVariability d,
                                   String layer) {
        Cells first = Cells.of(LayerMapping.map(w, base.withVariability(d), Drive.LEFT, Sense.BOTTOM));
        Cells again = Cells.of(LayerMapping.map(w, base.withVariability(d), Drive.LEFT, Sense.BOTTOM));
        reproducible.record(layer + ": the same seed twice", differing(first.held(), again.held()));
        java.util.Map<Long, Double> reference = first.byKey();
        for (MappingOptions o : new MappingOptions[] {base.withPreset(Preset.OPTIMIZED), base.withTile(32, 112),
                base.withTile(128, 14).withPreset(Preset.MDM)}) {
            Cells other = Cells.of(LayerMapping.map(w, o.withVariability(d), Drive.RIGHT, Sense.TOP));
            long differ = 0;
            for (int c = 0; c < other.key().length; c++) {
                differ += reference.get(other.key()[c]) == other.held()[c] ? 0 : 1;
            }
            reproducible.record(layer + ": " + o.tileRows() + "x" + o.tileCols() + " " + o.preset().label()
                    + ", drive right, sense top: cells that differ from the 64x56 naive mapping", differ);
        }
        LayerMapping plain = LayerMapping.map(w, base.withVariability(DeviceVariability.NONE.withSeed(d.seed())),
                Drive.LEFT, Sense.BOTTOM);
        long untouched = 0;
        for (int t = 0; t < plain.tiles().size(); t++) {
            untouched += differing(nominal.tiles().get(t).conductances(), plain.tiles().get(t).conductances());
            untouched += plain.tiles().get(t).conductances() == plain.tiles().get(t).nominal() ? 0 : 1;
        }
        reproducible.record(layer + ": no variability leaves the nominal tiles", untouched);
        DeviceVariability noisy = new DeviceVariability(0, 0, 0.1, 1, 0, 0, d.seed());
        Cells a = Cells.of(LayerMapping.map(w, base.withVariability(noisy), Drive.LEFT, Sense.BOTTOM));
        Cells b = Cells.of(LayerMapping.map(w, base.withVariability(noisy.withSeed(d.seed() + 1)), Drive.LEFT, Sense.BOTTOM));
        otherSeed.record(layer + ": program-noise 0.1, seeds " + d.seed() + " and " + (d.seed() + 1),
                (double) (a.held().length - differing(a.held(), b.held())) / a.held().length);
    }

    private void assertSameNominal(LayerMapping nominal, LayerMapping varied, String layer) {
        long differ = 0;
        for (int t = 0; t < nominal.tiles().size(); t++) {
            differ += differing(nominal.tiles().get(t).conductances(), varied.tiles().get(t).nominal());
        }
        reproducible.record(layer + ": nominal conductances of the varied mapping", differ);
    }

    private void checkNf(QuantizedWeights w, MappingOptions base, DeviceVariability d, long seed) {
        Circuit ideal = new Circuit(0, 0, 0, 0, 0, Drive.LEFT, Sense.BOTTOM);
        QuantizedInputs x = Quantizer.inputs(TrainedLikeData.activations(4, w.inputs(), seed + 1), 4, w.inputs(), 8,
                false, false);
        LayerMapping m = LayerMapping.map(w, base.withVariability(d), Drive.LEFT, Sense.BOTTOM);
        double got = TiledMvm.run(m, x, ideal).nonidealityFactor();
        nf.record(String.format(Locale.ROOT, "%dx%d layer, zero parasitics, drift %s s, nu %s: NF %s", w.inputs(),
                w.outputs(), d.driftTime(), d.driftNu(), fmt(got)), Math.abs(got - (1 - Math.pow(d.driftTime(), -d.driftNu()))));
    }

    private static long differing(double[] a, double[] b) {
        long d = 0;
        for (int k = 0; k < a.length; k++) {
            d += Double.doubleToLongBits(a[k]) == Double.doubleToLongBits(b[k]) ? 0 : 1;
        }
        return d + Math.abs(a.length - b.length);
    }

    /** {@code |count - n p| / sqrt(n p (1 - p))}. */
    static double binomialZ(long count, long n, double p) {
        return Math.abs(count - n * p) / Math.sqrt(n * p * (1 - p));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.5g", v);
    }
}
