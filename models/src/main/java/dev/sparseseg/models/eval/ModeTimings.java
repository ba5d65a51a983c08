package dev.sparseseg.models.eval;

import dev.sparseseg.models.engine.Segmentation;

import java.util.Arrays;

/** Per-frame figures of one mode over a run: engine milliseconds, refined fraction and stage milliseconds. */
public final class ModeTimings {
    private final double[] ms;
    private final double[] refined;
    private final double[][] stages;
    private final double[] pixelBudget;

    public ModeTimings(int frames) {
        ms = new double[frames];
        refined = new double[frames];
        stages = new double[ModeReport.STAGES.length][frames];
        pixelBudget = new double[frames];
    }

    /** Records frame {@code i}: {@code ns} from frame in to label map out, and what the segmentation says. */
    public void add(int i, long ns, Segmentation seg) {
        ms[i] = ns / 1e6;
        refined[i] = seg.refinedFraction();
        pixelBudget[i] = seg.pixelBudget();
        stages[0][i] = seg.timings().coarseNs() / 1e6;
        stages[1][i] = seg.timings().selectNs() / 1e6;
        stages[2][i] = seg.timings().refineNs() / 1e6;
        stages[3][i] = seg.timings().fuseNs() / 1e6;
    }

    public double msMedian() {
        return Evaluation.median(ms);
    }

    /** The {@code p}-th percentile of milliseconds per frame (nearest rank). */
    public double msPercentile(double p) {
        return Evaluation.percentile(ms, p);
    }

    /** Mean fraction of pixels refined per frame. */
    public double refinedFraction() {
        return Arrays.stream(refined).average().orElse(0);
    }

    /** Mean pixels a latency budget allowed per frame; -1 when the mode has none. */
    public double pixelBudgetMean() {
        return Arrays.stream(pixelBudget).min().orElse(-1) < 0 ? -1 : Arrays.stream(pixelBudget).average().orElse(-1);
    }

    /** Median milliseconds of each stage, in {@link ModeReport#STAGES} order. */
    public double[] stageMsMedian() {
        return Arrays.stream(stages).mapToDouble(Evaluation::median).toArray();
    }
}
