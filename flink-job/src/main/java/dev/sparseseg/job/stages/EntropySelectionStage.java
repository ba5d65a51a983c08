package dev.sparseseg.job.stages;

import dev.sparseseg.job.EngineSpec;
import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.select.EntropySelector;

/** Stage 2: the uncertain pixels (coarse entropy above the threshold, or the per-frame budget). */
public final class EntropySelectionStage extends ModelStage {
    private transient EntropySelector selector;

    public EntropySelectionStage(EngineSpec spec) {
        super(spec);
    }

    @Override
    void init(Models models) {
        selector = models.selector();
    }

    @Override
    public FrameInFlight map(FrameInFlight f) {
        long t0 = System.nanoTime();
        f.selection = selector.select(f.logits);
        f.refinedPixels = f.selection.count();
        f.stageNs[FrameInFlight.Stage.SELECT.ordinal()] = System.nanoTime() - t0;
        return f;
    }
}
