package dev.sparseseg.models.engine;

import dev.sparseseg.models.image.LabelMap;

/**
 * A segmented frame with what it cost.
 *
 * @param refinedPixels pixels that went through sparse refinement (0 for dense modes)
 * @param timings       nanoseconds per stage
 */
public record Segmentation(LabelMap labels, int refinedPixels, StageTimings timings) {
    public double refinedFraction() {
        return (double) refinedPixels / (labels.width() * (double) labels.height());
    }
}
