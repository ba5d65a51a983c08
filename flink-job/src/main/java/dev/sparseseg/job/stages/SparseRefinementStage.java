package dev.sparseseg.job.stages;

import dev.sparseseg.models.engine.EngineConfig;
import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.refine.SparseRefiner;

/** Stage 3: the refiner on the selected pixels only, at full resolution. */
public final class SparseRefinementStage extends ModelStage {
    private transient SparseRefiner refiner;

    public SparseRefinementStage(EngineConfig engine) {
        super(engine, FrameInFlight.Stage.REFINE);
    }

    @Override
    void init(Models models) {
        refiner = models.refiner();
    }

    @Override
    void apply(FrameInFlight f) {
        f.refined = refiner.refine(f.frame, f.logits, f.selection);
    }
}
