// TrainedLikeData: seeded weights and activations shaped like a trained network's (bell-shaped weights, ReLU activations).
package io.xbar.mapping;

import java.util.SplittableRandom;

/**
 * Synthetic but realistic layer data for tests, demos and benchmarks.
 *
 * <p>Weights are Laplace-distributed (trained convolution and linear weights are sharply peaked
 * at 0 with heavy tails), with a per-output scale that varies by a log-normal factor as trained
 * channels do. After per-tensor quantization most magnitudes are small, so the low-order bit
 * slices are dense and the high-order slices sparse, which is what makes slice orientation and
 * row order matter.
 *
 * <p>Activations are ReLU outputs of Gaussians whose per-input-channel mean varies, so many are
 * exactly zero and some channels are more active than others (as after batch norm and ReLU).
 */
public final class TrainedLikeData {
    private TrainedLikeData() {
    }

    /** Row-major {@code inputs x outputs} weights. */
    public static double[] weights(int inputs, int outputs, long seed) {
        check(inputs, outputs, "weights");
        SplittableRandom random = new SplittableRandom(seed);
        double[] scale = new double[outputs];
        for (int j = 0; j < outputs; j++) {
            scale[j] = 0.02 * Math.exp(0.3 * gaussian(random));
        }
        double[] w = new double[inputs * outputs];
        for (int i = 0; i < inputs; i++) {
            for (int j = 0; j < outputs; j++) {
                double u = random.nextDouble() - 0.5;
                double laplace = -Math.signum(u) * Math.log(1 - 2 * Math.abs(u));
                w[i * outputs + j] = scale[j] * laplace;
            }
        }
        return w;
    }

    /** Row-major {@code batch x width} non-negative activations, about half of them exactly 0. */
    public static double[] activations(int batch, int width, long seed) {
        return activations(batch, width, seed, seed);
    }

    /**
     * As {@link #activations(int, int, long)}, with the per-channel statistics ("the network",
     * {@code channelSeed}) apart from the samples ({@code sampleSeed}): two batches with the same
     * channel seed are different inputs to the same layer, e.g. calibration and evaluation data.
     */
    public static double[] activations(int batch, int width, long channelSeed, long sampleSeed) {
        check(batch, width, "activations");
        SplittableRandom channels = new SplittableRandom(channelSeed);
        double[] bias = new double[width];
        for (int k = 0; k < width; k++) {
            bias[k] = -0.3 + 0.6 * gaussian(channels);
        }
        SplittableRandom random = new SplittableRandom(sampleSeed ^ 0x9E3779B97F4A7C15L);
        double[] x = new double[batch * width];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < width; k++) {
                x[b * width + k] = Math.max(0, bias[k] + gaussian(random));
            }
        }
        return x;
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller; one value per call keeps the stream simple and reproducible.
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    private static void check(int a, int b, String what) {
        if (a < 1 || b < 1) {
            throw new IllegalArgumentException(what + " shape must be at least 1x1, got " + a + "x" + b);
        }
    }
}
