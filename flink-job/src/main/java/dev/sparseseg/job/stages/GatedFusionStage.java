package dev.sparseseg.job.stages;

import dev.sparseseg.job.EngineSpec;
import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.fuse.GatedEnsembler;

/** Stage 4: the learned gate fuses coarse and refined logits into the full-resolution label map. */
public final class GatedFusionStage extends ModelStage {
    private final boolean keepFrame;
    private transient GatedEnsembler ensembler;
    private transient SharedBudget budget;

    /** @param keepFrame pass the RGB frame on (overlays need it); otherwise it is not shipped to the encoder */
    public GatedFusionStage(EngineSpec spec, boolean keepFrame) {
        super(spec);
        this.keepFrame = keepFrame;
    }

    @Override
    void init(Models models) {
        ensembler = models.ensembler();
        budget = SharedBudget.acquire(getRuntimeContext(), models);
    }

    @Override
    public void close() {
        SharedBudget.release(budget);
        budget = null;
        super.close();
    }

    @Override
    public FrameInFlight map(FrameInFlight f) {
        long t0 = System.nanoTime();
        float[] fused = ensembler.fuseLogits(f.refined);
        long t1 = System.nanoTime();
        f.labels = ensembler.labels(f.logits, f.refined, fused);
        long t2 = System.nanoTime();
        f.stageNs[FrameInFlight.Stage.FUSE.ordinal()] = t2 - t0;
        if (budget != null) {
            long[] ns = f.stageNs;
            budget.latency().record(ns[FrameInFlight.Stage.COARSE.ordinal()], ns[FrameInFlight.Stage.SELECT.ordinal()],
                    ns[FrameInFlight.Stage.REFINE.ordinal()], t1 - t0, t2 - t1, f.refinedPixels);
        }
        // The logits and selection are no longer needed: do not ship them further.
        f.logits = null;
        f.refined = null;
        f.selection = null;
        if (!keepFrame) {
            f.frame = null;
        }
        return f;
    }
}
