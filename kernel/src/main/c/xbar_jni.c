/*
 * xbar_jni.c: the JNI entry points of io.xbar.kernel.NativeMultigrid, and the CPU check.
 *
 * Compiled for baseline x86-64 (no -march): the JVM calls cpuSupported0 before anything of the
 * x86-64-v3 core runs. Every solve is stateless (program, solve, free). Arrays are copied in and out
 * with Get/Set<Type>ArrayRegion, so no JNI critical region is held during a solve that may take
 * seconds (a held region stalls the garbage collector of other threads); the copies cost a few
 * milliseconds at 1024 x 1024, next to a solve of hundreds. NativeMultigrid checks every length
 * before the call; the checks here only keep a bad call from touching memory it does not own.
 */
#include <jni.h>
#include <stdint.h>
#include <stdlib.h>

#include "xbar_multigrid.h"

#define REAL_COUNT 8 /* wordLine, bitLine, source, sense, tolerance, currentTolerance, requiredResidual, refineDrop */
#define INT_COUNT 6  /* drive, sense, maxIterations, sweeps, cycleIndex, wFrom */

int xbar_mg_cpu_supported(void) {
#if defined(__x86_64__) && defined(__GNUC__)
    /* libgcc sets avx2 only when the OS saves the YMM registers (XGETBV), so this also covers the OS. */
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1 : 0;
#else
    return 0;
#endif
}

JNIEXPORT jint JNICALL Java_io_xbar_kernel_NativeMultigrid_cpuSupported0(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return xbar_mg_cpu_supported();
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

    int status = XBAR_NO_MEMORY;
    double *g = copy_in(env, cell, nodes);
    double *vin = g != NULL ? copy_in(env, v, rows) : NULL; /* no JNI call with an exception pending */
    double *i_out = malloc(cols * sizeof(double));
    double *u_out = u != NULL ? malloc(nodes * sizeof(double)) : NULL;
    double *w_out = u != NULL ? malloc(nodes * sizeof(double)) : NULL;
    xbar_mg *mg = NULL;
    if (g != NULL && vin != NULL && i_out != NULL && (u == NULL || (u_out != NULL && w_out != NULL))
        && (mg = xbar_mg_program(&p, g, &status)) != NULL) {
        double residual = 0.0;
        int iterations = 0;
        status = xbar_mg_solve(mg, vin, i_out, u_out, w_out, &residual, &iterations);
        jdouble s[2] = {residual, (jdouble) iterations};
        (*env)->SetDoubleArrayRegion(env, stats, 0, 2, s);
        if (status == XBAR_OK) {
            (*env)->SetDoubleArrayRegion(env, currents, 0, n, i_out);
            if (u != NULL) {
                (*env)->SetDoubleArrayRegion(env, u, 0, (jsize) nodes, u_out);
                (*env)->SetDoubleArrayRegion(env, w, 0, (jsize) nodes, w_out);
            }
        }
    }
    if (mg != NULL) {
        xbar_mg_free(mg);
    }
    free(w_out);
    free(u_out);
    free(i_out);
    free(vin);
    free(g);
    return status;
}
