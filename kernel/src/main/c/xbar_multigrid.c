/*
 * xbar_multigrid.c: the crossbar's multigrid-preconditioned CG solve, rounding exactly as the Java
 * kernel. Every function here is the twin of a Java method named beside it; the floating-point
 * operations are the same ones in the same order (fma() exactly where Java calls Math.fma, nothing
 * contracted otherwise: compile with -ffp-contract=off and without -ffast-math), so the results
 * are bit-identical. NativeMultigridTest holds the two equal.
 *
 * Layout (GridLevel): u(I,J) at J*m + I (word lines), w(I,J) at I*n + J (bit lines); level vectors
 * hold u in [0, mn) and w in [mn, 2mn).
 */
#define _DEFAULT_SOURCE /* mmap's MAP_ANONYMOUS, madvise */
/*
 * Built once per instruction set (build.sh): -DXBAR_MG_SUFFIX=_v3 with -march=x86-64-v3 (AVX2, FMA)
 * and =_v4 with -march=x86-64-v4 (AVX-512); the JNI glue calls the one the CPU runs. The
 * operations are the same in both, so are the bits (NativeMultigridTest checks each variant).
 */
#ifdef XBAR_MG_SUFFIX
#define XBAR_MG_CAT2(a, b) a##b
#define XBAR_MG_CAT(a, b) XBAR_MG_CAT2(a, b)
#define xbar_mg_program XBAR_MG_CAT(xbar_mg_program, XBAR_MG_SUFFIX)
#define xbar_mg_solve XBAR_MG_CAT(xbar_mg_solve, XBAR_MG_SUFFIX)
#define xbar_mg_free XBAR_MG_CAT(xbar_mg_free, XBAR_MG_SUFFIX)
#define xbar_mg_bytes XBAR_MG_CAT(xbar_mg_bytes, XBAR_MG_SUFFIX)
#endif
#include "xbar_multigrid.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/mman.h>

static const int ROW_OFFSET[4] = {0, 1, 0, 1};
static const int COL_OFFSET[4] = {0, 0, -1, -1};
#define COARSEST_CELLS 64
#define TWO_SWEEP_CELLS (1 << 17)
#define DOT_LANES 16

/* ---------------------------------------------------------------- line kernels (ScalarLineKernels) */

static void k_factor(int lines, int positions, const double *diag, const double *off, double *lower,
                     double *inv_pivot) {
    for (int l = 0; l < lines; l++) {
        inv_pivot[l] = 1.0 / diag[l];
        lower[l] = 0;
    }
    for (int p = 1; p < positions; p++) {
        long row = (long) p * lines;
        long prev = row - lines;
        for (int l = 0; l < lines; l++) {
            double mm = off[row + l] * inv_pivot[prev + l];
            lower[row + l] = mm;
            inv_pivot[row + l] = 1.0 / (diag[row + l] - mm * off[row + l]);
        }
    }
}

static void k_solve(int lines, int positions, const double *lower, const double *inv_pivot, const double *off,
                    double *x) {
    for (int p = 1; p < positions; p++) {
        long row = (long) p * lines;
        long prev = row - lines;
        for (int l = 0; l < lines; l++) {
            x[row + l] = fma(-lower[row + l], x[prev + l], x[row + l]);
        }
    }
    long last = (long) (positions - 1) * lines;
    for (int l = 0; l < lines; l++) {
        x[last + l] *= inv_pivot[last + l];
    }
    for (int p = positions - 2; p >= 0; p--) {
        long row = (long) p * lines;
        long next = row + lines;
        for (int l = 0; l < lines; l++) {
            x[row + l] = fma(-off[next + l], x[next + l], x[row + l]) * inv_pivot[row + l];
        }
    }
}

static void k_multiply(int lines, int positions, const double *diag, const double *off, const double *x,
                       double *y) {
    for (int p = 0; p < positions; p++) {
        long row = (long) p * lines;
        int has_prev = p > 0;
        int has_next = p + 1 < positions;
        for (int l = 0; l < lines; l++) {
            double s = diag[row + l] * x[row + l];
            if (has_prev) {
                s = fma(off[row + l], x[row - lines + l], s);
            }
            if (has_next) {
                s = fma(off[row + lines + l], x[row + lines + l], s);
            }
            y[row + l] = s;
        }
    }
}

static double k_dot(const double *a, const double *b, long n) {
    double lanes[DOT_LANES] = {0};
    long k = 0;
    for (; k + DOT_LANES - 1 < n; k += DOT_LANES) {
        for (int l = 0; l < DOT_LANES; l++) {
            lanes[l] = fma(a[k + l], b[k + l], lanes[l]);
        }
    }
    for (int lane = 0; k < n; k++, lane++) {
        lanes[lane] = fma(a[k], b[k], lanes[lane]);
    }
    for (int width = DOT_LANES / 2; width >= 1; width /= 2) {
        for (int l = 0; l < width; l++) {
            lanes[l] = lanes[l] + lanes[l + width];
        }
    }
    return lanes[0];
}

/* Math.max on values that are never NaN (Checks refuses NaN inputs; every value here is finite). */
static double dmax(double a, double b) {
    return a >= b ? a : b;
}

static double k_max_abs(const double *a, long n) {
    double m = 0;
    for (long k = 0; k < n; k++) {
        m = dmax(m, fabs(a[k]));
    }
    return m;
}

static void k_axpy(double alpha, const double *x, double *y, long n) {
    for (long k = 0; k < n; k++) {
        y[k] = fma(alpha, x[k], y[k]);
    }
}

static void k_xpay(const double *x, double beta, double *y, long n) {
    for (long k = 0; k < n; k++) {
        y[k] = fma(beta, y[k], x[k]);
    }
}

/* dst[dst_off + c*dst_stride + r] = src[src_off + r*src_stride + c], r in [row_from, row_to), c in [0, cols). */
static void k_transpose(int cols, int row_from, int row_to, const double *src, long src_off, int src_stride,
                        double *dst, long dst_off, int dst_stride) {
    const int tile = 16;
    for (int r0 = row_from; r0 < row_to; r0 += tile) {
        int r1 = row_to < r0 + tile ? row_to : r0 + tile;
        for (int c0 = 0; c0 < cols; c0 += tile) {
            int c1 = cols < c0 + tile ? cols : c0 + tile;
            for (int c = c0; c < c1; c++) {
                long d = dst_off + (long) c * dst_stride;
                for (int r = r0; r < r1; r++) {
                    dst[d + r] = src[src_off + (long) r * src_stride + c];
                }
            }
        }
    }
}

static void k_couple(int count, const double *base, double alpha, const double *c0, const double *c1,
                     const double *c2, const double *c3, const double *tp, const double *tq, double *y) {
    if (c1 == NULL) {
        for (int i = 0; i < count; i++) {
            y[i] = fma(alpha, c0[i] * tp[i], base[i]);
        }
        return;
    }
    for (int i = 0; i < count; i++) {
        double v = c0[i] * tp[i];
        v = fma(c1[i], tp[i + 1], v);
        v = fma(c2[i], tq[i], v);
        v = fma(c3[i], tq[i + 1], v);
        y[i] = fma(alpha, v, base[i]);
    }
}

/* LineKernels.transposeStride */
static int transpose_stride(int lines) {
    int s = (lines + 1 + 7) & ~7;
    return s % 128 == 0 ? s + 8 : s;
}

/* ---------------------------------------------------------------- memory */

/*
 * A bump allocator over a few large zeroed mappings, freed together. Mappings of 4 MB and more are
 * aligned to and advised for transparent huge pages: a 256x256 crossbar needs about 20 MB, which
 * in 4 KB pages costs some 5,000 page faults (as long as the solve itself on a cold call); in 2 MB
 * pages about ten. Small crossbars keep small pages, so many small tiles do not hold 2 MB each.
 */
#define HUGE_PAGE (2L << 20)
#define HUGE_FROM (4L << 20)
#define SMALL_PAGE 4096L

typedef struct chunk {
    struct chunk *next;
    size_t size; /* mapped bytes */
    size_t used;
} chunk;

typedef struct {
    chunk *head;
    size_t hint; /* bytes the whole crossbar is expected to need: the first mapping's size */
    int failed;
} arena;

/*
 * Mappings freed by one crossbar wait here for the next (at most POOL_BYTES): a loop that programs
 * crossbar after crossbar then reuses warm memory, zeroing what the last one used, instead of
 * mapping and faulting in fresh pages every time (with huge pages, the kernel may compact memory
 * to find them: tens of milliseconds on a busy machine).
 */
#define POOL_BYTES (160L << 20)
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static chunk *pool = NULL;
static size_t pool_bytes = 0;

/* The smallest pooled mapping of at least size bytes, zeroed as far as it was used; NULL if none. */
static chunk *pool_take(size_t size) {
    chunk *best = NULL, **best_link = NULL;
    pthread_mutex_lock(&pool_lock);
    for (chunk **link = &pool; *link != NULL; link = &(*link)->next) {
        /* At most twice the size asked for: a small crossbar does not take a large one's mapping. */
        if ((*link)->size >= size && (*link)->size / 2 <= size && (best == NULL || (*link)->size < best->size)) {
            best = *link;
            best_link = link;
        }
    }
    if (best != NULL) {
        *best_link = best->next;
        pool_bytes -= best->size;
    }
    pthread_mutex_unlock(&pool_lock);
    if (best != NULL) {
        size_t header = (sizeof(chunk) + 63) & ~(size_t) 63;
        memset((char *) best + header, 0, best->used - header);
        best->next = NULL;
        best->used = header;
    }
    return best;
}

/* Keeps c for pool_take while the pool has room, else unmaps it. */
static void pool_put(chunk *c) {
    pthread_mutex_lock(&pool_lock);
    int keep = pool_bytes + c->size <= (size_t) POOL_BYTES;
    if (keep) {
        c->next = pool;
        pool = c;
        pool_bytes += c->size;
    }
    pthread_mutex_unlock(&pool_lock);
    if (!keep) {
        munmap(c, c->size);
    }
}

static chunk *chunk_map(size_t need, size_t hint) {
    size_t size = need + 128;
    if (size < hint) {
        size = hint;
    }
    int huge = size >= (size_t) HUGE_FROM;
    size_t page = huge ? (size_t) HUGE_PAGE : (size_t) SMALL_PAGE;
    size = (size + page - 1) / page * page;
    chunk *pooled = pool_take(size);
    if (pooled != NULL) {
        return pooled;
    }
    size_t slack = huge ? (size_t) HUGE_PAGE : 0;
    char *raw = mmap(NULL, size + slack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) {
        return NULL;
    }
    char *start = raw;
    if (huge) {
        /* Over-mapped by a huge page: align to one and unmap the slack on both sides. */
        start = (char *) (((uintptr_t) raw + HUGE_PAGE - 1) & ~(uintptr_t) (HUGE_PAGE - 1));
        if (start > raw) {
            munmap(raw, (size_t) (start - raw));
        }
        size_t tail = (size_t) (raw + size + slack - (start + size));
        if (tail > 0) {
            munmap(start + size, tail);
        }
#ifdef MADV_HUGEPAGE
        madvise(start, size, MADV_HUGEPAGE); /* advice only: without it the pages stay small */
#endif
    }
    chunk *c = (chunk *) start;
    c->next = NULL;
    c->size = size;
    c->used = (sizeof(chunk) + 63) & ~(size_t) 63;
    return c;
}

/* Zeroed memory (fresh anonymous mappings are zero), 64-byte aligned; NULL and a.failed on failure. */
static void *arena_zeros(arena *a, size_t bytes) {
    if (a->failed) {
        return NULL;
    }
    bytes = (bytes + 63) & ~(size_t) 63;
    if (bytes == 0) {
        bytes = 64;
    }
    chunk *c = a->head;
    if (c == NULL || c->used + bytes > c->size) {
        c = chunk_map(bytes, a->head == NULL ? a->hint : 0);
        if (c == NULL) {
            a->failed = 1;
            return NULL;
        }
        c->next = a->head;
        a->head = c;
    }
    void *p = (char *) c + c->used;
    c->used += bytes;
    return p;
}

static double *arena_doubles(arena *a, long count) {
    return arena_zeros(a, (size_t) count * sizeof(double));
}

static void arena_free(arena *a) {
    chunk *c = a->head;
    while (c != NULL) {
        chunk *next = c->next;
        pool_put(c);
        c = next;
    }
    a->head = NULL;
}

/* ---------------------------------------------------------------- Interpolation */

typedef struct {
    int fine;
    int coarse;
    int *first;
    double *first_weight;
    int *second; /* -1: none */
    double *second_weight;
} interpolation;

static int coarse_size(int fine) {
    return (fine + 1) / 2;
}

static int interp_init(arena *a, interpolation *p, int fine, int coarse) {
    p->fine = fine;
    p->coarse = coarse;
    p->first = arena_zeros(a, (size_t) fine * sizeof(int));
    p->first_weight = arena_doubles(a, fine);
    p->second = arena_zeros(a, (size_t) fine * sizeof(int));
    p->second_weight = arena_doubles(a, fine);
    if (a->failed) {
        return 0;
    }
    for (int i = 0; i < fine; i++) {
        p->second[i] = -1;
    }
    return 1;
}

static int interp_identity(arena *a, interpolation *p, int n) {
    if (!interp_init(a, p, n, n)) {
        return 0;
    }
    for (int i = 0; i < n; i++) {
        p->first[i] = i;
        p->first_weight[i] = 1;
    }
    return 1;
}

static int interp_aggregate(arena *a, interpolation *p, int n) {
    if (!interp_init(a, p, n, coarse_size(n))) {
        return 0;
    }
    for (int i = 0; i < n; i++) {
        p->first[i] = i / 2;
        p->first_weight[i] = 1;
    }
    return 1;
}

static int interp_linear(arena *a, interpolation *p, int n) {
    int nc = coarse_size(n);
    if (!interp_init(a, p, n, nc)) {
        return 0;
    }
    for (int i = 0; i < n; i++) {
        int c = i / 2;
        p->first[i] = c;
        if (i % 2 == 0 || c + 1 >= nc) {
            p->first_weight[i] = 1;
        } else {
            p->first_weight[i] = 0.5;
            p->second[i] = c + 1;
            p->second_weight[i] = 0.5;
        }
    }
    return 1;
}

/* ---------------------------------------------------------------- GridLevel */

typedef struct {
    int m, n, cells;
    double *u_diag, *u_off, *w_diag, *w_off;
    double *cross[4];  /* NULL where absent (GridLevel: null) */
    double *cross_t[4];
    int u_stride, w_stride;
    unsigned char *u_pinned, *w_pinned;
    int *u_pinned_list, *w_pinned_list;
    int u_pinned_count, w_pinned_count;
    double *u_lower, *u_inv_pivot, *w_lower, *w_inv_pivot;
} level;

static int level_init(arena *a, level *g, int m, int n) {
    memset(g, 0, sizeof *g);
    g->m = m;
    g->n = n;
    g->cells = m * n;
    g->u_stride = transpose_stride(m);
    g->w_stride = transpose_stride(n);
    g->u_diag = arena_doubles(a, g->cells);
    g->u_off = arena_doubles(a, g->cells);
    g->w_diag = arena_doubles(a, g->cells);
    g->w_off = arena_doubles(a, g->cells);
    g->u_pinned = arena_zeros(a, (size_t) g->cells);
    g->w_pinned = arena_zeros(a, (size_t) g->cells);
    g->u_lower = arena_doubles(a, g->cells);
    g->u_inv_pivot = arena_doubles(a, g->cells);
    g->w_lower = arena_doubles(a, g->cells);
    g->w_inv_pivot = arena_doubles(a, g->cells);
    return !a->failed;
}

/* GridLevel.checkPinnedDecoupled */
static int check_pinned_decoupled(const level *g) {
    int m = g->m, n = g->n;
    for (int e = 0; e < g->u_pinned_count; e++) {
        int k = g->u_pinned_list[e];
        int j = k / m;
        int coupled = g->u_off[k] != 0 || (j + 1 < n && g->u_off[k + m] != 0);
        for (int s = 0; s < 4 && !coupled; s++) {
            coupled = g->cross[s] != NULL && g->cross[s][k] != 0;
        }
        if (coupled) {
            return 0;
        }
    }
    for (int e = 0; e < g->w_pinned_count; e++) {
        int k = g->w_pinned_list[e];
        int i = k / n;
        int coupled = g->w_off[k] != 0 || (i + 1 < m && g->w_off[k + n] != 0);
        for (int s = 0; s < 4 && !coupled; s++) {
            coupled = g->cross_t[s] != NULL && g->cross_t[s][k] != 0;
        }
        if (coupled) {
            return 0;
        }
    }
    return 1;
}

/* GridLevel.finish: identity rows for empty rows, the w-side couplings, the chain factors. */
static int level_finish(arena *a, level *g) {
    int cells = g->cells, m = g->m, n = g->n;
    int uc = 0, wc = 0;
    for (int k = 0; k < cells; k++) {
        if (g->u_diag[k] == 0) {
            g->u_diag[k] = 1;
            g->u_pinned[k] = 1;
        }
        if (g->w_diag[k] == 0) {
            g->w_diag[k] = 1;
            g->w_pinned[k] = 1;
        }
        uc += g->u_pinned[k];
        wc += g->w_pinned[k];
    }
    g->u_pinned_list = arena_zeros(a, (size_t) (uc > 0 ? uc : 1) * sizeof(int));
    g->w_pinned_list = arena_zeros(a, (size_t) (wc > 0 ? wc : 1) * sizeof(int));
    if (a->failed) {
        return XBAR_NO_MEMORY;
    }
    g->u_pinned_count = uc;
    g->w_pinned_count = wc;
    for (int k = 0, nu = 0, nw = 0; k < cells; k++) {
        if (g->u_pinned[k]) {
            g->u_pinned_list[nu++] = k;
        }
        if (g->w_pinned[k]) {
            g->w_pinned_list[nw++] = k;
        }
    }
    int full = g->cross[1] != NULL || g->cross[2] != NULL || g->cross[3] != NULL;
    for (int k = 0; k < (full ? 4 : 1); k++) {
        if (g->cross[k] == NULL) {
            g->cross[k] = arena_doubles(a, cells);
        }
        g->cross_t[k] = arena_doubles(a, cells);
        if (a->failed) {
            return XBAR_NO_MEMORY;
        }
        int ra = ROW_OFFSET[k];
        int cb = COL_OFFSET[k];
        int first_column = cb < 0 ? -cb : 0;
        if (first_column < n) {
            k_transpose(m - ra, first_column, n, g->cross[k], 0, m, g->cross_t[k], (long) ra * n + cb, n);
        }
    }
    if (!check_pinned_decoupled(g)) {
        return XBAR_PINNED_COUPLED;
    }
    k_factor(m, n, g->u_diag, g->u_off, g->u_lower, g->u_inv_pivot);
    k_factor(n, m, g->w_diag, g->w_off, g->w_lower, g->w_inv_pivot);
    return XBAR_OK;
}

/* Per-solve scratch of a level (GridLevel.Scratch): the other layer transposed, padded, after a zero row. */
typedef struct {
    double *u; /* w(I,J) at u_stride + J*u_stride + I */
    double *w; /* u(I,J) at w_stride + I*w_stride + J */
} scratch;

/* GridLevel.bitLayerAsWordLines */
static void bit_layer_as_word_lines(const level *g, const double *x, scratch *s) {
    k_transpose(g->n, 0, g->m, x, 0, g->n, s->u, g->u_stride, g->u_stride);
}

/* GridLevel.wordLayerAsBitLines */
static void word_layer_as_bit_lines(const level *g, const double *x, scratch *s) {
    k_transpose(g->m, 0, g->n, x, 0, g->m, s->w, g->w_stride, g->w_stride);
}

/* GridLevel.crossToWordLines: y_u = base_u + alpha * C x_w (x points at the w layer, base and y at u layers). */
static void cross_to_word_lines(const level *g, const double *xw, const double *base, double alpha, double *y,
                                scratch *s) {
    bit_layer_as_word_lines(g, xw, s);
    int m = g->m;
    for (int j = 0; j < g->n; j++) {
        long here = g->u_stride + (long) j * g->u_stride;
        long c = (long) j * m;
        k_couple(m, base + c, alpha, g->cross[0] + c, g->cross[1] ? g->cross[1] + c : NULL,
                 g->cross[2] ? g->cross[2] + c : NULL, g->cross[3] ? g->cross[3] + c : NULL, s->u + here,
                 s->u + here - g->u_stride, y + c);
    }
}

/* GridLevel.crossToBitLines: y_w = base_w + alpha * C^T x_u. Note the stencil order (0, 2, 1, 3). */
static void cross_to_bit_lines(const level *g, const double *xu, const double *base, double alpha, double *y,
                               scratch *s) {
    word_layer_as_bit_lines(g, xu, s);
    int n = g->n;
    for (int i = 0; i < g->m; i++) {
        long here = g->w_stride + (long) i * g->w_stride;
        long c = (long) i * n;
        k_couple(n, base + c, alpha, g->cross_t[0] + c, g->cross_t[2] ? g->cross_t[2] + c : NULL,
                 g->cross_t[1] ? g->cross_t[1] + c : NULL, g->cross_t[3] ? g->cross_t[3] + c : NULL, s->w + here,
                 s->w + here - g->w_stride, y + c);
    }
}

/* GridLevel.multiply: y = A x (both layers). */
static void level_multiply(const level *g, const double *x, double *y, scratch *s) {
    int cells = g->cells;
    k_multiply(g->m, g->n, g->u_diag, g->u_off, x, y);
    k_multiply(g->n, g->m, g->w_diag, g->w_off, x + cells, y + cells);
    cross_to_word_lines(g, x + cells, y, 1.0, y, s);
    cross_to_bit_lines(g, x, y + cells, 1.0, y + cells, s);
}

/* ---------------------------------------------------------------- Multigrid hierarchy (Multigrid) */

/* Multigrid.accumulateChain */
static void accumulate_chain(double *diag, double *off, int lines, int line, const interpolation *along, int p,
                             int q, double value, int is_diagonal) {
    for (int s = 0; s < 2; s++) {
        int ps = s == 0 ? along->first[p] : along->second[p];
        if (ps < 0) {
            continue;
        }
        double pw = s == 0 ? along->first_weight[p] : along->second_weight[p];
        for (int t = 0; t < 2; t++) {
            int qt = t == 0 ? along->first[q] : along->second[q];
            if (qt < 0) {
                continue;
            }
            double v = pw * (t == 0 ? along->first_weight[q] : along->second_weight[q]) * value;
            int lo = ps < qt ? ps : qt;
            int hi = ps < qt ? qt : ps;
            if (lo == hi) {
                diag[(long) lo * lines + line] += is_diagonal ? v : 2 * v;
            } else if (is_diagonal) {
                off[(long) hi * lines + line] += 0.5 * v;
            } else {
                off[(long) hi * lines + line] += v;
            }
        }
    }
}

/* Multigrid.addCrossEntry; returns 0 when the offset lies outside the stencil. */
static int add_cross_entry(double **cross, int *touched, const level *c, int iu, int ju, int iw, int jw, double v) {
    int da = iw - iu;
    int db = jw - ju;
    for (int k = 0; k < 4; k++) {
        if (ROW_OFFSET[k] == da && COL_OFFSET[k] == db) {
            touched[k] = 1;
            cross[k][(long) ju * c->m + iu] += v;
            return 1;
        }
    }
    return 0;
}

/* Multigrid.addCross */
static int add_cross(double **cross, int *touched, const level *c, int iu, int ju, double wu,
                     const interpolation *row_lin, int wi, int jw, double v) {
    int ok = add_cross_entry(cross, touched, c, iu, ju, row_lin->first[wi], jw, wu * row_lin->first_weight[wi] * v);
    if (row_lin->second[wi] >= 0) {
        ok &= add_cross_entry(cross, touched, c, iu, ju, row_lin->second[wi], jw, wu * row_lin->second_weight[wi] * v);
    }
    return ok;
}

/* Multigrid.galerkin: the coarse operator P^T A P of a, into c (sequential order of the Java passes). */
static int galerkin(arena *ar, const level *a, level *c, const interpolation *row_agg, const interpolation *row_lin,
                    const interpolation *col_agg, const interpolation *col_lin) {
    int mc = row_agg->coarse;
    int nc = col_lin->coarse;
    if (!level_init(ar, c, mc, nc)) {
        return XBAR_NO_MEMORY;
    }
    double *cross[4];
    int touched[4] = {0, 0, 0, 0};
    for (int k = 0; k < 4; k++) {
        cross[k] = arena_doubles(ar, c->cells);
    }
    if (ar->failed) {
        return XBAR_NO_MEMORY;
    }
    int am = a->m, an = a->n;
    for (int i = 0; i < am; i++) {
        int ic = row_agg->first[i];
        for (int j = 0; j < an; j++) {
            long f = (long) j * am + i;
            if (a->u_pinned[f]) {
                continue;
            }
            accumulate_chain(c->u_diag, c->u_off, mc, ic, col_lin, j, j, a->u_diag[f], 1);
            if (j > 0 && !a->u_pinned[f - am]) {
                accumulate_chain(c->u_diag, c->u_off, mc, ic, col_lin, j - 1, j, a->u_off[f], 0);
            }
        }
    }
    for (int k = 0; k < 4; k++) {
        const double *cf = a->cross[k];
        if (cf == NULL) {
            continue;
        }
        for (int j = 0; j < an; j++) {
            int wj = j + COL_OFFSET[k];
            if (wj < 0) {
                continue;
            }
            int jw = col_agg->first[wj];
            for (int i = 0; i < am; i++) {
                int wi = i + ROW_OFFSET[k];
                if (wi >= am) {
                    continue;
                }
                double v = cf[(long) j * am + i];
                if (v == 0) {
                    continue;
                }
                int iu = row_agg->first[i];
                if (!add_cross(cross, touched, c, iu, col_lin->first[j], col_lin->first_weight[j], row_lin, wi, jw, v)) {
                    return XBAR_PINNED_COUPLED;
                }
                if (col_lin->second[j] >= 0
                        && !add_cross(cross, touched, c, iu, col_lin->second[j], col_lin->second_weight[j], row_lin,
                                      wi, jw, v)) {
                    return XBAR_PINNED_COUPLED;
                }
            }
        }
    }
    for (int j = 0; j < an; j++) {
        int jc = col_agg->first[j];
        for (int i = 0; i < am; i++) {
            long f = (long) i * an + j;
            if (a->w_pinned[f]) {
                continue;
            }
            accumulate_chain(c->w_diag, c->w_off, nc, jc, row_lin, i, i, a->w_diag[f], 1);
            if (i > 0 && !a->w_pinned[f - an]) {
                accumulate_chain(c->w_diag, c->w_off, nc, jc, row_lin, i - 1, i, a->w_off[f], 0);
            }
        }
    }
    for (int k = 0; k < 4; k++) {
        if (touched[k]) {
            c->cross[k] = cross[k];
        }
    }
    return level_finish(ar, c);
}

/* Multigrid.dense: the coarsest level as a dense symmetric matrix, u unknowns first. */
static double *dense_level(arena *ar, const level *a) {
    int n2 = 2 * a->cells;
    double *d = arena_doubles(ar, (long) n2 * n2);
    if (d == NULL) {
        return NULL;
    }
    for (int j = 0; j < a->n; j++) {
        for (int i = 0; i < a->m; i++) {
            long k = (long) j * a->m + i;
            d[k * n2 + k] = a->u_diag[k];
            if (j > 0) {
                long p = k - a->m;
                d[k * n2 + p] = a->u_off[k];
                d[p * n2 + k] = a->u_off[k];
            }
        }
    }
    for (int i = 0; i < a->m; i++) {
        for (int j = 0; j < a->n; j++) {
            long k = a->cells + (long) i * a->n + j;
            d[k * n2 + k] = a->w_diag[i * a->n + j];
            if (i > 0) {
                long p = k - a->n;
                d[k * n2 + p] = a->w_off[i * a->n + j];
                d[p * n2 + k] = a->w_off[i * a->n + j];
            }
        }
    }
    for (int s = 0; s < 4; s++) {
        const double *c = a->cross[s];
        if (c == NULL) {
            continue;
        }
        for (int j = 0; j < a->n; j++) {
            for (int i = 0; i < a->m; i++) {
                int wi = i + ROW_OFFSET[s];
                int wj = j + COL_OFFSET[s];
                if (wi >= a->m || wj < 0) {
                    continue;
                }
                long u = (long) j * a->m + i;
                long w = a->cells + (long) wi * a->n + wj;
                d[u * n2 + w] += c[u];
                d[w * n2 + u] += c[u];
            }
        }
    }
    return d;
}

/* DenseCholesky.factor */
static int dense_factor(int n, double *a) {
    for (int j = 0; j < n; j++) {
        double d = a[(long) j * n + j];
        for (int k = 0; k < j; k++) {
            d -= a[(long) j * n + k] * a[(long) j * n + k];
        }
        if (!(d > 0)) {
            return XBAR_NOT_SPD;
        }
        d = sqrt(d);
        a[(long) j * n + j] = d;
        for (int i = j + 1; i < n; i++) {
            double s = a[(long) i * n + j];
            for (int k = 0; k < j; k++) {
                s -= a[(long) i * n + k] * a[(long) j * n + k];
            }
            a[(long) i * n + j] = s / d;
        }
    }
    return XBAR_OK;
}

/* DenseCholesky.solve */
static void dense_solve(int n, const double *l, double *b) {
    for (int i = 0; i < n; i++) {
        double s = b[i];
        for (int k = 0; k < i; k++) {
            s -= l[(long) i * n + k] * b[k];
        }
        b[i] = s / l[(long) i * n + i];
    }
    for (int i = n - 1; i >= 0; i--) {
        double s = b[i];
        for (int k = i + 1; k < n; k++) {
            s -= l[(long) k * n + i] * b[k];
        }
        b[i] = s / l[(long) i * n + i];
    }
}

/* ---------------------------------------------------------------- the programmed crossbar */

struct xbar_mg {
    arena mem;
    xbar_mg_params p;
    int m, n;
    const double *cell;  /* g' row-major (copy) */
    double *cell_u;      /* g' in word-line layout */
    double norm_a;
    double max_cell;
    int driven[2];
    int driven_count;
    int *sources_at;     /* per column */
    int *amplifiers_at;  /* per row */
    /* hierarchy */
    int levels;
    level *lv;
    interpolation *row_aggregate, *row_linear, *col_aggregate, *col_linear;
    double *coarse_factor;
    int coarse_unknowns;
    int sweeps;
    /* workspace of one solve (Multigrid.Workspace, MultigridMethod.Work, ConjugateGradient scratch) */
    double **wb, **wx, **wres, **wscr, **wsaved, **worig;
    scratch *wt;
    double *b, *x;
    double *r, *z, *pp, *q, *best;
    const double *v; /* the solve in progress */
};

static int sources_at(int drive, int column, int columns) {
    return (column == 0 && drive != 1 ? 1 : 0) + (column == columns - 1 && drive != 0 ? 1 : 0);
}

static int amplifiers_at(int sense, int row, int rows) {
    return (row == 0 && sense != 0 ? 1 : 0) + (row == rows - 1 && sense != 1 ? 1 : 0);
}

/* MultigridMethod.cellTerms: the cell-dependent entries of the finest level; returns ||A||_inf. */
static double cell_terms(xbar_mg *g) {
    const xbar_mg_params *c = &g->p;
    level *fine = &g->lv[0];
    int m = g->m, n = g->n;
    double gw = 1.0 / c->word_line;
    double gb = 1.0 / c->bit_line;
    double gs = c->source == 0 ? 0 : 1.0 / c->source;
    double gsense = c->sense == 0 ? 0 : 1.0 / c->sense;
    double *cr = fine->cross[0];
    double max_diag = 0;
    for (int j = 0; j < n; j++) {
        int ends = g->sources_at[j];
        int pinned = fine->u_pinned[(long) j * m];
        double max = 0;
        for (int i = 0; i < m; i++) {
            long u = (long) j * m + i;
            double diag = g->cell_u[u] + (j > 0 ? gw : 0) + (j + 1 < n ? gw : 0) + ends * gs;
            fine->u_diag[u] = pinned ? 1 : diag;
            if (!pinned) {
                max = dmax(max, diag);
            }
            cr[u] = pinned || fine->w_pinned[(long) i * n] ? 0 : -g->cell_u[u];
        }
        max_diag = dmax(max_diag, max);
    }
    for (int i = 0; i < m; i++) {
        int senses = g->amplifiers_at[i];
        int pinned = fine->w_pinned[(long) i * n];
        double max = 0;
        for (int j = 0; j < n; j++) {
            long w = (long) i * n + j;
            double diag = g->cell[w] + (i > 0 ? gb : 0) + (i + 1 < m ? gb : 0) + senses * gsense;
            fine->w_diag[w] = pinned ? 1 : diag;
            if (!pinned) {
                max = dmax(max, diag);
            }
        }
        max_diag = dmax(max_diag, max);
    }
    return 2 * max_diag;
}

/* MultigridMethod.assemble */
static int assemble(xbar_mg *g) {
    const xbar_mg_params *c = &g->p;
    level *fine = &g->lv[0];
    int m = g->m, n = g->n;
    int pin_source = c->source == 0;
    int pin_sense = c->sense == 0;
    double gw = 1.0 / c->word_line;
    double gb = 1.0 / c->bit_line;
    for (int j = 0; j < n; j++) {
        int pinned = pin_source && g->sources_at[j] > 0;
        int left_pinned = j > 0 && pin_source && g->sources_at[j - 1] > 0;
        int linked = j > 0 && !pinned && !left_pinned;
        for (int i = 0; i < m; i++) {
            fine->u_pinned[(long) j * m + i] = (unsigned char) pinned;
            if (linked) {
                fine->u_off[(long) j * m + i] = -gw;
            }
        }
    }
    for (int i = 0; i < m; i++) {
        int pinned = pin_sense && g->amplifiers_at[i] > 0;
        int above_pinned = i > 0 && pin_sense && g->amplifiers_at[i - 1] > 0;
        int linked = i > 0 && !pinned && !above_pinned;
        for (int j = 0; j < n; j++) {
            fine->w_pinned[(long) i * n + j] = (unsigned char) pinned;
            if (linked) {
                fine->w_off[(long) i * n + j] = -gb;
            }
        }
    }
    fine->cross[0] = arena_doubles(&g->mem, fine->cells);
    if (g->mem.failed) {
        return XBAR_NO_MEMORY;
    }
    g->norm_a = cell_terms(g);
    return XBAR_OK;
}

/* ConjugateGradient.currentConductance */
static double current_conductance(const double *cell, long count, const xbar_mg_params *c) {
    double max = k_max_abs(cell, count);
    if (max > 0) {
        return max;
    }
    double gs = c->source == 0 ? INFINITY : 1 / c->source;
    double gsense = c->sense == 0 ? INFINITY : 1 / c->sense;
    double min = gs <= gsense ? gs : gsense;
    return isinf(min) ? 0 : min;
}

/*
 * Multigrid.independentOnFree for Interpolation.linear(fine): whether the linear prolongation of one
 * direction has independent columns on the free points of every line (position q of line l at
 * q * lines + l). Coarse points form a path; a free point with one coarse point anchors it, one
 * with two links them; independent iff every linked run that a free point reaches holds an anchor.
 */
static int independent_on_free(arena *ar, int fine, const unsigned char *pinned, int lines) {
    int coarse = coarse_size(fine);
    unsigned char *flags = arena_zeros(ar, (size_t) 3 * coarse);
    if (flags == NULL) {
        return -1; /* out of memory: the caller fails (another hierarchy would change the bits) */
    }
    unsigned char *reached = flags, *anchored = flags + coarse, *linked = flags + 2 * coarse;
    int independent = 1;
    for (int l = 0; l < lines && independent; l++) {
        memset(flags, 0, (size_t) 3 * coarse);
        for (int q = 0; q < fine; q++) {
            if (pinned[(long) q * lines + l]) {
                continue;
            }
            int first = q / 2;
            int second = q % 2 == 0 || first + 1 >= coarse ? -1 : first + 1;
            reached[first] = 1;
            if (second < 0) {
                anchored[first] = 1;
            } else {
                reached[second] = 1;
                linked[first] = 1;
            }
        }
        int anchor = 0;
        for (int c = 0; c < coarse; c++) {
            anchor |= anchored[c];
            if (!linked[c]) {
                if (reached[c] && !anchor) {
                    independent = 0;
                    break;
                }
                anchor = 0;
            }
        }
    }
    return independent;
}

/* Multigrid(GridLevel finest): the hierarchy, the coarsest factor. */
static int build_hierarchy(xbar_mg *g) {
    arena *ar = &g->mem;
    int capacity = g->levels; /* allocated for */
    int count = 1;
    level *lv = g->lv;
    while (lv[count - 1].cells > COARSEST_CELLS) {
        level *a = &lv[count - 1];
        /* A direction is coarsened only where its linear prolongation stays independent on the free nodes. */
        int rows = a->m > 1 ? independent_on_free(ar, a->m, a->w_pinned, a->n) : 0;
        int cols = a->n > 1 ? independent_on_free(ar, a->n, a->u_pinned, a->m) : 0;
        if (rows < 0 || cols < 0) {
            return XBAR_NO_MEMORY;
        }
        if (!rows && !cols) {
            break;
        }
        if (count >= capacity) {
            return XBAR_BAD_ARGUMENT;
        }
        int k = count - 1;
        int ok = (rows ? interp_aggregate(ar, &g->row_aggregate[k], a->m) : interp_identity(ar, &g->row_aggregate[k], a->m))
                && (rows ? interp_linear(ar, &g->row_linear[k], a->m) : interp_identity(ar, &g->row_linear[k], a->m))
                && (cols ? interp_aggregate(ar, &g->col_aggregate[k], a->n) : interp_identity(ar, &g->col_aggregate[k], a->n))
                && (cols ? interp_linear(ar, &g->col_linear[k], a->n) : interp_identity(ar, &g->col_linear[k], a->n));
        if (!ok) {
            return XBAR_NO_MEMORY;
        }
        int status = galerkin(ar, a, &lv[count], &g->row_aggregate[k], &g->row_linear[k], &g->col_aggregate[k],
                              &g->col_linear[k]);
        if (status != XBAR_OK) {
            return status;
        }
        count++;
    }
    g->levels = count;
    level *coarsest = &lv[count - 1];
    g->coarse_unknowns = 2 * coarsest->cells;
    g->coarse_factor = dense_level(ar, coarsest);
    if (g->coarse_factor == NULL) {
        return XBAR_NO_MEMORY;
    }
    return dense_factor(g->coarse_unknowns, g->coarse_factor);
}

static int allocate_workspace(xbar_mg *g) {
    arena *ar = &g->mem;
    int L = g->levels;
    g->wb = arena_zeros(ar, (size_t) L * sizeof(double *));
    g->wx = arena_zeros(ar, (size_t) L * sizeof(double *));
    g->wres = arena_zeros(ar, (size_t) L * sizeof(double *));
    g->wscr = arena_zeros(ar, (size_t) L * sizeof(double *));
    g->wsaved = arena_zeros(ar, (size_t) L * sizeof(double *));
    g->worig = arena_zeros(ar, (size_t) L * sizeof(double *));
    g->wt = arena_zeros(ar, (size_t) L * sizeof(scratch));
    if (ar->failed) {
        return XBAR_NO_MEMORY;
    }
    for (int k = 0; k < L; k++) {
        level *a = &g->lv[k];
        g->wb[k] = arena_doubles(ar, 2L * a->cells);
        g->wx[k] = arena_doubles(ar, 2L * a->cells);
        g->wres[k] = arena_doubles(ar, a->cells);
        g->wscr[k] = arena_doubles(ar, a->cells);
        g->wt[k].u = arena_doubles(ar, (long) (a->n + 1) * a->u_stride);
        g->wt[k].w = arena_doubles(ar, (long) (a->m + 1) * a->w_stride);
        if (k > 0) {
            g->wsaved[k] = arena_doubles(ar, 2L * a->cells);
            g->worig[k] = arena_doubles(ar, 2L * a->cells);
        }
    }
    long mn2 = 2L * g->m * g->n;
    g->b = arena_doubles(ar, mn2);
    g->x = arena_doubles(ar, mn2);
    g->r = arena_doubles(ar, mn2);
    g->z = arena_doubles(ar, mn2);
    g->pp = arena_doubles(ar, mn2);
    g->q = arena_doubles(ar, mn2);
    g->best = arena_doubles(ar, mn2);
    return ar->failed ? XBAR_NO_MEMORY : XBAR_OK;
}

xbar_mg *xbar_mg_program(const xbar_mg_params *p, const double *cell, int *status) {
    *status = XBAR_BAD_ARGUMENT;
    if (p == NULL || cell == NULL || p->m < 1 || p->n < 1 || (long) p->m * p->n > (1L << 26)
            || !(p->word_line > 0) || !(p->bit_line > 0) || !(p->source >= 0) || !(p->sense >= 0)
            || p->drive < 0 || p->drive > 2 || p->sense_at < 0 || p->sense_at > 2 || p->max_iterations < 1
            || p->cycle_index < 1 || p->w_from < 0 || p->sweeps < 0) {
        return NULL;
    }
    xbar_mg *g = calloc(1, sizeof *g);
    if (g == NULL) {
        *status = XBAR_NO_MEMORY;
        return NULL;
    }
    g->p = *p;
    int m = g->m = p->m;
    int n = g->n = p->n;
    arena *ar = &g->mem;
    long mn = (long) m * n;
    /* About 45 doubles a cell: fine level 12, coarse levels 8, one solve's workspace 24. */
    ar->hint = (size_t) mn * 46 * sizeof(double) + 65536;
    double *cells = arena_doubles(ar, mn);
    g->cell_u = arena_doubles(ar, mn);
    g->sources_at = arena_zeros(ar, (size_t) n * sizeof(int));
    g->amplifiers_at = arena_zeros(ar, (size_t) m * sizeof(int));
    /* levels: each halves a coarsened direction, at most about log2(m) + log2(n) + 2 of them */
    int capacity = 2;
    for (long s = 1; s < m; s *= 2) {
        capacity++;
    }
    for (long s = 1; s < n; s *= 2) {
        capacity++;
    }
    g->levels = capacity;
    g->lv = arena_zeros(ar, (size_t) capacity * sizeof(level));
    g->row_aggregate = arena_zeros(ar, (size_t) capacity * sizeof(interpolation));
    g->row_linear = arena_zeros(ar, (size_t) capacity * sizeof(interpolation));
    g->col_aggregate = arena_zeros(ar, (size_t) capacity * sizeof(interpolation));
    g->col_linear = arena_zeros(ar, (size_t) capacity * sizeof(interpolation));
    if (ar->failed) {
        *status = XBAR_NO_MEMORY;
        xbar_mg_free(g);
        return NULL;
    }
    memcpy(cells, cell, (size_t) mn * sizeof(double));
    g->cell = cells;
    k_transpose(n, 0, m, cells, 0, n, g->cell_u, 0, m);
    g->max_cell = current_conductance(cells, mn, p);
    for (int j = 0; j < n; j++) {
        g->sources_at[j] = sources_at(p->drive, j, n);
    }
    for (int i = 0; i < m; i++) {
        g->amplifiers_at[i] = amplifiers_at(p->sense_at, i, m);
    }
    /* MultigridMethod.drivenColumns */
    if (p->drive == 2 && n > 1) {
        g->driven[0] = 0;
        g->driven[1] = n - 1;
        g->driven_count = 2;
    } else {
        g->driven[0] = p->drive != 1 ? 0 : n - 1;
        g->driven_count = 1;
    }
    int st = XBAR_NO_MEMORY;
    if (level_init(ar, &g->lv[0], m, n)) {
        st = assemble(g);
    }
    if (st == XBAR_OK) {
        st = level_finish(ar, &g->lv[0]);
    }
    if (st == XBAR_OK) {
        g->sweeps = p->sweeps > 0 ? p->sweeps : g->lv[0].cells <= TWO_SWEEP_CELLS ? 2 : 1;
        st = build_hierarchy(g);
    }
    if (st == XBAR_OK) {
        st = allocate_workspace(g);
    }
    if (st != XBAR_OK) {
        *status = st;
        xbar_mg_free(g);
        return NULL;
    }
    *status = XBAR_OK;
    return g;
}

long xbar_mg_bytes(const xbar_mg *g) {
    long total = 0;
    for (const chunk *c = g == NULL ? NULL : g->mem.head; c != NULL; c = c->next) {
        total += (long) c->size;
    }
    return total;
}

void xbar_mg_free(xbar_mg *g) {
    if (g != NULL) {
        arena_free(&g->mem);
        free(g);
    }
}

/* ---------------------------------------------------------------- the cycle (Multigrid.cycle) */

static void coarse_correction(xbar_mg *g, int k);

/* Multigrid.restrictLine */
static void restrict_line(const interpolation *along, const double *r, double *bc0, double w0, double *bc1,
                          double w1) {
    int count = along->fine;
    if (along->coarse == count) {
        for (int i = 0; i < count; i++) {
            double v = r[i];
            bc0[i] += w0 * v;
            bc1[i] += w1 * v;
        }
        return;
    }
    int pairs = count / 2;
    for (int ic = 0; ic < pairs; ic++) {
        double v = r[2 * ic] + r[2 * ic + 1];
        bc0[ic] += w0 * v;
        bc1[ic] += w1 * v;
    }
    if (count % 2 == 1) {
        double v = r[count - 1];
        bc0[pairs] += w0 * v;
        bc1[pairs] += w1 * v;
    }
}

/* Multigrid.restrictCrossResidual */
static void restrict_cross_residual(xbar_mg *g, int k, const double *dw, double *r, scratch *t, double *bc) {
    const level *a = &g->lv[k];
    memset(r, 0, (size_t) a->cells * sizeof(double));
    cross_to_word_lines(a, dw, r, -1.0, r, t);
    const interpolation *pi = &g->row_aggregate[k];
    const interpolation *pj = &g->col_linear[k];
    int mc = pi->coarse;
    for (int j = 0; j < a->n; j++) {
        int j1 = pj->second[j];
        restrict_line(pi, r + (long) j * a->m, bc + (long) pj->first[j] * mc, pj->first_weight[j],
                      bc + (long) (j1 >= 0 ? j1 : pj->first[j]) * mc, j1 >= 0 ? pj->second_weight[j] : 0);
    }
}

/* Multigrid.prolongLine */
static void prolong_line(const interpolation *along, const double *xc0, double w0, const double *xc1, double w1,
                         double *x) {
    int count = along->fine;
    if (along->coarse == count) {
        for (int i = 0; i < count; i++) {
            x[i] += w0 * xc0[i] + w1 * xc1[i];
        }
        return;
    }
    int pairs = count / 2;
    for (int ic = 0; ic < pairs; ic++) {
        double v = w0 * xc0[ic] + w1 * xc1[ic];
        x[2 * ic] += v;
        x[2 * ic + 1] += v;
    }
    if (count % 2 == 1) {
        x[count - 1] += w0 * xc0[pairs] + w1 * xc1[pairs];
    }
}

/* Multigrid.prolongAdd */
static void prolong_add(xbar_mg *g, int k, const double *xc, double *x) {
    const level *a = &g->lv[k];
    const level *c = &g->lv[k + 1];
    const interpolation *pi = &g->row_aggregate[k];
    const interpolation *pj = &g->col_linear[k];
    for (int j = 0; j < a->n; j++) {
        int j1 = pj->second[j];
        prolong_line(pi, xc + (long) pj->first[j] * c->m, pj->first_weight[j],
                     xc + (long) (j1 >= 0 ? j1 : pj->first[j]) * c->m, j1 >= 0 ? pj->second_weight[j] : 0,
                     x + (long) j * a->m);
    }
    const interpolation *qi = &g->row_linear[k];
    const interpolation *qj = &g->col_aggregate[k];
    for (int i = 0; i < a->m; i++) {
        int i1 = qi->second[i];
        prolong_line(qj, xc + c->cells + (long) qi->first[i] * c->n, qi->first_weight[i],
                     xc + c->cells + (long) (i1 >= 0 ? i1 : qi->first[i]) * c->n, i1 >= 0 ? qi->second_weight[i] : 0,
                     x + a->cells + (long) i * a->n);
    }
}

static void cycle(xbar_mg *g, int k) {
    level *a = &g->lv[k];
    double *b = g->wb[k];
    double *x = g->wx[k];
    int mn = a->cells;
    if (k == g->levels - 1) {
        memcpy(x, b, 2 * (size_t) mn * sizeof(double));
        dense_solve(g->coarse_unknowns, g->coarse_factor, x);
        return;
    }
    double *previous = g->wres[k];
    scratch *t = &g->wt[k];
    int sweeps = g->sweeps;
    for (int sweep = 0; sweep < sweeps; sweep++) {
        if (sweep == 0) {
            memcpy(x, b, (size_t) mn * sizeof(double));
        } else {
            cross_to_word_lines(a, x + mn, b, -1.0, x, t);
        }
        k_solve(a->m, a->n, a->u_lower, a->u_inv_pivot, a->u_off, x);
        if (sweep == sweeps - 1) {
            if (sweep == 0) {
                memset(previous, 0, (size_t) mn * sizeof(double));
            } else {
                memcpy(previous, x + mn, (size_t) mn * sizeof(double));
            }
        }
        cross_to_bit_lines(a, x, b + mn, -1.0, x + mn, t);
        k_solve(a->n, a->m, a->w_lower, a->w_inv_pivot, a->w_off, x + mn);
    }
    for (int i = 0; i < mn; i++) {
        previous[i] = x[mn + i] - previous[i];
    }
    double *bc = g->wb[k + 1];
    memset(bc, 0, 2 * (size_t) g->lv[k + 1].cells * sizeof(double));
    restrict_cross_residual(g, k, previous, g->wscr[k], t, bc);
    coarse_correction(g, k + 1);
    prolong_add(g, k, g->wx[k + 1], x);
    for (int sweep = 0; sweep < sweeps; sweep++) {
        cross_to_bit_lines(a, x, b + mn, -1.0, x + mn, t);
        k_solve(a->n, a->m, a->w_lower, a->w_inv_pivot, a->w_off, x + mn);
        cross_to_word_lines(a, x + mn, b, -1.0, x, t);
        k_solve(a->m, a->n, a->u_lower, a->u_inv_pivot, a->u_off, x);
    }
}

/* Multigrid.coarseCorrection */
static void coarse_correction(xbar_mg *g, int k) {
    cycle(g, k);
    if (k == g->levels - 1) {
        return;
    }
    double *b = g->wb[k];
    double *x = g->wx[k];
    double *saved = g->wsaved[k];
    double *original = g->worig[k];
    long len = 2L * g->lv[k].cells;
    int cycles = k >= g->p.w_from ? g->p.cycle_index : 1;
    for (int c = 1; c < cycles; c++) {
        memcpy(saved, x, (size_t) len * sizeof(double));
        memcpy(original, b, (size_t) len * sizeof(double));
        level_multiply(&g->lv[k], saved, b, &g->wt[k]);
        for (long i = 0; i < len; i++) {
            b[i] = original[i] - b[i];
        }
        cycle(g, k);
        for (long i = 0; i < len; i++) {
            x[i] += saved[i];
        }
        memcpy(b, original, (size_t) len * sizeof(double));
    }
}

/* Multigrid.precondition: z = M^-1 r. */
static void precondition(xbar_mg *g, const double *r, double *z) {
    long len = 2L * g->lv[0].cells;
    memcpy(g->wb[0], r, (size_t) len * sizeof(double));
    cycle(g, 0);
    memcpy(z, g->wx[0], (size_t) len * sizeof(double));
}

/* ---------------------------------------------------------------- MultigridMethod: residual, outputs */

/* MultigridMethod.branchResidual (no cell sources): r = b - A x from branch currents. */
static void branch_residual(xbar_mg *g, const double *x, double *r) {
    const xbar_mg_params *c = &g->p;
    level *fine = &g->lv[0];
    scratch *t = &g->wt[0];
    int m = g->m, n = g->n;
    long mn = (long) m * n;
    double gw = 1.0 / c->word_line;
    double gb = 1.0 / c->bit_line;
    double gs = c->source == 0 ? 0 : 1.0 / c->source;
    double gsense = c->sense == 0 ? 0 : 1.0 / c->sense;
    const double *v = g->v;
    bit_layer_as_word_lines(fine, x + mn, t);
    word_layer_as_bit_lines(fine, x, t);
    const double *wu = t->u;
    const double *uw = t->w;
    int ldu = fine->u_stride;
    int ldw = fine->w_stride;
    for (int j = 0; j < n; j++) {
        double to_driver = g->sources_at[j] * gs;
        double to_left = j > 0 ? gw : 0;
        double to_right = j + 1 < n ? gw : 0;
        long k0 = (long) j * m;
        long left = j > 0 ? k0 - m : k0;
        long right = j + 1 < n ? k0 + m : k0;
        long cell_at = ldu + (long) j * ldu;
        for (int i = 0; i < m; i++) {
            double u = x[k0 + i];
            double flow = g->cell_u[k0 + i] * (u - wu[cell_at + i]) + to_left * (u - x[left + i])
                    + to_right * (u - x[right + i]);
            r[k0 + i] = to_driver * (v[i] - u) - flow;
        }
    }
    for (int i = 0; i < m; i++) {
        double to_sense = g->amplifiers_at[i] * gsense;
        double up = i > 0 ? gb : 0;
        double down = i + 1 < m ? gb : 0;
        long k0 = mn + (long) i * n;
        long above = i > 0 ? k0 - n : k0;
        long below = i + 1 < m ? k0 + n : k0;
        long cell_at = ldw + (long) i * ldw;
        long c0 = (long) i * n;
        for (int j = 0; j < n; j++) {
            double w = x[k0 + j];
            double flow = to_sense * w - g->cell[c0 + j] * (uw[cell_at + j] - w) + up * (w - x[above + j])
                    + down * (w - x[below + j]);
            r[k0 + j] = -flow;
        }
    }
    for (int e = 0; e < fine->u_pinned_count; e++) {
        r[fine->u_pinned_list[e]] = 0;
    }
    for (int e = 0; e < fine->w_pinned_count; e++) {
        r[mn + fine->w_pinned_list[e]] = 0;
    }
}

/* MultigridMethod.rightHandSide (no cell sources). */
static void right_hand_side(xbar_mg *g, const double *v, double *b) {
    const xbar_mg_params *c = &g->p;
    const level *fine = &g->lv[0];
    int m = g->m, n = g->n;
    long mn = (long) m * n;
    memset(b, 0, 2 * (size_t) mn * sizeof(double));
    int pin_source = c->source == 0;
    double gs = pin_source ? 0 : 1.0 / c->source;
    double gw = 1.0 / c->word_line;
    for (int e = 0; e < g->driven_count; e++) {
        int col = g->driven[e];
        for (int i = 0; i < m; i++) {
            long u = (long) col * m + i;
            if (!pin_source) {
                int ends = g->sources_at[col];
                b[u] = ends * gs * v[i];
                continue;
            }
            b[u] = v[i];
            int nbs[2] = {col - 1, col + 1};
            for (int s = 0; s < 2; s++) {
                int nb = nbs[s];
                if (nb >= 0 && nb < n && !fine->u_pinned[(long) nb * m + i]) {
                    b[(long) nb * m + i] += gw * v[i];
                }
            }
            if (!fine->w_pinned[(long) i * n + col]) {
                b[mn + (long) i * n + col] += g->cell[(long) i * n + col] * v[i];
            }
        }
    }
}

/* MultigridMethod.outputs: I[j] = sum_i g'(i,j) (u(i,j) - w(i,j)); node voltages on request. */
static void outputs(xbar_mg *g, const double *x, double *currents, double *u, double *w) {
    const level *fine = &g->lv[0];
    scratch *t = &g->wt[0];
    int m = g->m, n = g->n;
    long mn = (long) m * n;
    memset(currents, 0, (size_t) n * sizeof(double));
    word_layer_as_bit_lines(fine, x, t);
    int ld = fine->w_stride;
    for (int i = 0; i < m; i++) {
        long k0 = (long) i * n;
        long u_at = ld + (long) i * ld;
        for (int j = 0; j < n; j++) {
            currents[j] += g->cell[k0 + j] * (t->w[u_at + j] - x[mn + k0 + j]);
        }
        if (u != NULL) {
            memcpy(u + k0, t->w + u_at, (size_t) n * sizeof(double));
            memcpy(w + k0, x + mn + k0, (size_t) n * sizeof(double));
        }
    }
}

/* ---------------------------------------------------------------- ConjugateGradient.solve */

static double scaled_residual(double norm_r, double norm_a, double norm_x, double norm_b) {
    double d = norm_a * norm_x + norm_b;
    return d == 0 ? 0 : norm_r / d;
}

/* Returns XBAR_OK or XBAR_NOT_CONVERGED; *residual and *iterations as ConjugateGradient.Stats. */
static int cg_solve(xbar_mg *g, const double *b, double *x, double current_scale, double *residual_out,
                    int *iterations_out) {
    const xbar_mg_params *o = &g->p;
    double *r = g->r, *z = g->z, *p = g->pp, *q = g->q, *best = g->best;
    double norm_a = g->norm_a;
    double absolute = o->current_tolerance * current_scale;
    long n = 2L * g->m * g->n;
    size_t bytes = (size_t) n * sizeof(double);
    double norm_b = k_max_abs(b, n);
    branch_residual(g, x, r);
    double norm_r0 = k_max_abs(r, n);
    double norm_x = k_max_abs(x, n);
    double residual = scaled_residual(norm_r0, norm_a, norm_x, norm_b);
    if ((residual <= o->tolerance && norm_r0 <= absolute) || (norm_b == 0 && norm_x == 0)) {
        *residual_out = residual;
        *iterations_out = 0;
        return XBAR_OK;
    }
    double best_residual = norm_r0;
    memcpy(best, x, bytes);
    int since_improvement = 0;
    double last_true_residual = norm_r0;
    precondition(g, r, z);
    memcpy(p, z, bytes);
    double rz = k_dot(r, z, n);
    int it = 0;
    while (it < o->max_iterations) {
        it++;
        level_multiply(&g->lv[0], p, q, &g->wt[0]);
        double pq = k_dot(p, q, n);
        if (!(pq > 0)) {
            break;
        }
        double alpha = rz / pq;
        k_axpy(alpha, p, x, n);
        k_axpy(-alpha, q, r, n);
        double norm_r = k_max_abs(r, n);
        double estimate = scaled_residual(norm_r, norm_a, norm_x, norm_b);
        if (estimate <= o->tolerance && (norm_r <= absolute || norm_r <= o->refine_drop * last_true_residual)) {
            branch_residual(g, x, r);
            norm_r = k_max_abs(r, n);
            norm_x = k_max_abs(x, n);
            residual = scaled_residual(norm_r, norm_a, norm_x, norm_b);
            if (residual <= o->tolerance && norm_r <= absolute) {
                *residual_out = residual;
                *iterations_out = it;
                return XBAR_OK;
            }
            if (norm_r > 0.5 * last_true_residual && residual <= o->tolerance) {
                *residual_out = residual;
                *iterations_out = it;
                return XBAR_OK;
            }
            last_true_residual = norm_r;
            precondition(g, r, z);
            memcpy(p, z, bytes);
            rz = k_dot(r, z, n);
        } else {
            precondition(g, r, z);
            double rz_new = k_dot(r, z, n);
            double beta = rz_new / rz;
            rz = rz_new;
            k_xpay(z, beta, p, n);
        }
        if (norm_r < 0.5 * best_residual) {
            best_residual = norm_r;
            memcpy(best, x, bytes);
            since_improvement = 0;
        } else if (++since_improvement >= 20) {
            break;
        }
    }
    branch_residual(g, x, r);
    residual = scaled_residual(k_max_abs(r, n), norm_a, k_max_abs(x, n), norm_b);
    double *candidate = z;
    memcpy(candidate, best, bytes);
    branch_residual(g, candidate, q);
    double best_true = scaled_residual(k_max_abs(q, n), norm_a, k_max_abs(candidate, n), norm_b);
    if (best_true < residual) {
        memcpy(x, candidate, bytes);
        residual = best_true;
    }
    *residual_out = residual;
    *iterations_out = it;
    return residual <= o->required_residual ? XBAR_OK : XBAR_NOT_CONVERGED;
}

/* MultigridMethod.smallestNonzero */
static double smallest_nonzero(const double *v, int count) {
    double m = INFINITY;
    for (int k = 0; k < count; k++) {
        if (v[k] != 0) {
            double a = fabs(v[k]);
            m = a <= m ? a : m;
        }
    }
    return m;
}

/* MultigridMethod.solve (a cold workspace, no cell sources). */
int xbar_mg_solve(xbar_mg *g, const double *v, double *currents, double *u, double *w, double *residual,
                  int *iterations) {
    if (g == NULL || v == NULL || currents == NULL || residual == NULL || iterations == NULL
            || ((u == NULL) != (w == NULL))) {
        return XBAR_BAD_ARGUMENT;
    }
    int m = g->m;
    long mn = (long) m * g->n;
    const level *fine = &g->lv[0];
    right_hand_side(g, v, g->b);
    memset(g->x, 0, 2 * (size_t) mn * sizeof(double));
    for (long k = 0; k < mn; k++) {
        if (fine->u_pinned[k]) {
            g->x[k] = g->b[k];
        }
    }
    g->v = v;
    double scale = g->max_cell * k_max_abs(v, m);
    int it = 0;
    double res = 0;
    int status = cg_solve(g, g->b, g->x, scale, &res, &it);
    if (status == XBAR_OK) {
        outputs(g, g->x, currents, NULL, NULL);
        double smallest = smallest_nonzero(currents, g->n);
        if (smallest < scale) {
            int more = 0;
            status = cg_solve(g, g->b, g->x, smallest, &res, &more);
            /* Java reports the sum; a ConvergenceException names the failing solve's own count. */
            it = status == XBAR_OK ? it + more : more;
        }
    }
    g->v = NULL;
    *residual = res;
    *iterations = it;
    if (status != XBAR_OK) {
        return status;
    }
    outputs(g, g->x, currents, u, w);
    return XBAR_OK;
}
