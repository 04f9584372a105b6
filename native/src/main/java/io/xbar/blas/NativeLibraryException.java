// NativeLibraryException: OpenBLAS could not be loaded or called.
package io.xbar.blas;

/** Thrown when the native BLAS/LAPACK library cannot be loaded or a symbol is missing. */
public final class NativeLibraryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NativeLibraryException(String message) {
        super(message);
    }

    public NativeLibraryException(String message, Throwable cause) {
        super(message, cause);
    }
}
