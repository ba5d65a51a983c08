package dev.sparseseg.models.refine;

import dev.sparseseg.models.select.Selection;

/** Coarse and refined logits ({@code [N, C]} each) of the selected pixels. */
public record RefinedPixels(Selection selection, int classes, float[] coarse, float[] refined) {
}
