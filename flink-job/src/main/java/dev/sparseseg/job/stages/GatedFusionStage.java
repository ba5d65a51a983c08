package dev.sparseseg.job.stages;

import dev.sparseseg.connectors.frame.MaskPng;
import dev.sparseseg.models.coarse.GridMapping;
import dev.sparseseg.models.engine.EngineConfig;
import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.fuse.GatedEnsembler;

/**
 * Stage 4: the learned gate (of the model set serving the frame's size) fuses coarse and
 * refined logits into the full-resolution label map.
 */
public final class GatedFusionStage extends ModelStage {
    private final boolean keepFrame;
    private final boolean keepMask;
    private transient Models models;
    private transient LatencyBudgets budget;

    /**
     * @param keepFrame pass the RGB frame on (overlays need it); otherwise it is not shipped to the encoder
     * @param keepMask  pass on where refinement was spent, packed 1 bit per pixel ({@link FrameInFlight#refinedMask})
     */
    public GatedFusionStage(EngineConfig engine, boolean keepFrame, boolean keepMask) {
        super(engine, FrameInFlight.Stage.FUSE);
        this.keepFrame = keepFrame;
        this.keepMask = keepMask;
    }

    @Override
    void init(Models models) {
        this.models = models;
        budget = LatencyBudgets.acquire(getRuntimeContext(), models);
    }

    @Override
    public void close() throws Exception {
        if (budget != null) {
            budget.release();
            budget = null;
        }
        super.close();
    }

    @Override
    void apply(FrameInFlight f) {
        GridMapping m = f.logits.mapping();
        GatedEnsembler ensembler = models.ensemblerFor(m.frameW, m.frameH);
        long t0 = System.nanoTime();
        float[] fused = ensembler.fuseLogits(f.refined);
        long t1 = System.nanoTime();
        f.labels = ensembler.labels(f.logits, f.refined, fused);
        if (budget.latency() != null) {
            long[] ns = f.stageNs;
            budget.latency().record(ns[FrameInFlight.Stage.COARSE.ordinal()], ns[FrameInFlight.Stage.SELECT.ordinal()],
                    ns[FrameInFlight.Stage.REFINE.ordinal()], t1 - t0, System.nanoTime() - t1, f.refinedPixels);
        }
        if (keepMask) {
            // The selection's pixel indices take 4 bytes each; the packed mask 1 bit per frame pixel.
            f.refinedMask = MaskPng.pack(f.selection.pixels(), f.selection.count(), f.labels.width(), f.labels.height());
        }
        // The logits and selection are no longer needed: do not ship them further.
        f.logits = null;
        f.refined = null;
        f.selection = null;
        if (!keepFrame && f.original != null) {
            // A camera's frame stays: it is the dead letter should encoding fail.
            f.frame = null;
        }
    }
}
