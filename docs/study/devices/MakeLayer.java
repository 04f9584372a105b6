// MakeLayer: writes the trained-like 2304x256 layer of docs/mapping.md (weights seed 1, inputs channels 2, samples 1) as .npy files.
import io.xbar.io.Npy;
import io.xbar.mapping.TrainedLikeData;

import java.nio.file.Path;

/** {@code java -cp kernel.jar:cli.jar MakeLayer.java DIR [K N BATCH]}: DIR/w.npy (K x N) and DIR/x.npy (BATCH x K). */
public class MakeLayer {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int k = args.length > 1 ? Integer.parseInt(args[1]) : 2304;
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        Npy.write(dir.resolve("w.npy"), TrainedLikeData.weights(k, n, 1), k, n);
        Npy.write(dir.resolve("x.npy"), TrainedLikeData.activations(batch, k, 2, 1), batch, k);
    }
}
