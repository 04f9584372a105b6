// ModelFile: DIR/model.json of xbar network (MODEL.md section 8): the layers, each with its weight and input .npy files.
package io.xbar.network;

import io.xbar.cli.UsageException;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code {"layers": [{"name": "conv1", "weights": "conv1_w.npy", "inputs": "conv1_x.npy"}, ...]}};
 * paths relative to the model directory (absolute ones are taken as they are). Every problem is one
 * line naming the file, the layer and the key.
 */
record ModelFile(Path file, List<Layer> layers) {
    /** Bigger than any list of layers needs. */
    static final int MAX_BYTES = 16 << 20;

    record Layer(String name, Path weights, Path inputs) {
    }

    static ModelFile read(String given) {
        Path dir = Path.of(given);
        if (!Files.isDirectory(dir)) {
            throw new UsageException("--model " + given + ": " + (Files.exists(dir) ? "is not a directory" : "no such directory"));
        }
        Path file = dir.resolve("model.json");
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--model " + given + ": " + file + (Files.exists(file) ? " is not a regular file"
                    : " does not exist") + "; a model directory holds model.json listing its layers");
        }
        JsonNode root;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new UsageException(file + " is larger than " + (MAX_BYTES >> 20) + " MB; model.json lists layers, not data");
            }
            root = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(file.toFile());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new UsageException(file + " is not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse("")
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new UsageException(file + ": cannot be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || !root.isObject()) {
            throw new UsageException(file + " must hold a JSON object {\"layers\": [...]}");
        }
        JsonNode list = root.get("layers");
        if (list == null || !list.isArray()) {
            throw new UsageException(file + " has no \"layers\" array; expected {\"layers\": [{\"name\": ..., \"weights\": ..., \"inputs\": ...}]}");
        }
        if (list.isEmpty()) {
            throw new UsageException(file + " lists no layers");
        }
        List<Layer> layers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int k = 0; k < list.size(); k++) {
            JsonNode n = list.get(k);
            String where = file + " layer " + k;
            if (!n.isObject()) {
                throw new UsageException(where + " is not an object with \"name\", \"weights\" and \"inputs\"");
            }
            String name = text(n, "name", where);
            where = file + " layer " + k + " ('" + name + "')";
            if (!names.add(name)) {
                throw new UsageException(where + ": the name is used twice");
            }
            for (var it = n.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!Set.of("name", "weights", "inputs").contains(key)) {
                    throw new UsageException(where + ": unknown key '" + key + "' (a layer has name, weights and inputs)");
                }
            }
            layers.add(new Layer(name, dir.resolve(text(n, "weights", where)), dir.resolve(text(n, "inputs", where))));
        }
        return new ModelFile(file, layers);
    }

    private static String text(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new UsageException(where + ": \"" + key + "\" must be a non-empty string"
                    + (key.equals("name") ? "" : " (a .npy file, relative to the model directory)"));
        }
        return v.asText();
    }
}
