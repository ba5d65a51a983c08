package dev.sparseseg.models.engine;

import dev.sparseseg.models.coarse.CoarseInference;
import dev.sparseseg.models.coarse.CoarseLogits;
import dev.sparseseg.models.fuse.GatedEnsembler;
import dev.sparseseg.models.image.LabelMap;
import dev.sparseseg.models.image.RgbFrame;
import dev.sparseseg.models.refine.RefinedPixels;
import dev.sparseseg.models.refine.SparseRefiner;
import dev.sparseseg.models.select.EntropySelector;
import dev.sparseseg.models.select.LatencyBudget;
import dev.sparseseg.models.select.Selection;

/**
 * SparseRefine on one frame: coarse inference at low resolution, entropy selection,
 * sparse refinement of the selected pixels at full resolution, gated fusion.
 * Each stage is its own object so the Flink job can run them as separate operators.
 * With a {@link LatencyBudget}, each frame refines only the most uncertain pixels that fit it.
 */
public final class SparseRefineEngine implements Segmenter {
    private final CoarseInference coarse;
    private final EntropySelector selector;
    private final SparseRefiner refiner;
    private final GatedEnsembler ensembler;
    private final LatencyBudget latency;

    public SparseRefineEngine(CoarseInference coarse, EntropySelector selector, SparseRefiner refiner,
                              GatedEnsembler ensembler) {
        this(coarse, selector, refiner, ensembler, null);
    }

    /** @param latency time budget per frame, or null for none */
    public SparseRefineEngine(CoarseInference coarse, EntropySelector selector, SparseRefiner refiner,
                              GatedEnsembler ensembler, LatencyBudget latency) {
        this.latency = latency;
        this.coarse = coarse;
        this.selector = selector;
        this.refiner = refiner;
        this.ensembler = ensembler;
    }

    @Override
    public Segmentation segment(RgbFrame frame) {
        long t0 = System.nanoTime();
        CoarseLogits logits = coarse.infer(frame);
        long t1 = System.nanoTime();
        long maxPixels = latency == null ? -1 : latency.pixels(t1 - t0);
        Selection sel = latency == null ? selector.select(logits) : selector.select(logits, maxPixels);
        long t2 = System.nanoTime();
        RefinedPixels refined = refiner.refine(frame, logits, sel);
        long t3 = System.nanoTime();
        float[] fused = ensembler.fuseLogits(refined);
        long t4 = System.nanoTime();
        LabelMap labels = ensembler.labels(logits, refined, fused);
        long t5 = System.nanoTime();
        if (latency != null) {
            latency.record(t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, sel.count());
        }
        return new Segmentation(labels, sel.count(), maxPixels, new StageTimings(t1 - t0, t2 - t1, t3 - t2, t5 - t3));
    }
}
