// ValidateCommandTest: `xbar validate` run in-process: verdict, exit status, report file, usage errors.
package io.xbar.cli;

import io.xbar.validation.CheckResult;
import io.xbar.validation.NgSpice;
import io.xbar.validation.ValidationCase;
import io.xbar.validation.ValidationCases;
import io.xbar.validation.ValidationReport;
import io.xbar.validation.ValidationSuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xbar.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * The command's own contract: exit status follows the verdict, the report is written, the
     * reference checks pass. Whether the kernel passes is {@code KernelAgreementTest}'s business.
     */
    @Test
    void quickCampaignWritesTheReportAndExitsWithItsVerdict() throws Exception {
        Path report = dir.resolve("v.md");
        Run r = run("validate", "--quick", "--report", report.toString());
        String verdict = r.out().strip().lines().reduce((a, b) -> b).orElse("");
        assertEquals(verdict.startsWith("PASS") ? 0 : 1, r.status(), r.out() + r.err());
        assertTrue(verdict.matches("(PASS|FAIL) \\(report: .*\\)"), verdict);
        assertTrue(r.out().contains(report.toString()), r.out());
        for (String check : new String[] {"reference KCL residual", "reference sense vs cell currents",
                "reference banded vs dense", "reference vs hand-solved", "reference vs ideal product"}) {
            assertTrue(r.out().lines().anyMatch(line -> line.matches("  ok +" + check + " .*")), check + " in\n" + r.out());
        }
        for (String check : new String[] {"kernel currents", "kernel node voltages", "kernel KCL residual",
                "kernel batch currents", "kernel vs ideal product", "transfer matrix", "xbar spice export + solve",
                NgSpice.isAvailable() ? "ngspice currents" : NgSpice.INSTALL_HINT}) {
            assertTrue(r.out().contains(check), check + " in\n" + r.out());
        }
        assertEquals("", r.err(), "no progress bar without a terminal");
        String md = Files.readString(report);
        assertTrue(md.startsWith("# xbar validation report"), md);
        assertTrue(md.contains(r.status() == 0 ? "**PASS**" : "**FAIL**"), md);
        assertTrue(md.contains("| pass | reference vs hand-solved |"), md);
        assertTrue(md.contains("## Machine"), md);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(report), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void quietPrintsOnlyTheVerdictAndTheSameSeedGivesTheSameCampaign() {
        Path report = dir.resolve("q.md");
        Run r = run("validate", "--quick", "--quiet", "--seed", "7", "--report", report.toString());
        assertEquals((r.status() == 0 ? "PASS" : "FAIL") + " (report: " + report + ")", r.out().strip());
        assertTrue(Files.exists(report));
        List<ValidationCase> a = ValidationCases.campaign(7, true);
        List<ValidationCase> b = ValidationCases.campaign(7, true);
        assertEquals(a.size(), b.size());
        for (int k = 0; k < a.size(); k++) {
            assertEquals(a.get(k).describe(), b.get(k).describe());
            assertTrue(java.util.Arrays.equals(a.get(k).conductances(), b.get(k).conductances()));
        }
        assertFalse(java.util.Arrays.equals(ValidationCases.campaign(8, true).get(1).conductances(),
                a.get(1).conductances()), "another seed, another campaign");
    }

    @Test
    void usageErrorsExitWithStatusTwoAndOneLine() {
        Path missingDir = dir.resolve("no/such/dir/r.md");
        for (String[] args : new String[][] {
                {"validate", "--bogus"},
                {"validate", "--seed", "abc"},
                {"validate", "--seed"},
                {"validate", "--threads", "0"},
                {"validate", "--threads", "two"},
                {"validate", "extra"},
                {"validate", "--quiet", "--verbose"},
                {"validate", "--report", missingDir.toString()},
                {"validate", "--report", dir.toString()}}) {
            Run r = run(args);
            assertEquals(2, r.status(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("xbar validate: "), r.err());
            assertEquals("", r.out());
        }
        assertFalse(Files.exists(missingDir));
        Run help = run("validate", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("--quick"), help.out());
        Run list = run("help");
        assertTrue(list.out().contains("validate"), "registered through ServiceLoader: " + list.out());
    }

    @Test
    void aFailedCheckFailsTheReport() {
        CheckResult ok = new CheckResult("a", "b", "c", 1e-9, 3, 0, 1e-12, "case 1", List.of());
        CheckResult bad = new CheckResult("kernel currents", "LAPACK reference", "max |dI| / max |I|", 1e-9, 3, 1,
                2e-6, "shapes 5x7 ...", List.of("2.000e-06 at shapes 5x7 ..."));
        CheckResult never = new CheckResult("never", "x", "y", 1e-9, 0, 0, 0, "", List.of());
        ValidationReport pass = new ValidationReport(1, true, 3, List.of(ok), List.of(), Map.of("total", 1.0), List.of());
        assertTrue(pass.passed());
        ValidationReport fail = new ValidationReport(1, true, 3, List.of(ok, bad), List.of("ngspice not installed"),
                Map.of("total", 1.0), List.of());
        assertFalse(fail.passed());
        assertTrue(fail.summary().endsWith("FAIL"), fail.summary());
        assertTrue(fail.summary().contains("2.000e-06 at shapes 5x7"), fail.summary());
        assertTrue(fail.markdown().contains("**FAIL**"), fail.markdown());
        assertTrue(fail.markdown().contains("ngspice not installed"), fail.markdown());
        assertFalse(new ValidationReport(1, true, 3, List.of(ok, never), List.of(), Map.of(), List.of()).passed(),
                "a check that never ran is not a pass");
    }

    @Test
    void withoutNgspiceTheReportSaysHowToInstallIt() {
        ValidationReport r = ValidationSuite.run(3, true, 1, null, false);
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith(NgSpice.INSTALL_HINT)), r.notes().toString());
        assertTrue(r.summary().contains("apt-get install -y ngspice"), r.summary());
        assertTrue(r.markdown().contains("## Not run"), r.markdown());
        assertTrue(r.checks().stream().noneMatch(c -> c.name().startsWith("ngspice")), "no ngspice check");
        assertTrue(r.checks().stream().anyMatch(c -> c.name().equals("xbar spice export + solve") && c.cases() > 0));
    }
}
