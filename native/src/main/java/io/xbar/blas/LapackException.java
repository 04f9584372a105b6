// LapackException: a LAPACK routine returned a nonzero info code.
package io.xbar.blas;

/** A LAPACK routine reported failure; {@link #info()} is its {@code info} code. */
public final class LapackException extends ArithmeticException {
    private static final long serialVersionUID = 1L;
    private final String routine;
    private final int info;

    public LapackException(String routine, int info, String meaning) {
        super(routine + " failed with info=" + info + ": " + meaning);
        this.routine = routine;
        this.info = info;
    }

    public String routine() {
        return routine;
    }

    public int info() {
        return info;
    }
}
