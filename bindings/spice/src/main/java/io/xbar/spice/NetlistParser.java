// NetlistParser: streaming reader of linear DC SPICE netlists (R, V, I; .op/.option/.end) into a Netlist.
package io.xbar.spice;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the SPICE subset a linear DC operating point needs, line by line, never holding the text:
 *
 * <ul>
 *   <li>the first line is the title, whatever it says (as in SPICE);</li>
 *   <li>{@code Rname n1 n2 value}: a resistor in ohms; {@code 0} is an exact short (its nodes are
 *       merged), a negative value is an error, and so is a value whose conductance double precision
 *       cannot hold (accepted: {@code 2^-1022} to {@code 2^1022}, about 2.2e-308 to 4.5e307 ohm);</li>
 *   <li>{@code Vname n+ n- [DC] [value]} and {@code Iname n+ n- [DC] [value]}: DC sources, value
 *       {@code 0} when omitted (as SPICE assumes);</li>
 *   <li>node {@code 0} or {@code gnd} is ground; names are case-insensitive in ASCII only (as in
 *       SPICE: {@code A-Z} fold to {@code a-z}, every other character stays as it is, so
 *       {@code ı} and {@code i} are two names);</li>
 *   <li>numbers: {@code 2.5}, {@code 1e3}, {@code -4.7E-2}, with a scale suffix {@code t g meg k mil
 *       m u n p f} (ASCII letters only, case-insensitive, so {@code M} is milli as in SPICE),
 *       trailing unit letters ignored ({@code 10kohm} = 1e4, {@code 3V} = 3, and, as in ngspice,
 *       {@code 1} followed by a KELVIN SIGN (U+212A) = 1, not kilo);</li>
 *   <li>{@code *} comment lines, {@code ;} and {@code $} (after a blank) inline comments,
 *       {@code +} continuation lines, blank lines;</li>
 *   <li>{@code .op}, {@code .option}/{@code .options} are accepted and ignored, {@code .end}
 *       ends the netlist; every other dot command and element type is rejected.</li>
 * </ul>
 *
 * Every problem is a {@link NetlistException} naming the line.
 */
public final class NetlistParser {
    /** One mil (a thousandth of an inch) in metres, SPICE's {@code mil} suffix. */
    private static final double MIL = 25.4e-6;
    /** 10^0 .. 10^22, every one exact in a double. */
    private static final double[] POWERS_OF_TEN = new double[23];

    static {
        double p = 1;
        for (int k = 0; k < POWERS_OF_TEN.length; k++) {
            POWERS_OF_TEN[k] = p;
            p *= 10;
        }
    }

    /**
     * Smallest nonzero resistance: {@code R} and {@code 1/R} both normal doubles. Below it the
     * conductance overflows (ngspice 39 then reports a current of {@code -inf}) or loses digits.
     */
    static final double MIN_RESISTANCE = Double.MIN_NORMAL;
    /** Largest resistance, {@code 2^1022}: above it the conductance is subnormal. */
    static final double MAX_RESISTANCE = 1 / Double.MIN_NORMAL;

    /** A physical line longer than this is not SPICE (and would only cost memory). */
    private static final int MAX_LINE_BYTES = 1 << 24;

    private LineSource in;
    private Netlist netlist;
    private int lineNumber;
    private char[] card = new char[256];
    private int cardLength;
    private int cardLine;
    private int[] tokenFrom = new int[8];
    private int[] tokenTo = new int[8];
    private int tokens;
    private boolean ended;

    private NetlistParser() {
    }

    /** Lines without their terminators ({@code \n}, {@code \r\n} or {@code \r}); {@code null} at the end. */
    private interface LineSource {
        String readLine() throws IOException;
    }

    /**
     * Splits bytes into lines first and decodes each line as UTF-8 on its own, so that bytes that
     * are not UTF-8 are reported on their own line (a decoding reader reads ahead and cannot say).
     */
    private final class Utf8Lines implements LineSource {
        private final InputStream in;
        private final byte[] buffer = new byte[1 << 16];
        private int position;
        private int limit;
        private byte[] line = new byte[256];
        private boolean skipLineFeed;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

        Utf8Lines(InputStream in) {
            this.in = in;
        }

        @Override
        public String readLine() throws IOException {
            int length = 0;
            boolean ascii = true;
            boolean any = false;
            while (true) {
                if (position == limit) {
                    limit = in.read(buffer, 0, buffer.length);
                    position = 0;
                    if (limit <= 0) {
                        limit = 0;
                        if (!any) {
                            return null;
                        }
                        break;
                    }
                }
                byte b = buffer[position++];
                if (skipLineFeed) {
                    skipLineFeed = false;
                    if (b == '\n') {
                        continue;
                    }
                }
                any = true;
                if (b == '\n') {
                    break;
                }
                if (b == '\r') {
                    skipLineFeed = true;
                    break;
                }
                if (b == 0) {
                    // Binary data (a .npy, an executable): say so now instead of reading it as one huge line.
                    throw new NetlistException(lineNumber + 1, "not a text netlist (NUL byte in column " + (length + 1) + ")");
                }
                if (length == line.length) {
                    if (length >= MAX_LINE_BYTES) {
                        throw new NetlistException(lineNumber + 1, "line longer than " + (MAX_LINE_BYTES >> 20)
                                + " MiB: not a netlist");
                    }
                    line = Arrays.copyOf(line, length * 2);
                }
                line[length++] = b;
                ascii &= b >= 0;
            }
            if (ascii) {
                return new String(line, 0, length, StandardCharsets.ISO_8859_1);
            }
            return decoder.reset().decode(ByteBuffer.wrap(line, 0, length)).toString();
        }
    }

    /** Parses a netlist file (UTF-8). */
    public static Netlist parse(Path file) throws IOException {
        try (InputStream s = Files.newInputStream(file)) {
            return parse(s);
        }
    }

    /** Parses a netlist from a UTF-8 stream; the stream is read to {@code .end} or its end, not closed. */
    public static Netlist parse(InputStream stream) throws IOException {
        NetlistParser parser = new NetlistParser();
        parser.in = parser.new Utf8Lines(stream);
        return parser.run();
    }

    /** Parses a netlist from characters; the reader is not closed. */
    public static Netlist parse(Reader reader) throws IOException {
        BufferedReader lines = reader instanceof BufferedReader b ? b : new BufferedReader(reader, 1 << 16);
        NetlistParser parser = new NetlistParser();
        parser.in = lines::readLine;
        return parser.run();
    }

    private Netlist run() throws IOException {
        String title = next();
        if (title == null) {
            throw new NetlistException(1, "empty file, not a netlist (a netlist starts with a title line)");
        }
        if (!title.isEmpty() && title.charAt(0) == '\uFEFF') {
            title = title.substring(1);
        }
        checkText(title);
        netlist = new Netlist(title.strip());
        String line;
        while (!ended && (line = next()) != null) {
            checkText(line);
            int end = contentEnd(line);
            int first = 0;
            while (first < end && isBlank(line.charAt(first))) {
                first++;
            }
            if (first == end || line.charAt(first) == '*') {
                continue;
            }
            if (line.charAt(first) == '+') {
                if (cardLine == 0) {
                    throw new NetlistException(lineNumber, "continuation line ('+') without a preceding element");
                }
                append(' ');
                append(line, first + 1, end);
            } else {
                flush();
                cardLength = 0;
                cardLine = lineNumber;
                append(line, first, end);
                if (isEnd()) {
                    // SPICE reads nothing after .end; neither do we (not even to check it is text).
                    cardLine = 0;
                    ended = true;
                }
            }
        }
        flush();
        return netlist;
    }

    private String next() throws IOException {
        String s;
        try {
            s = in.readLine();
        } catch (CharacterCodingException e) {
            throw new NetlistException(lineNumber + 1, "not a text netlist (bytes that are not UTF-8)");
        }
        if (s != null) {
            lineNumber++;
        }
        return s;
    }

    private void checkText(String line) {
        for (int k = 0, n = line.length(); k < n; k++) {
            char c = line.charAt(k);
            if (c < 0x20 && c != '\t' && c != '\f') {
                throw new NetlistException(lineNumber, String.format("not a text netlist (control character 0x%02x in column %d)",
                        (int) c, k + 1));
            }
        }
    }

    /** Where the line's content ends: at {@code ;} or at a {@code $} that starts a word. */
    private static int contentEnd(String line) {
        int n = line.length();
        for (int k = 0; k < n; k++) {
            char c = line.charAt(k);
            if (c == ';' || (c == '$' && (k == 0 || isBlank(line.charAt(k - 1))))) {
                return k;
            }
        }
        return n;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\f';
    }

    private void append(char c) {
        if (cardLength == card.length) {
            card = Arrays.copyOf(card, card.length * 2);
        }
        card[cardLength++] = c;
    }

    private void append(String s, int from, int to) {
        int len = to - from;
        if (cardLength + len > card.length) {
            card = Arrays.copyOf(card, Math.max(card.length * 2, cardLength + len));
        }
        s.getChars(from, to, card, cardLength);
        cardLength += len;
    }

    /** Tokenizes and interprets the pending card, if any. */
    private void flush() {
        if (cardLine == 0) {
            return;
        }
        tokens = 0;
        int k = 0;
        while (k < cardLength) {
            while (k < cardLength && isBlank(card[k])) {
                k++;
            }
            if (k == cardLength) {
                break;
            }
            int from = k;
            while (k < cardLength && !isBlank(card[k])) {
                k++;
            }
            if (tokens == tokenFrom.length) {
                tokenFrom = Arrays.copyOf(tokenFrom, tokens * 2);
                tokenTo = Arrays.copyOf(tokenTo, tokens * 2);
            }
            tokenFrom[tokens] = from;
            tokenTo[tokens] = k;
            tokens++;
        }
        int line = cardLine;
        cardLine = 0;
        if (tokens == 0) {
            return;
        }
        char type = NameTable.fold(card[tokenFrom[0]]);
        switch (type) {
            case '.' -> dotCommand(line);
            case 'r' -> resistor(line);
            case 'v' -> source(line, Netlist.Kind.VOLTAGE_SOURCE);
            case 'i' -> source(line, Netlist.Kind.CURRENT_SOURCE);
            default -> {
                String name = token(0);
                if (type == 'b') {
                    throw new NetlistException(line, "behavioural source '" + name + "' (type B, e.g. a nonlinear cell "
                            + "written by xbar spice export --cell-model sinh): xbar spice solve handles linear netlists "
                            + "only (R, V and I elements); run it with ngspice -b");
                }
                if (Character.isLetter(card[tokenFrom[0]])) {
                    throw new NetlistException(line, "unsupported element '" + name + "' (type " + upperCaseAscii(type)
                            + "): only R, V and I elements are supported");
                }
                throw new NetlistException(line, "'" + name + "' is not an element (expected an R, V or I element or a dot command)");
            }
        }
    }

    private static char upperCaseAscii(char c) {
        return c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c;
    }

    private String token(int t) {
        String s = new String(card, tokenFrom[t], tokenTo[t] - tokenFrom[t]);
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private boolean tokenIs(int t, String lowerCase) {
        int from = tokenFrom[t];
        int len = tokenTo[t] - from;
        if (len != lowerCase.length()) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            if (NameTable.fold(card[from + k]) != lowerCase.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** True when the card just started is {@code .end} (alone, or followed by a blank). */
    private boolean isEnd() {
        if (cardLength < 4 || (cardLength > 4 && !isBlank(card[4]))) {
            return false;
        }
        return card[0] == '.' && NameTable.fold(card[1]) == 'e' && NameTable.fold(card[2]) == 'n'
                && NameTable.fold(card[3]) == 'd';
    }

    private void dotCommand(int line) {
        if (!(tokenIs(0, ".op") || tokenIs(0, ".option") || tokenIs(0, ".options"))) {
            throw new NetlistException(line, "unsupported dot command '" + token(0)
                    + "' (only .op, .option(s) and .end are understood; the netlist must be a linear DC operating point)");
        }
    }

    private void resistor(int line) {
        String name = token(0);
        if (tokens < 3) {
            throw new NetlistException(line, "resistor '" + name + "' needs two nodes and a value, got "
                    + (tokens - 1) + (tokens == 2 ? " node" : " nodes"));
        }
        if (tokens < 4) {
            throw new NetlistException(line, "resistor '" + name + "' has no value (expected 'Rname node node ohms')");
        }
        if (tokens > 4) {
            throw new NetlistException(line, "resistor '" + name + "': unexpected '" + token(4)
                    + "' after the value (only 'Rname node node ohms' is supported)");
        }
        double ohms = value(3, line, "resistor '" + name + "'");
        if (ohms < 0) {
            throw new NetlistException(line, "resistor '" + name + "' has a negative resistance " + ohms
                    + " ohm (only passive resistors are supported)");
        }
        if (ohms != 0 && !(ohms >= MIN_RESISTANCE && ohms <= MAX_RESISTANCE)) {
            throw new NetlistException(line, "resistor '" + name + "' has resistance " + ohms + " ohm, outside what double"
                    + " precision can solve: " + MIN_RESISTANCE + " to " + MAX_RESISTANCE + " ohm, where R and 1/R are both"
                    + " normal doubles (0 is an exact short)");
        }
        add(Netlist.Kind.RESISTOR, ohms, line);
    }

    private void source(int line, Netlist.Kind kind) {
        String what = (kind == Netlist.Kind.VOLTAGE_SOURCE ? "voltage source '" : "current source '") + token(0) + "'";
        if (tokens < 3) {
            throw new NetlistException(line, what + " needs two nodes, got " + (tokens - 1) + (tokens == 2 ? " node" : " nodes"));
        }
        int t = 3;
        double v = 0;
        if (t < tokens && tokenIs(t, "dc")) {
            t++;
            if (t == tokens) {
                throw new NetlistException(line, what + ": DC needs a value");
            }
        }
        if (t < tokens) {
            v = value(t, line, what);
            t++;
        }
        if (t < tokens) {
            throw new NetlistException(line, what + ": unsupported specification '" + token(t)
                    + "' (only a DC value is supported)");
        }
        add(kind, v, line);
    }

    private void add(Netlist.Kind kind, double v, int line) {
        int a = netlist.node(card, tokenFrom[1], tokenTo[1], line);
        int b = netlist.node(card, tokenFrom[2], tokenTo[2], line);
        netlist.add(card, tokenFrom[0], tokenTo[0], kind, a, b, v, line);
    }

    private double value(int t, int line, String what) {
        try {
            return parseNumber(card, tokenFrom[t], tokenTo[t]);
        } catch (NumberFormatException e) {
            throw new NetlistException(line, what + ": malformed number '" + token(t) + "'" + e.getMessage());
        }
    }

    /**
     * A SPICE number: decimal with optional exponent, an optional scale suffix and ignored unit
     * letters. Rounded once (correctly) to the nearest double.
     *
     * @throws NumberFormatException whose message says why (starting with a blank, or empty)
     */
    public static double parseNumber(String s) {
        return parseNumber(s.toCharArray(), 0, s.length());
    }

    static double parseNumber(char[] c, int from, int to) {
        int k = from;
        boolean negative = false;
        if (k < to && (c[k] == '+' || c[k] == '-')) {
            negative = c[k] == '-';
            k++;
        }
        int digits = 0;
        // The digits as an integer while it stays exact, for the fast path below.
        long mantissa = 0;
        boolean exact = true;
        int fractionDigits = 0;
        while (k < to && isDigit(c[k])) {
            if (mantissa < 100_000_000_000_000_000L) {
                mantissa = mantissa * 10 + (c[k] - '0');
            } else {
                exact = false;
            }
            k++;
            digits++;
        }
        if (k < to && c[k] == '.') {
            k++;
            while (k < to && isDigit(c[k])) {
                if (mantissa < 100_000_000_000_000_000L) {
                    mantissa = mantissa * 10 + (c[k] - '0');
                    fractionDigits++;
                } else {
                    exact = false;
                }
                k++;
                digits++;
            }
        }
        if (digits == 0) {
            throw new NumberFormatException("");
        }
        int mantissaEnd = k;
        long exponent = 0;
        if (k < to && (c[k] == 'e' || c[k] == 'E')) {
            int e = k + 1;
            boolean negativeExponent = false;
            if (e < to && (c[e] == '+' || c[e] == '-')) {
                negativeExponent = c[e] == '-';
                e++;
            }
            int expDigits = 0;
            while (e < to && isDigit(c[e])) {
                // Saturate: anything beyond 10^6 under- or overflows a double anyway.
                exponent = Math.min(exponent * 10 + (c[e] - '0'), 1_000_000);
                e++;
                expDigits++;
            }
            if (expDigits == 0) {
                throw new NumberFormatException(" (an exponent needs digits)");
            }
            if (negativeExponent) {
                exponent = -exponent;
            }
            k = e;
        }
        double factor = 1;
        if (k < to) {
            char s = NameTable.fold(c[k]);
            switch (s) {
                case 't' -> { exponent += 12; k++; }
                case 'g' -> { exponent += 9; k++; }
                case 'k' -> { exponent += 3; k++; }
                case 'u' -> { exponent -= 6; k++; }
                case 'n' -> { exponent -= 9; k++; }
                case 'p' -> { exponent -= 12; k++; }
                case 'f' -> { exponent -= 15; k++; }
                case 'm' -> {
                    if (k + 2 < to && NameTable.fold(c[k + 1]) == 'e' && NameTable.fold(c[k + 2]) == 'g') {
                        exponent += 6;
                        k += 3;
                    } else if (k + 2 < to && NameTable.fold(c[k + 1]) == 'i' && NameTable.fold(c[k + 2]) == 'l') {
                        factor = MIL;
                        k += 3;
                    } else {
                        exponent -= 3;
                        k++;
                    }
                }
                default -> { }
            }
        }
        for (int u = k; u < to; u++) {
            if (!Character.isLetter(c[u])) {
                throw new NumberFormatException(" ('" + c[u] + "' after the number; only a scale suffix and unit letters may follow)");
            }
        }
        double v;
        long scale = exponent - fractionDigits;
        if (exact && factor == 1 && mantissa < (1L << 53) && scale >= -22 && scale <= 22) {
            // Clinger's fast path: an exact integer times or over an exact power of ten rounds once.
            double m = mantissa;
            v = scale >= 0 ? m * POWERS_OF_TEN[(int) scale] : m / POWERS_OF_TEN[(int) -scale];
            if (negative) {
                v = -v;
            }
        } else {
            String text = new String(c, from, mantissaEnd - from) + "e" + exponent;
            v = Double.parseDouble(text) * factor;
        }
        if (Double.isInfinite(v)) {
            throw new NumberFormatException(" (out of the range of a double)");
        }
        return v;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
