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
     * @param valued   flags that take a value (without the leading dashes)
     * @param switches flags that take none
     */
    public static Flags parse(String[] args, Set<String> valued, Set<String> switches) {
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
