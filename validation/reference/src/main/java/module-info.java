/**
 * The one independent oracle every module's tests compare against
 * ({@link io.xbar.reference.ReferenceSolver}: the full nodal system by LAPACK), hand solutions, and
 * the seeded workloads shared by tests and benchmarks.
 */
module io.xbar.reference {
    requires transitive io.xbar.kernel;
    requires io.xbar.blas;

    exports io.xbar.reference;
}
