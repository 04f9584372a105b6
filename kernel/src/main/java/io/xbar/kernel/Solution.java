// Solution: output currents of one crossbar solve, with the KCL residual reached and optional node voltages.
package io.xbar.kernel;

/**
 * The result of solving a crossbar for one input vector.
 *
 * @param currents         {@code I[j]}, the current into the sense amplifier(s) of column {@code j} (A)
 * @param residual         scaled KCL residual {@code ||A x - b||_inf / (||A||_inf ||x||_inf + ||b||_inf)} reached
 * @param iterations       iterations the solver used (0 for a direct method)
 * @param wordLineVoltages {@code u(i,j)} row-major {@code M x N} (V), or {@code null} when not requested
 * @param bitLineVoltages  {@code w(i,j)} row-major {@code M x N} (V), or {@code null} when not requested
 */
public record Solution(double[] currents, double residual, int iterations,
                       double[] wordLineVoltages, double[] bitLineVoltages) {
}
