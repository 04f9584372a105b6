// TransferFunction: the source of a tile's effective transfer matrix T (I = V . T), exact by default.
package io.xbar.mapping;

import io.xbar.kernel.Circuit;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Computes the row-major {@code rows x cols} transfer matrix of a crossbar with the given
 * conductances. The mapping layer needs nothing else from the circuit solver: per tile it computes
 * {@code T} once and multiplies all inputs and cycles with one dgemm.
 */
@FunctionalInterface
public interface TransferFunction {

    double[] compute(int rows, int cols, Circuit circuit, double[] conductances);

    /**
     * The exact transfer matrix: for an ideal circuit {@code T = g'} (the cell conductances behind
     * their access resistance, exact by MODEL.md section 1), otherwise the kernel's exact solver.
     */
    static TransferFunction exact() {
        return (rows, cols, circuit, g) -> {
            if (circuit.isIdeal()) {
                double[] t = new double[rows * cols];
                for (int k = 0; k < t.length; k++) {
                    t[k] = circuit.cellConductance(g[k]);
                }
                return t;
            }
            return KernelTransfer.compute(rows, cols, circuit, g);
        };
    }
}

/** Binds to {@code io.xbar.kernel.TransferMatrix.compute}, which the kernel module provides. */
final class KernelTransfer {
    private static final MethodHandle COMPUTE = find();

    private KernelTransfer() {
    }

    private static MethodHandle find() {
        try {
            Class<?> type = Class.forName("io.xbar.kernel.TransferMatrix");
            return MethodHandles.publicLookup().findStatic(type, "compute",
                    MethodType.methodType(double[].class, int.class, int.class, Circuit.class, double[].class));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    static double[] compute(int rows, int cols, Circuit circuit, double[] g) {
        if (COMPUTE == null) {
            throw new IllegalStateException("this build has no exact transfer-matrix solver (io.xbar.kernel.TransferMatrix)");
        }
        try {
            return (double[]) COMPUTE.invokeExact(rows, cols, circuit, g);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
