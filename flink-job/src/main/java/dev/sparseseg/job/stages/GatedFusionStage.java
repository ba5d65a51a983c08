package dev.sparseseg.job.stages;

import dev.sparseseg.job.EngineSpec;
import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.fuse.GatedEnsembler;

/** Stage 4: the learned gate fuses coarse and refined logits into the full-resolution label map. */
public final class GatedFusionStage extends ModelStage {
    private final boolean keepFrame;
    private transient GatedEnsembler ensembler;

    /** @param keepFrame pass the RGB frame on (overlays need it); otherwise it is not shipped to the encoder */
    public GatedFusionStage(EngineSpec spec, boolean keepFrame) {
        super(spec);
        this.keepFrame = keepFrame;
    }

    @Override
    void init(Models models) {
        ensembler = models.ensembler();
    }

    @Override
    public FrameInFlight map(FrameInFlight f) {
        long t0 = System.nanoTime();
        f.labels = ensembler.fuse(f.logits, f.refined);
        f.stageNs[FrameInFlight.Stage.FUSE.ordinal()] = System.nanoTime() - t0;
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
