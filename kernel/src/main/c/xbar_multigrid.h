/*
 * xbar_multigrid.h: the multigrid-preconditioned CG solve of a crossbar with resistive word and
 * bit lines, in C, rounding exactly as the Java kernel (io.xbar.kernel.MultigridMethod on the
 * scalar line kernels, which the Vector API kernels equal bit for bit).
 *
 * Why it exists: a fresh JVM interprets the Java solver for its first calls (about 50x slower than
 * warm); this compiled twin answers those calls with the same bits while the JIT warms up
 * (io.xbar.kernel.NativeMultigrid, issue 17). Single-threaded; the Java code combines its parallel
 * pieces in a fixed order, which is this code's sequential order.
 *
 * Inputs are those the Java solver sees after io.xbar.kernel.Scaling: scaled cell conductances and
 * scaled resistances (0 = exact short for source and sense; word_line, bit_line > 0).
 */
#ifndef XBAR_MULTIGRID_H
#define XBAR_MULTIGRID_H

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes. */
#define XBAR_OK 0
#define XBAR_NOT_CONVERGED 1   /* residual above required_residual: Java throws ConvergenceException */
#define XBAR_NOT_SPD 2         /* coarse-grid Cholesky met a pivot <= 0 */
#define XBAR_PINNED_COUPLED 3  /* a pinned node is coupled (a bug: Java throws IllegalStateException) */
#define XBAR_NO_MEMORY 4
#define XBAR_BAD_ARGUMENT 5

typedef struct {
    int m, n;                 /* rows (word lines) and columns (bit lines), >= 1 */
    double word_line;         /* r_wl (scaled), > 0 */
    double bit_line;          /* r_bl (scaled), > 0 */
    double source;            /* r_source (scaled), >= 0; 0 pins the driven nodes */
    double sense;             /* r_sense (scaled), >= 0; 0 pins the sensed nodes */
    int drive;                /* 0 LEFT, 1 RIGHT, 2 BOTH (io.xbar.kernel.Drive ordinal) */
    int sense_at;             /* 0 BOTTOM, 1 TOP, 2 BOTH (io.xbar.kernel.Sense ordinal) */
    double tolerance;         /* SolverOptions.tolerance */
    double current_tolerance; /* SolverOptions.currentTolerance */
    int max_iterations;       /* SolverOptions.maxIterations */
    double required_residual; /* SolverOptions.REQUIRED_RESIDUAL */
    double refine_drop;       /* Tuning.refineDrop */
    int sweeps;               /* Tuning.smoothingSweeps (0: by size) */
    int cycle_index;          /* Tuning.cycleIndex */
    int w_from;               /* Tuning.cycleFromLevel */
} xbar_mg_params;

typedef struct xbar_mg xbar_mg; /* a programmed crossbar: fine level, hierarchy, coarse factor */

/* Programs a crossbar: cell is the scaled g', row-major m x n. On failure returns NULL and sets *status. */
xbar_mg *xbar_mg_program(const xbar_mg_params *p, const double *cell, int *status);

/*
 * Solves for scaled input voltages v (length m): currents (length n, scaled as the Java solver's
 * before unscaling), and when u and w are not NULL the node voltages (row-major m x n).
 * residual and iterations as ConjugateGradient.Stats. Returns a status code; on XBAR_NOT_CONVERGED
 * residual and iterations say what was reached and the outputs are not written.
 */
int xbar_mg_solve(xbar_mg *mg, const double *v, double *currents, double *u, double *w, double *residual,
                  int *iterations);

void xbar_mg_free(xbar_mg *mg);

/* Bytes mapped for a programmed crossbar (its levels and the workspace of one solve). */
long xbar_mg_bytes(const xbar_mg *mg);

/* 1 when this CPU runs the library (it is compiled for x86-64-v3: AVX2 and FMA), else 0. */
int xbar_mg_cpu_supported(void);

#ifdef __cplusplus
}
#endif
#endif
