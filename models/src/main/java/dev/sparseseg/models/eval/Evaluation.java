package dev.sparseseg.models.eval;

import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.engine.Segmentation;
import dev.sparseseg.models.engine.Segmenter;
import dev.sparseseg.models.image.LabelMap;
import dev.sparseseg.models.image.RgbFrame;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Runs several segmenters over a split. Modes are interleaved frame by frame so that
 * noise from a shared machine falls on all of them alike; decoding is not timed.
 */
public final class Evaluation {
    /**
     * Untimed runs of each mode first. With 10, the medians of a 16-frame split (camvid-hr val)
     * still held the JIT's compilations in three runs of three (sparse 40-49 ms against 21-23
     * warm, 1.1-1.6x dense-full against 2.1-2.3x).
     */
    public static final int WARMUP_RUNS = 30;

    private Evaluation() {
    }

    public static List<ModeReport> run(DatasetSplit split, Map<String, Segmenter> modes, int classes, int limit,
                                       IntConsumer progress) throws IOException {
        Map<String, ConfusionMatrix> conf = new LinkedHashMap<>();
        for (String m : modes.keySet()) {
            conf.put(m, new ConfusionMatrix(classes));
        }
        LabelMap[] truth = new LabelMap[1];
        Map<String, ModeTimings> timings = interleave(frameCount(split, limit), i -> {
            truth[0] = split.labels(i);
            return split.frame(i);
        }, modes, WARMUP_RUNS, (i, mode, seg) -> conf.get(mode).add(seg.labels(), truth[0]), progress);
        List<ModeReport> out = new ArrayList<>();
        for (String m : modes.keySet()) {
            ConfusionMatrix c = conf.get(m);
            ModeTimings t = timings.get(m);
            out.add(new ModeReport(m, c.miou(), c.iou(), t.msMedian(), t.refinedFraction(), t.stageMsMedian(),
                    t.msPercentile(99), t.pixelBudgetMean()));
        }
        return out;
    }

    /** Frame {@code i} of a run. */
    @FunctionalInterface
    public interface Frames {
        RgbFrame frame(int i) throws IOException;
    }

    /** Sees each segmentation of a run as it is made (untimed). */
    @FunctionalInterface
    public interface Observer {
        void segmented(int frame, String mode, Segmentation seg) throws IOException;
    }

    /**
     * Runs every mode on frames {@code 0..n-1}, interleaved frame by frame, after {@code warmupRuns}
     * untimed rounds of every mode over the first frames, and times each call from frame in to
     * label map out.
     *
     * @param observer sees every timed segmentation (may be null)
     * @param progress told the number of frames done (may be null)
     */
    public static Map<String, ModeTimings> interleave(int n, Frames frames, Map<String, Segmenter> modes, int warmupRuns,
                                                      Observer observer, IntConsumer progress) throws IOException {
        Map<String, ModeTimings> timings = new LinkedHashMap<>();
        for (String m : modes.keySet()) {
            timings.put(m, new ModeTimings(n));
        }
        warmUp(n, frames, modes.values(), warmupRuns);
        for (int i = 0; i < n; i++) {
            RgbFrame frame = frames.frame(i);
            for (Map.Entry<String, Segmenter> e : modes.entrySet()) {
                long t0 = System.nanoTime();
                Segmentation seg = e.getValue().segment(frame);
                timings.get(e.getKey()).add(i, System.nanoTime() - t0, seg);
                if (observer != null) {
                    observer.segmented(i, e.getKey(), seg);
                }
            }
            if (progress != null) {
                progress.accept(i + 1);
            }
        }
        return timings;
    }

    /**
     * Runs every segmenter {@code runs} times over frames {@code 0..n-1}, untimed. Warm-up runs
     * take the same steps as timed ones, reading the frames included: the JIT compiles what it
     * has not yet seen in a thread of its own that takes a core from the timing.
     */
    public static void warmUp(int n, Frames frames, Collection<Segmenter> segmenters, int runs) throws IOException {
        for (int i = 0; i < runs && n > 0; i++) {
            RgbFrame frame = frames.frame(i % n);
            for (Segmenter s : segmenters) {
                s.segment(frame);
            }
        }
    }

    /**
     * What must run before a budgeted sparse mode's warm-up: the same mode without the budget,
     * or null when {@code models} sets none. A budget refines nothing over a fresh engine's first
     * 25-45 frames, until their slow start has faded from its means, so its own warm-up would
     * leave the refinement code cold for the timed frames (1080p p99 96.7 ms against 37.4-39.9
     * with 200 warm-up runs).
     */
    public static Segmenter unbudgetedWarmUp(Models models) {
        return models.config().latencyBudgetMs() > 0 ? models.sparse(null) : null;
    }

    /** Frames an evaluation covers: the first {@code limit}, or all when limit is 0. */
    public static int frameCount(DatasetSplit split, int limit) {
        return limit > 0 ? Math.min(limit, split.size()) : split.size();
    }

    public static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** The {@code p}-th percentile (0 < p <= 100) by nearest rank: the smallest value with p% of values at or below it. */
    public static double percentile(double[] v, double p) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100 * s.length);
        return s[Math.max(0, Math.min(s.length, rank) - 1)];
    }
}
