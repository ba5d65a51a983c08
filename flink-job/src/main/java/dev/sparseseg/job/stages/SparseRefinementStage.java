package dev.sparseseg.job.stages;

import dev.sparseseg.models.engine.EngineConfig;
import dev.sparseseg.models.engine.Models;

/** Stage 3: the refiner (of the model set serving the frame's size) on the selected pixels only, at full resolution. */
public final class SparseRefinementStage extends ModelStage {
    private transient Models models;

    public SparseRefinementStage(EngineConfig engine) {
        super(engine, FrameInFlight.Stage.REFINE);
    }

    @Override
    void init(Models models) {
        this.models = models;
    }

    @Override
    void apply(FrameInFlight f) {
        f.refined = models.refinerFor(f.frame.width(), f.frame.height()).refine(f.frame, f.logits, f.selection);
    }
}
