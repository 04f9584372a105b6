/**
 * OpenBLAS and LAPACK for xbar: {@link io.xbar.blas.Blas} and {@link io.xbar.blas.Lapack} check
 * shapes and translate LAPACK's {@code info}; JavaCPP's presets ship and load the library, FFM
 * downcalls pass {@code double[]} in place.
 */
module io.xbar.blas {
    requires org.bytedeco.javacpp;
    requires org.bytedeco.openblas;

    exports io.xbar.blas;
}
