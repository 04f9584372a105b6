// NonlinearValidationTest: the whole sinh-cell campaign (at least 20 cases, every option) against the dense Newton and ngspice.
package io.xbar.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NonlinearValidationTest {
    @Test
    void everyCaseAgreesWithTheDenseNewtonAndNgspice(@TempDir Path scratch) {
        List<NonlinearValidation.Case> cases = NonlinearValidation.cases(1, false);
        assertTrue(cases.size() >= 20, cases.size() + " cases");
        // Every drive and sense end, both wire layers shorted, periphery resistances, several v0.
        Set<String> circuits = cases.stream().map(c -> c.crossbar().circuit().drive() + "/" + c.crossbar().circuit().senseAt())
                .collect(Collectors.toSet());
        assertEquals(9, circuits.size());
        assertTrue(cases.stream().anyMatch(c -> c.crossbar().circuit().wordLine() == 0));
        assertTrue(cases.stream().anyMatch(c -> c.crossbar().circuit().bitLine() == 0));
        assertTrue(cases.stream().map(NonlinearValidation.Case::v0).distinct().count() >= 3);
        boolean ngspice = NgSpice.isAvailable();
        NonlinearValidation v = new NonlinearValidation();
        for (NonlinearValidation.Case c : cases) {
            v.run(c, ngspice, scratch);
        }
        for (Check check : List.of(v.kernelCurrents, v.kernelVoltages, v.kernelResidual)) {
            CheckResult r = check.result();
            assertEquals(cases.size(), r.cases(), r.name());
            assertTrue(r.passed(), r.name() + ": worst " + r.worstError() + " in " + r.worstCase() + " " + r.failureExamples());
        }
        if (ngspice) {
            CheckResult r = v.ngspiceCurrents.result();
            assertEquals(cases.size(), r.cases());
            assertTrue(r.passed(), "ngspice: worst " + r.worstError() + " in " + r.worstCase() + " " + r.failureExamples());
        }
    }
}
