package dev.sparseseg.cli;

import java.io.PrintStream;

/** A one-line text progress bar on stderr. */
final class ProgressBar {
    private final PrintStream out;
    private final String label;
    private final int total;
    private final long start = System.nanoTime();

    ProgressBar(PrintStream out, String label, int total) {
        this.out = out;
        this.label = label;
        this.total = total;
    }

    void update(int done) {
        int width = 30;
        int filled = total == 0 ? width : done * width / total;
        double secs = (System.nanoTime() - start) / 1e9;
        out.printf("\r%s [%s%s] %d/%d frames, %.0fs", label, "#".repeat(filled), ".".repeat(width - filled), done, total, secs);
        if (done == total) {
            out.println();
        }
        out.flush();
    }
}
