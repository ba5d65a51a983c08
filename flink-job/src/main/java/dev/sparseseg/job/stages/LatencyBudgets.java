package dev.sparseseg.job.stages;

import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.select.LatencyBudget;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * One operator's hold on its pipeline's {@link LatencyBudget}: selection spends it, fusion
 * (which sees every stage's time of the frame) teaches it. Shared per slot: when refinement
 * runs in other slots, selection keeps its own and plans with the first cost estimate.
 */
final class LatencyBudgets {
    private static final String BUDGET = "latency-budget";

    private final String key;
    private final LatencyBudget latency;

    private LatencyBudgets(String key, LatencyBudget latency) {
        this.key = key;
        this.latency = latency;
    }

    static LatencyBudgets acquire(RuntimeContext ctx, Models models) {
        if (models.config().latencyBudgetMs() <= 0) {
            return new LatencyBudgets(null, null);
        }
        String key = PipelineShared.slotKey(ctx, BUDGET);
        return new LatencyBudgets(key, PipelineShared.acquire(key, models::latencyBudget));
    }

    /** The budget, or null when the engine config sets none. */
    LatencyBudget latency() {
        return latency;
    }

    void release() throws Exception {
        if (key != null) {
            PipelineShared.release(key);
        }
    }
}
