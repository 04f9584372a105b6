// FlagSets: helpers to combine the reusable flag-name sets of commands and to format their help lines.
package io.xbar.cli;

import java.util.LinkedHashSet;
import java.util.Set;

/** Shared pieces of command declarations, so every command spells and documents common flags alike. */
public final class FlagSets {
    /** Width of the flag column in help output. */
    private static final int FLAG_COLUMN = 24;

    /** The switch every command accepts for its help. */
    public static final Set<String> HELP_SWITCH = Set.of("help");

    private FlagSets() {
    }

    /** The union of flag-name sets, e.g. {@code union(CircuitFlags.NAMES, Set.of("out"))}. */
    @SafeVarargs
    public static Set<String> union(Set<String>... sets) {
        Set<String> all = new LinkedHashSet<>();
        for (Set<String> s : sets) {
            all.addAll(s);
        }
        return Set.copyOf(all);
    }

    /** One help line: the flag and its argument, then what it does. */
    public static String helpLine(String flag, String description) {
        return "  " + (flag.length() >= FLAG_COLUMN ? flag + " " : String.format("%-" + FLAG_COLUMN + "s", flag))
                + description;
    }

    /** True when the arguments ask for help ({@code --help} or {@code -h}), checked before parsing. */
    public static boolean wantsHelp(String[] args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                return true;
            }
        }
        return false;
    }
}
