// VariabilityValidationTest: the campaign's device-variability checks run, pass on the implementation and would catch a biased draw.
package io.xbar.validation;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VariabilityValidationTest {
    @Test
    void everyDeviceCheckRunsAndPasses() {
        for (boolean quick : new boolean[] {true, false}) {
            VariabilityValidation v = new VariabilityValidation();
            v.run(4, quick);
            assertEquals(7, v.checks().size());
            for (Check c : v.checks()) {
                CheckResult r = c.result();
                assertTrue(r.cases() > 0, r.name());
                assertEquals(0, r.failures(), r.name() + ": worst " + r.worstError() + " at " + r.worstCase() + " " + r.failureExamples());
            }
        }
    }

    @Test
    void aBiasedRateIsCaught() {
        // 229k cells at p = 0.05 (11469 +- 104 expected): a 5% relative bias (573 cells) is a z of about 5.5.
        long n = 229_376;
        assertTrue(VariabilityValidation.binomialZ(Math.round(n * 0.05 * 1.05), n, 0.05) > VariabilityValidation.Z);
        assertTrue(VariabilityValidation.binomialZ(Math.round(n * 0.05), n, 0.05) < 1e-2);
    }

    @Test
    void theSuiteReportsTheDeviceChecks() {
        ValidationReport r = ValidationSuite.run(2, true, 1, null, false);
        assertEquals(7, r.checks().stream().filter(c -> c.name().startsWith("device:")).count());
        assertTrue(r.checks().stream().filter(c -> c.name().startsWith("device:")).allMatch(c -> c.failures() == 0));
    }
}
