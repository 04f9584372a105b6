// package-info: the Java API of xbar for other simulators (one facade, immutable values, documented errors).
/**
 * The Java API of xbar: start at {@link io.xbar.api.Xbar}.
 *
 * <p>Use from another simulator with one Maven dependency, {@code io.xbar:xbar-api}. Values
 * are row-major primitive arrays: conductances {@code rows x cols} in siemens (row = word line,
 * column = bit line), voltages in volts, currents in amperes, weights {@code K x N_out} with
 * {@code y = x . W}. Circuits, solver options and mapping options are the kernel's and the
 * mapping layer's immutable records ({@link io.xbar.kernel.Circuit},
 * {@link io.xbar.kernel.SolverOptions}, {@link io.xbar.mapping.MappingOptions}).
 *
 * <p>Errors: a bad argument is an {@link IllegalArgumentException} whose message names the
 * argument and the value or shape; a solve that misses its residual target throws the kernel's
 * {@link io.xbar.kernel.ConvergenceException} unchanged.
 *
 * <p>Thread safety: every type of this package is immutable and safe to share between threads;
 * concurrent calls on one {@link io.xbar.api.Crossbar} or {@link io.xbar.api.MappedLayer} are allowed.
 */
package io.xbar.api;
