package dev.sparseseg.cli;

import dev.sparseseg.models.eval.ModeReport;
import dev.sparseseg.models.eval.ModeTimings;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Plain-text tables of evaluation and benchmark results. */
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
        StringBuilder sb = new StringBuilder(String.format("%n%-22s %8s %10s %8s %9s%n", "mode", "mIoU %", "ms/frame", "p99 ms", "refined"));
        for (ModeReport r : points) {
            sb.append(String.format("%-22s %8.2f %10.2f %8.2f %8.1f%%%n", r.mode(), r.miou(), r.msMedian(), r.msP99(),
                    100 * r.refinedFraction()));
        }
        return sb.toString();
    }

    /** One resolution of {@code bench}: ms per frame, speed against dense-full, refined fraction, stage medians. */
    static String bench(String resolution, Map<String, ModeTimings> modes) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n%-11s %-11s %10s %9s %14s %9s   %s%n",
                "resolution", "mode", "ms median", "ms p99", "vs dense-full", "refined",
                "median ms: " + String.join(" / ", ModeReport.STAGES)));
        ModeTimings full = modes.get(EvalCommand.DENSE_FULL);
        for (Map.Entry<String, ModeTimings> e : modes.entrySet()) {
            ModeTimings t = e.getValue();
            double[] s = t.stageMsMedian();
            String ratio = full == null ? "-" : String.format(Locale.ROOT, "%.2fx", full.msMedian() / t.msMedian());
            sb.append(String.format(Locale.ROOT, "%-11s %-11s %10.1f %9.1f %14s %8.1f%%   %.1f / %.1f / %.1f / %.1f%n",
                    resolution, e.getKey(), t.msMedian(), t.msPercentile(99), ratio, 100 * t.refinedFraction(),
                    s[0], s[1], s[2], s[3]));
        }
        return sb.toString();
    }

    /** One resolution of {@code bench --job}: fps, latency and frames in/out per stream count. */
    static String job(String resolution, List<JobBench.Figures> runs, double sparseEngineFps) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n%-11s %-8s %7s %13s %15s %15s %14s %9s %11s   %s%n",
                "resolution", "streams", "job fps", "warm-up fps", "latency p50 ms", "latency p99 ms", "frames in/out", "refined",
                "vs engine", "median stage ms: decode / coarse / select / refine / fuse"));
        for (JobBench.Figures f : runs) {
            String vs = Double.isNaN(sparseEngineFps) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * f.fps() / sparseEngineFps);
            double[] st = f.stageMsMedian();
            sb.append(String.format(Locale.ROOT, "%-11s %-8d %7.2f %13.2f %15.0f %15.0f %14s %8.1f%% %11s   %.1f / %.1f / %.1f / %.1f / %.1f%s%n",
                    resolution, f.streams(), f.fps(), f.warmupFps(), f.latencyMsP50(), f.latencyMsP99(), f.framesIn() + "/" + f.framesOut(),
                    100 * f.refinedFraction(), vs, st[0], st[1], st[2], st[3], st[4],
                    f.allOut() ? "" : "   MISSING " + (f.planned() - f.framesOut()) + " of " + f.planned() + " frames"));
        }
        return sb.toString();
    }
}
