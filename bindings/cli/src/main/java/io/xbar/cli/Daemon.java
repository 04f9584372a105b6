// Daemon: a warm JVM that runs `xbar` command lines for the launcher's client over a Unix domain socket, one at a time, as a plain process would.
package io.xbar.cli;

import io.xbar.io.AtomicFiles;
import io.xbar.io.WorkingDirectory;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * {@code java io.xbar.cli.Daemon DIR ID KEY}: started in the background by {@code ./xbar}; serves the
 * client {@code bindings/cli/src/main/c/xbar-client.c} on {@code DIR/ID.sock}.
 *
 * <ul>
 * <li>Security: {@code DIR} must be a directory (not a link) owned by this user with no access for
 *     group or others; the socket is {@code 0600} inside it; every connection's peer credentials
 *     ({@code SO_PEERCRED}) must name this user, or it is closed unanswered.</li>
 * <li>One request at a time: the process's working directory and standard streams are the client's
 *     for its duration ({@link WorkingDirectory}). A request that arrives while another runs, for a
 *     command the daemon does not serve, with another build or JVM setting ({@code KEY}), or naming a
 *     file of the client's own process, is answered "run it yourself" and the client runs it plainly.</li>
 * <li>Interrupts: the client's Ctrl-C or SIGTERM (or its death) cancels the request as the shutdown
 *     hook would end a plain process ({@link AtomicFiles#cancel}): temporaries deleted, no output
 *     put in place afterwards; the client then exits with 130 or 143.</li>
 * <li>Lifecycle: warms up (solves of each size class, the other array commands once) before it
 *     listens; exits after {@code XBAR_DAEMON_IDLE} without a request (default 3 h), when a request
 *     comes from another build, or on {@code xbar daemon stop}; logs to {@code DIR/ID.log}.</li>
 * </ul>
 *
 * <p>Frames both ways: one type byte, a 4-byte big-endian length, the payload. Client to daemon:
 * {@code K} key, {@code W} working directory, {@code V} one {@code XBAR_*} variable, {@code A} one
 * argument (raw bytes), {@code R} run; later {@code C} cancel (payload: the signal number) and
 * {@code P} (its standard output failed); or alone {@code Q} status, {@code T} stop. Daemon to
 * client: {@code S} started, {@code O} standard output, {@code E} standard error, {@code X} exit
 * status (4 bytes), {@code F} run it yourself (payload: why, and {@code 1} first if the daemon is
 * leaving so a new one should start), {@code I} status text.
 */
public final class Daemon {
    /** The commands served (others, for example {@code demo}, {@code validate} and commands added later, run plainly). */
    static final Set<String> SERVED = Set.of("solve", "transfer", "mvm", "map", "nf", "sweep", "spice", "help",
            "--help", "-h");
    private static final int MAX_FRAME = 1 << 20;
    /** How long a client has to send its whole request. */
    private static final long REQUEST_MILLIS = 10_000;

    private final Path dir;
    private final String id;
    private final String key;
    private final long idleMillis;
    private final Path socket;
    private final Path home;
    private final PrintStream log;
    private final PrintStream daemonOut;
    private final PrintStream daemonErr;
    private final UserPrincipal owner;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicInteger served = new AtomicInteger();
    private final long started = System.currentTimeMillis();
    private volatile long lastActivity = System.currentTimeMillis();
    private volatile boolean stopping;
    private ServerSocketChannel server;
    /**
     * Size and modification time of every jar and directory of the class path when the daemon
     * started. A build that replaces them under a running JVM (Maven writes the jars in place) leaves
     * it unable to load the classes it has not loaded yet, so the daemon leaves as soon as it sees a
     * change, before it takes another request.
     */
    private final Map<String, String> classPath = classPathState();

    private Daemon(Path dir, String id, String key, long idleMillis, PrintStream log) throws IOException {
        this.dir = dir;
        this.id = id;
        this.key = key;
        this.idleMillis = idleMillis;
        this.socket = dir.resolve(id + ".sock");
        this.home = dir;
        this.log = log;
        this.daemonOut = System.out;
        this.daemonErr = System.err;
        this.owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: java io.xbar.cli.Daemon DIR ID KEY");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        String problem = checkDirectory(dir);
        if (problem != null) {
            System.err.println("xbar daemon: " + problem);
            System.exit(2);
        }
        String id = args[1];
        long idle;
        try {
            idle = idleMillis(System.getenv().getOrDefault("XBAR_DAEMON_IDLE", "3h"));
        } catch (IllegalArgumentException e) {
            System.err.println("xbar daemon: XBAR_DAEMON_IDLE " + e.getMessage());
            System.exit(2);
            return;
        }
        // One daemon per checkout and directory: the lock is held for the daemon's life.
        FileChannel lockFile = FileChannel.open(dir.resolve(id + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        // A daemon being replaced (another build) still holds it for a moment: wait for it, not for long.
        FileLock lock = null;
        for (int attempt = 0; attempt < 300 && lock == null; attempt++) {
            lock = lockFile.tryLock();
            if (lock == null) {
                Thread.sleep(100);
            }
        }
        if (lock == null) {
            return; // another daemon of this checkout is starting or running
        }
        Path logFile = dir.resolve(id + ".log");
        if (Files.exists(logFile) && Files.size(logFile) > (4 << 20)) {
            Files.move(logFile, dir.resolve(id + ".log.1"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        PrintStream log = new PrintStream(Files.newOutputStream(logFile, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND), true, StandardCharsets.UTF_8);
        Daemon d = new Daemon(dir, id, args[2], idle, log);
        d.run();
        lock.release();
        lockFile.close();
    }

    /** Null if {@code dir} is a directory (not a link) of this user that no one else can enter, else what is wrong. */
    static String checkDirectory(Path dir) {
        try {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                return dir + " is not a directory";
            }
            int uid = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (uid != getuid()) {
                return dir + " belongs to uid " + uid + ", not to this user (uid " + getuid() + ")";
            }
            if ((mode & 077) != 0) {
                return dir + " can be entered by other users (mode " + Integer.toOctalString(mode & 0777)
                        + "); it must be 700";
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return dir + ": " + e;
        }
    }

    /** This process's real user id. */
    static int getuid() {
        try {
            Linker linker = Linker.nativeLinker();
            return (int) linker.downcallHandle(linker.defaultLookup().find("getuid").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT)).invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("getuid: " + t, t);
        }
    }

    /** {@code XBAR_DAEMON_IDLE}: seconds, or a number with {@code s}, {@code m}, {@code h} or {@code d}. */
    static long idleMillis(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,9})([smhd]?)").matcher(s.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException("'" + s + "' is not a time: give seconds or e.g. 30m, 3h, 1d");
        }
        long n = Long.parseLong(m.group(1));
        long unit = switch (m.group(2)) {
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            case "d" -> 86_400_000L;
            default -> 1_000L;
        };
        return n * unit;
    }

    private void log(String message) {
        log.println(Instant.now() + " [" + ProcessHandle.current().pid() + "] " + message);
    }

    private void run() throws IOException {
        log("starting: key " + key + ", idle " + idleMillis / 1000 + " s, java " + Runtime.version()
                + ", max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
        // The Vector API line kernels (unless XBAR_JAVA_OPTS chose): the daemon is warm, where they are
        // the faster ones, and they round exactly as the scalar twins of a plain run (LineKernels), so a
        // command writes the same bytes either way.
        Files.writeString(dir.resolve(id + ".pid"), ProcessHandle.current().pid() + "\n");
        // Stopped at any time (SIGTERM from `xbar daemon stop` during the warm-up, too): its files go with it.
        Runtime.getRuntime().addShutdownHook(new Thread(this::removeFiles, "xbar-daemon-files"));
        long t0 = System.nanoTime();
        // XBAR_DAEMON_WARMUP=0 skips it (the tests, which need a daemon quickly more than a fast one).
        try {
            if (!"0".equals(System.getenv("XBAR_DAEMON_WARMUP"))) {
                Warmup.run(dir.resolve(id + ".warmup"), this::log);
            }
        } catch (Exception | Error e) {
            log("warm-up failed (serving anyway): " + e);
        }
        log(String.format(Locale.ROOT, "warm-up done in %.1f s", (System.nanoTime() - t0) * 1e-9));
        Files.deleteIfExists(socket); // a stale socket of a daemon that died: the lock says none is alive
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        Thread idle = new Thread(this::watchIdle, "xbar-daemon-idle");
        idle.setDaemon(true);
        idle.start();
        log("listening on " + socket);
        // Loaded now: after a rebuild (classPathChanged) they are still needed to hand a request back.
        log("serving with " + Frames.class.getSimpleName() + ", " + Request.class.getSimpleName() + ", "
                + FrameStream.class.getSimpleName());
        while (!stopping) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (stopping) {
                    break;
                }
                log("accept failed: " + e);
                continue;
            }
            Thread t = new Thread(() -> serve(client), "xbar-daemon-connection");
            t.setDaemon(true);
            t.start();
        }
        // Let a request in progress finish (its client waits for it).
        while (busy.get()) {
            sleep(50);
        }
        removeFiles();
        log("stopped after " + served.get() + " requests");
    }

    private void removeFiles() {
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir.resolve(id + ".pid"));
            AtomicFiles.deleteTree(dir.resolve(id + ".warmup"));
        } catch (IOException e) {
            // leaving anyway
        }
    }

    private void watchIdle() {
        while (!stopping) {
            sleep(Math.min(10_000, Math.max(200, idleMillis / 10)));
            if (!busy.get() && System.currentTimeMillis() - lastActivity > idleMillis) {
                log("idle for " + idleMillis / 1000 + " s: stopping");
                stop();
            } else if (!busy.get() && classPathChanged()) {
                log("the class path changed (a rebuild): stopping");
                stop();
            }
        }
    }

    private void stop() {
        stopping = true;
        try {
            Files.deleteIfExists(socket); // new clients start a new daemon or run plainly from now on
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One connection: a request, a status query or a stop. */
    private void serve(SocketChannel channel) {
        try (channel) {
            UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (peer == null || !peer.user().equals(owner)) {
                log("refused a connection from " + (peer == null ? "an unknown peer" : peer.user().getName()));
                return;
            }
            DataInputStream in = new DataInputStream(Channels.newInputStream(channel));
            Frames outFrames = new Frames(channel);
            if (classPathChanged()) {
                // Rebuilt under it: the client runs the command plainly and starts a new daemon.
                fallback(outFrames, "the class path changed (a rebuild)", true);
                stop();
                return;
            }
            // A client that connects and sends nothing (or half a request) must not hold anything for long.
            Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
                sleep(REQUEST_MILLIS);
                try {
                    if (!Thread.currentThread().isInterrupted()) {
                        channel.shutdownInput();
                    }
                } catch (IOException e) {
                    // closed already
                }
            });
            Request request = new Request();
            while (true) {
                int type = in.read();
                if (type < 0) {
                    watchdog.interrupt();
                    return;
                }
                int length = in.readInt();
                if (length < 0 || length > MAX_FRAME) {
                    log("bad frame length " + length);
                    watchdog.interrupt();
                    return;
                }
                byte[] payload = in.readNBytes(length);
                if (payload.length != length) {
                    watchdog.interrupt();
                    return;
                }
                switch (type) {
                    case 'K' -> request.key = new String(payload, StandardCharsets.UTF_8);
                    case 'W' -> request.cwd = payload;
                    case 'V' -> request.env.add(new String(payload, StandardCharsets.UTF_8));
                    case 'A' -> request.args.add(payload);
                    case 'Q' -> {
                        watchdog.interrupt();
                        outFrames.send('I', status().getBytes(StandardCharsets.UTF_8));
                        return;
                    }
                    case 'T' -> {
                        watchdog.interrupt();
                        log("stop requested");
                        outFrames.send('I', ("stopping daemon " + ProcessHandle.current().pid() + "\n")
                                .getBytes(StandardCharsets.UTF_8));
                        stop();
                        return;
                    }
                    case 'R' -> {
                        watchdog.interrupt();
                        run(request, in, outFrames, channel);
                        return;
                    }
                    default -> {
                        log("unknown frame type " + type);
                        watchdog.interrupt();
                        return;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            log("connection ended: " + e);
        } catch (LinkageError e) {
            // A class that cannot be loaded any more (its jar was replaced): leave rather than fail every request.
            log("stopping: " + e);
            stop();
        }
    }

    /** Size and modification time of each class path entry (jar or directory), or "missing". */
    private static Map<String, String> classPathState() {
        Map<String, String> state = new LinkedHashMap<>();
        for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            String now;
            try {
                Path p = Path.of(entry);
                now = Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis();
            } catch (IOException | java.nio.file.InvalidPathException e) {
                now = "missing";
            }
            state.put(entry, now);
        }
        return state;
    }

    /** True when a jar or directory of the class path differs from what it was at the start. */
    private boolean classPathChanged() {
        return !classPathState().equals(classPath);
    }

    private String status() {
        return String.format(Locale.ROOT, "daemon %d running for %d s, %d requests served, %s, idle limit %d s%n"
                        + "socket %s%nlog %s%nkey %s%n",
                ProcessHandle.current().pid(), (System.currentTimeMillis() - started) / 1000, served.get(),
                busy.get() ? "busy" : "idle", idleMillis / 1000, socket, dir.resolve(id + ".log"), key);
    }

    /** What the client sent. */
    private static final class Request {
        String key;
        byte[] cwd;
        final List<String> env = new ArrayList<>();
        final List<byte[]> args = new ArrayList<>();
    }

    /** Writes frames to the client; after the client went away, writes are dropped. */
    private static final class Frames {
        private final SocketChannel channel;
        private boolean broken;

        Frames(SocketChannel channel) {
            this.channel = channel;
        }

        synchronized void send(int type, byte[] payload) {
            send(type, payload, 0, payload.length);
        }

        synchronized void send(int type, byte[] payload, int offset, int length) {
            if (broken) {
                return;
            }
            ByteBuffer b = ByteBuffer.allocate(5 + length);
            b.put((byte) type).putInt(length).put(payload, offset, length).flip();
            try {
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            } catch (IOException e) {
                broken = true;
            }
        }

        synchronized boolean broken() {
            return broken;
        }
    }

    /** A stream of frames of one type (standard output or error); {@link #failed} makes writes fail as a closed pipe does. */
    private static final class FrameStream extends OutputStream {
        private final Frames frames;
        private final int type;
        volatile boolean failed;
        volatile boolean used;

        FrameStream(Frames frames, int type) {
            this.frames = frames;
            this.type = type;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (failed) {
                throw new IOException("Broken pipe");
            }
            if (len > 0) {
                used = true;
                for (int k = 0; k < len; k += MAX_FRAME) {
                    frames.send(type, b, off + k, Math.min(MAX_FRAME, len - k));
                }
            }
        }
    }

    private void fallback(Frames frames, String why, boolean leaving) {
        log("handed back: " + why);
        frames.send('F', ((leaving ? "1" : "0") + why).getBytes(StandardCharsets.UTF_8));
    }

    private void run(Request request, DataInputStream in, Frames frames, SocketChannel channel) {
        lastActivity = System.currentTimeMillis();
        if (request.key == null || !request.key.equals(key)) {
            // Another build or other JVM settings: this daemon is out of date. It leaves, a new one starts.
            fallback(frames, "stale daemon (key " + request.key + ")", true);
            stop();
            return;
        }
        if (request.cwd == null || request.args.isEmpty()) {
            fallback(frames, "incomplete request", false);
            return;
        }
        Charset jnu = WorkingDirectory.jnuCharset();
        String[] args = request.args.stream().map(a -> new String(a, jnu)).toArray(String[]::new);
        if (!SERVED.contains(args[0])) {
            fallback(frames, "command '" + args[0] + "' is not served", false);
            return;
        }
        if (stopping || !busy.compareAndSet(false, true)) {
            fallback(frames, "busy", false);
            return;
        }
        int gone = clientGone(channel);
        if (gone != 0) {
            // It gave up waiting (this daemon was stopped or stalled) and ran the command itself, or it was
            // interrupted already: never run it twice, nor at all after a cancel.
            busy.set(false);
            log("client gone or cancelled before its request started: not run");
            if (gone > 0) {
                frames.send('X', ByteBuffer.allocate(4).putInt(130).array());
            }
            return;
        }
        AtomicBoolean finished = new AtomicBoolean();
        AtomicInteger cancelSignal = new AtomicInteger();
        FrameStream outStream = new FrameStream(frames, 'O');
        FrameStream errStream = new FrameStream(frames, 'E');
        long t0 = System.nanoTime();
        int status = -1;
        boolean entered = false;
        try {
            try {
                WorkingDirectory.enter(request.cwd);
                entered = true;
            } catch (IOException e) {
                fallback(frames, "cannot enter the client's directory: " + e.getMessage(), false);
                status = -2;
                return;
            }
            frames.send('S', new byte[0]);
            Charset charset = outputCharset();
            // As the JVM makes System.out and System.err: a 128-byte buffer, flushed at every line.
            PrintStream out = new PrintStream(new BufferedOutputStream(outStream, 128), true, charset);
            PrintStream err = new PrintStream(new BufferedOutputStream(errStream, 128), true, charset);
            // The client's messages after the start: cancel (Ctrl-C, SIGTERM), standard output failed, or its end.
            Thread listener = Thread.ofPlatform().daemon().name("xbar-daemon-client").start(() -> {
                try {
                    while (!finished.get()) {
                        int type = in.read();
                        if (type < 0) {
                            break;
                        }
                        int length = in.readInt();
                        byte[] payload = in.readNBytes(Math.max(0, Math.min(length, 64)));
                        if (type == 'P') {
                            outStream.failed = true;
                        } else if (type == 'C') {
                            cancelSignal.compareAndSet(0, payload.length > 0 ? payload[0] : 2);
                            break;
                        }
                    }
                } catch (IOException e) {
                    // the client is gone: as a kill
                }
                // Under the lock that ends the request: a cancel never comes after AtomicFiles.endCancel.
                synchronized (finished) {
                    if (finished.get()) {
                        return;
                    }
                    cancelSignal.compareAndSet(0, 9);
                    AtomicFiles.cancel();
                }
                log("request cancelled (signal " + cancelSignal.get() + "), temporaries deleted");
                frames.send('X', ByteBuffer.allocate(4).putInt(128 + cancelSignal.get()).array());
            });
            System.setOut(out);
            System.setErr(err);
            try {
                status = Main.runAsProcess(args, out, err);
                out.flush();
                err.flush();
            } catch (WorkingDirectory.NotServable e) {
                if (!outStream.used && !errStream.used) {
                    fallback(frames, e.getMessage(), false);
                    status = -2;
                } else {
                    err.println("xbar " + args[0] + ": " + e.getMessage() + "; run it with XBAR_DAEMON=0");
                    status = 2;
                }
            } finally {
                System.setOut(daemonOut);
                System.setErr(daemonErr);
            }
            synchronized (finished) {
                finished.set(true);
            }
            if (cancelSignal.get() == 0 && status >= 0) {
                frames.send('X', ByteBuffer.allocate(4).putInt(status).array());
            }
        } catch (Error | RuntimeException e) {
            log("request failed: " + e);
            throw e;
        } finally {
            if (entered) {
                try {
                    WorkingDirectory.leave(home);
                } catch (IOException e) {
                    log("cannot return to " + home + ": " + e);
                }
            }
            AtomicFiles.endCancel();
            if (status != -2) {
                served.incrementAndGet(); // not counted: requests handed back to the client
            }
            lastActivity = System.currentTimeMillis();
            busy.set(false);
            log(String.format(Locale.ROOT, "%s: exit %d%s in %.3f s", args[0], status,
                    cancelSignal.get() != 0 ? " (cancelled, signal " + cancelSignal.get() + ")" : "",
                    (System.nanoTime() - t0) * 1e-9));
        }
    }

    /** -1 if the client closed its end before the request started, 1 if it sent a cancel already, 0 if it waits. */
    private static int clientGone(SocketChannel channel) {
        try {
            channel.configureBlocking(false);
            try {
                return Integer.signum(channel.read(ByteBuffer.allocate(1)));
            } finally {
                channel.configureBlocking(true);
            }
        } catch (IOException e) {
            return -1;
        }
    }

    /** The charset a plain process's {@code System.out} would use with its output not on a terminal. */
    private static Charset outputCharset() {
        String name = System.getProperty("stdout.encoding", System.getProperty("native.encoding"));
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }
}
