package dev.sparseseg.models.eval;

import dev.sparseseg.models.engine.Segmentation;
import dev.sparseseg.models.engine.Segmenter;
import dev.sparseseg.models.image.LabelMap;
import dev.sparseseg.models.image.RgbFrame;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Runs several segmenters over a split. Modes are interleaved frame by frame so that
 * noise from a shared machine falls on all of them alike; decoding is not timed.
 */
public final class Evaluation {
    private static final int WARMUP_RUNS = 3;

    private Evaluation() {
    }

    public static List<ModeReport> run(DatasetSplit split, Map<String, Segmenter> modes, int classes, int limit,
                                       IntConsumer progress) throws IOException {
        int n = frameCount(split, limit);
        Map<String, ConfusionMatrix> conf = new LinkedHashMap<>();
        Map<String, double[]> ms = new LinkedHashMap<>();
        Map<String, double[]> refined = new LinkedHashMap<>();
        Map<String, double[][]> stages = new LinkedHashMap<>();
        Map<String, double[]> budgets = new LinkedHashMap<>();
        for (String m : modes.keySet()) {
            budgets.put(m, new double[n]);
            conf.put(m, new ConfusionMatrix(classes));
            ms.put(m, new double[n]);
            refined.put(m, new double[n]);
            stages.put(m, new double[ModeReport.STAGES.length][n]);
        }
        RgbFrame first = split.frame(0);
        for (Segmenter s : modes.values()) {
            for (int i = 0; i < WARMUP_RUNS; i++) {
                s.segment(first);
            }
        }
        for (int i = 0; i < n; i++) {
            RgbFrame frame = split.frame(i);
            LabelMap truth = split.labels(i);
            for (Map.Entry<String, Segmenter> e : modes.entrySet()) {
                long t0 = System.nanoTime();
                Segmentation seg = e.getValue().segment(frame);
                long t1 = System.nanoTime();
                ms.get(e.getKey())[i] = (t1 - t0) / 1e6;
                refined.get(e.getKey())[i] = seg.refinedFraction();
                budgets.get(e.getKey())[i] = seg.pixelBudget();
                double[][] st = stages.get(e.getKey());
                st[0][i] = seg.timings().coarseNs() / 1e6;
                st[1][i] = seg.timings().selectNs() / 1e6;
                st[2][i] = seg.timings().refineNs() / 1e6;
                st[3][i] = seg.timings().fuseNs() / 1e6;
                conf.get(e.getKey()).add(seg.labels(), truth);
            }
            if (progress != null) {
                progress.accept(i + 1);
            }
        }
        List<ModeReport> out = new ArrayList<>();
        for (String m : modes.keySet()) {
            ConfusionMatrix c = conf.get(m);
            double[] stageMedians = Arrays.stream(stages.get(m)).mapToDouble(Evaluation::median).toArray();
            double budget = Arrays.stream(budgets.get(m)).min().orElse(-1) < 0 ? -1
                    : Arrays.stream(budgets.get(m)).average().orElse(-1);
            out.add(new ModeReport(m, c.miou(), c.iou(), median(ms.get(m)), Arrays.stream(refined.get(m)).average().orElse(0),
                    stageMedians, percentile(ms.get(m), 0.99), budget));
        }
        return out;
    }

    /** Frames an evaluation covers: the first {@code limit}, or all when limit is 0. */
    public static int frameCount(DatasetSplit split, int limit) {
        return limit > 0 ? Math.min(limit, split.size()) : split.size();
    }

    /** The {@code q} quantile (nearest rank) of {@code v}. */
    public static double percentile(double[] v, double q) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(q * s.length) - 1)];
    }

    public static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
