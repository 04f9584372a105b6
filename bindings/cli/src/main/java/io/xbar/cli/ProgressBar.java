// ProgressBar: the one progress bar of the command line, drawn on stderr when it is a terminal.
package io.xbar.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A 30-character bar redrawn in place ({@code \r}) on stderr. Commands create one only when
 * {@link GlobalFlags#progress()} says so (a terminal, no {@code --quiet}); {@link #none()} draws nothing.
 * Safe to update from several threads.
 */
public final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream err;
    private boolean drawn;
    private int length;

    private ProgressBar(PrintStream err) {
        this.err = err;
    }

    /** A bar on {@code err} when progress may be shown, else one that draws nothing. */
    public static ProgressBar on(PrintStream err) {
        return GlobalFlags.progress() ? new ProgressBar(err) : none();
    }

    /** A bar that always draws on {@code err} (tests). */
    static ProgressBar drawingOn(PrintStream err) {
        return new ProgressBar(err);
    }

    /** A bar that draws nothing. */
    public static ProgressBar none() {
        return new ProgressBar(null);
    }

    /** Draws {@code fraction} (clamped to [0, 1]) with a label such as "tile 3/135". */
    public synchronized void show(double fraction, String label) {
        if (err == null) {
            return;
        }
        double f = Math.max(0, Math.min(1, fraction));
        int filled = (int) Math.floor(f * WIDTH);
        String line = String.format(Locale.ROOT, "[%s%s] %s", "#".repeat(filled), ".".repeat(WIDTH - filled), label);
        err.print("\r" + line + " ".repeat(Math.max(0, length - line.length())));
        length = line.length();
        err.flush();
        drawn = true;
    }

    /** Draws {@code done} of {@code total} steps with their label. */
    public void show(int done, int total, String label) {
        show(total == 0 ? 1 : (double) done / total, label);
    }

    /** Erases the bar (if anything was drawn), leaving the cursor at the start of the line. */
    public synchronized void clear() {
        if (err != null && drawn) {
            err.print("\r" + " ".repeat(length + 2) + "\r");
            err.flush();
            drawn = false;
        }
    }

    /** Ends the bar's line (if anything was drawn). */
    public synchronized void finish() {
        if (err != null && drawn) {
            err.println();
            drawn = false;
        }
    }
}
