// ValidationSuite: runs the seeded campaign through every available solver and compares each with the reference.
package io.xbar.validation;

import io.xbar.reference.HandSolutions;
import io.xbar.reference.ReferenceSolver;
import io.xbar.blas.Blas;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarSolver;
import io.xbar.kernel.Drive;
import io.xbar.kernel.ProgrammedCrossbar;
import io.xbar.kernel.Sense;
import io.xbar.kernel.Solution;
import io.xbar.kernel.TransferMatrix;

import io.xbar.spice.NetlistParser;
import io.xbar.spice.NetlistSolution;
import io.xbar.spice.NetlistSolver;
import io.xbar.spice.SpiceExport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The validation campaign behind {@code xbar validate}. The LAPACK reference always runs and is
 * checked first (KCL residual, its two current formulas, dense against banded, hand-solved
 * circuits, the ideal product); then every solver under test is compared with it.
 */
public final class ValidationSuite {
    /** Reference self-consistency tolerances: it is a direct solve with refinement. */
    static final double REFERENCE_RESIDUAL = 1e-12;
    static final double REFERENCE_AGREEMENT = 1e-11;
    /** The kernel's contract (issue 2): currents and node voltages to 1e-9, KCL residual 1e-10. */
    public static final double KERNEL_CURRENTS = 1e-9;
    public static final double KERNEL_RESIDUAL = 1e-10;
    /** With zero parasitics {@code I == V g'} to rounding. */
    static final double IDEAL = 1e-12;
    /** Largest array whose transfer matrix is checked (the reference needs one solve per row). */
    static final int TRANSFER_CELLS = 64 * 64;
    /** Largest array exported to SPICE (ngspice's default sparse solver is slow on large meshes). */
    static final int SPICE_CELLS = 32 * 32;
    /** xbar's own netlist solver ({@code xbar spice solve}) is held to the kernel's standard. */
    static final double NETLIST = 1e-9;
    /**
     * The direct eliminations without refinement (transfer matrix, netlist solver) lose digits when
     * a nonzero wire, driver or sense resistance is below {@link #NEAR_SHORT_OHMS}: conductance
     * ratios of 1e9 and more. They are held to {@link #DIRECT_NEAR_SHORT} there, a documented
     * limitation (the kernel solver refines on branch currents and keeps 1e-9).
     */
    static final double NEAR_SHORT_OHMS = 1e-3;
    static final double DIRECT_NEAR_SHORT = 1e-6;
    /** ngspice prints 16 digits, but its own solve pivots with a relative threshold of 1e-3. */
    static final double NGSPICE = 1e-6;
    /** ngspice cases per family in the quick subset: each is a process start. */
    static final int QUICK_NGSPICE = 2;

    /** Receives progress; called on the thread that runs the suite. */
    public interface Listener {
        /** Case {@code index} (0-based) of {@code total} is about to run. */
        void started(int index, int total, ValidationCase c);

        /** A listener that ignores everything. */
        Listener NONE = (index, total, c) -> { };
    }

    private final Check referenceResidual = new Check("reference KCL residual", "0 (exact KCL)",
            "scaled residual", REFERENCE_RESIDUAL);
    private final Check referenceKcl = new Check("reference sense vs cell currents", "sum_i g'(u - w) (MODEL.md 1)",
            "max |dI| / max |I|", REFERENCE_AGREEMENT);
    private final Check referenceBanded = new Check("reference banded vs dense", "dense Cholesky",
            "max |dI| / max |I|", REFERENCE_AGREEMENT);
    private final Check referenceHand = new Check("reference vs hand-solved", "series / ladder / chain formulas",
            "max |dI| / max |I|", REFERENCE_AGREEMENT);
    private final Check referenceIdeal = new Check("reference vs ideal product", "V . g' (zero parasitics)",
            "max |dI| / max |I|", IDEAL);
    private final Check kernelCurrents = new Check("kernel currents", "LAPACK reference",
            "max |dI| / max |I|", KERNEL_CURRENTS);
    private final Check kernelVoltages = new Check("kernel node voltages", "LAPACK reference",
            "max |du|,|dw| / max |u|,|w|", KERNEL_CURRENTS);
    private final Check kernelResidual = new Check("kernel KCL residual", "its own report (contract 1e-10)",
            "scaled residual", KERNEL_RESIDUAL);
    private final Check kernelBatch = new Check("kernel batch currents", "LAPACK reference",
            "max |dI| / max |I|", KERNEL_CURRENTS);
    private final Check kernelIdeal = new Check("kernel vs ideal product", "V . g' (zero parasitics)",
            "max |dI| / max |I|", IDEAL);
    private final Check transfer = new Check("transfer matrix", "LAPACK reference, one solve per V = e_i",
            "max |dT| / max |T|", KERNEL_CURRENTS);
    private final Check netlist = new Check("xbar spice export + solve", "LAPACK reference",
            "max |dI| / max |I|", NETLIST);
    private final Check transferNearShort = new Check("transfer matrix, near-short resistances",
            "LAPACK reference, one solve per V = e_i", "max |dT| / max |T|", DIRECT_NEAR_SHORT);
    private final Check netlistNearShort = new Check("xbar spice export + solve, near-short resistances",
            "LAPACK reference", "max |dI| / max |I|", DIRECT_NEAR_SHORT);
    private final Check ngspiceCurrents = new Check("ngspice currents", "LAPACK reference",
            "max |dI| / max |I|", NGSPICE);
    private final Check ngspiceVoltages = new Check("ngspice node voltages", "LAPACK reference",
            "max |du|,|dw| / max |u|,|w|", NGSPICE);
    private final List<Check> checks = new ArrayList<>(List.of(referenceResidual, referenceKcl, referenceBanded,
            referenceHand, referenceIdeal, kernelCurrents, kernelVoltages, kernelResidual, kernelBatch, kernelIdeal,
            transfer, transferNearShort, netlist, netlistNearShort));
    private final boolean ngspice;
    private boolean quick;
    /** ngspice runs per family so far; the quick subset runs it on {@link #QUICK_NGSPICE} per family. */
    private final Map<String, Integer> ngspiceRuns = new java.util.HashMap<>();
    private Path scratch;
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    private ValidationSuite(boolean ngspice) {
        this.ngspice = ngspice;
    }

    /**
     * Runs the campaign for {@code seed} ({@code quick}: the small subset) and reports every check.
     *
     * @param threads OpenBLAS threads for the reference (process-wide, restored afterwards). One is
     *                the default of {@code xbar validate}: the reference's matrices are small, and on a
     *                busy 2-core machine two OpenBLAS threads made the campaign 3 to 10 times slower.
     */
    public static ValidationReport run(long seed, boolean quick, int threads, Listener listener) {
        return run(seed, quick, threads, listener, NgSpice.isAvailable());
    }

    /** As above; {@code ngspice} says whether to run ngspice (tests use it to take the not-installed path). */
    public static ValidationReport run(long seed, boolean quick, int threads, Listener listener, boolean ngspice) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        int before = Blas.threads();
        Blas.setThreads(threads);
        try {
            return new ValidationSuite(ngspice).campaign(seed, quick, listener == null ? Listener.NONE : listener);
        } finally {
            Blas.setThreads(before);
        }
    }

    private ValidationReport campaign(long seed, boolean quick, Listener listener) {
        long start = System.nanoTime();
        this.quick = quick;
        List<ValidationCase> cases = ValidationCases.campaign(seed, quick);
        // Sinh cells (MODEL.md section 6): their own checks, after the linear campaign.
        NonlinearValidation nonlinear = new NonlinearValidation();
        List<NonlinearValidation.Case> nonlinearCases = NonlinearValidation.cases(seed, quick);
        checks.addAll(List.of(nonlinear.kernelCurrents, nonlinear.kernelVoltages, nonlinear.kernelResidual));
        for (String part : new String[] {"reference", "kernel", "transfer", "xbar spice", "sinh cells"}) {
            seconds.put(part, 0.0);
        }
        if (ngspice) {
            checks.add(ngspiceCurrents);
            checks.add(ngspiceVoltages);
            checks.add(nonlinear.ngspiceCurrents);
            seconds.put("ngspice", 0.0);
        } else {
            notes.add(NgSpice.INSTALL_HINT + " (the ngspice comparison was skipped)");
        }
        try {
            scratch = Files.createTempDirectory("xbar-validate");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch directory for SPICE netlists", e);
        }
        try {
            int total = cases.size() + nonlinearCases.size();
            for (int k = 0; k < cases.size(); k++) {
                ValidationCase c = cases.get(k);
                listener.started(k, total, c);
                runCase(c);
            }
            for (int k = 0; k < nonlinearCases.size(); k++) {
                NonlinearValidation.Case c = nonlinearCases.get(k);
                listener.started(cases.size() + k, total, c.crossbar());
                long t = System.nanoTime();
                // The quick subset runs ngspice on its few sinh cases too: each takes well under a second.
                nonlinear.run(c, ngspice, scratch);
                time("sinh cells", t);
            }
        } finally {
            deleteScratch();
        }
        // Device variability (MODEL.md section 6): the seeded draws against their definition.
        long device = System.nanoTime();
        VariabilityValidation variability = new VariabilityValidation();
        variability.run(seed, quick);
        checks.addAll(variability.checks());
        time("device variability", device);
        seconds.put("total", (System.nanoTime() - start) * 1e-9);
        List<CheckResult> results = checks.stream().map(Check::result).toList();
        return new ValidationReport(seed, quick, cases.size() + nonlinearCases.size(), results, List.copyOf(notes),
                java.util.Collections.unmodifiableMap(new LinkedHashMap<>(seconds)), environment());
    }

    private void time(String part, long startNanos) {
        seconds.merge(part, (System.nanoTime() - startNanos) * 1e-9, Double::sum);
    }

    private void runCase(ValidationCase c) {
        long t = System.nanoTime();
        ReferenceSolver reference;
        Solution[] expected;
        try {
            reference = ReferenceSolver.factor(c.rows(), c.cols(), c.circuit(), c.conductances());
            expected = reference.solve(c.voltages(), c.batch());
        } catch (RuntimeException e) {
            referenceResidual.fail(c, "", e);
            return;
        } finally {
            time("reference", t);
        }
        for (int b = 0; b < c.batch(); b++) {
            String vector = "vector " + b;
            referenceResidual.record(c, vector, expected[b].residual());
            referenceKcl.record(c, vector, relativeError(cellCurrents(c, expected[b]), expected[b].currents()));
        }
        checkReferenceItself(c, reference, expected);
        checkKernel(c, expected);
        if (c.cellCount() <= TRANSFER_CELLS) {
            checkTransfer(c, reference);
        }
        if (c.cellCount() <= SPICE_CELLS) {
            checkSpice(c, expected[0]);
        }
    }

    /** Exports vector 0 as a netlist; solves it with xbar's netlist solver and, when installed, ngspice. */
    private void checkSpice(ValidationCase c, Solution expected) {
        SpiceExport export = new SpiceExport(c.rows(), c.cols(), c.circuit(), c.conductances());
        Path file = scratch.resolve("case.cir");
        try (Writer w = Files.newBufferedWriter(file)) {
            export.write(c.voltages(0), w);
        } catch (IOException | RuntimeException e) {
            netlist.fail(c, "export", e);
            return;
        }
        long t = System.nanoTime();
        try {
            NetlistSolution s = NetlistSolver.solve(NetlistParser.parse(file));
            double[] currents = new double[c.cols()];
            for (int j = 0; j < c.cols(); j++) {
                currents[j] = s.current(SpiceExport.senseSource(j));
            }
            (nearShort(c.circuit()) ? netlistNearShort : netlist)
                    .record(c, "vector 0", relativeError(currents, expected.currents()));
        } catch (IOException | RuntimeException e) {
            netlist.fail(c, "vector 0", e);
        } finally {
            time("xbar spice", t);
        }
        if (!ngspice || quick && ngspiceRuns.merge(c.family(), 1, Integer::sum) > QUICK_NGSPICE) {
            return;
        }
        t = System.nanoTime();
        try {
            NgSpice.Result r = NgSpice.run(file);
            double[] currents = new double[c.cols()];
            for (int j = 0; j < c.cols(); j++) {
                currents[j] = r.current(SpiceExport.senseSource(j));
            }
            ngspiceCurrents.record(c, "vector 0", relativeError(currents, expected.currents()));
            double[] u = new double[c.rows() * c.cols()];
            double[] w = new double[c.rows() * c.cols()];
            for (int i = 0; i < c.rows(); i++) {
                for (int j = 0; j < c.cols(); j++) {
                    u[i * c.cols() + j] = r.voltage(export.wordLineNode(i, j));
                    w[i * c.cols() + j] = r.voltage(export.bitLineNode(i, j));
                }
            }
            ngspiceVoltages.record(c, "vector 0", voltageError(new Solution(currents, 0, 0, u, w), expected));
        } catch (IOException | RuntimeException e) {
            ngspiceCurrents.fail(c, "vector 0", e);
        } finally {
            time("ngspice", t);
        }
    }

    private void deleteScratch() {
        if (scratch == null) {
            return;
        }
        try (var files = Files.list(scratch)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(scratch);
        } catch (IOException e) {
            notes.add("could not remove the scratch directory " + scratch + ": " + e.getMessage());
        }
    }

    /** True when a nonzero wire, driver or sense resistance is below {@link #NEAR_SHORT_OHMS}. */
    static boolean nearShort(Circuit c) {
        for (double r : new double[] {c.wordLine(), c.bitLine(), c.source(), c.sense()}) {
            if (r > 0 && r < NEAR_SHORT_OHMS) {
                return true;
            }
        }
        return false;
    }

    /** The tolerance of a direct elimination (transfer matrix, netlist solver) on circuit {@code c}. */
    static double directTolerance(Circuit c, double standard) {
        return nearShort(c) ? DIRECT_NEAR_SHORT : standard;
    }

    private void checkTransfer(ValidationCase c, ReferenceSolver reference) {
        long t = System.nanoTime();
        double[] expected = reference.transfer().currents();
        time("reference", t);
        t = System.nanoTime();
        try {
            double[] got = TransferMatrix.compute(c.rows(), c.cols(), c.circuit(), c.conductances());
            (nearShort(c.circuit()) ? transferNearShort : transfer).record(c, "", relativeError(got, expected));
        } catch (RuntimeException e) {
            (nearShort(c.circuit()) ? transferNearShort : transfer).fail(c, "", e);
        } finally {
            time("transfer", t);
        }
    }

    private void checkKernel(ValidationCase c, Solution[] expected) {
        long t = System.nanoTime();
        try {
            ProgrammedCrossbar kernel = CrossbarSolver.create(c.rows(), c.cols(), c.circuit()).program(c.conductances());
            for (int b = 0; b < c.batch(); b++) {
                String vector = "vector " + b;
                Solution got;
                try {
                    got = kernel.solve(c.voltages(b), true);
                } catch (RuntimeException e) {
                    kernelCurrents.fail(c, vector, e);
                    continue;
                }
                kernelCurrents.record(c, vector, relativeError(got.currents(), expected[b].currents()));
                kernelVoltages.record(c, vector, voltageError(got, expected[b]));
                kernelResidual.record(c, vector, got.residual());
                if (c.circuit().isIdeal()) {
                    kernelIdeal.record(c, vector, relativeError(got.currents(), idealCurrents(c, b)));
                }
            }
            double[] batch = kernel.currents(c.voltages(), c.batch());
            for (int b = 0; b < c.batch(); b++) {
                double[] row = batch.length == c.batch() * c.cols()
                        ? java.util.Arrays.copyOfRange(batch, b * c.cols(), (b + 1) * c.cols()) : null;
                kernelBatch.record(c, "vector " + b, relativeError(row, expected[b].currents()));
            }
        } catch (RuntimeException e) {
            kernelBatch.fail(c, "", e);
        } finally {
            time("kernel", t);
        }
    }

    private void checkReferenceItself(ValidationCase c, ReferenceSolver reference, Solution[] expected) {
        if (reference.method() == ReferenceSolver.Method.DENSE && reference.unknowns() > 0) {
            long t = System.nanoTime();
            try {
                Solution[] banded = ReferenceSolver.factor(c.rows(), c.cols(), c.circuit(), c.conductances(),
                        ReferenceSolver.Method.BANDED).solve(c.voltages(), c.batch());
                for (int b = 0; b < c.batch(); b++) {
                    referenceBanded.record(c, "vector " + b, relativeError(banded[b].currents(), expected[b].currents()));
                }
            } catch (RuntimeException e) {
                referenceBanded.fail(c, "", e);
            } finally {
                time("reference", t);
            }
        }
        double[] hand = handSolved(c);
        if (hand != null) {
            double[] got = new double[hand.length];
            for (int b = 0; b < c.batch(); b++) {
                System.arraycopy(expected[b].currents(), 0, got, b * c.cols(), c.cols());
            }
            referenceHand.record(c, "", relativeError(got, hand));
        }
        if (c.circuit().isIdeal()) {
            for (int b = 0; b < c.batch(); b++) {
                referenceIdeal.record(c, "vector " + b, relativeError(expected[b].currents(), idealCurrents(c, b)));
            }
        }
    }

    /** Currents of every vector by a hand formula when the case is a series circuit, a ladder or a chain; else null. */
    static double[] handSolved(ValidationCase c) {
        Circuit circuit = c.circuit();
        double[] out = new double[c.batch() * c.cols()];
        for (int b = 0; b < c.batch(); b++) {
            double[] v = c.voltages(b);
            if (c.rows() == 1 && c.cols() == 1) {
                out[b] = HandSolutions.singleCell(circuit, c.conductances()[0], v[0])[0];
            } else if (c.rows() == 1 && circuit.drive() != Drive.BOTH) {
                System.arraycopy(HandSolutions.singleRow(circuit, c.conductances(), v[0])[0], 0, out, b * c.cols(),
                        c.cols());
            } else if (c.cols() == 1 && (circuit.senseAt() != Sense.BOTH || circuit.bitLine() == 0)) {
                out[b] = HandSolutions.singleColumn(circuit, c.conductances(), v);
            } else {
                return null;
            }
        }
        return out;
    }

    /** {@code I_ideal[j] = sum_i g'(i,j) V[i]} for vector {@code b}. */
    static double[] idealCurrents(ValidationCase c, int b) {
        double[] current = new double[c.cols()];
        for (int i = 0; i < c.rows(); i++) {
            double v = c.voltages()[b * c.rows() + i];
            for (int j = 0; j < c.cols(); j++) {
                current[j] += c.circuit().cellConductance(c.conductances()[i * c.cols() + j]) * v;
            }
        }
        return current;
    }

    /** The model's definition {@code I[j] = sum_i g'(u - w)} from a solution's node voltages. */
    static double[] cellCurrents(ValidationCase c, Solution s) {
        double[] current = new double[c.cols()];
        for (int i = 0; i < c.rows(); i++) {
            for (int j = 0; j < c.cols(); j++) {
                int k = i * c.cols() + j;
                current[j] += c.circuit().cellConductance(c.conductances()[k])
                        * (s.wordLineVoltages()[k] - s.bitLineVoltages()[k]);
            }
        }
        return current;
    }

    /** {@code max|actual - expected| / max|expected|}; absolute when {@code expected} is all zero; NaN-safe. */
    public static double relativeError(double[] actual, double[] expected) {
        if (actual == null || actual.length != expected.length) {
            return Double.POSITIVE_INFINITY;
        }
        double diff = 0;
        double scale = 0;
        for (int k = 0; k < expected.length; k++) {
            double d = Math.abs(actual[k] - expected[k]);
            if (!(d <= diff)) {
                diff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
            }
            scale = Math.max(scale, Math.abs(expected[k]));
        }
        return scale == 0 ? diff : diff / scale;
    }

    /** Node-voltage error of both layers, relative to the largest reference node voltage. */
    public static double voltageError(Solution actual, Solution expected) {
        if (actual.wordLineVoltages() == null || actual.bitLineVoltages() == null) {
            return Double.POSITIVE_INFINITY;
        }
        double scale = 0;
        double diff = 0;
        double[][] pairs = {actual.wordLineVoltages(), expected.wordLineVoltages(), actual.bitLineVoltages(),
                expected.bitLineVoltages()};
        for (int layer = 0; layer < 4; layer += 2) {
            double[] a = pairs[layer];
            double[] e = pairs[layer + 1];
            if (a.length != e.length) {
                return Double.POSITIVE_INFINITY;
            }
            for (int k = 0; k < e.length; k++) {
                double d = Math.abs(a[k] - e[k]);
                if (!(d <= diff)) {
                    diff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                }
                scale = Math.max(scale, Math.abs(e[k]));
            }
        }
        return scale == 0 ? diff : diff / scale;
    }

    private static List<String> environment() {
        List<String> lines = new ArrayList<>();
        lines.add("date: " + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        lines.add("java: " + System.getProperty("java.vm.name") + " " + Runtime.version());
        lines.add("os: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        try {
            lines.add(String.format(Locale.ROOT, "OpenBLAS: %s, %d threads", Blas.config().trim(), Blas.threads()));
        } catch (RuntimeException | LinkageError e) {
            lines.add("OpenBLAS: not available (" + e.getMessage() + ")");
        }
        return lines;
    }
}
