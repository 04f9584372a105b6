// FlagFuzz: valid command lines of every file command, then flags added, dropped, doubled and given hostile values.
package io.xbar.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A valid command line (from {@link FuzzWorkloads#template}) must succeed with correct output; the
 * same line with one to three edits (flags added, dropped, doubled, renamed, given as
 * {@code --name=value}, hostile values, stray positional words) may be refused, never crash, and a
 * run that still succeeds writes valid outputs only. Paths always stay in the attempt's directory.
 */
final class FlagFuzz implements CliFuzzTest.Family {
    private static final String[] FLAGS = {"r-wl", "r-bl", "r-source", "r-sense", "r-access", "drive", "sense", "g-on", "g-off",
            "v-read", "mapping", "weight-bits", "cell-bits", "signed", "tile", "layout", "orientation", "row-order", "input-bits",
            "dac-bits", "adc-bits", "signed-inputs", "threads", "quiet", "verbose", "tolerance", "cell-model", "v0", "seed",
            "stuck-on", "stuck-off", "program-noise", "drift-time", "drift-nu", "drift-nu-sigma", "help", "h", "", "-", "R-WL",
            "r_wl", "r-wl ", "rwl", "out", "inputs", "conductances", "weights", "report", "node-voltages", "calibration"};
    private static final String[] VALUES = {"0", "-0", "1", "-1", "2.5", "1e308", "1e-308", "4.9e-324", "1e309", "-1e309", "NaN",
            "Infinity", "-Infinity", "0x1p3", "1_000", " 1", "1 ", "", " ", "abc", "256x256", "0x0", "1x1", "99999x1", "3x5",
            "2x2", "left", "right", "both", "top", "bottom", "LEFT", "naive", "mdm", "optimized", "differential", "offset",
            "interleaved", "slice-major", "density", "msb-near-driver", "lsb-near-driver", "natural", "linear", "sinh",
            "2147483648", "-2147483649", "99999999999999999999", "\u0663", "1e-3000", "\u0000", "8", "16", "17", "3", "1e-12",
            "1e-10", "1e-9", "0.5", "true", "false", "null", "--out", "-h", "=", "1,2", "\u212A", "ı", "1d", "1f", "1.", ".5",
            "+2", "0b1", "\t2"};

    @Override
    public int curated() {
        return FuzzWorkloads.COMMANDS.size();
    }

    @Override
    public String name() {
        return "flags";
    }

    @Override
    public void attempt(CliFuzz.Attempt a) throws Exception {
        Random rnd = a.rnd;
        String command = FuzzWorkloads.COMMANDS.get(a.number < FuzzWorkloads.COMMANDS.size() ? a.number
                : rnd.nextInt(FuzzWorkloads.COMMANDS.size()));
        FuzzWorkloads.Template t = FuzzWorkloads.template(a, command);
        Path out = a.path(t.outputName());
        List<String> args = new ArrayList<>(t.with(out.toString()));
        boolean edited = a.number >= FuzzWorkloads.COMMANDS.size();
        List<String> edits = new ArrayList<>();
        if (edited) {
            for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                edit(a, args, edits);
            }
        }
        a.label = command + (edits.isEmpty() ? " as generated" : ": " + String.join("; ", edits));
        CliFuzz.Snapshot before = a.snapshot();
        CliFuzz.Run r = a.run(args.toArray(String[]::new));
        boolean ok = a.checkRun(r, edited ? CliFuzz.Expect.ANY : CliFuzz.Expect.SUCCESS);
        a.checkChanges(before, p -> p.startsWith("o_"));
        if (!ok) {
            try (var files = Files.list(a.dir)) {
                List<String> left = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("o_")).toList();
                if (!left.isEmpty() && r.status() == 2) {
                    a.fail("output after a refusal", "left " + left + " after exit 2");
                }
            }
            return;
        }
        boolean help = args.stream().anyMatch(s -> s.equals("--help") || s.equals("-h") || s.equals("help"));
        // The edits may change the command: judge the output by the command that ran.
        String ran = args.isEmpty() ? "" : args.get(0);
        boolean writesNpy = List.of("solve", "transfer", "mvm").contains(ran);
        if (!help && ran.equals(command) && args.contains(out.toString())) {
            // The output flag survived the edits: the output exists and is valid (its numbers may differ after edits).
            if (!Files.exists(out)) {
                a.fail("output missing", t.outputName() + " missing after exit 0");
            } else if (!edited) {
                t.check().check(a, out);
            } else if (t.outputName().endsWith(".npy")) {
                a.checkNpy(out, (int[]) null);
            } else if (t.outputName().endsWith(".json")) {
                a.checkJson(out);
            } else if (command.equals("map")) {
                FuzzWorkloads.checkMapping(a, out);
            }
        }
        try (var files = Files.list(a.dir)) {
            for (Path p : files.toList()) {
                String n = p.getFileName().toString();
                if (writesNpy && n.startsWith("o_") && n.endsWith(".npy") && !p.equals(out)) {
                    a.checkNpy(p, (int[]) null);
                }
            }
        }
    }

    private static void edit(CliFuzz.Attempt a, List<String> args, List<String> edits) {
        Random rnd = a.rnd;
        if (args.isEmpty()) {
            args.add("help");
            edits.add("command := \"help\"");
            return;
        }
        int start = Math.min(args.get(0).equals("spice") ? 2 : 1, args.size());
        switch (rnd.nextInt(9)) {
            case 0, 1 -> {
                String flag = FLAGS[rnd.nextInt(FLAGS.length)];
                String value = value(a, flag);
                int at = start + rnd.nextInt(args.size() - start + 1);
                if (rnd.nextInt(4) == 0) {
                    args.add(at, "--" + flag + "=" + value);
                } else {
                    args.add(at, value);
                    args.add(at, "--" + flag);
                }
                edits.add("add --" + flag + " " + CliFuzz.quote(value));
            }
            case 2 -> {
                if (args.size() > start) {
                    int at = start + rnd.nextInt(args.size() - start);
                    edits.add("drop " + CliFuzz.quote(args.get(at)));
                    args.remove(at);
                }
            }
            case 3 -> {
                // Replace the value of an existing flag.
                List<Integer> flags = new ArrayList<>();
                for (int k = start; k + 1 < args.size(); k++) {
                    if (args.get(k).startsWith("--") && !args.get(k + 1).startsWith("--")) {
                        flags.add(k);
                    }
                }
                if (!flags.isEmpty()) {
                    int k = flags.get(rnd.nextInt(flags.size()));
                    String flag = args.get(k).substring(2);
                    String value = value(a, flag);
                    edits.add("--" + flag + " := " + CliFuzz.quote(value));
                    args.set(k + 1, value);
                }
            }
            case 4 -> {
                // Give a flag twice.
                for (int k = start; k + 1 < args.size(); k++) {
                    if (args.get(k).startsWith("--")) {
                        edits.add("repeat " + args.get(k));
                        args.add(args.get(k));
                        args.add(args.get(k + 1));
                        break;
                    }
                }
            }
            case 5 -> {
                String word = new String[] {"extra", "-", "--", "-x", "", " ", "solve", a.path("i_missing.npy").toString()}[rnd.nextInt(8)];
                args.add(start + rnd.nextInt(args.size() - start + 1), word);
                edits.add("positional " + CliFuzz.quote(word));
            }
            case 6 -> {
                // --name value to --name=value.
                for (int k = start; k + 1 < args.size(); k++) {
                    if (args.get(k).startsWith("--") && rnd.nextBoolean()) {
                        edits.add("join " + args.get(k));
                        args.set(k, args.get(k) + "=" + args.remove(k + 1));
                        break;
                    }
                }
            }
            case 7 -> {
                String c = new String[] {"solve", "transfer", "mvm", "map", "nf", "sweep", "SOLVE", "spice", "help", "validatee", ""}[rnd.nextInt(11)];
                edits.add("command := " + CliFuzz.quote(c));
                args.set(0, c);
            }
            default -> {
                // Truncate the command line.
                int keep = rnd.nextInt(args.size() + 1);
                edits.add("keep the first " + keep + " words");
                while (args.size() > keep) {
                    args.remove(args.size() - 1);
                }
            }
        }
    }

    /** A hostile value; for path flags a path inside the attempt's directory, never elsewhere. */
    private static String value(CliFuzz.Attempt a, String flag) {
        Random rnd = a.rnd;
        if (List.of("out", "report", "node-voltages", "inputs", "conductances", "weights", "calibration", "config").contains(flag)) {
            String[] names = {"o_x.npy", "o_x.json", "o_dir", "o_ with space.npy", "o_\u00fc\u212A.npy", "o_" + "y".repeat(300),
                    "o_missing/x.npy", "", "o_new", "i_G.npy", "i_W.npy"};
            String name = names[rnd.nextInt(names.length)];
            if (name.startsWith("i_") && (flag.equals("out") || flag.equals("report") || flag.equals("node-voltages"))) {
                name = "o_" + name;
            }
            return name.isEmpty() ? "" : a.path(name).toString();
        }
        if (flag.equals("threads")) {
            // No huge thread counts: this machine is shared.
            return new String[] {"0", "-1", "1", "2", "abc", "", "1.5", "2147483648"}[rnd.nextInt(8)];
        }
        return VALUES[rnd.nextInt(VALUES.length)];
    }
}
