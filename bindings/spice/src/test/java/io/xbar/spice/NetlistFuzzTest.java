// NetlistFuzzTest: random and mutated netlists never crash the parser or solver with anything but NetlistException.
package io.xbar.spice;

import io.xbar.reference.RandomNetworks;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NetlistFuzzTest {
    private static final String ALPHABET = "RrVvIiCc0123456789 \t\n\r+-*;$.eEkKmMgGuUnNpPfFtTdDcC_=()agnd\u00e9\u0000\u0007\uFEFF";

    @Test
    void mutatedNetlistsFailOnlyWithNetlistException() {
        Random random = new Random(42);
        List<String> seeds = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            seeds.add(RandomNetworks.netlist(random, 2 + random.nextInt(10), k));
        }
        seeds.add(new SpiceExport(3, 2, new Circuit(1, 0, 0, 2, 0, Drive.BOTH, Sense.TOP),
                new double[] {1e-4, 0, 1e-6, 1e-5, 2e-5, 1e-4}).toNetlist(new double[] {0.2, 0, 0.1}));
        seeds.add("t\nV1 a 0 DC 1\nR1 a b 1k\n+ ; c\nI1 b 0 1m\n.options x\n.op\n.end\n");
        int accepted = 0;
        int rejected = 0;
        for (int trial = 0; trial < 4000; trial++) {
            String text = mutate(random, seeds.get(random.nextInt(seeds.size())));
            if (run(text, trial)) {
                accepted++;
            } else {
                rejected++;
            }
        }
        // Both outcomes must actually occur, or the mutations test nothing.
        assertTrue(accepted > 200 && rejected > 200, "accepted " + accepted + ", rejected " + rejected);
    }

    @Test
    void randomTextAndBytesFailOnlyWithNetlistException() {
        Random random = new Random(4242);
        for (int trial = 0; trial < 2000; trial++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(200);
            for (int k = 0; k < n; k++) {
                sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            run(sb.toString(), trial);
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            try {
                Netlist net = NetlistParser.parse(new ByteArrayInputStream(bytes));
                NetlistSolver.solve(net);
            } catch (NetlistException e) {
                assertTrue(!e.getMessage().isEmpty() && !e.getMessage().contains("\n"));
            } catch (Exception e) {
                fail("bytes trial " + trial + " threw " + e, e);
            }
        }
    }

    /** @return true when the text parsed and solved */
    private static boolean run(String text, int trial) {
        try {
            Netlist net = NetlistParser.parse(new StringReader(text));
            NetlistSolution s = NetlistSolver.solve(net);
            s.writeJson(java.io.OutputStream.nullOutputStream());
            // Also through the byte path, which must agree.
            NetlistParser.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
            return true;
        } catch (NetlistException e) {
            assertTrue(!e.getMessage().isEmpty() && !e.getMessage().contains("\n"), "one line: " + e.getMessage());
            return false;
        } catch (Exception | Error e) {
            fail("trial " + trial + " threw " + e + " on:\n" + text, e);
            return false;
        }
    }

    private static String mutate(Random random, String seed) {
        StringBuilder sb = new StringBuilder(seed);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = sb.length() == 0 ? 0 : random.nextInt(sb.length());
            switch (random.nextInt(7)) {
                case 0 -> sb.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                case 1 -> {
                    if (sb.length() > 0) {
                        sb.deleteCharAt(at);
                    }
                }
                case 2 -> {
                    if (sb.length() > 0) {
                        sb.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                    }
                }
                case 3 -> sb.setLength(at); // truncation
                case 4 -> { // duplicate a line (duplicate names, parallel sources)
                    String[] lines = sb.toString().split("\n", -1);
                    String line = lines[random.nextInt(lines.length)];
                    sb.insert(at, "\n" + line + "\n");
                }
                case 5 -> sb.insert(at, random.nextBoolean() ? " 0 " : "\nR" + random.nextInt(5) + " " + "n" + random.nextInt(5)
                        + " " + (random.nextBoolean() ? "0" : "n" + random.nextInt(5)) + " " + (random.nextBoolean() ? "0" : "1k") + "\n");
                default -> sb.insert(at, "\nV" + random.nextInt(5) + " n" + random.nextInt(5) + " " + (random.nextBoolean() ? "0" : "n"
                        + random.nextInt(5)) + " " + random.nextInt(3) + "\n");
            }
        }
        return sb.toString();
    }
}
