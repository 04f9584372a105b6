// ModelGenerator: `xbar network generate`: a model directory with ResNet-18's layer shapes, trained-like weights and activations.
package io.xbar.network;

import io.xbar.cli.FlagSets;
import io.xbar.cli.Flags;
import io.xbar.cli.JsonFiles;
import io.xbar.cli.LayerStudy;
import io.xbar.cli.UsageException;
import io.xbar.io.Npy;
import io.xbar.mapping.TrainedLikeData;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes {@code DIR/model.json} and per layer {@code NAME_w.npy} ({@code K x N_out}, the trained-like
 * generator's heavy-tailed weights) and {@code NAME_x.npy} ({@code B x K} non-negative activations).
 * Shapes are ResNet-18's (ImageNet): a {@code kh x kw x C_in -> C_out} convolution is the
 * {@code (kh kw C_in) x C_out} matrix its im2col form multiplies; 11.7 M weights in 21 layers.
 */
final class ModelGenerator {
    /** ResNet-18 (torchvision): name, K = kh * kw * C_in, N_out. */
    static final List<Object[]> RESNET18 = List.of(
            new Object[] {"conv1", 7 * 7 * 3, 64},
            new Object[] {"layer1.0.conv1", 9 * 64, 64}, new Object[] {"layer1.0.conv2", 9 * 64, 64},
            new Object[] {"layer1.1.conv1", 9 * 64, 64}, new Object[] {"layer1.1.conv2", 9 * 64, 64},
            new Object[] {"layer2.0.conv1", 9 * 64, 128}, new Object[] {"layer2.0.conv2", 9 * 128, 128},
            new Object[] {"layer2.0.downsample", 64, 128},
            new Object[] {"layer2.1.conv1", 9 * 128, 128}, new Object[] {"layer2.1.conv2", 9 * 128, 128},
            new Object[] {"layer3.0.conv1", 9 * 128, 256}, new Object[] {"layer3.0.conv2", 9 * 256, 256},
            new Object[] {"layer3.0.downsample", 128, 256},
            new Object[] {"layer3.1.conv1", 9 * 256, 256}, new Object[] {"layer3.1.conv2", 9 * 256, 256},
            new Object[] {"layer4.0.conv1", 9 * 256, 512}, new Object[] {"layer4.0.conv2", 9 * 512, 512},
            new Object[] {"layer4.0.downsample", 256, 512},
            new Object[] {"layer4.1.conv1", 9 * 512, 512}, new Object[] {"layer4.1.conv2", 9 * 512, 512},
            new Object[] {"fc", 512, 1000});

    private ModelGenerator() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (FlagSets.wantsHelp(args)) {
            out.println("usage: xbar network generate --out DIR [--shapes resnet18] [--batch B] [--layers LIST] [--seed S]");
            out.println(FlagSets.helpLine("--out DIR", "writes DIR/model.json and NAME_w.npy, NAME_x.npy per layer"));
            out.println(FlagSets.helpLine("--shapes NAME", "resnet18 (the only one; 21 layers, 11.7 M weights)"));
            out.println(FlagSets.helpLine("--batch B", "input vectors per layer (default 16)"));
            out.println(FlagSets.helpLine("--layers LIST", "layer names or 0-based indices, comma-separated (default all)"));
            out.println(FlagSets.helpLine("--seed S", "generator seed (default 1)"));
            return 0;
        }
        Flags flags = LayerStudy.parse(args, Set.of("out", "shapes", "batch", "layers", "seed"), Set.of("help"));
        String shapes = flags.string("shapes", "resnet18");
        if (!shapes.equals("resnet18")) {
            throw new UsageException("--shapes must be resnet18, got '" + shapes + "'");
        }
        int batch = flags.integer("batch", 16);
        if (batch < 1 || batch > 1 << 16) {
            throw new UsageException("--batch: " + batch + " is out of range (1.." + (1 << 16) + ")");
        }
        long seed = flags.integer("seed", 1);
        List<Integer> chosen = layers(flags.string("layers", ""));
        Path dir = Path.of(flags.required("out")).toAbsolutePath().normalize();
        LayerStudy.checkDirectory("out", flags.required("out"), dir);
        ObjectNode model = JsonNodeFactory.instance.objectNode();
        ArrayNode list = model.putArray("layers");
        long weights = 0;
        try (LayerStudy.OutputDirectory files = new LayerStudy.OutputDirectory("out", dir)) {
            for (int i : chosen) {
                String name = (String) RESNET18.get(i)[0];
                int k = (Integer) RESNET18.get(i)[1];
                int n = (Integer) RESNET18.get(i)[2];
                double[] w = TrainedLikeData.weights(k, n, seed * 1000 + i);
                double[] x = TrainedLikeData.activations(batch, k, seed * 1000 + 500 + i);
                files.write(name + "_w.npy", f -> Npy.write(f, w, k, n));
                files.write(name + "_x.npy", f -> Npy.write(f, x, batch, k));
                ObjectNode l = list.addObject();
                l.put("name", name);
                l.put("weights", name + "_w.npy");
                l.put("inputs", name + "_x.npy");
                weights += (long) k * n;
            }
            files.write("model.json", f -> JsonFiles.write(f, model));
            files.commit();
        }
        out.printf(Locale.ROOT, "model: %d ResNet-18 layers, %d weights, %d input vectors each, in %s%n", chosen.size(),
                weights, batch, dir.resolve("model.json"));
        return 0;
    }

    private static List<Integer> layers(String list) {
        if (list.isBlank()) {
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < RESNET18.size(); i++) {
                all.add(i);
            }
            return all;
        }
        Set<Integer> chosen = new LinkedHashSet<>();
        for (String part : list.split(",")) {
            String p = part.trim();
            int found = -1;
            for (int i = 0; i < RESNET18.size(); i++) {
                if (RESNET18.get(i)[0].equals(p) || Integer.toString(i).equals(p)) {
                    found = i;
                }
            }
            if (found < 0) {
                throw new UsageException("--layers: '" + p + "' is not a ResNet-18 layer (conv1, layer1.0.conv1, ..., fc, or 0.."
                        + (RESNET18.size() - 1) + ")");
            }
            chosen.add(found);
        }
        return new ArrayList<>(chosen);
    }
}
