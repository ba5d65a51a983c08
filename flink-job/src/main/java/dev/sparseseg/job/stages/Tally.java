package dev.sparseseg.job.stages;

import dev.sparseseg.job.metrics.JobMetrics;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;

/**
 * A frame count kept twice: as a metric (live, in the web UI and the Prometheus reporter, named
 * in snake case with {@code _total}: {@code framesIn} is {@code frames_in_total}) and as an
 * accumulator, which the job's result carries when it ends ({@code run} prints the totals).
 */
public final class Tally {
    /** Frames that entered the stages, dead letters included. */
    public static final String FRAMES_IN = "framesIn";
    /** Frames skipped by drop-oldest before they entered. */
    public static final String FRAMES_DROPPED = "framesDropped";
    public static final String DEAD_LETTERS = "deadLetters";
    /** Segmented frames handed to the sinks. */
    public static final String FRAMES_OUT = "framesOut";

    private final Counter metric;
    private final LongCounter total;

    private Tally(Counter metric, LongCounter total) {
        this.metric = metric;
        this.total = total;
    }

    public static Tally of(RuntimeContext ctx, String name) {
        return new Tally(JobMetrics.of(ctx).counter(metricName(name)), ctx.getLongCounter(name));
    }

    /** {@code framesIn} to {@code frames_in_total}. */
    static String metricName(String name) {
        return name.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT) + "_total";
    }

    public void add(long n) {
        metric.inc(n);
        total.add(n);
    }
}
