package dev.sparseseg.models.select;

/**
 * Turns a time budget per frame into a pixel budget for its selection: each frame refines
 * the most uncertain pixels that fit what is left of the budget once coarse inference is
 * done, at the refinement cost measured on the frames before it.
 *
 * <p>Cost model, refreshed after every frame: the stages after coarse inference take a
 * fixed part (selection, upsampling the coarse labels) plus a cost per refined pixel
 * (featurizing, the refiner, the gate). The fixed part is planned at its mean plus four
 * mean deviations, so that the tail rather than the average fits; a frame that refined and
 * still ran over halves the share of the remainder given to refinement, and the share grows
 * back by 0.1% a frame: at that balance about 0.15% of the frames that refine run over,
 * which leaves room under the 99th percentile for overruns no refinement caused (a slow
 * coarse pass, a core taken away). Shrinking by a fifth instead (0.45%) refined 2.3% of
 * 1080p pixels against 1.4%, but its p99 came within 1.5 ms of a 50 ms budget.
 *
 * <p>The cost per pixel is the running mean of refinement time over the running mean of
 * pixels refined, both starting from a first guess worth {@link #PRIOR_PIXELS} pixels, so
 * that each frame weighs by its pixels. A frame of a few pixels costs much per pixel (each
 * call has its overhead, and the first calls of a fresh engine pay for ONNX Runtime's and
 * the JIT's start-up); taken at face value, one such frame could leave budgets under one
 * selected cell, never to be measured again: the engine then refined nothing all run.
 *
 * <p>Not thread-safe: one per engine (per pipeline of operators in the job).
 */
public final class LatencyBudget {
    /** Weight of the newest frame in the running means. */
    private static final double ALPHA = 0.1;
    /** Per-pixel cost assumed before the first measurement: above what a CPU core needs. */
    private static final double FIRST_NS_PER_PIXEL = 1000;
    /** Weight of that guess in the running means, in refined pixels. */
    private static final double PRIOR_PIXELS = 10_000;
    private final long budgetNs;
    private double meanRefineNs = FIRST_NS_PER_PIXEL * PRIOR_PIXELS;
    private double meanPixels = PRIOR_PIXELS;
    private double fixedNs;
    private double fixedDeviationNs;
    private long frames;
    private double share = 1.0;

    /** @param budgetMs time per frame, from the frame's arrival at the engine to its label map; > 0 */
    public LatencyBudget(double budgetMs) {
        if (!(budgetMs > 0) || Double.isInfinite(budgetMs)) {
            throw new IllegalArgumentException("latency budget " + budgetMs + " ms must be a positive number");
        }
        this.budgetNs = Math.round(budgetMs * 1e6);
    }

    public double budgetMs() {
        return budgetNs / 1e6;
    }

    /** Pixels this frame may refine, {@code spentNs} of its budget being gone already. */
    public long pixels(long spentNs) {
        double left = budgetNs - spentNs - fixedNs - 4 * fixedDeviationNs;
        return left <= 0 ? 0 : (long) (share * left / nsPerPixel());
    }

    /**
     * Learns from a finished frame, from its stage times: selection and the label map's
     * upsampling are the fixed part, refinement (featurizing, the refiner) and the gate grow
     * with the refined pixels.
     *
     * @param labelsNs the part of fusion after the gate (coarse labels upsampled, fused ones written)
     * @param pixels   pixels refined
     */
    public void record(long coarseNs, long selectNs, long refineNs, long gateNs, long labelsNs, int pixels) {
        long fixedNs = selectNs + labelsNs;
        long perPixelNs = refineNs + gateNs;
        long totalNs = coarseNs + fixedNs + perPixelNs;
        // Plain means over the first ten frames, so that a fresh engine's first (slowest) frame
        // weighs no more than any other; held at face value, it left nothing to refine for 20-25.
        double alpha = Math.max(ALPHA, 1.0 / ++frames);
        if (frames > 1) {
            fixedDeviationNs += alpha * (Math.abs(fixedNs - this.fixedNs) - fixedDeviationNs);
        }
        this.fixedNs += alpha * (fixedNs - this.fixedNs);
        if (pixels > 0) {
            meanRefineNs += ALPHA * (perPixelNs - meanRefineNs);
            meanPixels += ALPHA * (pixels - meanPixels);
        }
        // Only refinement can be cut back: an overrun that refined nothing (a slow coarse pass) leaves the share.
        if (totalNs > budgetNs && pixels > 0) {
            share = Math.max(0.05, share * 0.5);
        } else if (totalNs <= budgetNs) {
            share = Math.min(1.0, share * 1.001);
        }
    }

    /** Current estimate of the cost of one refined pixel, in nanoseconds. */
    public double nsPerPixel() {
        return meanRefineNs / meanPixels;
    }
}
