package dev.sparseseg.models.eval;

/**
 * Figures for one mode over a split.
 *
 * @param miou            mean IoU, percent
 * @param perClass        IoU per class, percent
 * @param msMedian        median engine milliseconds per frame (decoded RGB to label map)
 * @param refinedFraction mean fraction of pixels refined per frame
 * @param stageMsMedian   median milliseconds of each stage: coarse, select, refine, fuse
 * @param msP99           99th percentile of engine milliseconds per frame
 * @param pixelBudget     mean pixels a latency budget allowed per frame; -1 without one
 */
public record ModeReport(String mode, double miou, double[] perClass, double msMedian, double refinedFraction,
                         double[] stageMsMedian, double msP99, double pixelBudget) {
    public static final String[] STAGES = {"coarse", "select", "refine", "fuse"};
}
