// CommandTesting: runs `xbar` command lines in-process over temp files and checks the one-line error contract.
package io.xbar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Helpers shared by the command tests. */
final class CommandTesting {
    /** What one in-process run printed and returned. */
    record Run(int status, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private CommandTesting() {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.run(args, o, e);
        }
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * Runs a command that must be refused: status 2, exactly one stderr line containing every
     * {@code mentions}, no stack trace, nothing on stdout, and {@code output} not created.
     */
    static String refused(Path output, List<String> mentions, String... args) {
        Run r = run(args);
        assertEquals(2, r.status(), "status for " + String.join(" ", args) + "; stderr: " + r.err());
        List<String> lines = r.errLines();
        assertEquals(1, lines.size(), "exactly one stderr line: " + r.err());
        String line = lines.get(0);
        for (String m : mentions) {
            assertTrue(line.contains(m), "'" + line + "' mentions '" + m + "'");
        }
        assertFalse(line.contains("Exception") || line.contains("\tat "), "no stack trace: " + line);
        assertEquals("", r.out());
        if (output != null) {
            assertFalse(Files.exists(output), "no output file after an error: " + output);
            try (var files = Files.list(output.toAbsolutePath().getParent())) {
                assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")
                        || io.xbar.io.AtomicFiles.isTemporary(p.getFileName().toString())), "no temporary files");
            } catch (java.io.IOException e) {
                // a missing output directory holds no files
            }
        }
        return line;
    }
}
