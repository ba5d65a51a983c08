package dev.sparseseg.job.stages;

import dev.sparseseg.job.EngineSpec;
import dev.sparseseg.models.coarse.GridMapping;
import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.select.LatencyBudget;

/**
 * Stage 2: the uncertain pixels (coarse entropy above the threshold of the frame size's
 * operating point, or the per-frame budget); with a latency budget, those that fit it.
 */
public final class EntropySelectionStage extends ModelStage {
    private transient Models models;
    private transient SharedBudget budget;

    public EntropySelectionStage(EngineSpec spec) {
        super(spec);
    }

    @Override
    void init(Models models) {
        this.models = models;
        budget = SharedBudget.acquire(getRuntimeContext(), models);
    }

    @Override
    public FrameInFlight map(FrameInFlight f) {
        long t0 = System.nanoTime();
        GridMapping m = f.logits.mapping();
        LatencyBudget latency = budget == null ? null : budget.latency();
        if (latency == null) {
            f.selection = models.selectorFor(m.frameW, m.frameH).select(f.logits);
        } else {
            f.pixelBudget = latency.pixels(f.stageNs[FrameInFlight.Stage.COARSE.ordinal()]);
            f.selection = models.selectorFor(m.frameW, m.frameH).select(f.logits, f.pixelBudget);
        }
        f.refinedPixels = f.selection.count();
        f.stageNs[FrameInFlight.Stage.SELECT.ordinal()] = System.nanoTime() - t0;
        return f;
    }

    @Override
    public void close() {
        SharedBudget.release(budget);
        budget = null;
        super.close();
    }
}
