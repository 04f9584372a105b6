// Npy: reads NumPy .npy files (versions 1-3, float/int dtypes, either byte order) and writes float64 ones atomically.
package io.xbar.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The NumPy {@code .npy} format (<a href="https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html">
 * numpy.lib.format</a>): a magic string, a version, a header that is a Python dict literal
 * ({@code descr}, {@code fortran_order}, {@code shape}) and the raw values.
 *
 * <p>Reading accepts format versions 1.0, 2.0 and 3.0; dtypes float16/32/64, int8/16/32/64 and
 * uint8/16/32/64 (64-bit integers only where the value is exactly representable as a double,
 * {@code |v| <= 2^53}), little, big or native byte order; C or Fortran order (Fortran is transposed
 * to C order); rank 1 or 2. Everything else is rejected with an {@link IllegalArgumentException}
 * whose message starts with the file name and says what is wrong, as are a missing or unreadable
 * file and a file that is not {@code .npy}. Inputs are opened by {@link InputFiles}: a pipe,
 * {@code /dev/stdin} or a FIFO is read front to back as a stream, and no more than the header's
 * declared data (plus one buffer, to tell that nothing follows it) is ever read from it. Genuine
 * I/O failures during reading surface as {@link IOException}.
 *
 * <p>Writing produces format 1.0, {@code '<f8'}, C order, exactly as {@code numpy.save} writes a
 * float64 array. The file appears atomically: the values go to a temporary file in the target
 * directory, which is then renamed over the target, so a failed or interrupted write never leaves
 * a partial output file.
 *
 * <p>Stateless and thread-safe.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy itself refuses headers above 10000 bytes by default; anything near this bound is not a real header. */
    private static final int MAX_HEADER = 1 << 20;
    /** Transfer unit between file and arrays: large enough for streaming speed, small enough to stay in cache. */
    private static final int CHUNK = 1 << 20;
    /** Largest magnitude of a 64-bit integer that every double represents exactly. */
    private static final long EXACT_LIMIT = 1L << 53;

    private Npy() {
    }

    /** The element types this reader understands. */
    private enum Kind {
        FLOAT, SIGNED, UNSIGNED
    }

    /** A parsed {@code descr}: kind, item size in bytes, byte order. */
    private record DType(String descr, Kind kind, int size, ByteOrder order) {
        boolean integer() {
            return kind != Kind.FLOAT;
        }
    }

    // ------------------------------------------------------------------------------------ reading

    /**
     * Reads a rank-1 or rank-2 array.
     *
     * @throws IllegalArgumentException naming the file and the problem: missing, unreadable, a
     *                                  symbolic link loop, a FIFO without a writer (see
     *                                  {@link InputFiles}), not a {@code .npy} file, malformed or
     *                                  too deeply nested header, unsupported dtype,
     *                                  unsupported rank, truncated data, or a 64-bit integer that
     *                                  a double cannot hold
     * @throws IOException              on an I/O failure of the file system
     */
    public static NdArray read(Path file) throws IOException {
        String name = file.toString();
        try (InputFiles.Input in = InputFiles.open(file)) {
            return read(in.channel(), in.size(), name);
        } catch (IllegalArgumentException e) {
            // InputFiles says "is a directory, not a file"; here the reader says what it expected.
            String dir = name + ": is a directory, not a file";
            throw e.getMessage().equals(dir) ? new IllegalArgumentException(name + ": is a directory, not a .npy file") : e;
        }
    }

    /**
     * Reads front to back from {@code ch}. {@code fileSize} is the size of a regular file, or
     * {@code -1} for a stream (a pipe, {@code /dev/stdin}), whose length is learnt by reading: then
     * no more than the header's declared data and one buffer beyond it are ever read.
     */
    private static NdArray read(ReadableByteChannel ch, long fileSize, String name) throws IOException {
        boolean stream = fileSize < 0;
        ByteBuffer preamble = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        int have = readFully(ch, preamble);
        for (int k = 0; k < MAGIC.length; k++) {
            if (have <= k || preamble.get(k) != MAGIC[k]) {
                throw new IllegalArgumentException(name + ": not a .npy file (bad magic string"
                        + (have == 0 ? (stream ? ", the stream is empty)" : ", the file is empty)") : ")"));
            }
        }
        if (have < 8) {
            throw new IllegalArgumentException(name + ": truncated header (the file ends in the version field)");
        }
        int major = preamble.get(6) & 0xff;
        int minor = preamble.get(7) & 0xff;
        if (major < 1 || major > 3 || minor != 0) {
            throw new IllegalArgumentException(name + ": unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        ByteBuffer lengthField = ByteBuffer.allocate(lengthBytes).order(ByteOrder.LITTLE_ENDIAN);
        if (readFully(ch, lengthField) < lengthBytes) {
            throw new IllegalArgumentException(name + ": truncated header (the file ends in the header length)");
        }
        long headerLength = major == 1 ? lengthField.getShort(0) & 0xffffL : lengthField.getInt(0) & 0xffffffffL;
        long dataStart = 8 + lengthBytes + headerLength;
        if (headerLength > MAX_HEADER) {
            throw new IllegalArgumentException(name + ": implausible header length " + headerLength + " bytes");
        }
        if (!stream && fileSize < dataStart) {
            throw new IllegalArgumentException(name + ": truncated header (it declares " + headerLength
                    + " bytes, the file has " + Math.max(0, fileSize - 8 - lengthBytes) + " after the preamble)");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLength);
        int got = readFully(ch, hb);
        if (hb.hasRemaining()) {
            throw new IllegalArgumentException(name + ": truncated header (it declares " + headerLength
                    + " bytes, the " + (stream ? "stream" : "file") + " has " + got + " after the preamble)");
        }
        // Versions 1 and 2 store the header in latin-1, version 3 in UTF-8.
        String header = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

        Map<String, Object> dict = HeaderParser.parse(header, name);
        DType dtype = dtype(dict.get("descr"), name);
        boolean fortran = fortranOrder(dict.get("fortran_order"), name);
        int[] shape = shape(dict.get("shape"), name);

        long count = 1;
        for (int d : shape) {
            count *= d;
        }
        long dataBytes = count * dtype.size();
        if (!stream) {
            long available = fileSize - dataStart;
            if (available < dataBytes) {
                throw new IllegalArgumentException(name + ": truncated data (shape " + NdArray.shapeString(shape)
                        + " of " + dtype.descr() + " needs " + dataBytes + " bytes, the file has " + available + ")");
            }
            if (available > dataBytes) {
                throw new IllegalArgumentException(name + ": " + (available - dataBytes) + " unexpected bytes after the "
                        + NdArray.shapeString(shape) + " " + dtype.descr() + " data");
            }
        }
        int rows = shape[0];
        int cols = shape.length == 2 ? shape[1] : 1;
        boolean transpose = fortran && shape.length == 2;
        double[] data;
        if (!stream) {
            // The size is checked: allocate once, scatter a Fortran-order file into C order as it streams.
            data = new double[(int) count];
            readData(ch, dtype, data, (int) count, transpose ? rows : 0, cols, dataBytes, stream, shape, name);
        } else {
            // A stream may end long before its header's promise: grow with what arrives, never beyond the promise.
            data = readData(ch, dtype, null, (int) count, 0, cols, dataBytes, stream, shape, name);
            if (transpose) {
                double[] c = new double[data.length];
                for (int f = 0; f < data.length; f++) {
                    c[(f % rows) * cols + f / rows] = data[f];
                }
                data = c;
            }
            long extra = trailing(ch);
            if (extra > 0) {
                throw new IllegalArgumentException(name + ": " + (extra > CHUNK ? "more than " + CHUNK : extra)
                        + " unexpected bytes after the " + NdArray.shapeString(shape) + " " + dtype.descr() + " data");
            }
        }
        return NdArray.wrap(data, shape, dtype.integer());
    }

    /**
     * Reads {@code count} values into {@code data} (grown from a small start when {@code null}) and
     * returns it. With {@code fortranRows > 0} the values arrive column-major for a
     * {@code fortranRows x cols} matrix and are scattered into row-major order as they stream.
     */
    private static double[] readData(ReadableByteChannel ch, DType t, double[] data, int count, int fortranRows,
                                     int cols, long dataBytes, boolean stream, int[] shape, String name)
            throws IOException {
        int item = t.size();
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK).order(t.order());
        double[] tmp = fortranRows > 0 || t.kind() != Kind.FLOAT || item != 8 ? new double[CHUNK / item] : null;
        double[] out = data != null ? data : new double[Math.min(count, CHUNK)];
        int done = 0;
        while (done < count) {
            int n = Math.min(count - done, CHUNK / item);
            buf.clear().limit(n * item);
            readFully(ch, buf);
            if (buf.hasRemaining()) {
                long had = (long) done * item + buf.position();
                throw new IllegalArgumentException(name + ": truncated data (shape " + NdArray.shapeString(shape)
                        + " of " + t.descr() + " needs " + dataBytes + " bytes, the " + (stream ? "stream" : "file")
                        + " has " + had + ")");
            }
            if (done + n > out.length) {
                out = java.util.Arrays.copyOf(out, (int) Math.min(count, Math.max(done + (long) n, 2L * out.length)));
            }
            buf.flip();
            if (tmp == null) {
                buf.asDoubleBuffer().get(out, done, n);
            } else {
                convert(buf, t, tmp, n, done, name);
                if (fortranRows > 0) {
                    for (int k = 0; k < n; k++) {
                        int f = done + k;
                        out[(f % fortranRows) * cols + f / fortranRows] = tmp[k];
                    }
                } else {
                    System.arraycopy(tmp, 0, out, done, n);
                }
            }
            done += n;
        }
        return out;
    }

    /** Bytes left in a stream after the data, counting at most one buffer beyond {@link #CHUNK}. */
    private static long trailing(ReadableByteChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK + 1);
        return readFully(ch, buf);
    }

    private static void convert(ByteBuffer buf, DType t, double[] out, int n, int offset, String name) {
        switch (t.kind()) {
            case FLOAT -> {
                switch (t.size()) {
                    case 2 -> {
                        for (int k = 0; k < n; k++) {
                            out[k] = Float.float16ToFloat(buf.getShort(2 * k));
                        }
                    }
                    case 4 -> {
                        var fb = buf.asFloatBuffer();
                        for (int k = 0; k < n; k++) {
                            out[k] = fb.get(k);
                        }
                    }
                    default -> buf.asDoubleBuffer().get(out, 0, n);
                }
            }
            case SIGNED -> {
                switch (t.size()) {
                    case 1 -> {
                        for (int k = 0; k < n; k++) {
                            out[k] = buf.get(k);
                        }
                    }
                    case 2 -> {
                        var sb = buf.asShortBuffer();
                        for (int k = 0; k < n; k++) {
                            out[k] = sb.get(k);
                        }
                    }
                    case 4 -> {
                        var ib = buf.asIntBuffer();
                        for (int k = 0; k < n; k++) {
                            out[k] = ib.get(k);
                        }
                    }
                    default -> {
                        var lb = buf.asLongBuffer();
                        for (int k = 0; k < n; k++) {
                            long v = lb.get(k);
                            if (v > EXACT_LIMIT || v < -EXACT_LIMIT) {
                                throw new IllegalArgumentException(name + ": value " + v + " at index " + (offset + k)
                                        + " does not fit a double exactly (|v| > 2^53)");
                            }
                            out[k] = v;
                        }
                    }
                }
            }
            case UNSIGNED -> {
                switch (t.size()) {
                    case 1 -> {
                        for (int k = 0; k < n; k++) {
                            out[k] = buf.get(k) & 0xff;
                        }
                    }
                    case 2 -> {
                        var sb = buf.asShortBuffer();
                        for (int k = 0; k < n; k++) {
                            out[k] = sb.get(k) & 0xffff;
                        }
                    }
                    case 4 -> {
                        var ib = buf.asIntBuffer();
                        for (int k = 0; k < n; k++) {
                            out[k] = ib.get(k) & 0xffffffffL;
                        }
                    }
                    default -> {
                        var lb = buf.asLongBuffer();
                        for (int k = 0; k < n; k++) {
                            long v = lb.get(k);
                            if (Long.compareUnsigned(v, EXACT_LIMIT) > 0) {
                                throw new IllegalArgumentException(name + ": value " + Long.toUnsignedString(v)
                                        + " at index " + (offset + k) + " does not fit a double exactly (v > 2^53)");
                            }
                            out[k] = v;
                        }
                    }
                }
            }
        }
    }

    /** Reads until {@code buf} is full or the input ends; returns the bytes read. */
    private static int readFully(ReadableByteChannel ch, ByteBuffer buf) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int r = ch.read(buf);
            if (r < 0) {
                break;
            }
            total += r;
        }
        return total;
    }

    private static DType dtype(Object descr, String name) {
        if (descr instanceof List<?> || descr instanceof PyList) {
            throw new IllegalArgumentException(name + ": structured dtype (record array) is not supported;"
                    + " expected a plain numeric array");
        }
        if (!(descr instanceof String s)) {
            throw new IllegalArgumentException(name + ": header 'descr' is not a dtype string: " + descr);
        }
        if (s.length() >= 2 && (s.charAt(1) == 'O')) {
            throw new IllegalArgumentException(name + ": object arrays (dtype '" + s + "') are not supported;"
                    + " save a numeric array");
        }
        String supported = " (supported: float16/32/64, int8/16/32/64, uint8/16/32/64)";
        if (s.length() < 3) {
            throw new IllegalArgumentException(name + ": unsupported dtype '" + s + "'" + supported);
        }
        char endian = s.charAt(0);
        char code = s.charAt(1);
        int size;
        try {
            size = Integer.parseInt(s.substring(2));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": unsupported dtype '" + s + "'" + supported);
        }
        Kind kind = switch (code) {
            case 'f' -> size == 2 || size == 4 || size == 8 ? Kind.FLOAT : null;
            case 'i' -> size == 1 || size == 2 || size == 4 || size == 8 ? Kind.SIGNED : null;
            case 'u' -> size == 1 || size == 2 || size == 4 || size == 8 ? Kind.UNSIGNED : null;
            default -> null;
        };
        if (kind == null) {
            throw new IllegalArgumentException(name + ": unsupported dtype '" + s + "'" + supported);
        }
        ByteOrder order = switch (endian) {
            case '<' -> ByteOrder.LITTLE_ENDIAN;
            case '>' -> ByteOrder.BIG_ENDIAN;
            case '=' -> ByteOrder.nativeOrder();
            case '|' -> {
                if (size != 1) {
                    throw new IllegalArgumentException(name + ": dtype '" + s + "' has no byte order");
                }
                yield ByteOrder.LITTLE_ENDIAN;
            }
            default -> throw new IllegalArgumentException(name + ": unsupported dtype '" + s + "'" + supported);
        };
        return new DType(s, kind, size, order);
    }

    private static boolean fortranOrder(Object v, String name) {
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException(name + ": header 'fortran_order' is not True or False: " + v);
    }

    private static int[] shape(Object v, String name) {
        if (!(v instanceof List<?> list)) {
            // NumPy refuses a list here too ("shape is not valid"): only a tuple is a shape.
            throw new IllegalArgumentException(name + ": header 'shape' is not a tuple: " + v);
        }
        int[] shape = new int[list.size()];
        long size = 1;
        for (int k = 0; k < shape.length; k++) {
            if (!(list.get(k) instanceof Long d) || d < 0) {
                throw new IllegalArgumentException(name + ": header 'shape' has a bad dimension: " + list.get(k));
            }
            size = d > NdArray.MAX_SIZE ? Long.MAX_VALUE : Math.min(Long.MAX_VALUE / 2, size * d);
            shape[k] = (int) Math.min(d, Integer.MAX_VALUE);
        }
        if (shape.length == 0) {
            throw new IllegalArgumentException(name + ": is a 0-d (scalar) array; expected a vector or a matrix");
        }
        if (shape.length > 2) {
            throw new IllegalArgumentException(name + ": has shape " + list.toString().replace('[', '(').replace(']', ')')
                    + " (rank " + shape.length + "); only 1-D vectors and 2-D matrices are supported");
        }
        if (size > NdArray.MAX_SIZE) {
            throw new IllegalArgumentException(name + ": shape " + list.toString().replace('[', '(').replace(']', ')')
                    + " has more elements than a Java array holds");
        }
        return shape;
    }

    // ------------------------------------------------------------------------------------ writing

    /** Writes {@code array} as float64 (see {@link #write(Path, double[], int...)}). */
    public static void write(Path file, NdArray array) throws IOException {
        write(file, array.data(), array.shape());
    }

    /**
     * Writes a C-order float64 array of any rank {@code >= 1} as a version 1.0 {@code '<f8'} file,
     * atomically (temporary file in the same directory, then a rename over {@code file}).
     *
     * @throws IllegalArgumentException if the shape does not match the values, or the file cannot
     *                                  be created (missing directory, no permission, a directory
     *                                  in the way); the message names the file
     * @throws IOException              on an I/O failure while writing; no partial file remains
     */
    public static void write(Path file, double[] values, int... shape) throws IOException {
        if (values == null || shape == null || shape.length == 0) {
            throw new IllegalArgumentException("values and a shape of rank >= 1 must be given");
        }
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + NdArray.shapeString(shape));
            }
            size *= d;
        }
        if (size != values.length) {
            throw new IllegalArgumentException("shape " + NdArray.shapeString(shape) + " holds " + size
                    + " values, got " + values.length);
        }
        checkWritable(file);
        byte[] header = header(shape);
        try {
            AtomicFiles.writeChannel(file, ch -> {
                writeFully(ch, ByteBuffer.wrap(header));
                ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
                int per = CHUNK / 8;
                for (int done = 0; done < values.length; done += per) {
                    int n = Math.min(per, values.length - done);
                    buf.clear();
                    buf.asDoubleBuffer().put(values, done, n);
                    buf.limit(n * 8);
                    writeFully(ch, buf);
                }
            });
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("cannot write " + file + ": permission denied");
        }
    }

    /**
     * Checks, without creating anything, that {@code file} can be written: its directory exists and
     * it is not itself a directory. Commands call this before long computations so a typo in an
     * output path fails at once.
     *
     * @throws IllegalArgumentException naming the file and the problem
     */
    public static void checkWritable(Path file) {
        Path abs = WorkingDirectory.absolute(file);
        Path dir = abs.getParent();
        if (dir == null || file.getFileName() == null) {
            throw new IllegalArgumentException("cannot write " + file + ": not a file path");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("cannot write " + file + ": directory " + dir + " does not exist");
        }
        if (Files.isDirectory(abs)) {
            throw new IllegalArgumentException("cannot write " + file + ": it is a directory");
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalArgumentException("cannot write " + file + ": directory " + dir + " is not writable");
        }
    }


    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** The version 1.0 preamble and header, padded with spaces to a multiple of 64 bytes as numpy does. */
    static byte[] header(int[] shape) {
        StringBuilder s = new StringBuilder("{'descr': '<f8', 'fortran_order': False, 'shape': (");
        for (int k = 0; k < shape.length; k++) {
            s.append(k == 0 ? "" : ", ").append(shape[k]);
        }
        s.append(shape.length == 1 ? ",), }" : "), }");
        int unpadded = MAGIC.length + 2 + 2 + s.length() + 1;
        s.append(" ".repeat((64 - unpadded % 64) % 64)).append('\n');
        byte[] dict = s.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + dict.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) dict.length).put(dict);
        return b.array();
    }

    // ------------------------------------------------------------------------------------ header

    /** A Python list in a header ({@code [...]}), kept apart from a tuple. */
    private record PyList(List<Object> items) {
        @Override
        public String toString() {
            return items.toString();
        }
    }

    /**
     * The subset of Python literal syntax that {@code .npy} headers use: a dict with string keys
     * whose values are strings, {@code True}/{@code False}, integers, tuples and lists (lists appear
     * in structured dtypes, which are then rejected by name). Tuples parse to {@link List}, lists to
     * {@link PyList} (so that a list where NumPy wants a tuple is refused, as NumPy does), integers to
     * {@link Long}.
     */
    private static final class HeaderParser {
        /** Deepest nesting a real header has is 3 (a structured dtype's list of tuples); refuse far deeper ones. */
        private static final int MAX_DEPTH = 32;
        private final String s;
        private final String name;
        private int p;
        private int depth;

        private HeaderParser(String s, String name) {
            this.s = s;
            this.name = name;
        }

        static Map<String, Object> parse(String header, String name) {
            HeaderParser hp = new HeaderParser(header, name);
            hp.skip();
            if (hp.p >= header.length() || header.charAt(hp.p) != '{') {
                throw hp.bad("header is not a dict");
            }
            Object v = hp.value();
            hp.skip();
            if (hp.p != header.length()) {
                throw hp.bad("unexpected text after the header dict");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> dict = (Map<String, Object>) v;
            for (String key : List.of("descr", "fortran_order", "shape")) {
                if (!dict.containsKey(key)) {
                    throw new IllegalArgumentException(name + ": header has no '" + key + "' key");
                }
            }
            for (String key : dict.keySet()) {
                if (!List.of("descr", "fortran_order", "shape").contains(key)) {
                    throw new IllegalArgumentException(name + ": header has an unexpected key '" + key + "'");
                }
            }
            return dict;
        }

        private IllegalArgumentException bad(String what) {
            String near = s.substring(Math.min(p, s.length()), Math.min(s.length(), p + 20)).strip();
            return new IllegalArgumentException(name + ": malformed header: " + what
                    + (near.isEmpty() ? " (at the end)" : " (near '" + near + "')"));
        }

        private void skip() {
            while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
                p++;
            }
        }

        private Object value() {
            skip();
            if (p >= s.length()) {
                throw bad("header ends early");
            }
            char c = s.charAt(p);
            if ((c == '{' || c == '(' || c == '[') && ++depth > MAX_DEPTH) {
                throw bad("nested deeper than " + MAX_DEPTH + " levels");
            }
            if (c == '{') {
                p++;
                Map<String, Object> map = new LinkedHashMap<>();
                while (true) {
                    skip();
                    if (p < s.length() && s.charAt(p) == '}') {
                        p++;
                        depth--;
                        return map;
                    }
                    Object key = value();
                    if (!(key instanceof String k)) {
                        throw bad("dict key is not a string");
                    }
                    skip();
                    expect(':');
                    map.put(k, value());
                    if (!separator('}')) {
                        depth--;
                        return map;
                    }
                }
            }
            if (c == '(' || c == '[') {
                char close = c == '(' ? ')' : ']';
                p++;
                List<Object> list = new ArrayList<>();
                while (true) {
                    skip();
                    if (p < s.length() && s.charAt(p) == close) {
                        p++;
                        depth--;
                        return c == '(' ? list : new PyList(list);
                    }
                    list.add(value());
                    if (!separator(close)) {
                        depth--;
                        return c == '(' ? list : new PyList(list);
                    }
                }
            }
            if (c == '\'' || c == '"') {
                int end = s.indexOf(c, p + 1);
                if (end < 0) {
                    throw bad("unterminated string");
                }
                String str = s.substring(p + 1, end);
                p = end + 1;
                return str;
            }
            if (s.startsWith("True", p)) {
                p += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", p)) {
                p += 5;
                return Boolean.FALSE;
            }
            if (c == '-' || Character.isDigit(c)) {
                int start = p++;
                while (p < s.length() && Character.isDigit(s.charAt(p))) {
                    p++;
                }
                String digits = s.substring(start, p);
                if (p < s.length() && (s.charAt(p) == 'L' || s.charAt(p) == 'l')) {
                    p++; // Python 2 long suffix, written by old numpy versions
                }
                try {
                    return Long.parseLong(digits);
                } catch (NumberFormatException e) {
                    throw bad("bad integer '" + digits + "'");
                }
            }
            throw bad("unexpected value");
        }

        /** After an element: a comma (true, more may follow) or the closing bracket (false, consumed). */
        private boolean separator(char close) {
            skip();
            if (p < s.length() && s.charAt(p) == ',') {
                p++;
                return true;
            }
            if (p < s.length() && s.charAt(p) == close) {
                p++;
                return false;
            }
            throw bad("expected ',' or '" + close + "'");
        }

        private void expect(char c) {
            if (p >= s.length() || s.charAt(p) != c) {
                throw bad("expected '" + c + "'");
            }
            p++;
        }
    }
}
