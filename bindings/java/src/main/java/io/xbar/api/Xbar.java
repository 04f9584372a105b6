// Xbar: static entry points of the Java API (build a crossbar, transfer matrix, map a layer).
package io.xbar.api;

import io.xbar.kernel.CellModel;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarSolver;
import io.xbar.kernel.Drive;
import io.xbar.kernel.ProgrammedCrossbar;
import io.xbar.kernel.Sense;
import io.xbar.kernel.SolverOptions;
import io.xbar.kernel.TransferMatrix;
import io.xbar.mapping.LayerMapping;
import io.xbar.mapping.MappingOptions;
import io.xbar.mapping.Preset;
import io.xbar.mapping.QuantizedWeights;
import io.xbar.mapping.Quantizer;

/**
 * The facade of xbar for other simulators. Two ways in:
 * <ul>
 *   <li>circuit level: {@link #crossbar} programs an {@code M x N} crossbar once; its
 *       {@link Crossbar#solve solve}, {@link Crossbar#currents currents} (batch) and
 *       {@link Crossbar#transfer transfer} then include every parasitic resistance of the
 *       {@link Circuit};</li>
 *   <li>layer level: {@link #map} quantizes, bit-slices and tiles a weight matrix; its
 *       {@link MappedLayer#mvm mvm} runs activations through the tiles and reports the outputs,
 *       the nonideality factor NF and {@code mvm_rel_error}.</li>
 * </ul>
 *
 * <pre>{@code
 * Crossbar xb = Xbar.crossbar(64, 32, Xbar.circuit(2.5, 2.5), conductances);
 * double[] currents = xb.solve(voltages).currents();
 * MappedLayer layer = Xbar.map(weights, 2304, 256, Preset.MDM, Circuit.DEFAULT);
 * MvmResult r = layer.mvm(activations, batch);
 * double nf = r.nonidealityFactor();
 * // The same layer on devices with 1% stuck-off cells, 5% programming noise, one day of drift:
 * MappingOptions aged = MappingOptions.DEFAULT.withPreset(Preset.OPTIMIZED)
 *         .withVariability(new DeviceVariability(0, 0.01, 0.05, 86400, 0.05, 0.02, 7));
 * MvmResult day = Xbar.map(weights, 2304, 256, aged, Circuit.DEFAULT).mvm(activations, batch);
 * }</pre>
 *
 * <p>Errors: {@link IllegalArgumentException} naming the argument and the offending value or shape,
 * worded as the kernel words them (each argument is checked once, by the kernel entry point it
 * reaches); {@link io.xbar.kernel.ConvergenceException} passes through from the solver.
 *
 * <p>Thread safety: stateless; every method may be called from any thread, and what it returns is
 * immutable.
 */
public final class Xbar {
    static {
        // The API's entry point: the compiled twin of the solver starts loading now, on a background
        // thread, while the caller's first crossbar is checked and scaled (a fresh JVM's first solve).
        io.xbar.kernel.CrossbarSolver.preloadNativeTwin();
    }

    private Xbar() {
    }

    /**
     * A circuit with the given line resistances and the other parameters of {@link Circuit#DEFAULT}
     * (no source, sense or access resistance, drivers left, sense amplifiers at the bottom).
     *
     * @param wordLine word-line resistance per cell segment, ohms, {@code >= 0} ({@code 0} is an exact short)
     * @param bitLine  bit-line resistance per cell segment, ohms, {@code >= 0}
     * @return the circuit
     * @throws IllegalArgumentException naming the resistance when it is negative, NaN or infinite
     */
    public static Circuit circuit(double wordLine, double bitLine) {
        Circuit d = Circuit.DEFAULT;
        return new Circuit(wordLine, bitLine, d.source(), d.sense(), d.access(), d.drive(), d.senseAt());
    }

    /**
     * A circuit with every parameter given.
     *
     * @param wordLine word-line resistance per cell segment, ohms, {@code >= 0}
     * @param bitLine  bit-line resistance per cell segment, ohms, {@code >= 0}
     * @param source   word-line driver series resistance, ohms, {@code >= 0}
     * @param sense    sense-amplifier input resistance, ohms, {@code >= 0}
     * @param access   cell access-transistor resistance (1T1R), ohms, {@code >= 0}
     * @param drive    where the word lines are driven
     * @param senseAt  where the bit lines are sensed
     * @return the circuit
     * @throws IllegalArgumentException naming the parameter that is negative, not finite or missing
     */
    public static Circuit circuit(double wordLine, double bitLine, double source, double sense, double access,
                                  Drive drive, Sense senseAt) {
        return new Circuit(wordLine, bitLine, source, sense, access, drive, senseAt);
    }

    /**
     * Programs a crossbar with the kernel's default solver options.
     *
     * @param rows         word lines {@code M >= 1}
     * @param cols         bit lines {@code N >= 1}
     * @param circuit      the parasitics
     * @param conductances row-major {@code rows x cols} cell conductances in siemens, finite and {@code >= 0};
     *                     copied, so later changes to the array do not reach the crossbar
     * @return the programmed crossbar
     * @throws IllegalArgumentException naming the shape, the circuit or the first bad conductance
     */
    public static Crossbar crossbar(int rows, int cols, Circuit circuit, double[] conductances) {
        return crossbar(rows, cols, circuit, conductances, SolverOptions.DEFAULT);
    }

    /**
     * As {@link #crossbar(int, int, Circuit, double[])} with explicit solver options (tolerance,
     * iteration limit, threads for batches).
     *
     * @param rows         word lines {@code M >= 1}
     * @param cols         bit lines {@code N >= 1}
     * @param circuit      the parasitics
     * @param conductances row-major {@code rows x cols} siemens, finite and {@code >= 0}; copied
     * @param options      solver options, e.g. {@code SolverOptions.DEFAULT.withThreads(4)}
     * @return the programmed crossbar
     * @throws IllegalArgumentException naming the shape, the circuit, the options or the first bad conductance
     */
    public static Crossbar crossbar(int rows, int cols, Circuit circuit, double[] conductances, SolverOptions options) {
        return crossbar(rows, cols, circuit, conductances, options, CellModel.LINEAR);
    }

    /**
     * As {@link #crossbar(int, int, Circuit, double[], SolverOptions)} with cells following
     * {@code cellModel} (MODEL.md section 6), e.g. {@code CellModel.sinh(0.25)}: solves then run
     * Newton's method on the whole network, and there is no transfer matrix.
     *
     * @throws IllegalArgumentException as above, or for a nonlinear model with {@code r_access > 0}
     */
    public static Crossbar crossbar(int rows, int cols, Circuit circuit, double[] conductances, SolverOptions options,
                                    CellModel cellModel) {
        // The kernel checks shape, circuit, options and conductances and reads the array once;
        // the crossbar keeps the one copy (for conductances() and transfer()).
        ProgrammedCrossbar programmed = CrossbarSolver.create(rows, cols, circuit).withOptions(options)
                .withCellModel(cellModel).program(conductances);
        return new Crossbar(programmed, circuit, conductances.clone());
    }

    /**
     * The exact transfer matrix {@code T} ({@code I = V . T}) of a crossbar, without programming a
     * solver: row-major {@code rows x cols}, row {@code i} the column currents for 1 V on word line
     * {@code i} and 0 V elsewhere.
     *
     * @param rows         word lines {@code M >= 1}
     * @param cols         bit lines {@code N >= 1}
     * @param circuit      the parasitics
     * @param conductances row-major {@code rows x cols} siemens, finite and {@code >= 0}
     * @return a fresh row-major {@code rows x cols} array (siemens)
     * @throws IllegalArgumentException naming the shape, the circuit or the first bad conductance
     */
    public static double[] transfer(int rows, int cols, Circuit circuit, double[] conductances) {
        return new TransferMatrix(rows, cols, circuit).compute(conductances);
    }

    /**
     * Maps a weight matrix with a preset and the default options of MODEL.md (8-bit weights, 1 bit
     * per cell, differential signed encoding, 256x256 tiles, 8-bit inputs, ideal ADC).
     *
     * @param weights row-major {@code inputs x outputs}, finite; copied
     * @param inputs  {@code K >= 1}
     * @param outputs {@code N_out >= 1}
     * @param preset  {@code NAIVE}, {@code MDM} or {@code OPTIMIZED}
     * @param circuit the parasitics of every tile
     * @return the mapped layer
     * @throws IllegalArgumentException naming the shape, the first non-finite weight, or a missing argument
     * @see #map(double[], int, int, MappingOptions, Circuit)
     */
    public static MappedLayer map(double[] weights, int inputs, int outputs, Preset preset, Circuit circuit) {
        if (preset == null) {
            throw new IllegalArgumentException("preset must be given (NAIVE, MDM or OPTIMIZED)");
        }
        return map(weights, inputs, outputs, MappingOptions.DEFAULT.withPreset(preset), circuit);
    }

    /**
     * Quantizes, bit-slices and tiles a weight matrix for crossbars with the given circuit.
     *
     * @param weights row-major {@code inputs x outputs} ({@code K x N_out}, {@code y = x . W}), finite; copied
     * @param inputs  {@code K >= 1}, the activations per vector (weight rows)
     * @param outputs {@code N_out >= 1}
     * @param options quantization, tile size, layout and device, including stuck cells, programming
     *                noise and drift ({@link MappingOptions#withVariability}, {@link io.xbar.mapping.DeviceVariability}):
     *                the tiles then hold the varied conductances and NF's ideal currents are the nominal cells'; see
     *                {@link MappingOptions}
     * @param circuit the parasitics of every tile (its drive and sense sides also steer the mapping)
     * @return the mapped layer
     * @throws IllegalArgumentException naming the shape, the first non-finite weight, or a missing argument
     */
    public static MappedLayer map(double[] weights, int inputs, int outputs, MappingOptions options, Circuit circuit) {
        return map(weights, inputs, outputs, options, circuit, CellModel.LINEAR);
    }

    /**
     * As {@link #map(double[], int, int, MappingOptions, Circuit)} with cells following {@code cellModel}:
     * a nonlinear model solves every input cycle of every tile exactly (no transfer matrix).
     *
     * @throws IllegalArgumentException as above, or for a nonlinear model with {@code r_access > 0}
     */
    public static MappedLayer map(double[] weights, int inputs, int outputs, MappingOptions options, Circuit circuit,
                                  CellModel cellModel) {
        if (cellModel == null) {
            throw new IllegalArgumentException("cell model must be given (e.g. CellModel.LINEAR)");
        }
        if (!cellModel.isLinear() && circuit != null && circuit.access() != 0) {
            throw new IllegalArgumentException("r_access = " + circuit.access() + " ohm with the " + cellModel
                    + " cell model: a nonlinear cell behind an access transistor is not supported (r_access must be 0)");
        }
        if (options == null) {
            throw new IllegalArgumentException("mapping options must be given (e.g. MappingOptions.DEFAULT)");
        }
        if (circuit == null) {
            throw new IllegalArgumentException("circuit must be given (e.g. Circuit.DEFAULT)");
        }
        // The quantizer checks the shape and the values and keeps only its integer levels.
        QuantizedWeights q = Quantizer.weights(weights, inputs, outputs, options.weightBits(), options.encoding(), false);
        return new MappedLayer(LayerMapping.map(q, options, circuit.drive(), circuit.senseAt()), circuit, cellModel);
    }
}
