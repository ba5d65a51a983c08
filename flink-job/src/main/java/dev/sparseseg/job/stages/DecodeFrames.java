package dev.sparseseg.job.stages;

import dev.sparseseg.connectors.frame.DeadLetter;
import dev.sparseseg.connectors.frame.FrameRecord;
import dev.sparseseg.job.metrics.JobMetrics;
import dev.sparseseg.job.metrics.SecondsHistogram;
import dev.sparseseg.models.image.RgbFrame;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The gate into the stages: frames arrive as RGB (sources decode with {@link ImageDecoder} in
 * their own threads, {@link DecodeAhead} those too large to cross the keyBy decoded; cameras
 * deliver RGB). Anything that is not a usable image goes to {@link #DEAD_LETTERS} with the
 * reason, and the job goes on.
 */
public final class DecodeFrames extends ProcessFunction<FrameRecord, FrameInFlight> {
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {
    };
    /** Smaller frames than this cannot be segmented meaningfully (the coarse model downsamples 4x at half scale). */
    static final int MIN_SIDE = 16;

    private final long maxPixels;
    private transient Tally framesIn;
    private transient Tally framesDropped;
    private transient Tally deadLetters;
    private transient SecondsHistogram stageTime;

    /** @param maxPixels frames declaring more pixels are dead letters, refused before they are decoded */
    public DecodeFrames(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    @Override
    public void open(OpenContext ctx) {
        framesIn = Tally.of(getRuntimeContext(), Tally.FRAMES_IN);
        framesDropped = Tally.of(getRuntimeContext(), Tally.FRAMES_DROPPED);
        deadLetters = Tally.of(getRuntimeContext(), Tally.DEAD_LETTERS);
        stageTime = JobMetrics.seconds(JobMetrics.of(getRuntimeContext()), JobMetrics.STAGE_SECONDS);
    }

    @Override
    public void processElement(FrameRecord r, Context ctx, Collector<FrameInFlight> out) {
        framesIn.add(1);
        framesDropped.add(r.droppedBefore);
        if (r.error != null) {
            reject(r, r.error, ctx);
            return;
        }
        long t0 = System.nanoTime();
        RgbFrame frame;
        try {
            frame = new RgbFrame(r.width, r.height, r.data);
        } catch (IllegalArgumentException e) {
            reject(r, e.getMessage(), ctx);
            return;
        }
        if ((long) frame.width() * frame.height() > maxPixels) {
            // Cameras deliver RGB: their frames are checked here.
            reject(r, "frame " + r.streamId + "#" + r.seq + " is " + frame.width() + "x" + frame.height()
                    + ", over the limit of " + maxPixels + " pixels", ctx);
            return;
        }
        if (frame.width() < MIN_SIDE || frame.height() < MIN_SIDE) {
            reject(r, "frame " + r.streamId + "#" + r.seq + " is " + frame.width() + "x" + frame.height()
                    + ", smaller than the " + MIN_SIDE + "x" + MIN_SIDE + " the models need", ctx);
            return;
        }
        FrameInFlight f = FrameInFlight.of(r, frame);
        // Includes the decoding a source or DecodeAhead did in its own thread.
        f.stageNs[FrameInFlight.Stage.DECODE.ordinal()] = System.nanoTime() - t0 + r.decodeNanos;
        stageTime.record(f.stageNs[FrameInFlight.Stage.DECODE.ordinal()]);
        out.collect(f);
    }

    private void reject(FrameRecord r, String error, Context ctx) {
        deadLetters.add(1);
        ctx.output(DEAD_LETTERS, DeadLetter.of(r, error));
    }
}
