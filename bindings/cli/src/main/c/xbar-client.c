/* xbar-client: hands an `xbar` command line to the warm daemon (io.xbar.cli.Daemon) over a Unix socket, else runs it plainly. */
/*
 * Built by ./xbar on first use into bindings/cli/target/xbar-client (cc -O2); without a compiler the
 * launcher never uses it. Usage (by the launcher only):
 *
 *   xbar-client run DIR ID KEY LAUNCHER [args...]   exit with the command's status
 *   xbar-client ctl DIR ID status|stop              print the daemon's answer; exit 0, or 1 without a daemon
 *
 * `run` never fails because of the daemon: whenever the daemon cannot serve the command (no daemon,
 * a stale socket, a busy or out-of-date daemon, a directory or socket that is not this user's own, an
 * argument naming a per-process file such as /dev/stdin, no answer within a few seconds) it executes
 * LAUNCHER with XBAR_DAEMON=0, which is the plain run; with XBAR_DAEMON_START=1 as well when a new
 * daemon should be started. Ctrl-C, SIGTERM and SIGHUP are passed on as a cancel: the daemon deletes
 * the request's temporaries, answers, and the client exits 128 + the signal, as a plain run does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define CONNECT_MS 1000   /* a listening daemon accepts at once; more means it is stuck */
#define ANSWER_MS 5000    /* from the request to "started" or "run it yourself" */
#define CANCEL_MS 10000   /* from a cancel to the daemon's confirmation that the temporaries are gone */

static char **fallback_argv;
static int signal_pipe[2] = {-1, -1};

/* The plain run: the launcher again, told not to use the daemon (and whether to start one). */
static void fallback(int start) {
    setenv("XBAR_DAEMON", "0", 1);
    if (start) {
        setenv("XBAR_DAEMON_START", "1", 1);
    }
    execv(fallback_argv[0], fallback_argv);
    fprintf(stderr, "xbar: cannot run %s: %s\n", fallback_argv[0], strerror(errno));
    _exit(2);
}

static long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

static int write_all(int fd, const void *buf, size_t n) {
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t) w;
    }
    return 0;
}

/* Standard output, gathered while more frames are waiting (fewer, larger writes, as a plain process makes). */
static char out_buf[1 << 16];
static size_t out_len;
static int stdout_failed;

static void flush_stdout(int fd) {
    if (out_len > 0 && !stdout_failed && write_all(1, out_buf, out_len) < 0) {
        stdout_failed = 1;
        unsigned char h[5] = {'P', 0, 0, 0, 0};
        if (write_all(fd, h, 5) < 0) {
            /* the daemon is gone; the next read says so */
        }
    }
    out_len = 0;
}

static int pending(int fd) {
    struct pollfd pf = {fd, POLLIN, 0};
    return poll(&pf, 1, 0) == 1;
}

static int send_frame(int fd, char type, const void *payload, uint32_t n) {
    unsigned char h[5] = {(unsigned char) type, (unsigned char) (n >> 24), (unsigned char) (n >> 16),
                          (unsigned char) (n >> 8), (unsigned char) n};
    if (write_all(fd, h, 5) < 0) return -1;
    return n == 0 ? 0 : write_all(fd, payload, n);
}

/* Reads exactly n bytes, waiting at most until deadline (ms, monotonic; 0 = forever). 1 ok, 0 eof/timeout, -1 error.
 * A signal (seen on the self-pipe) ends the wait with -2. */
static int read_exact(int fd, void *buf, size_t n, long deadline) {
    char *p = buf;
    while (n > 0) {
        struct pollfd pf[2] = {{fd, POLLIN, 0}, {signal_pipe[0], POLLIN, 0}};
        int timeout = -1;
        if (deadline > 0) {
            long left = deadline - now_ms();
            if (left <= 0) return 0;
            timeout = (int) left;
        }
        int r = poll(pf, signal_pipe[0] >= 0 ? 2 : 1, timeout);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (r == 0) return 0;
        if (signal_pipe[0] >= 0 && (pf[1].revents & POLLIN)) return -2;
        ssize_t got = read(fd, p, n);
        if (got < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return -1;
        }
        if (got == 0) return 0;
        p += got;
        n -= (size_t) got;
    }
    return 1;
}

/* The directory must be ours, a real directory, closed to everyone else. */
static int private_dir(const char *dir) {
    struct stat st;
    if (lstat(dir, &st) != 0) return 0;
    return S_ISDIR(st.st_mode) && st.st_uid == getuid() && (st.st_mode & 077) == 0;
}

static int connect_socket(const char *path) {
    struct sockaddr_un a;
    struct stat st;
    if (strlen(path) >= sizeof(a.sun_path)) return -1;
    if (lstat(path, &st) != 0) return -1;
    if (!S_ISSOCK(st.st_mode) || st.st_uid != getuid()) return -1; /* someone else's: refuse */
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    strcpy(a.sun_path, path);
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    if (connect(fd, (struct sockaddr *) &a, sizeof a) != 0) {
        if (errno != EINPROGRESS && errno != EAGAIN) {
            close(fd);
            return -1;
        }
        struct pollfd pf = {fd, POLLOUT, 0};
        int err = 0;
        socklen_t len = sizeof err;
        if (poll(&pf, 1, CONNECT_MS) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
            close(fd);
            return -1;
        }
    }
    fcntl(fd, F_SETFL, flags);
    return fd;
}

/* True if a daemon process of this checkout is alive (starting or warming up): its pid file names a live process. */
static int daemon_alive(const char *dir, const char *id) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s.pid", dir, id);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    long pid = 0;
    int ok = fscanf(f, "%ld", &pid) == 1;
    fclose(f);
    return ok && pid > 0 && (kill((pid_t) pid, 0) == 0 || errno == EPERM);
}

/* An argument that names a file of this process (its standard streams, /dev/fd/N, /proc/self) or stdin ("-"). */
static int per_process(const char *arg) {
    return strcmp(arg, "-") == 0 || strstr(arg, "/dev/") != NULL || strstr(arg, "/proc/") != NULL;
}

static void on_signal(int sig) {
    unsigned char s = (unsigned char) sig;
    int saved = errno;
    if (write(signal_pipe[1], &s, 1) < 0) {
        /* the pipe is full: a signal is pending already */
    }
    errno = saved;
}

static int ctl(const char *dir, const char *id, const char *what) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s.sock", dir, id);
    if (!private_dir(dir)) {
        printf("no daemon (%s is missing or not a private directory of this user)\n", dir);
        return 1;
    }
    int fd = connect_socket(path);
    if (fd < 0) {
        if (daemon_alive(dir, id)) {
            printf("daemon starting (warming up); log %s/%s.log\n", dir, id);
            return 0;
        }
        printf("no daemon running for this checkout (socket %s)\n", path);
        return 1;
    }
    if (send_frame(fd, strcmp(what, "stop") == 0 ? 'T' : 'Q', NULL, 0) < 0) return 1;
    unsigned char h[5];
    if (read_exact(fd, h, 5, now_ms() + ANSWER_MS) != 1 || h[0] != 'I') {
        printf("the daemon did not answer (socket %s)\n", path);
        return 1;
    }
    uint32_t n = ((uint32_t) h[1] << 24) | ((uint32_t) h[2] << 16) | ((uint32_t) h[3] << 8) | h[4];
    if (n > (1u << 20)) return 1;
    char *text = malloc(n + 1);
    if (!text || read_exact(fd, text, n, now_ms() + ANSWER_MS) != 1) return 1;
    fwrite(text, 1, n, stdout);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 5 && strcmp(argv[1], "ctl") == 0) {
        return ctl(argv[2], argv[3], argv[4]);
    }
    if (argc < 6 || strcmp(argv[1], "run") != 0) {
        fprintf(stderr, "xbar-client: usage: xbar-client run DIR ID KEY LAUNCHER [args...] | ctl DIR ID status|stop\n");
        return 2;
    }
    const char *dir = argv[2], *id = argv[3], *key = argv[4];
    fallback_argv = argv + 5;
    int nargs = argc - 6;
    char **args = argv + 6;
    if (nargs == 0) fallback(0);
    for (int k = 0; k < nargs; k++) {
        if (per_process(args[k])) fallback(0);
    }
    if (!private_dir(dir)) fallback(access(dir, F_OK) != 0);
    char sock[PATH_MAX];
    snprintf(sock, sizeof sock, "%s/%s.sock", dir, id);
    int fd = connect_socket(sock);
    if (fd < 0) fallback(!daemon_alive(dir, id));

    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) == NULL) fallback(0);
    signal(SIGPIPE, SIG_IGN);
    int ok = send_frame(fd, 'K', key, (uint32_t) strlen(key)) == 0 && send_frame(fd, 'W', cwd, (uint32_t) strlen(cwd)) == 0;
    for (char **e = environ; ok && *e; e++) {
        if (strncmp(*e, "XBAR_", 5) == 0) ok = send_frame(fd, 'V', *e, (uint32_t) strlen(*e)) == 0;
    }
    for (int k = 0; ok && k < nargs; k++) ok = send_frame(fd, 'A', args[k], (uint32_t) strlen(args[k])) == 0;
    ok = ok && send_frame(fd, 'R', NULL, 0) == 0;
    if (!ok) {
        close(fd);
        fallback(0);
    }

    /* Signals from here on become a cancel; the self-pipe wakes the poll. */
    if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        close(fd);
        fallback(0);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    int started = 0, output_seen = 0, cancel_sig = 0;
    long deadline = now_ms() + ANSWER_MS;
    static char buf[1 << 16];
    for (;;) {
        unsigned char h[5];
        int r = read_exact(fd, h, 5, cancel_sig ? now_ms() + CANCEL_MS : started ? 0 : deadline);
        if (r == -2) {
            unsigned char s = 0;
            if (read(signal_pipe[0], &s, 1) != 1) continue;
            if (cancel_sig) _exit(128 + s); /* a second signal: leave at once */
            /* Started or about to be: the daemon cancels it and confirms (or says it never ran it). */
            cancel_sig = s;
            if (send_frame(fd, 'C', &s, 1) < 0) _exit(128 + s);
            continue;
        }
        if (r != 1) {
            if (cancel_sig) _exit(128 + cancel_sig);
            close(fd);
            if (!started || !output_seen) {
                /* No answer, or the daemon died before any output: the plain run is safe (outputs are atomic). */
                fallback(!started ? 0 : 1);
            }
            flush_stdout(fd);
            fprintf(stderr, "xbar: the daemon ended during the request; see %s/%s.log (XBAR_DAEMON=0 runs without it)\n", dir, id);
            return 1;
        }
        uint32_t n = ((uint32_t) h[1] << 24) | ((uint32_t) h[2] << 16) | ((uint32_t) h[3] << 8) | h[4];
        if (h[0] == 'F') {
            /* run it yourself: payload is "1..." if the daemon is leaving (start a new one) */
            char why[256];
            uint32_t keep = n < sizeof why ? n : sizeof why - 1;
            int start = 0;
            if (read_exact(fd, why, keep, now_ms() + ANSWER_MS) == 1 && keep > 0) start = why[0] == '1';
            close(fd);
            if (cancel_sig) _exit(128 + cancel_sig); /* interrupted before it ran: as a plain run would end */
            fallback(start);
        }
        if (h[0] == 'S') {
            started = 1;
            continue;
        }
        if (h[0] == 'X') {
            flush_stdout(fd);
            unsigned char s[4];
            if (n != 4 || read_exact(fd, s, 4, now_ms() + ANSWER_MS) != 1) return 1;
            int status = (s[0] << 24) | (s[1] << 16) | (s[2] << 8) | s[3];
            if (cancel_sig) return 128 + cancel_sig;
            return status;
        }
        if (h[0] != 'O' && h[0] != 'E') {
            fprintf(stderr, "xbar: unexpected answer from the daemon; see %s/%s.log\n", dir, id);
            return 1;
        }
        output_seen = 1;
        while (n > 0) {
            uint32_t chunk = n < sizeof buf ? n : (uint32_t) sizeof buf;
            int rr = read_exact(fd, buf, chunk, now_ms() + CANCEL_MS);
            if (rr == -2) {
                /* a signal in the middle of a frame: handle it after the frame */
                unsigned char s = 0;
                if (read(signal_pipe[0], &s, 1) == 1) {
                    if (cancel_sig) _exit(128 + s);
                    cancel_sig = s;
                    send_frame(fd, 'C', &s, 1);
                }
                continue;
            }
            if (rr != 1) {
                if (cancel_sig) _exit(128 + cancel_sig);
                flush_stdout(fd);
                fprintf(stderr, "xbar: the daemon ended during the request; see %s/%s.log\n", dir, id);
                return 1;
            }
            if (h[0] == 'O') {
                if (out_len + chunk > sizeof out_buf) flush_stdout(fd);
                if (chunk >= sizeof out_buf) {
                    memcpy(out_buf, buf, chunk);
                    out_len = chunk;
                    flush_stdout(fd);
                } else {
                    memcpy(out_buf + out_len, buf, chunk);
                    out_len += chunk;
                }
            } else {
                flush_stdout(fd); /* keep the order of output and errors on a shared terminal */
                if (!cancel_sig) write_all(2, buf, chunk);
            }
            n -= chunk;
        }
        if (!pending(fd)) flush_stdout(fd);
    }
}
