// Flags: `--name value` / `--name=value` command-line parsing with typed getters and one-line errors.
package io.xbar.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed flags of one command. A command declares which flags take values and which are
 * switches; anything else is an error naming the flag. Getters convert and say what is wrong
 * ("--r-wl: 'abc' is not a number").
 */
public final class Flags {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> switches = new LinkedHashSet<>();
    private final List<String> positional = new ArrayList<>();

    private Flags() {
    }

    /**
     * Parses a command line. Every command also accepts the shared flags of {@link GlobalFlags}
     * ({@code --config FILE --threads N --quiet --verbose}); a {@code --config} file's entries
     * become values of the declared flags not given on the command line (see {@link ConfigFile}).
     *
     * @param valued   flags that take a value (without the leading dashes)
     * @param switches flags that take none
     */
    public static Flags parse(String[] args, Set<String> valued, Set<String> switches) {
        Set<String> allValued = FlagSets.union(valued, GlobalFlags.VALUED);
        Set<String> allSwitches = FlagSets.union(switches, GlobalFlags.SWITCHES);
        Flags f = parseDeclared(args, allValued, allSwitches);
        if (f.values.containsKey("config")) {
            ConfigFile.load(java.nio.file.Path.of(f.values.get("config"))).applyTo(f.values, f.switches, allValued, allSwitches);
        }
        return f;
    }

    /**
     * Only the shared flags of {@link GlobalFlags} (and those of a {@code --config} file), picked
     * from a command line whose other flags are not known yet; used by {@link Main} before it
     * hands the command line to the command.
     */
    static Flags parseGlobal(String[] args) {
        Flags f = new Flags();
        for (int k = 0; k < args.length; k++) {
            String a = args[k];
            for (String name : GlobalFlags.VALUED) {
                if (a.equals("--" + name) && k + 1 < args.length) {
                    f.values.putIfAbsent(name, args[++k]);
                } else if (a.startsWith("--" + name + "=")) {
                    f.values.putIfAbsent(name, a.substring(name.length() + 3));
                }
            }
            if (a.startsWith("--") && GlobalFlags.SWITCHES.contains(a.substring(2))) {
                f.switches.add(a.substring(2));
            }
        }
        if (f.values.containsKey("config")) {
            // Only the shared keys here: the command's own parse checks every key against its declaration.
            ConfigFile.load(java.nio.file.Path.of(f.values.get("config"))).applyShared(f.values, f.switches);
        }
        return f;
    }

    private static Flags parseDeclared(String[] args, Set<String> valued, Set<String> switches) {
        Flags f = new Flags();
        for (int k = 0; k < args.length; k++) {
            String a = args[k];
            if (a.startsWith("--") && a.length() > 2) {
                String name = a.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (switches.contains(name)) {
                    if (value != null) {
                        throw new UsageException("--" + name + " takes no value");
                    }
                    f.switches.add(name);
                } else if (valued.contains(name)) {
                    if (value == null) {
                        if (k + 1 >= args.length) {
                            throw new UsageException("--" + name + " needs a value");
                        }
                        value = args[++k];
                    }
                    if (f.values.put(name, value) != null) {
                        throw new UsageException("--" + name + " given twice");
                    }
                } else {
                    throw new UsageException("unknown flag --" + name);
                }
            } else {
                f.positional.add(a);
            }
        }
        return f;
    }

    /** True when the flag was given, on the command line or in the {@code --config} file. */
    public boolean has(String name) {
        return values.containsKey(name) || switches.contains(name);
    }

    public List<String> positional() {
        return positional;
    }

    public String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** A value that must be given. */
    public String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new UsageException("missing --" + name);
        }
        return v;
    }

    public double number(String name, double fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (!Double.isFinite(d)) {
                throw new UsageException("--" + name + ": " + v + " is not a finite number");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + ": '" + v + "' is not a number");
        }
    }

    public int integer(String name, int fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + ": '" + v + "' is not an integer");
        }
    }
}
