// ConfigFile: a JSON study file whose keys are flag names; its values become defaults of the declared flags (flags win).
package io.xbar.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.xbar.io.InputFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --config FILE}: one JSON object and nothing after it (a second value or trailing text is an
 * error, not ignored), at most {@link #MAX_BYTES} bytes, read through {@link InputFiles} (so a pipe
 * or {@code /dev/stdin} works and a FIFO without a writer is refused after a bounded wait); keys
 * equal to flag names without dashes, values strings, numbers or booleans (a boolean is a switch: {@code true} sets it, {@code false} leaves it off),
 * for example {@code {"r-wl": 1.0, "drive": "both", "mapping": "mdm", "tile": "128x128"}}.
 *
 * <p>A key is accepted when the command declares the flag or when it is one of the shared study
 * settings ({@link #SETTINGS}: circuit, device, mapping, threads, tolerance, quiet, verbose); shared
 * settings a command does not use are ignored, so one study file serves every command. Any other
 * key is an error naming the key and the file. See docs/config.md.
 */
public final class ConfigFile {
    /** Keys any configuration file may hold, whichever command reads it. */
    public static final Set<String> SETTINGS = FlagSets.union(CircuitFlags.NAMES, DeviceFlags.NAMES, MappingFlags.NAMES,
            MappingFlags.SWITCHES, GlobalFlags.VALUED, GlobalFlags.SWITCHES, CellModelFlags.NAMES, Set.of("tolerance"));

    /** Largest configuration file read: a study file is a few hundred bytes; this bounds a device or an endless pipe. */
    public static final int MAX_BYTES = 1 << 20;

    /** Made on first use: a run without {@code --config} never starts Jackson (a quarter second of a one-shot run). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
    /**
     * A stream (a pipe, {@code /dev/stdin}, a FIFO) can be read only once, but one command line reads
     * its {@code --config} twice (the shared flags in {@link Main}, then the command's own): what a
     * stream gave is kept for the rest of the run. {@link Main#run} starts every run with a clean slate.
     */
    private static final ThreadLocal<Map<Path, ConfigFile>> STREAMS = ThreadLocal.withInitial(HashMap::new);

    private final Path file;
    private final Map<String, JsonNode> entries;

    private ConfigFile(Path file, Map<String, JsonNode> entries) {
        this.file = file;
        this.entries = entries;
    }

    /**
     * Reads and checks the shape of a configuration file.
     *
     * @param file the JSON file
     * @return its entries, checked to be strings, numbers or booleans
     * @throws UsageException one line naming the file and what is wrong with it (missing, unreadable,
     *                        larger than {@link #MAX_BYTES}, not JSON, not one object, text after the
     *                        object, a value that is an array, object or null)
     */
    public static ConfigFile load(Path file) {
        boolean stream = Files.exists(file) && !Files.isRegularFile(file) && !Files.isDirectory(file);
        ConfigFile seen = stream ? STREAMS.get().get(file) : null;
        if (seen != null) {
            return seen;
        }
        ConfigFile config = parse(file);
        if (stream) {
            STREAMS.get().put(file, config);
        }
        return config;
    }

    /** Forgets the configuration streams read so far on this thread: called as each command line starts. */
    static void forgetStreams() {
        STREAMS.remove();
    }

    private static ConfigFile parse(Path file) {
        byte[] bytes;
        try {
            bytes = InputFiles.readAll(file, MAX_BYTES, "a configuration file");
        } catch (IllegalArgumentException e) {
            String missing = file + ": no such file";
            throw new UsageException("--config: " + (e.getMessage().equals(missing) ? file + " does not exist" : e.getMessage()), e);
        } catch (IOException e) {
            throw new UsageException("--config: " + file + ": cannot be read: " + ArrayFiles.ioReason(e), e);
        }
        JsonNode root;
        try (JsonParser parser = Json.MAPPER.createParser(bytes)) {
            root = Json.MAPPER.readTree(parser);
            if (root != null) {
                rejectTrailing(parser, file);
            }
        } catch (JsonProcessingException e) {
            // Jackson's message spans several lines with a source excerpt; the first line and the location suffice.
            String what = e.getOriginalMessage().lines().findFirst().orElse("malformed JSON");
            String where = e.getLocation() == null ? "" : " at" + location(e.getLocation());
            throw new UsageException("--config: " + file + " is not valid JSON" + where + ": " + what);
        } catch (IOException e) {
            throw new UsageException("--config: " + file + ": cannot be read: " + ArrayFiles.ioReason(e), e);
        }
        if (root == null || root.isMissingNode() || !root.isObject()) {
            throw new UsageException("--config: " + file + " must hold one JSON object such as {\"r-wl\": 1.0}");
        }
        Map<String, JsonNode> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (!(v.isTextual() || v.isNumber() || v.isBoolean())) {
                throw new UsageException("--config: " + file + ": key '" + e.getKey()
                        + "' must be a string, number or boolean, got " + v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
            }
            entries.put(e.getKey(), v);
        }
        return new ConfigFile(file, entries);
    }

    /** Jackson stops after the first value; whatever follows it would be silently ignored, so refuse it. */
    private static void rejectTrailing(JsonParser parser, Path file) throws IOException {
        JsonLocation end = parser.currentLocation();
        try {
            if (parser.nextToken() == null) {
                return;
            }
            end = parser.currentTokenLocation();
        } catch (JsonProcessingException e) {
            end = e.getLocation() == null ? end : e.getLocation();
        }
        throw new UsageException("--config: " + file + " must hold one JSON object, but more follows it at"
                + location(end) + " (a second value or trailing text)");
    }

    private static String location(JsonLocation at) {
        return " line " + at.getLineNr() + " column " + at.getColumnNr();
    }

    /** {@return the file this configuration came from} */
    public Path file() {
        return file;
    }

    /** {@return the entries in file order, unmodifiable} */
    public Map<String, JsonNode> entries() {
        return java.util.Collections.unmodifiableMap(entries);
    }

    /** As {@link #applyTo} restricted to the keys of {@link GlobalFlags}, ignoring all others. */
    void applyShared(Map<String, String> given, Set<String> givenSwitches) {
        Map<String, JsonNode> all = entries;
        ConfigFile shared = new ConfigFile(file, new LinkedHashMap<>());
        for (Map.Entry<String, JsonNode> e : all.entrySet()) {
            if (GlobalFlags.VALUED.contains(e.getKey()) || GlobalFlags.SWITCHES.contains(e.getKey())) {
                shared.entries.put(e.getKey(), e.getValue());
            }
        }
        shared.applyTo(given, givenSwitches, GlobalFlags.VALUED, GlobalFlags.SWITCHES);
    }

    /**
     * Adds this file's settings to what the command line gave: values of declared valued flags not
     * on the command line, and switches set to {@code true}.
     *
     * @param given         valued flags from the command line (updated in place)
     * @param givenSwitches switches from the command line (updated in place)
     * @param valued        the valued flags the command declares
     * @param switches      the switches the command declares
     * @throws UsageException naming the key and the file for an unknown key or a mistyped value
     */
    void applyTo(Map<String, String> given, Set<String> givenSwitches, Set<String> valued, Set<String> switches) {
        for (Map.Entry<String, JsonNode> e : entries.entrySet()) {
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (key.equals("config")) {
                throw new UsageException("--config: " + file + ": key 'config' is not allowed (configuration files do not nest)");
            }
            if (valued.contains(key)) {
                if (v.isBoolean()) {
                    throw new UsageException("--config: " + file + ": key '" + key + "' takes a value, not " + v.asText());
                }
                given.putIfAbsent(key, v.isTextual() ? v.textValue() : v.asText());
            } else if (switches.contains(key)) {
                if (!v.isBoolean()) {
                    throw new UsageException("--config: " + file + ": key '" + key + "' is a switch: use true or false, not "
                            + v);
                }
                if (v.booleanValue()) {
                    givenSwitches.add(key);
                }
            } else if (!SETTINGS.contains(key)) {
                throw new UsageException("--config: " + file + ": unknown key '" + key + "'");
            }
        }
    }
}
