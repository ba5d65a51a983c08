package dev.sparseseg.job.stages;

import dev.sparseseg.job.metrics.JobMetrics;
import dev.sparseseg.models.coarse.GridMapping;
import dev.sparseseg.models.engine.EngineConfig;
import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.select.LatencyBudget;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Stage 2: the uncertain pixels (coarse entropy above the threshold of the frame size's
 * operating point, or the per-frame budget); with a latency budget, those that fit it.
 */
public final class EntropySelectionStage extends ModelStage {
    private transient Models models;
    private transient LatencyBudgets budget;
    private transient Counter pixels;
    private transient Counter pixelsRefined;
    private transient volatile double refinedFraction;

    public EntropySelectionStage(EngineConfig engine) {
        super(engine, FrameInFlight.Stage.SELECT);
    }

    @Override
    void init(Models models) {
        this.models = models;
        budget = LatencyBudgets.acquire(getRuntimeContext(), models);
        MetricGroup g = JobMetrics.of(getRuntimeContext());
        // rate(pixels_refined_total) / rate(pixels_total) is the fraction over any window.
        pixels = g.counter("pixels_total");
        pixelsRefined = g.counter("pixels_refined_total");
        g.gauge("refined_fraction", () -> refinedFraction);
    }

    @Override
    void apply(FrameInFlight f) {
        GridMapping m = f.logits.mapping();
        LatencyBudget latency = budget.latency();
        if (latency == null) {
            f.selection = models.selectorFor(m.frameW, m.frameH).select(f.logits);
        } else {
            f.pixelBudget = latency.pixels(f.stageNs[FrameInFlight.Stage.COARSE.ordinal()]);
            f.selection = models.selectorFor(m.frameW, m.frameH).select(f.logits, f.pixelBudget);
        }
        f.refinedPixels = f.selection.count();
        pixels.inc(f.frame.pixels());
        pixelsRefined.inc(f.refinedPixels);
        refinedFraction = (double) f.refinedPixels / f.frame.pixels();
    }

    @Override
    public void close() throws Exception {
        if (budget != null) {
            budget.release();
            budget = null;
        }
        super.close();
    }
}
