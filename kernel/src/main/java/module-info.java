/**
 * The crossbar circuit of MODEL.md and everything computed on it: the exact solvers
 * ({@link io.xbar.kernel.CrossbarSolver}), transfer matrices ({@link io.xbar.kernel.TransferMatrix}),
 * and the mapping layer ({@code io.xbar.mapping}: quantization, bit slicing, tiling, MDM, and the one
 * read-out path {@link io.xbar.mapping.TiledMvm}: DAC cycles, ADC, level sums, NF).
 */
module io.xbar.kernel {
    requires io.xbar.blas;
    requires jdk.incubator.vector;

    exports io.xbar.kernel;
    exports io.xbar.mapping;
}
