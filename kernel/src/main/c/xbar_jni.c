/*
 * xbar_jni.c: the JNI entry points of io.xbar.kernel.NativeMultigrid, the CPU check and the choice of
 * the core's instruction set.
 *
 * Compiled for baseline x86-64 (no -march): the JVM calls select0 before anything of the core runs.
 * The core is linked twice (build.sh): for x86-64-v4 (AVX-512) and for x86-64-v3 (AVX2, FMA), with
 * the same operations, so the same bits; select0 picks the widest the CPU runs. A programmed
 * crossbar remembers the variant that built it; solve0 programs, solves and frees in one call. Arrays are copied in and out with
 * Get/Set<Type>ArrayRegion, so no JNI critical region is held during a solve that may take seconds
 * (a held region stalls the garbage collector of other threads); the copies cost a few milliseconds
 * at 1024 x 1024, next to a solve of hundreds. NativeMultigrid checks every length before the call;
 * the checks here only keep a bad call from touching memory it does not own.
 */
#include <jni.h>
#include <stdint.h>
#include <stdlib.h>

#include "xbar_multigrid.h"

/* The core, built once per instruction set (xbar_multigrid.c with -DXBAR_MG_SUFFIX). */
#define XBAR_MG_VARIANT(suffix)                                                                    \
    xbar_mg *xbar_mg_program##suffix(const xbar_mg_params *p, const double *cell, int *status);    \
    int xbar_mg_solve##suffix(xbar_mg *mg, const double *v, double *currents, double *u, double *w, \
                              double *residual, int *iterations);                                  \
    void xbar_mg_free##suffix(xbar_mg *mg);                                                        \
    long xbar_mg_bytes##suffix(const xbar_mg *mg);
XBAR_MG_VARIANT(_v3)
XBAR_MG_VARIANT(_v4)

typedef struct {
    int level; /* 3: x86-64-v3, 4: x86-64-v4 */
    xbar_mg *(*program)(const xbar_mg_params *, const double *, int *);
    int (*solve)(xbar_mg *, const double *, double *, double *, double *, double *, int *);
    void (*free)(xbar_mg *);
    long (*bytes)(const xbar_mg *);
} core;

static const core V3 = {3, xbar_mg_program_v3, xbar_mg_solve_v3, xbar_mg_free_v3, xbar_mg_bytes_v3};
static const core V4 = {4, xbar_mg_program_v4, xbar_mg_solve_v4, xbar_mg_free_v4, xbar_mg_bytes_v4};
/* The variant in use; NULL until select0 found one the CPU runs. */
static const core *volatile chosen = NULL;

/* A programmed crossbar with the variant that built it. */
typedef struct {
    const core *core;
    xbar_mg *mg;
    int m, n; /* its shape: every call on it is checked against it */
} handle;

#define REAL_COUNT 8 /* wordLine, bitLine, source, sense, tolerance, currentTolerance, requiredResidual, refineDrop */
#define INT_COUNT 6  /* drive, sense, maxIterations, sweeps, cycleIndex, wFrom */

/*
 * x86-64-v3: AVX2, FMA, BMI1/2, LZCNT, MOVBE, F16C (the compiler may use any of them at that level).
 * libgcc reports AVX only when the OS saves the YMM/ZMM registers (XGETBV), so this covers the OS too.
 */
int xbar_mg_cpu_supported(void) {
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
#if __GNUC__ >= 12
    return __builtin_cpu_supports("x86-64-v3") ? 1 : 0;
#else
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi")
           && __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("lzcnt") && __builtin_cpu_supports("movbe")
           && __builtin_cpu_supports("f16c") ? 1 : 0;
#endif
#else
    return 0;
#endif
}

/* x86-64-v4: x86-64-v3 and AVX-512 F, BW, CD, DQ and VL. */
static int cpu_runs_v4(void) {
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
#if __GNUC__ >= 12
    return __builtin_cpu_supports("x86-64-v4") ? 1 : 0;
#else
    return xbar_mg_cpu_supported() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
           && __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq")
           && __builtin_cpu_supports("avx512vl");
#endif
#else
    return 0;
#endif
}

/*
 * Chooses the core: want 0 takes the widest this CPU runs, 3 or 4 asks for that one (tests compare
 * both; 4 falls back to 3 on a CPU without AVX-512). Returns the level in use, or 0 when the CPU runs
 * neither (then nothing else here may be called).
 */
JNIEXPORT jint JNICALL Java_io_xbar_kernel_NativeMultigrid_select0(JNIEnv *env, jclass cls, jint want) {
    (void) env;
    (void) cls;
    if (!xbar_mg_cpu_supported()) {
        chosen = NULL;
        return 0;
    }
    chosen = want != 3 && cpu_runs_v4() ? &V4 : &V3;
    return chosen->level;
}

/* A copy of a Java double[] of exactly length elements, or NULL (length 0 gives a 1-element buffer). */
static double *copy_in(JNIEnv *env, jdoubleArray a, size_t length) {
    double *p = malloc((length > 0 ? length : 1) * sizeof(double));
    if (p != NULL && length > 0) {
        (*env)->GetDoubleArrayRegion(env, a, 0, (jsize) length, p);
        if ((*env)->ExceptionCheck(env)) {
            free(p);
            return NULL;
        }
    }
    return p;
}

static int length_is(JNIEnv *env, jarray a, size_t length) {
    return a != NULL && (size_t) (*env)->GetArrayLength(env, a) == length;
}

static int solve_and_copy_out(JNIEnv *env, const handle *h, size_t rows, size_t cols, jdoubleArray v,
                              jdoubleArray currents, jdoubleArray u, jdoubleArray w, jdoubleArray stats);

/* The parameters from NativeMultigrid's real and ints arrays (lengths checked by the caller). */
static xbar_mg_params params(JNIEnv *env, jint m, jint n, jdoubleArray real, jintArray ints) {
    jdouble r[REAL_COUNT];
    jint k[INT_COUNT];
    (*env)->GetDoubleArrayRegion(env, real, 0, REAL_COUNT, r);
    (*env)->GetIntArrayRegion(env, ints, 0, INT_COUNT, k);
    xbar_mg_params p = {
        .m = m, .n = n,
        .word_line = r[0], .bit_line = r[1], .source = r[2], .sense = r[3],
        .drive = k[0], .sense_at = k[1],
        .tolerance = r[4], .current_tolerance = r[5], .max_iterations = k[2],
        .required_residual = r[6], .refine_drop = r[7],
        .sweeps = k[3], .cycle_index = k[4], .w_from = k[5],
    };
    return p;
}

JNIEXPORT jint JNICALL Java_io_xbar_kernel_NativeMultigrid_solve0(JNIEnv *env, jclass cls, jint m, jint n,
        jdoubleArray real, jintArray ints, jdoubleArray cell, jdoubleArray v, jdoubleArray currents,
        jdoubleArray u, jdoubleArray w, jdoubleArray stats) {
    (void) cls;
    if (m < 1 || n < 1 || (u == NULL) != (w == NULL)) {
        return XBAR_BAD_ARGUMENT;
    }
    size_t rows = (size_t) m, cols = (size_t) n, nodes = rows * cols;
    if (!length_is(env, real, REAL_COUNT) || !length_is(env, ints, INT_COUNT) || !length_is(env, cell, nodes)
        || !length_is(env, v, rows) || !length_is(env, currents, cols) || !length_is(env, stats, 2)
        || (u != NULL && (!length_is(env, u, nodes) || !length_is(env, w, nodes)))) {
        return XBAR_BAD_ARGUMENT;
    }

    xbar_mg_params p = params(env, m, n, real, ints);

    const core *c = chosen;
    int status = c == NULL ? XBAR_BAD_ARGUMENT : XBAR_NO_MEMORY;
    double *g = c != NULL ? copy_in(env, cell, nodes) : NULL;
    handle h = {c, NULL, m, n};
    if (g != NULL && (h.mg = c->program(&p, g, &status)) != NULL) {
        status = solve_and_copy_out(env, &h, rows, cols, v, currents, u, w, stats);
        c->free(h.mg);
    }
    free(g);
    return status;
}

/* Solves on a programmed crossbar: the outputs as solve0's, written only on XBAR_OK; stats always. */
static int solve_and_copy_out(JNIEnv *env, const handle *h, size_t rows, size_t cols, jdoubleArray v,
                              jdoubleArray currents, jdoubleArray u, jdoubleArray w, jdoubleArray stats) {
    size_t nodes = rows * cols;
    int status = XBAR_NO_MEMORY;
    double *vin = copy_in(env, v, rows);
    double *i_out = malloc(cols * sizeof(double));
    double *u_out = u != NULL ? malloc(nodes * sizeof(double)) : NULL;
    double *w_out = u != NULL ? malloc(nodes * sizeof(double)) : NULL;
    if (vin != NULL && i_out != NULL && (u == NULL || (u_out != NULL && w_out != NULL))) {
        double residual = 0.0;
        int iterations = 0;
        status = h->core->solve(h->mg, vin, i_out, u_out, w_out, &residual, &iterations);
        jdouble s[2] = {residual, (jdouble) iterations};
        (*env)->SetDoubleArrayRegion(env, stats, 0, 2, s);
        if (status == XBAR_OK) {
            (*env)->SetDoubleArrayRegion(env, currents, 0, (jsize) cols, i_out);
            if (u != NULL) {
                (*env)->SetDoubleArrayRegion(env, u, 0, (jsize) nodes, u_out);
                (*env)->SetDoubleArrayRegion(env, w, 0, (jsize) nodes, w_out);
            }
        }
    }
    free(w_out);
    free(u_out);
    free(i_out);
    free(vin);
    return status;
}

/*
 * Programs a crossbar that stays in native memory until free0: returns its address, or 0 with the
 * status in status[0]. One solve at a time may use it (NativeCrossbar hands it to one thread).
 */
JNIEXPORT jlong JNICALL Java_io_xbar_kernel_NativeMultigrid_program0(JNIEnv *env, jclass cls, jint m, jint n,
        jdoubleArray real, jintArray ints, jdoubleArray cell, jintArray status_out) {
    (void) cls;
    jint status = XBAR_BAD_ARGUMENT;
    handle *h = NULL;
    const core *c = chosen;
    if (m >= 1 && n >= 1 && length_is(env, status_out, 1) && length_is(env, real, REAL_COUNT)
        && length_is(env, ints, INT_COUNT) && length_is(env, cell, (size_t) m * (size_t) n)) {
        status = XBAR_NO_MEMORY;
        xbar_mg_params p = params(env, m, n, real, ints);
        double *g = c != NULL ? copy_in(env, cell, (size_t) m * (size_t) n) : NULL;
        h = g != NULL ? calloc(1, sizeof *h) : NULL;
        if (c == NULL) {
            status = XBAR_BAD_ARGUMENT;
        } else if (h != NULL) {
            int st = XBAR_NO_MEMORY;
            h->core = c;
            h->m = m;
            h->n = n;
            h->mg = c->program(&p, g, &st);
            status = st;
        }
        free(g);
        if (h != NULL && h->mg == NULL) {
            free(h);
            h = NULL;
        }
    }
    if (status_out != NULL && (*env)->GetArrayLength(env, status_out) >= 1) {
        (*env)->SetIntArrayRegion(env, status_out, 0, 1, &status);
    }
    return (jlong) (intptr_t) h;
}

JNIEXPORT jint JNICALL Java_io_xbar_kernel_NativeMultigrid_solveProgrammed0(JNIEnv *env, jclass cls, jlong address,
        jint m, jint n, jdoubleArray v, jdoubleArray currents, jdoubleArray u, jdoubleArray w, jdoubleArray stats) {
    (void) cls;
    const handle *h = (const handle *) (intptr_t) address;
    size_t rows = (size_t) m, cols = (size_t) n, nodes = rows * cols;
    if (h == NULL || m != h->m || n != h->n || (u == NULL) != (w == NULL) || !length_is(env, v, rows)
        || !length_is(env, currents, cols) || !length_is(env, stats, 2)
        || (u != NULL && (!length_is(env, u, nodes) || !length_is(env, w, nodes)))) {
        return XBAR_BAD_ARGUMENT;
    }
    return solve_and_copy_out(env, h, rows, cols, v, currents, u, w, stats);
}

JNIEXPORT jlong JNICALL Java_io_xbar_kernel_NativeMultigrid_bytes0(JNIEnv *env, jclass cls, jlong address) {
    (void) env;
    (void) cls;
    const handle *h = (const handle *) (intptr_t) address;
    return h == NULL ? 0 : (jlong) h->core->bytes(h->mg);
}

JNIEXPORT void JNICALL Java_io_xbar_kernel_NativeMultigrid_free0(JNIEnv *env, jclass cls, jlong address) {
    (void) env;
    (void) cls;
    handle *h = (handle *) (intptr_t) address;
    if (h != NULL) {
        h->core->free(h->mg);
        free(h);
    }
}
