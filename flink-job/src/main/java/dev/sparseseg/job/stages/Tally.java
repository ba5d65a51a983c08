package dev.sparseseg.job.stages;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;

/**
 * A frame count kept twice: as a metric (live, in the web UI and metric reporters) and as an
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
        return new Tally(ctx.getMetricGroup().counter(name), ctx.getLongCounter(name));
    }

    public void add(long n) {
        metric.inc(n);
        total.add(n);
    }
}
