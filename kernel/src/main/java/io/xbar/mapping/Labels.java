// Labels: command-line spellings of the mapping enums (lower case, '-' for '_') and their parsing.
package io.xbar.mapping;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Shared spelling rules so every mapping enum reads and prints the way MODEL.md writes it. */
final class Labels {
    private Labels() {
    }

    static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a label; the error names the option and the accepted values. */
    static <E extends Enum<E>> E parse(Class<E> type, String s, String what) {
        if (s == null) {
            throw new IllegalArgumentException(what + " must be given");
        }
        for (E e : type.getEnumConstants()) {
            if (label(e).equalsIgnoreCase(s.trim())) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + s + "' (expected "
                + Arrays.stream(type.getEnumConstants()).map(Labels::label).collect(Collectors.joining(", ")) + ")");
    }
}
