// NonlinearValidation: sinh-cell crossbars (MODEL.md section 6): kernel Newton vs an independent dense Newton, and vs ngspice B-sources.
package io.xbar.validation;

import io.xbar.kernel.CellModel;
import io.xbar.kernel.Circuit;
import io.xbar.kernel.CrossbarSolver;
import io.xbar.kernel.Drive;
import io.xbar.kernel.Sense;
import io.xbar.kernel.Solution;
import io.xbar.reference.NonlinearReference;
import io.xbar.spice.SpiceExport;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The nonlinear part of the campaign: seeded crossbars with {@code sinh} cells over every drive and
 * sense end, exact shorts of each wire layer, driver and sense resistances, several {@code v0} and
 * inputs up to a few {@code v0} (negative ones too). Each is solved by the kernel (Newton around the
 * exact linear solver) and by {@link NonlinearReference} (dense damped Newton on the element list),
 * and, when installed, by ngspice from {@code xbar spice export --cell-model sinh} (one behavioural
 * source per cell).
 */
final class NonlinearValidation {
    /** Kernel against the dense Newton, per the linear campaign's current measure. */
    static final double KERNEL = 1e-9;
    /** ngspice against the kernel (issue 15: agreement 1e-6). */
    static final double NGSPICE = 1e-6;

    /** One case: a crossbar of the campaign's form plus the cells' {@code v0}. */
    record Case(ValidationCase crossbar, double v0) {
        String describe() {
            return crossbar.describe() + String.format(Locale.ROOT, ", sinh cells v0=%s V", v0);
        }
    }

    final Check kernelCurrents = new Check("kernel sinh-cell currents (Newton)", "dense Newton reference",
            "max |dI| / max |I|", KERNEL);
    final Check kernelVoltages = new Check("kernel sinh-cell node voltages", "dense Newton reference",
            "max |du|,|dw| / max |u|,|w|", KERNEL);
    final Check kernelResidual = new Check("kernel sinh-cell KCL residual", "its own report (contract 1e-10)",
            "scaled residual", ValidationSuite.KERNEL_RESIDUAL);
    final Check ngspiceCurrents = new Check("ngspice sinh-cell currents (B sources)", "kernel Newton",
            "max |dI| / max |I|", NGSPICE);

    /** At least 24 cases (4 in the quick subset): every drive x sense end, shorts, periphery, v0 and input ranges. */
    static List<Case> cases(long seed, boolean quick) {
        Random rnd = new Random(seed * 7919 + 15);
        List<Case> out = new ArrayList<>();
        double[] v0s = {0.1, 0.25, 0.5};
        int k = 0;
        for (Drive d : Drive.values()) {
            for (Sense s : Sense.values()) {
                Circuit c = Circuit.DEFAULT.withDrive(d).withSenseAt(s);
                if (k % 3 == 1) {
                    c = c.withSource(20).withSense(10);
                } else if (k % 3 == 2) {
                    c = c.withWires(10);
                }
                out.add(make("options", c, 6 + rnd.nextInt(10), 5 + rnd.nextInt(10), ValidationCases.Cells.DEFAULT,
                        v0s[k % 3], 0.2 + 0.3 * rnd.nextDouble(), rnd, false));
                k++;
            }
        }
        Circuit[] shorts = {Circuit.DEFAULT.withWordLine(0), Circuit.DEFAULT.withBitLine(0),
                Circuit.DEFAULT.withWordLine(0).withSource(30), Circuit.DEFAULT.withBitLine(0).withSense(30),
                Circuit.IDEAL, Circuit.IDEAL.withSource(40).withSense(25), Circuit.IDEAL.withSource(40),
                Circuit.IDEAL.withSense(25)};
        for (int i = 0; i < shorts.length; i++) {
            out.add(make("shorts", shorts[i], 5 + rnd.nextInt(9), 4 + rnd.nextInt(9), ValidationCases.Cells.DEFAULT,
                    v0s[i % 3], 0.3, rnd, i % 2 == 0));
        }
        ValidationCases.Cells[] cells = {ValidationCases.Cells.STRONG, ValidationCases.Cells.SPARSE,
                ValidationCases.Cells.BINARY, ValidationCases.Cells.EXTREME};
        for (int i = 0; i < cells.length; i++) {
            Circuit c = Circuit.DEFAULT.withWires(i % 2 == 0 ? 1 : 2.5).withSource(i == 3 ? 5 : 0);
            out.add(make("cells", c, 12 + rnd.nextInt(9), 10 + rnd.nextInt(9), cells[i], v0s[(i + 1) % 3], 0.25, rnd,
                    true));
        }
        // Strongly nonlinear: inputs of several v0, with negative ones.
        out.add(make("strong", Circuit.DEFAULT, 16, 16, ValidationCases.Cells.DEFAULT, 0.1, 0.6, rnd, true));
        out.add(make("strong", Circuit.DEFAULT.withSource(10).withSense(10).withDrive(Drive.BOTH), 16, 12,
                ValidationCases.Cells.STRONG, 0.05, 0.3, rnd, true));
        out.add(make("strong", Circuit.DEFAULT.withWires(0.5), 1, 1, ValidationCases.Cells.DEFAULT, 0.25, 2.0, rnd, false));
        out.add(make("strong", Circuit.DEFAULT, 1, 9, ValidationCases.Cells.DEFAULT, 0.25, 1.0, rnd, false));
        out.add(make("strong", Circuit.DEFAULT, 9, 1, ValidationCases.Cells.DEFAULT, 0.25, 1.0, rnd, true));
        if (quick) {
            return List.of(out.get(0), out.get(10), out.get(17), out.get(out.size() - 5));
        }
        return out;
    }

    private static Case make(String family, Circuit c, int rows, int cols, ValidationCases.Cells cells, double v0,
                             double vmax, Random rnd, boolean negative) {
        double[] g = cells.draw(rnd, rows * cols);
        double[] v = new double[rows];
        for (int i = 0; i < rows; i++) {
            v[i] = vmax * rnd.nextDouble() * (negative && i % 4 == 3 ? -1 : 1);
        }
        return new Case(new ValidationCase("sinh " + family, rows, cols, c, cells.label(), g, v, 1), v0);
    }

    /** Kernel against the dense Newton; ngspice against the kernel when {@code scratch} is given. */
    void run(Case k, boolean ngspice, Path scratch) {
        ValidationCase c = k.crossbar();
        double[] v = c.voltages(0);
        NonlinearReference.Result ref;
        Solution s;
        try {
            ref = NonlinearReference.solve(c.rows(), c.cols(), c.circuit(), c.conductances(), k.v0(), v);
            s = CrossbarSolver.create(c.rows(), c.cols(), c.circuit()).withCellModel(CellModel.sinh(k.v0()))
                    .program(c.conductances()).solve(v, true);
        } catch (RuntimeException e) {
            kernelCurrents.fail(c, "v0 " + k.v0(), e);
            return;
        }
        String detail = "v0 " + k.v0() + " V";
        kernelCurrents.record(c, detail, ValidationSuite.relativeError(s.currents(), ref.currents()));
        kernelVoltages.record(c, detail, ValidationSuite.voltageError(s,
                new Solution(ref.currents(), 0, 0, ref.u(), ref.w())));
        kernelResidual.record(c, detail, s.residual());
        if (!ngspice) {
            return;
        }
        Path file = scratch.resolve("sinh-case.cir");
        try {
            try (Writer w = Files.newBufferedWriter(file)) {
                new SpiceExport(c.rows(), c.cols(), c.circuit(), c.conductances(), CellModel.sinh(k.v0())).write(v, w);
            }
            NgSpice.Result r = NgSpice.run(file);
            double[] currents = new double[c.cols()];
            for (int j = 0; j < c.cols(); j++) {
                currents[j] = r.current(SpiceExport.senseSource(j));
            }
            ngspiceCurrents.record(c, detail, ValidationSuite.relativeError(currents, s.currents()));
        } catch (IOException | RuntimeException e) {
            ngspiceCurrents.fail(c, detail, e);
        }
    }
}
