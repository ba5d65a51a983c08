package dev.sparseseg.job.metrics;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.MetricGroup;

/**
 * Where the job's own metrics live: group {@value #GROUP} of each operator, named after
 * Prometheus's conventions ({@code _total} for counts, {@code _seconds} for durations), so
 * that Flink's Prometheus reporter exports them as
 * {@code flink_taskmanager_job_task_operator_sparseseg_<name>} with the job, task, operator
 * and subtask as labels, and per-stream metrics with the stream id as label {@code stream}.
 */
public final class JobMetrics {
    public static final String GROUP = "sparseseg";
    /** The key of per-stream groups: a label, not part of the metric name. */
    public static final String STREAM = "stream";

    /** Time the operator's stage took per frame. */
    public static final String STAGE_SECONDS = "stage_seconds";

    private JobMetrics() {
    }

    public static MetricGroup of(RuntimeContext ctx) {
        return ctx.getMetricGroup().addGroup(GROUP);
    }

    public static SecondsHistogram seconds(MetricGroup group, String name) {
        return group.histogram(name, new SecondsHistogram());
    }
}
