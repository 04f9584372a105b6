// SpiceCommand: `xbar spice export` (crossbar -> ngspice netlist) and `xbar spice solve` (netlist -> JSON operating point).
package io.xbar.cli;

import io.xbar.kernel.Circuit;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import io.xbar.spice.Netlist;
import io.xbar.spice.NetlistException;
import io.xbar.spice.NetlistParser;
import io.xbar.spice.NetlistSolution;
import io.xbar.spice.NetlistSolver;
import io.xbar.spice.SpiceExport;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code xbar spice export --conductances G.npy --inputs V.npy --out net.cir [circuit flags]} and
 * {@code xbar spice solve net.cir [--out R.json]} (MODEL.md section 5). Output files are written to
 * a temporary file beside the target and moved into place, so a failure leaves no partial file.
 */
public final class SpiceCommand implements Command {
    private static final Set<String> CIRCUIT = Set.of("r-wl", "r-bl", "r-source", "r-sense", "r-access", "drive", "sense");

    @Override
    public String name() {
        return "spice";
    }

    @Override
    public String summary() {
        return "export a crossbar as an ngspice netlist, or solve a linear DC netlist (R, V, I)";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            usage(out);
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        for (String a : rest) {
            if (a.equals("--help") || a.equals("-h")) {
                usage(out);
                return 0;
            }
        }
        return switch (args[0]) {
            case "export" -> export(rest);
            case "solve" -> solve(rest, out);
            default -> throw new UsageException("unknown subcommand '" + args[0] + "' (expected export or solve)");
        };
    }

    private static void usage(PrintStream out) {
        out.println("""
                usage: xbar spice export --conductances G.npy --inputs V.npy --out net.cir [circuit flags]
                       xbar spice solve net.cir [--out R.json]

                export  writes an ngspice-ready .op netlist of the crossbar with inputs V (length M). Column j's
                        output current is i(VSENSE<j>) in ngspice, equal to I[j] (current into the sense amplifier).
                solve   solves a linear DC netlist (R, V, I elements; .op, .option(s), .end) and writes
                        {"node_voltages": {...}, "source_currents": {...}} (ngspice sign convention: i(Vx) flows
                        into the + terminal through the source); to standard output without --out.

                circuit flags (MODEL.md defaults):
                  --r-wl OHMS       word-line resistance per segment (2.5)
                  --r-bl OHMS       bit-line resistance per segment (2.5)
                  --r-source OHMS   driver series resistance (0)
                  --r-sense OHMS    sense amplifier input resistance (0)
                  --r-access OHMS   cell access transistor resistance (0)
                  --drive SIDE      left|right|both (left)
                  --sense SIDE      bottom|top|both (bottom)""");
    }

    private int export(String[] args) throws IOException {
        Set<String> valued = new java.util.HashSet<>(CIRCUIT);
        valued.addAll(Set.of("conductances", "inputs", "out"));
        Flags flags = Flags.parse(args, valued, Set.of());
        if (!flags.positional().isEmpty()) {
            throw new UsageException("spice export takes no positional argument, got '" + flags.positional().get(0) + "'");
        }
        Circuit circuit = circuit(flags);
        Path gFile = Path.of(flags.required("conductances"));
        Path vFile = Path.of(flags.required("inputs"));
        Path outFile = outputPath(flags.required("out"), "--out");
        NpyArray g = NpyArray.read(gFile, "--conductances");
        if (g.shape.length != 2 || g.shape[0] < 1 || g.shape[1] < 1) {
            throw new UsageException("--conductances " + gFile + " has shape " + g.shapeString()
                    + "; conductances must be a 2-D M x N matrix with M, N >= 1");
        }
        int rows = g.shape[0];
        int cols = g.shape[1];
        for (int k = 0; k < g.values.length; k++) {
            double v = g.values[k];
            if (!(v >= 0) || v == Double.POSITIVE_INFINITY) {
                throw new UsageException("--conductances " + gFile + ": value " + v + " at [" + (k / cols) + ", " + (k % cols)
                        + "] is not a conductance; conductances must be finite and >= 0 S");
            }
        }
        NpyArray v = NpyArray.read(vFile, "--inputs");
        boolean vector = v.shape.length == 1 && v.shape[0] == rows;
        boolean single = v.shape.length == 2 && v.shape[0] == 1 && v.shape[1] == rows;
        if (!vector && !single) {
            throw new UsageException("--inputs " + vFile + " has shape " + v.shapeString() + " but --conductances " + gFile
                    + " has shape " + g.shapeString() + ": a netlist takes one input vector of " + rows
                    + " voltages (one per row)");
        }
        for (int k = 0; k < v.values.length; k++) {
            if (!Double.isFinite(v.values[k])) {
                throw new UsageException("--inputs " + vFile + ": value " + v.values[k] + " at [" + k + "] is not finite");
            }
        }
        SpiceExport export = new SpiceExport(rows, cols, circuit, g.values);
        writeAtomically(outFile, "--out", stream -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
            export.write(v.values, w);
        });
        return 0;
    }

    private int solve(String[] args, PrintStream out) throws IOException {
        Flags flags = Flags.parse(args, Set.of("out"), Set.of());
        if (flags.positional().size() != 1) {
            throw new UsageException(flags.positional().isEmpty() ? "spice solve needs a netlist file (xbar spice solve net.cir)"
                    : "spice solve takes one netlist file, got " + flags.positional().size() + " arguments");
        }
        Path file = Path.of(flags.positional().get(0));
        Path outFile = flags.has("out") ? outputPath(flags.required("out"), "--out") : null;
        NetlistSolution solution;
        try {
            Netlist netlist = NetlistParser.parse(file);
            solution = NetlistSolver.solve(netlist);
        } catch (NetlistException e) {
            throw new UsageException(file + ": " + e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new UsageException("netlist " + file + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new UsageException("netlist " + file + " cannot be read (permission denied)", e);
        } catch (IOException e) {
            throw new UsageException("netlist " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (outFile == null) {
            solution.writeJson(out);
            out.println();
            out.flush();
        } else {
            writeAtomically(outFile, "--out", solution::writeJson);
        }
        return 0;
    }

    private static Circuit circuit(Flags flags) {
        Circuit d = Circuit.DEFAULT;
        Drive drive = d.drive();
        Sense sense = d.senseAt();
        try {
            if (flags.has("drive")) {
                drive = Drive.parse(flags.required("drive"));
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException("--drive: " + e.getMessage());
        }
        try {
            if (flags.has("sense")) {
                sense = Sense.parse(flags.required("sense"));
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException("--sense: " + e.getMessage());
        }
        return new Circuit(ohms(flags, "r-wl", d.wordLine()), ohms(flags, "r-bl", d.bitLine()),
                ohms(flags, "r-source", d.source()), ohms(flags, "r-sense", d.sense()),
                ohms(flags, "r-access", d.access()), drive, sense);
    }

    private static double ohms(Flags flags, String name, double fallback) {
        double r = flags.number(name, fallback);
        if (r < 0) {
            throw new UsageException("--" + name + ": " + flags.string(name, "") + " is negative; a resistance must be >= 0 ohm");
        }
        return r;
    }

    private static Path outputPath(String name, String flag) {
        Path file = Path.of(name).toAbsolutePath();
        Path dir = file.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new UsageException(flag + ": directory " + dir + " of " + name + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new UsageException(flag + ": " + name + " is a directory");
        }
        return file;
    }

    @FunctionalInterface
    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    /** Writes to a temporary file in the target's directory and moves it into place; nothing is left on failure. */
    private static void writeAtomically(Path file, String flag, Body body) throws IOException {
        Path tmp;
        try {
            tmp = Files.createTempFile(file.getParent(), "." + file.getFileName() + ".", ".tmp");
        } catch (IOException e) {
            throw new UsageException(flag + ": cannot write in " + file.getParent() + ": " + e.getMessage(), e);
        }
        boolean done = false;
        try {
            try (OutputStream s = Files.newOutputStream(tmp)) {
                body.write(s);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } catch (IOException e) {
            throw new UsageException(flag + ": cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * A minimal .npy reader (C order, little-endian float64/float32/int8..int64, uint8). Stands in
     * until the project's {@code io.xbar.io.Npy} is on main; then this class goes.
     */
    static final class NpyArray {
        private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
        private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
        private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

        final int[] shape;
        final double[] values;

        private NpyArray(int[] shape, double[] values) {
            this.shape = shape;
            this.values = values;
        }

        String shapeString() {
            StringBuilder sb = new StringBuilder("(");
            for (int k = 0; k < shape.length; k++) {
                sb.append(k > 0 ? ", " : "").append(shape[k]);
            }
            return sb.append(shape.length == 1 ? ",)" : ")").toString();
        }

        static NpyArray read(Path file, String flag) throws IOException {
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readAllBytes();
            } catch (NoSuchFileException e) {
                throw new UsageException(flag + " " + file + " does not exist", e);
            } catch (IOException e) {
                throw new UsageException(flag + " " + file + " cannot be read: " + e.getMessage(), e);
            }
            String what = flag + " " + file;
            if (bytes.length < 10 || (bytes[0] & 0xff) != 0x93 || !new String(bytes, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY")) {
                throw new UsageException(what + " is not a .npy file (no \\x93NUMPY magic)");
            }
            int major = bytes[6];
            ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int headerLength;
            int offset;
            if (major == 1) {
                headerLength = bb.getShort(8) & 0xffff;
                offset = 10;
            } else if (major == 2 || major == 3) {
                headerLength = bb.getInt(8);
                offset = 12;
            } else {
                throw new UsageException(what + ": unsupported .npy version " + major);
            }
            if (headerLength < 0 || offset + headerLength > bytes.length) {
                throw new UsageException(what + ": truncated .npy header");
            }
            String header = new String(bytes, offset, headerLength, StandardCharsets.ISO_8859_1);
            Matcher d = DESCR.matcher(header);
            Matcher f = FORTRAN.matcher(header);
            Matcher s = SHAPE.matcher(header);
            if (!d.find() || !f.find() || !s.find()) {
                throw new UsageException(what + ": malformed .npy header " + header.strip());
            }
            if (f.group(1).equals("True")) {
                throw new UsageException(what + ": Fortran-order arrays are not supported; save with C order");
            }
            String[] parts = s.group(1).split(",");
            int rank = 0;
            int[] dims = new int[parts.length];
            long count = 1;
            for (String p : parts) {
                if (p.isBlank()) {
                    continue;
                }
                try {
                    dims[rank] = Integer.parseInt(p.trim());
                } catch (NumberFormatException e) {
                    throw new UsageException(what + ": malformed shape (" + s.group(1) + ")");
                }
                count *= dims[rank++];
            }
            int[] shape = java.util.Arrays.copyOf(dims, rank);
            String descr = d.group(1);
            int size = switch (descr) {
                case "<f8", "<i8" -> 8;
                case "<f4", "<i4" -> 4;
                case "<i2" -> 2;
                case "|i1", "|u1", "<i1", "<u1" -> 1;
                default -> throw new UsageException(what + ": unsupported dtype '" + descr
                        + "' (expected little-endian float64, float32 or int8..int64)");
            };
            int data = offset + headerLength;
            if (count > Integer.MAX_VALUE - 16 || data + count * size > bytes.length) {
                throw new UsageException(what + ": file is truncated: shape " + new NpyArray(shape, null).shapeString()
                        + " needs " + count * size + " bytes of data, found " + (bytes.length - data));
            }
            double[] values = new double[(int) count];
            for (int k = 0; k < values.length; k++) {
                int at = data + k * size;
                values[k] = switch (descr) {
                    case "<f8" -> bb.getDouble(at);
                    case "<f4" -> bb.getFloat(at);
                    case "<i8" -> bb.getLong(at);
                    case "<i4" -> bb.getInt(at);
                    case "<i2" -> bb.getShort(at);
                    case "|u1", "<u1" -> bytes[at] & 0xff;
                    default -> bytes[at];
                };
            }
            return new NpyArray(shape, values);
        }
    }
}
