// NetlistParserTest: SPICE syntax accepted by the parser, every rejected input with its line number, and streaming.
package io.xbar.spice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NetlistParserTest {
    static Netlist parse(String text) throws IOException {
        return NetlistParser.parse(new StringReader(text));
    }

    static NetlistException rejected(String text) {
        return assertThrows(NetlistException.class, () -> parse(text));
    }

    @ParameterizedTest
    @CsvSource({
            "2.5, 2.5", "1e3, 1000", "1E3, 1000", "-4.7E-2, -0.047", "+2, 2", ".5, 0.5", "5., 5", "1.5e+2, 150",
            "10k, 1e4", "10kohm, 1e4", "10K, 1e4", "2.5meg, 2.5e6", "2.5MEG, 2.5e6", "1Meg, 1e6",
            "1M, 1e-3", "1m, 1e-3", "1Mohm, 1e-3", "3u, 3e-6", "3n, 3e-9", "3p, 3e-12", "3f, 3e-15",
            "3g, 3e9", "3t, 3e12", "2mil, 5.08e-5", "3V, 3", "3ohm, 3", "1e-3k, 1", "0, 0", "0.0, 0", "7A, 7"})
    void numbers(String text, double expected) {
        assertEquals(expected, NetlistParser.parseNumber(text), Math.abs(expected) * 1e-15);
    }

    @Test
    void numbersAreCorrectlyRoundedOnce() {
        // Scaling by a suffix must not add a rounding of its own: 0.1k is the double nearest 100, 1.7u nearest 1.7e-6.
        assertEquals(100.0, NetlistParser.parseNumber("0.1k"));
        assertEquals(1.7e-6, NetlistParser.parseNumber("1.7u"));
        assertEquals(1.2345678901234567e-5, NetlistParser.parseNumber("12.345678901234567u"));
        double x = 1.0 / 3;
        assertEquals(x, NetlistParser.parseNumber(Double.toString(x)));
        assertEquals(1e-300, NetlistParser.parseNumber("1e-300"));
    }

    @Test
    void everyNumberMatchesJavasCorrectRounding() {
        java.util.Random random = new java.util.Random(99);
        for (int k = 0; k < 20000; k++) {
            double x = switch (k % 4) {
                case 0 -> Double.longBitsToDouble(random.nextLong()); // any bit pattern
                case 1 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
                case 2 -> random.nextInt(1_000_000) / Math.pow(10, random.nextInt(12));
                default -> (double) random.nextLong();
            };
            if (!Double.isFinite(x)) {
                continue;
            }
            String text = Double.toString(x);
            assertEquals(x, NetlistParser.parseNumber(text), text);
            String plain = new java.math.BigDecimal(x).round(new java.math.MathContext(1 + random.nextInt(19))).toPlainString();
            if (plain.length() < 60) {
                assertEquals(Double.parseDouble(plain), NetlistParser.parseNumber(plain), plain);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "1e", "1e+", "1.2.3", "10k5", "--1", ".", "+", "-", "nan", "inf", "1e400", "1x2", "k1",
            "1_000", "0x10", "1,5"})
    void malformedNumbers(String text) {
        assertThrows(NumberFormatException.class, () -> NetlistParser.parseNumber(text));
        NetlistException e = rejected("t\nR1 a 0 " + text + "\n");
        assertEquals(2, e.line());
        assertTrue(e.getMessage().startsWith("line 2: resistor 'R1': malformed number"), e.getMessage());
    }

    @Test
    void fullSyntax() throws IOException {
        Netlist n = parse("""
                My title * with a star
                * a comment line
                V1 in GND DC 1.5 ; inline comment
                r1 IN mid 1k $ another comment
                R2 mid 0
                + 2k
                * comment between continuations is allowed
                + ; nothing more
                I1 0 mid 1m
                Vfloat mid x 0.25
                R$odd x gnd 3k
                I2 x 0
                .options reltol=1e-6
                .OP
                .end
                this line is after .end and is never read \u0000
                """);
        assertEquals("My title * with a star", n.title());
        assertEquals(7, n.elementCount());
        assertEquals(4, n.nodeCount()); // 0, in, mid, x
        assertEquals("in", n.nodeName(1)); // first spelling is kept
        assertEquals(1, n.nodeId("IN"));
        assertEquals(0, n.nodeId("Gnd"));
        assertEquals(Netlist.Kind.VOLTAGE_SOURCE, n.kind(0));
        assertEquals(1.5, n.value(0));
        assertEquals(0, n.minus(0));
        assertEquals(1000.0, n.value(1));
        assertEquals(2000.0, n.value(2));
        assertEquals(5, n.line(2));
        assertEquals(Netlist.Kind.CURRENT_SOURCE, n.kind(3));
        assertEquals(1e-3, n.value(3));
        assertEquals(0.25, n.value(4));
        assertEquals("R$odd", n.elementName(5)); // '$' inside a word is not a comment
        assertEquals(0.0, n.value(6)); // a source without a value is 0, as SPICE assumes
        assertEquals(5, n.elementId("r$ODD"));
        assertEquals(-1, n.elementId("R9"));
        assertEquals(3, n.nodeLine(n.nodeId("in")));
    }

    @Test
    void zeroResistanceIsKeptAsAShort() throws IOException {
        Netlist n = parse("t\nR1 a b 0\nR2 a a 5\n");
        assertEquals(0.0, n.value(0));
        assertEquals(n.plus(1), n.minus(1));
    }

    /** SPICE folds ASCII only: non-ASCII letters that Unicode would fold to ASCII stay names of their own. */
    @ParameterizedTest
    @ValueSource(strings = {
            "\u0131", // LATIN SMALL LETTER DOTLESS I: Unicode folding (via 'I') made it 'i'
            "\u0130", // LATIN CAPITAL LETTER I WITH DOT ABOVE: lower-cases to 'i'
            "\u212A", // KELVIN SIGN: lower-cases to 'k'
            "\u017F"}) // LATIN SMALL LETTER LONG S: upper-cases to 'S'
    void nonAsciiNamesAreNotFoldedToAscii(String letter) throws IOException {
        String ascii = String.valueOf(Character.toLowerCase(Character.toUpperCase(letter.charAt(0))));
        assertTrue(ascii.charAt(0) < 128, "the test letter must fold to ASCII under Unicode rules");
        Netlist n = parse("t\nV1 " + letter + " 0 1\nR" + letter + " " + letter + " 0 1\nV2 " + ascii + " 0 2\nR"
                + ascii + " " + ascii + " 0 1\n");
        assertEquals(3, n.nodeCount());
        assertEquals(4, n.elementCount());
        assertEquals(1, n.nodeId(letter));
        assertEquals(2, n.nodeId(ascii));
        assertEquals(2, n.nodeId(ascii.toUpperCase(java.util.Locale.ROOT)), "ASCII still folds");
        assertEquals(1, n.elementId("R" + letter));
        assertEquals(3, n.elementId("r" + ascii));
        NetlistSolution s = NetlistSolver.solve(n);
        assertEquals(1.0, s.voltage(letter), 0);
        assertEquals(2.0, s.voltage(ascii), 0);
    }

    @Test
    void nonAsciiCaseIsKeptApart() throws IOException {
        Netlist n = parse("t\nR1 \u00c4 0 1\nR2 \u00e4 0 1\nR3 \u03a9 0 1\nR4 \u03c9 0 1\nR5 A a 1\n");
        assertEquals(6, n.nodeCount()); // ground, Ä, ä, Ω, ω and A = a
        assertEquals(n.nodeId("A"), n.nodeId("a"));
    }

    @Test
    void scaleSuffixesAreAsciiOnly() throws IOException {
        // ngspice 39 reads '1' + KELVIN SIGN as 1 (the sign is an ignored unit letter), never as 1k.
        assertEquals(1.0, NetlistParser.parseNumber("1\u212A"), 0);
        assertEquals(1.0, NetlistParser.parseNumber("1\u212Aohm"), 0);
        assertEquals(2.0, NetlistParser.parseNumber("2\u2126"), 0); // OHM SIGN: a unit letter
        assertEquals(3.0, NetlistParser.parseNumber("3\u0131"), 0); // dotless i: not the 'i' of mil
        assertEquals(5e-3, NetlistParser.parseNumber("5m\u0131l"), 5e-3 * 1e-15);
        assertEquals(6.0, NetlistParser.parseNumber("6\u0130"), 0);
        assertEquals(1.0, parse("t\nR1 a 0 1\u212A\n").value(0), 0);
        assertEquals(1e3, parse("t\nR1 a 0 1K\n").value(0), 0);
    }

    @Test
    void elementTypeIsAsciiOnly() {
        // A dotless i is not an I element, and an element type is named as written.
        assertError("title\n\u0131X a 0 1\n", 2, "unsupported element '\u0131X' (type \u0131)");
        assertError("title\n\u017F1 a 0 1\n", 2, "unsupported element");
    }

    @Test
    void readsUtf8StreamsAndStripsByteOrderMark() throws IOException {
        byte[] bytes = "\uFEFFtitre \u00e9l\u00e9ment\nR\u00e91 n\u0153ud 0 1k\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Netlist n = NetlistParser.parse(new ByteArrayInputStream(bytes));
        assertEquals("titre \u00e9l\u00e9ment", n.title());
        assertEquals("n\u0153ud", n.nodeName(1));
    }

    @Test
    void errorsNameTheLine() {
        assertError("", 1, "empty file");
        assertError("title\nC1 a 0 1p\n", 2, "unsupported element 'C1' (type C): only R, V and I");
        assertError("title\n\nQ1 a b c npn\n", 3, "unsupported element 'Q1'");
        assertError("title\n12 a b\n", 2, "'12' is not an element");
        assertError("title\nR1 a 0 1\n.tran 1n 1u\n", 3, "unsupported dot command '.tran'");
        assertError("title\n.include other.cir\n", 2, "unsupported dot command '.include'");
        assertError("title\n.subckt x a b\n", 2, "unsupported dot command '.subckt'");
        assertError("title\n.ends\n", 2, "unsupported dot command '.ends'");
        assertError("title\nR1\n", 2, "resistor 'R1' needs two nodes and a value, got 0 nodes");
        assertError("title\nR1 a\n", 2, "got 1 node");
        assertError("title\nR1 a b\n", 2, "resistor 'R1' has no value");
        assertError("title\nR1 a b 1k tc1=0.1\n", 2, "unexpected 'tc1=0.1'");
        assertError("title\nR1 a b -1k\n", 2, "negative resistance -1000.0");
        assertError("title\nV1 a\n", 2, "voltage source 'V1' needs two nodes, got 1 node");
        assertError("title\nI1\n", 2, "current source 'I1' needs two nodes, got 0 nodes");
        assertError("title\nV1 a 0 DC\n", 2, "DC needs a value");
        assertError("title\nV1 a 0 DC 1 AC 1\n", 2, "unsupported specification 'AC'");
        assertError("title\nV1 a 0 SIN(0 1 1k)\n", 2, "malformed number 'SIN(0'");
        assertError("title\nV1 a 0 1\nR1 a 0 1\nr1 a 0 2\n", 4, "duplicate element name 'r1' (first defined on line 3 as 'R1')");
        assertError("title\n+ 1k\n", 2, "continuation line ('+') without a preceding element");
        assertError("title\nR1 a 0 1\n\u0000\u0001binary", 3, "not a text netlist (control character 0x00");
        assertError("title\nR1 a 0 1k\nR2 a 0 1\n+ 2\n", 3, "unexpected '2'");
    }

    @Test
    void rejectsBytesThatAreNotUtf8() {
        byte[] bytes = {'t', '\n', 'R', '1', ' ', 'a', ' ', '0', ' ', '1', '\n', 'R', '2', ' ', (byte) 0xff, (byte) 0xfe, '\n'};
        NetlistException e = assertThrows(NetlistException.class, () -> NetlistParser.parse(new ByteArrayInputStream(bytes)));
        assertTrue(e.getMessage().contains("not a text netlist"), e.getMessage());
        assertTrue(e.line() >= 2, e.getMessage());
    }

    @Test
    void aNumpyFileIsNotANetlist() {
        byte[] npy = new byte[200];
        byte[] head = "\u0093NUMPY\u0001\u0000v\u0000{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        System.arraycopy(head, 0, npy, 0, head.length);
        NetlistException e = assertThrows(NetlistException.class, () -> NetlistParser.parse(new ByteArrayInputStream(npy)));
        assertTrue(e.getMessage().startsWith("line "), e.getMessage());
    }

    @Test
    void binaryInputIsRejectedAtTheFirstNulByte() {
        byte[] bytes = new byte[50_000_000]; // no newline anywhere: must not be read as one line
        bytes[0] = 't';
        bytes[1] = '\n';
        bytes[2] = 'R';
        NetlistException e = assertThrows(NetlistException.class, () -> NetlistParser.parse(new ByteArrayInputStream(bytes)));
        assertEquals("line 2: not a text netlist (NUL byte in column 2)", e.getMessage());
    }

    private static void assertError(String text, int line, String fragment) {
        NetlistException e = rejected(text);
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith("line " + line + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    /** A million-element netlist generated on the fly: the parser must not need the text as a whole. */
    @Test
    void streamsLargeNetlists() throws IOException {
        int elements = 1_000_000;
        Reader generated = new Reader() {
            private int next = -1;
            private String pending = "";
            private int at;

            @Override
            public int read(char[] buf, int off, int len) {
                if (at == pending.length()) {
                    if (next > elements) {
                        return -1;
                    }
                    pending = next < 0 ? "generated ladder\n" : next == elements ? ".end\n"
                            : next == 0 ? "V0 n0 0 1\n" : "R" + next + " n" + (next - 1) + " n" + next + " 1k\n";
                    next++;
                    at = 0;
                }
                int k = Math.min(len, pending.length() - at);
                pending.getChars(at, at + k, buf, off);
                at += k;
                return k;
            }

            @Override
            public void close() {
            }
        };
        Netlist n = NetlistParser.parse(generated);
        assertEquals(elements, n.elementCount());
        assertEquals(elements + 1, n.nodeCount());
        assertEquals("n999999", n.nodeName(elements));
        assertEquals(elements - 1, n.elementId("r999999"));
    }
}
