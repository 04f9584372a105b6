// JsonFiles: writes JSON reports atomically (temporary file, then rename) so no half-written report remains.
package io.xbar.cli;

import io.xbar.io.AtomicFiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Path;

/** Pretty-printed JSON with the same write discipline as the .npy writer. */
public final class JsonFiles {
    /** The shared mapper (thread-safe once configured). */
    public static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonFiles() {
    }

    /** Checks that {@code file}'s directory exists and {@code file} is not a directory, before any work. */
    public static Path output(Flags flags, String flag) {
        return ArrayFiles.output(flags, flag);
    }

    public static void write(Path file, JsonNode tree) throws IOException {
        AtomicFiles.write(file, out -> MAPPER.writeValue(out, tree));
    }

    /** {@link #write(Path, JsonNode)} for the output of {@code --flag}; a failure is one line naming flag and file. */
    static void write(String flag, Path file, JsonNode tree) {
        try {
            write(file, tree);
        } catch (IOException e) {
            throw OutputFiles.cannotWrite(flag, file, e);
        }
    }
}
