package dev.sparseseg.models.engine;

import dev.sparseseg.models.image.LabelMap;

/**
 * A segmented frame with what it cost.
 *
 * @param refinedPixels pixels that went through sparse refinement (0 for dense modes)
 * @param pixelBudget   most pixels a latency budget let this frame refine; -1 without one
 * @param timings       nanoseconds per stage
 */
public record Segmentation(LabelMap labels, int refinedPixels, long pixelBudget, StageTimings timings) {
    public Segmentation(LabelMap labels, int refinedPixels, StageTimings timings) {
        this(labels, refinedPixels, -1, timings);
    }

    public double refinedFraction() {
        return (double) refinedPixels / (labels.width() * (double) labels.height());
    }
}
