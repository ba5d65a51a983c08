package dev.sparseseg.job.stages;

import dev.sparseseg.models.engine.EngineConfig;
import dev.sparseseg.models.engine.Models;

/** Stage 1: the segmenter on the frame shrunk to the coarse scale of its size's operating point. */
public final class CoarseInferenceStage extends ModelStage {
    private transient Models models;

    public CoarseInferenceStage(EngineConfig engine) {
        super(engine, FrameInFlight.Stage.COARSE);
    }

    @Override
    void init(Models models) {
        this.models = models;
    }

    @Override
    void apply(FrameInFlight f) {
        f.model = models.segmenterName(f.frame.width(), f.frame.height());
        f.logits = models.coarseFor(f.frame.width(), f.frame.height()).infer(f.frame);
    }
}
