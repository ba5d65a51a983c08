package dev.sparseseg.models.engine;

import dev.sparseseg.models.coarse.CoarseInference;
import dev.sparseseg.models.coarse.CoarseLogits;
import dev.sparseseg.models.image.LabelMap;
import dev.sparseseg.models.image.RgbFrame;

/**
 * Dense inference at one scale, logits upsampled (bilinear) to the frame:
 * {@code dense-full} at scale 1, {@code dense-low} at the coarse scale.
 */
public final class DenseSegmenter implements Segmenter {
    private final CoarseInference inference;

    public DenseSegmenter(CoarseInference inference) {
        this.inference = inference;
    }

    @Override
    public Segmentation segment(RgbFrame frame) {
        long t0 = System.nanoTime();
        CoarseLogits logits = inference.infer(frame);
        long t1 = System.nanoTime();
        byte[] labels = new byte[frame.pixels()];
        logits.upsampleArgmax(labels);
        long t2 = System.nanoTime();
        return new Segmentation(new LabelMap(frame.width(), frame.height(), labels), 0,
                new StageTimings(t1 - t0, 0, 0, t2 - t1));
    }
}
