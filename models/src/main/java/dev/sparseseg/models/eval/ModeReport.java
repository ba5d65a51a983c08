package dev.sparseseg.models.eval;

/**
 * Figures for one mode over a split.
 *
 * @param miou            mean IoU, percent
 * @param perClass        IoU per class, percent
 * @param msMedian        median engine milliseconds per frame (decoded RGB to label map)
 * @param refinedFraction mean fraction of pixels refined per frame
 * @param stageMsMedian   median milliseconds of each stage: coarse, select, refine, fuse
 */
public record ModeReport(String mode, double miou, double[] perClass, double msMedian, double refinedFraction,
                         double[] stageMsMedian) {
    public static final String[] STAGES = {"coarse", "select", "refine", "fuse"};
}
