// ProgressBarTest: the command line's one progress bar redraws one line in place and stays silent when off.
package io.xbar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void redrawsOneLineInPlaceAndClears() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = ProgressBar.drawingOn(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        bar.show(0, 4, "0/4 shapes 1x1");
        bar.show(2, 4, "2/4 x");
        bar.show(1.7, "clamped");
        bar.clear();
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(text.contains("\n"), "never a new line");
        assertTrue(text.contains("[" + ".".repeat(30) + "] 0/4 shapes 1x1"), text);
        assertTrue(text.contains("[" + "#".repeat(15) + ".".repeat(15) + "] 2/4 x"), text);
        assertTrue(text.contains("[" + "#".repeat(30) + "] clamped"), text);
        assertTrue(text.endsWith("\r"), "cleared back to the line start");
    }

    @Test
    void finishEndsTheLineOnlyWhenSomethingWasDrawn() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = ProgressBar.drawingOn(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        bar.finish();
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
        bar.show(0.5, "half");
        bar.finish();
        assertTrue(bytes.toString(StandardCharsets.UTF_8).endsWith("half\n"), bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void noneDrawsNothing() {
        ProgressBar bar = ProgressBar.none();
        bar.show(0.5, "x");
        bar.clear();
        bar.finish();
        // Off a terminal (as under the test runner) the factory gives a silent bar too.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar.on(new PrintStream(bytes, true, StandardCharsets.UTF_8)).show(1, "done");
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    }
}
