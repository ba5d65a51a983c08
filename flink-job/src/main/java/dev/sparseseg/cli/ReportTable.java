package dev.sparseseg.cli;

import dev.sparseseg.models.eval.ModeReport;

import java.util.List;

/** Plain-text tables of evaluation results. */
final class ReportTable {
    private ReportTable() {
    }

    static String format(List<ModeReport> reports, String[] classNames) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%n%-12s %8s %10s %8s %9s   %s%n", "mode", "mIoU %", "ms/frame", "p99 ms", "refined",
                "median ms: " + String.join(" / ", ModeReport.STAGES)));
        for (ModeReport r : reports) {
            double[] s = r.stageMsMedian();
            sb.append(String.format("%-12s %8.2f %10.2f %8.2f %8.1f%%   %.2f / %.2f / %.2f / %.2f%n", r.mode(), r.miou(),
                    r.msMedian(), r.msP99(), 100 * r.refinedFraction(), s[0], s[1], s[2], s[3]));
        }
        for (ModeReport r : reports) {
            if (r.pixelBudget() >= 0) {
                sb.append(String.format("%s: latency budget allowed %.0f pixels per frame on average%n", r.mode(), r.pixelBudget()));
            }
        }
        sb.append(String.format("%nper-class IoU %%%n%-12s", "class"));
        for (ModeReport r : reports) {
            sb.append(String.format(" %11s", r.mode()));
        }
        sb.append('\n');
        for (int c = 0; c < classNames.length; c++) {
            sb.append(String.format("%-12s", classNames[c]));
            for (ModeReport r : reports) {
                sb.append(String.format(" %11.2f", r.perClass()[c]));
            }
            sb.append('\n');
        }
        if (reports.size() == 3) {
            sb.append(String.format("%nsparse vs dense-full: %.2fx faster (median ms), %+.2f mIoU points; vs dense-low: %+.2f points%n",
                    reports.get(0).msMedian() / reports.get(2).msMedian(),
                    reports.get(2).miou() - reports.get(0).miou(), reports.get(2).miou() - reports.get(1).miou()));
        }
        return sb.toString();
    }

    static String sweep(List<ModeReport> points) {
        StringBuilder sb = new StringBuilder(String.format("%n%-10s %8s %10s %9s%n", "threshold", "mIoU %", "ms/frame", "refined"));
        for (ModeReport r : points) {
            sb.append(String.format("%-10s %8.2f %10.2f %8.1f%%%n", r.mode(), r.miou(), r.msMedian(), 100 * r.refinedFraction()));
        }
        return sb.toString();
    }
}
