package dev.sparseseg.job.stages;

import dev.sparseseg.job.EngineSpec;
import dev.sparseseg.models.coarse.CoarseInference;
import dev.sparseseg.models.engine.Models;

/** Stage 1: the segmenter on the frame shrunk to the coarse scale. */
public final class CoarseInferenceStage extends ModelStage {
    private transient CoarseInference coarse;

    public CoarseInferenceStage(EngineSpec spec) {
        super(spec);
    }

    @Override
    void init(Models models) {
        coarse = models.coarse(models.scale());
    }

    @Override
    public FrameInFlight map(FrameInFlight f) {
        long t0 = System.nanoTime();
        f.logits = coarse.infer(f.frame);
        f.stageNs[FrameInFlight.Stage.COARSE.ordinal()] = System.nanoTime() - t0;
        return f;
    }
}
