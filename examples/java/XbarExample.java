// XbarExample: how another simulator uses xbar's Java API; copy it, add io.xbar:xbar-api, run it.

import io.xbar.api.Crossbar;
import io.xbar.api.MappedLayer;
import io.xbar.api.MvmResult;
import io.xbar.api.Xbar;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.Preset;
import io.xbar.mapping.TrainedLikeData;
import java.util.Locale;
import java.util.Random;

/**
 * Two levels of the API:
 * <ol>
 *   <li>circuit: program a 128 x 64 crossbar, read its output currents with and without
 *       parasitics, solve a batch, and take its transfer matrix;</li>
 *   <li>layer: map a 288 x 16 weight matrix (a 3x3 convolution, 32 to 16 channels) with the naive, mdm and
 *       optimized presets onto 64 x 64 tiles and compare NF and mvm_rel_error.</li>
 * </ol>
 * Run from the repository root (JDK 25; the first line builds and lists the dependencies):
 * <pre>
 * ./mvnw -q -pl bindings -am compile dependency:build-classpath -Dmdep.outputFile=$PWD/cp.txt
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *      -cp "bindings/target/classes:kernel/target/classes:native/target/classes:$(cat cp.txt)" \
 *      examples/java/XbarExample.java
 * </pre>
 * In a Maven project of your own, the one dependency is {@code io.xbar:xbar-api:0.1.0-SNAPSHOT}.
 */
public final class XbarExample {
    public static void main(String[] args) {
        int rows = 128;
        int cols = 64;
        Random rnd = new Random(42);
        double[] g = new double[rows * cols];
        for (int k = 0; k < g.length; k++) {
            g[k] = rnd.nextBoolean() ? 1e-4 : 1e-6;   // binary cells between g_off and g_on
        }
        double[] v = new double[rows];
        for (int i = 0; i < rows; i++) {
            v[i] = 0.2 * rnd.nextDouble();
        }

        // 1. Circuit level: the same cells without and with 2.5 ohm line segments.
        Crossbar ideal = Xbar.crossbar(rows, cols, Xbar.circuit(0, 0), g);
        Crossbar real = Xbar.crossbar(rows, cols, Xbar.circuit(2.5, 2.5, 0, 0, 0, Drive.BOTH, Sense.BOTTOM), g);
        double[] iIdeal = ideal.solve(v).currents();
        double[] iReal = real.solve(v).currents();
        double worst = 0;
        for (int j = 0; j < cols; j++) {
            worst = Math.max(worst, (iIdeal[j] - iReal[j]) / iIdeal[j]);
        }
        System.out.printf(Locale.ROOT, "crossbar %dx%d: column 0 carries %.4g A ideal, %.4g A with parasitics; "
                + "worst column loses %.2f%%%n", rows, cols, iIdeal[0], iReal[0], 100 * worst);

        int batch = 16;
        double[] vs = new double[batch * rows];
        for (int k = 0; k < vs.length; k++) {
            vs[k] = 0.2 * rnd.nextDouble();
        }
        double[] batchCurrents = real.currents(vs, batch);          // batch x cols
        double[] t = real.transfer();                                // rows x cols, I = V . T
        double viaT = 0;
        for (int i = 0; i < rows; i++) {
            viaT += vs[i] * t[i * cols];
        }
        System.out.printf(Locale.ROOT, "batch of %d solved; vector 0, column 0: %.6g A by solve, %.6g A by V . T%n",
                batch, batchCurrents[0], viaT);

        // 2. Layer level: one convolution layer on 64 x 64 tiles, three mappings.
        int k = 288;
        int out = 16;
        double[] w = TrainedLikeData.weights(k, out, 7);
        double[] x = TrainedLikeData.activations(8, k, 8);
        System.out.println("mapping     tiles   NF          mvm_rel_error");
        for (Preset preset : Preset.values()) {
            MappingOptions options = MappingOptions.DEFAULT.withPreset(preset).withTile(64, 64);
            MappedLayer layer = Xbar.map(w, k, out, options, Circuit.DEFAULT);
            MvmResult r = layer.mvm(x, 8);
            System.out.printf(Locale.ROOT, "%-10s  %5d   %.4e  %.4e%n", preset.label(), layer.tiles(),
                    r.nonidealityFactor(), r.mvmRelativeError());
        }
    }
}
