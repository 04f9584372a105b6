// ConfigAndGlobalFlagsTest: --config precedence (flags > file > defaults) and errors, and --quiet/--verbose/--threads on every command.
package io.xbar.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xbar.io.Npy;
import io.xbar.mapping.TrainedLikeData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigAndGlobalFlagsTest {
    @TempDir
    Path dir;
    Path g;
    Path v;
    Path w;
    Path x;

    @BeforeEach
    void files() throws IOException {
        Random rnd = new Random(6);
        double[] cond = new double[6 * 5];
        for (int k = 0; k < cond.length; k++) {
            cond[k] = 1e-6 + rnd.nextDouble() * 1e-4;
        }
        double[] volts = new double[6];
        for (int k = 0; k < volts.length; k++) {
            volts[k] = rnd.nextDouble() * 0.2;
        }
        g = dir.resolve("g.npy");
        v = dir.resolve("v.npy");
        Npy.write(g, cond, 6, 5);
        Npy.write(v, volts, 6);
        w = dir.resolve("w.npy");
        x = dir.resolve("x.npy");
        Npy.write(w, TrainedLikeData.weights(20, 4, 1), 20, 4);
        Npy.write(x, TrainedLikeData.activations(3, 20, 2), 3, 20);
    }

    private Path config(String name, String json) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, json);
        return p;
    }

    private double[] solve(String out, String... extra) throws IOException {
        Path o = dir.resolve(out);
        List<String> args = new java.util.ArrayList<>(List.of("solve", "--conductances", g.toString(), "--inputs",
                v.toString(), "--out", o.toString()));
        args.addAll(List.of(extra));
        CommandTesting.Run r = CommandTesting.run(args.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        return Npy.read(o).toArray();
    }

    @Test
    void fileValuesActAsFlagsAndFlagsWin() throws IOException {
        Path c = config("study.json", "{\"r-wl\": 7.0, \"r-bl\": 3, \"drive\": \"both\", \"mapping\": \"mdm\"}");
        double[] fromFile = solve("a.npy", "--config", c.toString());
        double[] fromFlags = solve("b.npy", "--r-wl", "7", "--r-bl", "3", "--drive", "both");
        assertArrayEquals(fromFlags, fromFile, 0.0, "file values equal the same flags");

        double[] mixed = solve("c.npy", "--config", c.toString(), "--r-wl", "1");
        double[] mixedFlags = solve("d.npy", "--r-wl", "1", "--r-bl", "3", "--drive", "both");
        assertArrayEquals(mixedFlags, mixed, 0.0, "a flag overrides the file");

        double[] defaults = solve("e.npy");
        double[] explicitDefaults = solve("f.npy", "--r-wl", "2.5", "--r-bl", "2.5", "--drive", "left");
        assertArrayEquals(explicitDefaults, defaults, 0.0);
        assertFalse(java.util.Arrays.equals(defaults, fromFile), "the file changed the circuit");
    }

    @Test
    void zeroParasiticsFromFileGiveTheIdealProduct() throws IOException {
        Path c = config("ideal.json", "{\"r-wl\": 0, \"r-bl\": 0}");
        double[] i = solve("i.npy", "--config", c.toString());
        double[] cond = Npy.read(g).toArray();
        double[] volts = Npy.read(v).toArray();
        for (int j = 0; j < 5; j++) {
            double s = 0;
            for (int r = 0; r < 6; r++) {
                s += volts[r] * cond[r * 5 + j];
            }
            assertEquals(s, i[j], 1e-12 * Math.abs(s));
        }
    }

    @Test
    void unknownKeyIsNamedWithTheFileByEveryCommand() throws IOException {
        Path c = config("typo.json", "{\"r-wl\": 1.0, \"r-wll\": 1.0}");
        for (String[] command : commandLines()) {
            CommandTesting.refused(null, List.of("unknown key 'r-wll'", c.toString()), concat(command, "--config",
                    c.toString()));
        }
    }

    @Test
    void everyCommandAcceptsAStudyFileOfSharedSettings() throws IOException {
        // Mapping keys are ignored by solve and transfer, circuit keys used by all: no command refuses the file itself.
        Path c = config("shared.json", "{\"r-wl\": 1.0, \"mapping\": \"mdm\", \"tile\": \"16x16\", \"g-on\": 1e-4,"
                + " \"quiet\": true, \"threads\": 1, \"tolerance\": 1e-12, \"signed-inputs\": false}");
        Path y = dir.resolve("y.npy");
        assertEquals(0, CommandTesting.run("solve", "--config", c.toString(), "--conductances", g.toString(), "--inputs",
                v.toString(), "--out", dir.resolve("i.npy").toString()).status());
        assertEquals(0, CommandTesting.run("transfer", "--config", c.toString(), "--conductances", g.toString(), "--out",
                dir.resolve("t.npy").toString()).status());
        CommandTesting.Run r = CommandTesting.run("mvm", "--config", c.toString(), "--weights", w.toString(), "--inputs",
                x.toString(), "--out", y.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.exists(y));
        for (String[] command : commandLines()) {
            // Without its required files each command fails, but never because of the configuration file.
            if (Set.of("demo", "sweep", "validate").contains(command[0])) {
                continue; // these run complete studies with no required flag; covered by unknownKey above
            }
            CommandTesting.Run bad = CommandTesting.run(concat(command, "--config", c.toString()));
            assertFalse(bad.err().contains("--config"), String.join(" ", command) + ": " + bad.err());
        }
    }

    @Test
    void commandSpecificKeysAreAcceptedWhereDeclared() throws IOException {
        Path o = dir.resolve("fromfile.npy");
        Path c = config("files.json", "{\"conductances\": \"" + g.toString().replace("\\", "\\\\") + "\", \"inputs\": \""
                + v.toString().replace("\\", "\\\\") + "\", \"out\": \"" + o.toString().replace("\\", "\\\\") + "\"}");
        CommandTesting.Run r = CommandTesting.run("solve", "--config", c.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.exists(o));
        // `map` declares no --conductances: the key is unknown there.
        CommandTesting.refused(null, List.of("unknown key 'conductances'", c.toString()), "map", "--config", c.toString());
    }

    @Test
    void controlCharactersFromTheUsersDataAreShownEscapedInTheOneLine() throws IOException {
        // A key with a carriage return (JSON "\r") would overwrite the message on a terminal.
        Path c = config("cr.json", "{\"d\\rive\": \"both\"}");
        CommandTesting.Run r = CommandTesting.run("solve", "--config", c.toString());
        assertEquals(2, r.status());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("unknown key 'd\\rive'") && !r.err().strip().contains("\r"), r.err());
        assertEquals("a\\nb\\tc\\u001b[0m", Main.oneLine("a\nb\tc\u001b[0m"));
    }

    @Test
    void malformedFilesGiveOneLineNamingTheFile() throws IOException {
        Path broken = config("broken.json", "{\"r-wl\": 1.0,\n \"drive\": }");
        CommandTesting.refused(null, List.of(broken.toString(), "not valid JSON", "line 2"), "solve", "--config",
                broken.toString());
        Path array = config("array.json", "[1, 2]");
        CommandTesting.refused(null, List.of(array.toString(), "one JSON object"), "mvm", "--config", array.toString());
        Path nested = config("nested.json", "{\"r-wl\": [1, 2]}");
        CommandTesting.refused(null, List.of(nested.toString(), "'r-wl'", "string, number or boolean"), "solve",
                "--config", nested.toString());
        Path badSwitch = config("switch.json", "{\"signed-inputs\": \"yes\"}");
        CommandTesting.refused(null, List.of(badSwitch.toString(), "'signed-inputs'", "true or false"), "mvm",
                "--config", badSwitch.toString());
        Path badValue = config("value.json", "{\"r-wl\": true}");
        CommandTesting.refused(null, List.of(badValue.toString(), "'r-wl'", "takes a value"), "solve", "--config",
                badValue.toString());
        Path recursive = config("recursive.json", "{\"config\": \"other.json\"}");
        CommandTesting.refused(null, List.of(recursive.toString(), "'config'"), "solve", "--config", recursive.toString());
        Path missing = dir.resolve("missing.json");
        CommandTesting.refused(null, List.of(missing.toString(), "does not exist"), "nf", "--config", missing.toString());
        Path badNumber = config("number.json", "{\"r-wl\": \"abc\"}");
        CommandTesting.refused(null, List.of("--r-wl", "'abc' is not a number"), "solve", "--config",
                badNumber.toString(), "--conductances", g.toString(), "--inputs", v.toString(), "--out",
                dir.resolve("n.npy").toString());
    }

    @Test
    void sharedFlagsAreParsedAndChecked() {
        Flags f = Flags.parse(new String[] {"--threads", "3", "--verbose"}, Set.of(), Set.of());
        assertEquals(new GlobalFlags.Settings(3, false, true), GlobalFlags.settings(f));
        assertEquals(GlobalFlags.Settings.NONE, GlobalFlags.settings(Flags.parse(new String[0], Set.of(), Set.of())));
        assertEquals(new GlobalFlags.Settings(0, true, false),
                GlobalFlags.settings(Flags.parseGlobal(new String[] {"--out", "x", "--quiet", "--r-wl=3"})));
        assertEquals(new GlobalFlags.Settings(2, false, false),
                GlobalFlags.settings(Flags.parseGlobal(new String[] {"--threads=2"})));
        assertEquals(GlobalFlags.Settings.NONE, GlobalFlags.current(), "nothing bound outside Main.run");
        for (String[] command : commandLines()) {
            CommandTesting.refused(null, List.of("--threads", "0 must be >= 1"), concat(command, "--threads", "0"));
            CommandTesting.refused(null, List.of("--threads", "'many' is not an integer"),
                    concat(command, "--threads", "many"));
            CommandTesting.refused(null, List.of("--quiet and --verbose"), concat(command, "--quiet", "--verbose"));
        }
    }

    @Test
    void sharedSettingsComeFromTheFileToo() throws IOException {
        Path c = config("verbose.json", "{\"verbose\": true, \"threads\": 1}");
        CommandTesting.Run r = CommandTesting.run("solve", "--config", c.toString(), "--conductances", g.toString(),
                "--inputs", v.toString(), "--out", dir.resolve("o.npy").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().matches("(?s)xbar solve: \\d+\\.\\d{3} s \\(exit 0, threads 1\\)\\R"), r.err());
        Path bad = config("badthreads.json", "{\"threads\": 0}");
        CommandTesting.refused(null, List.of("--threads", "0 must be >= 1"), "map", "--config", bad.toString());
    }

    @Test
    void verbosePrintsTimingAndQuietPrintsNothingExtra() {
        String[] base = {"solve", "--conductances", g.toString(), "--inputs", v.toString(), "--out",
            dir.resolve("q.npy").toString()};
        CommandTesting.Run quiet = CommandTesting.run(concat(base, "--quiet"));
        assertEquals(0, quiet.status());
        assertEquals("", quiet.err());
        int blasThreads = io.xbar.blas.Blas.threads();
        int other = blasThreads == 1 ? 2 : 1;
        CommandTesting.Run verbose = CommandTesting.run(concat(base, "--verbose", "--threads", Integer.toString(other)));
        assertEquals(blasThreads, io.xbar.blas.Blas.threads(), "the process-wide OpenBLAS thread count is restored");
        assertEquals(0, verbose.status(), verbose.err());
        assertTrue(verbose.err().startsWith("xbar solve: ") && verbose.err().contains("threads " + other), verbose.err());
        CommandTesting.Run help = CommandTesting.run("mvm", "--help");
        assertTrue(help.out().contains("--config FILE") && help.out().contains("--verbose"), help.out());
    }

    @Test
    void quietSilencesInformationalLinesAndThreadsKeepResults() throws IOException {
        CommandTesting.Run loud = CommandTesting.run("map", "--weights", w.toString(), "--out", dir.resolve("m1").toString(),
                "--tile", "16x16");
        assertEquals(0, loud.status(), loud.err());
        assertTrue(loud.out().startsWith("mapped 20x4 weights onto"), loud.out());
        CommandTesting.Run quiet = CommandTesting.run("map", "--weights", w.toString(), "--out",
                dir.resolve("m2").toString(), "--tile", "16x16", "--quiet");
        assertEquals(0, quiet.status(), quiet.err());
        assertEquals("", quiet.out());
        assertEquals("", quiet.err());
        assertTrue(Files.exists(dir.resolve("m2").resolve("mapping.json")), "quiet still writes the mapping");

        Path y1 = dir.resolve("y1.npy");
        Path y2 = dir.resolve("y2.npy");
        assertEquals(0, CommandTesting.run("mvm", "--weights", w.toString(), "--inputs", x.toString(), "--out",
                y1.toString(), "--tile", "16x16").status());
        CommandTesting.Run threaded = CommandTesting.run("mvm", "--weights", w.toString(), "--inputs", x.toString(),
                "--out", y2.toString(), "--tile", "16x16", "--threads", "1");
        assertEquals(0, threaded.status(), threaded.err());
        // 16x16 tiles are below the kernel's threading size: its automatic choice is one thread too.
        assertArrayEquals(Npy.read(y1).toArray(), Npy.read(y2).toArray(), 0.0);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> io.xbar.mapping.TransferFunction.exact(-1));
        assertTrue(e.getMessage().contains("threads must be >= 0 (0 = automatic), got -1"), e.getMessage());
    }

    /** Every command, and every subcommand of those that dispatch on their first word (spice). */
    private static List<String[]> commandLines() {
        List<String[]> lines = new java.util.ArrayList<>();
        for (Command command : Main.commands()) {
            if (command.name().equals("network")) {
                continue; // needs the xbar-network module (Spark), not on this module's class path: its own tests cover it
            }
            if (command.name().equals("spice")) {
                lines.add(new String[] {"spice", "export"});
                lines.add(new String[] {"spice", "solve"});
            } else {
                lines.add(new String[] {command.name()});
            }
        }
        return lines;
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
