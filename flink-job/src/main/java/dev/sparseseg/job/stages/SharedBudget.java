package dev.sparseseg.job.stages;

import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.select.LatencyBudget;
import org.apache.flink.api.common.functions.RuntimeContext;

import java.util.HashMap;
import java.util.Map;

/**
 * One {@link LatencyBudget} per pipeline of stage operators: selection spends it, fusion
 * (which sees every stage's time of the frame) teaches it. Chained operators of one subtask
 * run in one thread and find the same instance by slot, job, subtask and attempt; when
 * refinement runs in other slots, selection keeps its own and plans with the first cost
 * estimate. Reference-counted: the last operator to close drops it.
 */
final class SharedBudget {
    private static final Map<String, SharedBudget> BY_PIPELINE = new HashMap<>();

    private final String key;
    private final LatencyBudget latency;
    private int users;

    private SharedBudget(String key, LatencyBudget latency) {
        this.key = key;
        this.latency = latency;
    }

    /** The pipeline's budget (null when the engine config sets none). */
    static SharedBudget acquire(RuntimeContext ctx, Models models) {
        if (models.config().latencyBudgetMs() <= 0) {
            return null;
        }
        String key = ctx.getTaskInfo().getAllocationIDAsString() + "/" + ctx.getJobInfo().getJobId() + "/"
                + ctx.getTaskInfo().getIndexOfThisSubtask() + "/" + ctx.getTaskInfo().getAttemptNumber();
        synchronized (BY_PIPELINE) {
            SharedBudget b = BY_PIPELINE.computeIfAbsent(key, k -> new SharedBudget(k, models.latencyBudget()));
            b.users++;
            return b;
        }
    }

    static void release(SharedBudget b) {
        if (b == null) {
            return;
        }
        synchronized (BY_PIPELINE) {
            if (--b.users == 0) {
                BY_PIPELINE.remove(b.key);
            }
        }
    }

    LatencyBudget latency() {
        return latency;
    }
}
