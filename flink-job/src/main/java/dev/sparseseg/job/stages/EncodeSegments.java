package dev.sparseseg.job.stages;

import dev.sparseseg.connectors.frame.Headers;
import dev.sparseseg.connectors.frame.MaskPng;
import dev.sparseseg.connectors.frame.Overlay;
import dev.sparseseg.connectors.frame.PalettePng;
import dev.sparseseg.connectors.frame.SegmentRecord;
import dev.sparseseg.job.metrics.JobMetrics;
import dev.sparseseg.job.metrics.SecondsHistogram;
import dev.sparseseg.job.metrics.StreamMetrics;
import dev.sparseseg.models.card.ModelCard;
import dev.sparseseg.models.card.ModelSource;
import dev.sparseseg.models.engine.EngineConfig;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * Label maps to output records: a palette PNG (pixel = class id, palette = the segmenter
 * card's colours), optionally a JPEG overlay and a 1-bit PNG of the refined pixels
 * ({@link MaskPng}), and the headers of docs/design.md section 4.
 * Frames a stage failed on, or that cannot be encoded, go to {@link DecodeFrames#DEAD_LETTERS}.
 */
public final class EncodeSegments extends ProcessFunction<FrameInFlight, SegmentRecord> {
    private static final Logger LOG = LoggerFactory.getLogger(EncodeSegments.class);
    static final double OVERLAY_ALPHA = 0.5;

    private final EngineConfig engine;
    private final boolean overlays;
    private final boolean masks;
    private transient int[] palette;
    private transient Tally framesOut;
    private transient Tally deadLetters;
    private transient SecondsHistogram latency;
    private transient SecondsHistogram stageTime;
    private transient StreamMetrics streams;

    /** @param masks encode the refined pixels, which {@link GatedFusionStage} then keeps for each frame */
    public EncodeSegments(EngineConfig engine, boolean overlays, boolean masks) {
        this.engine = engine;
        this.overlays = overlays;
        this.masks = masks;
    }

    @Override
    public void open(OpenContext ctx) {
        ModelSource src = ModelSource.of(engine.modelsDir());
        ModelCard card = src.card(EngineConfig.SEGMENTER);
        palette = card.palette();
        framesOut = Tally.of(getRuntimeContext(), Tally.FRAMES_OUT);
        deadLetters = Tally.of(getRuntimeContext(), Tally.DEAD_LETTERS);
        MetricGroup g = JobMetrics.of(getRuntimeContext());
        latency = JobMetrics.seconds(g, "latency_seconds");
        stageTime = JobMetrics.seconds(g, JobMetrics.STAGE_SECONDS);
        streams = new StreamMetrics(g);
    }

    @Override
    public void processElement(FrameInFlight f, Context ctx, Collector<SegmentRecord> out) {
        SegmentRecord s = null;
        if (f.error == null) {
            try {
                long t0 = System.nanoTime();
                s = encode(f);
                stageTime.record(System.nanoTime() - t0);
            } catch (RuntimeException | OutOfMemoryError e) {
                LOG.warn("frame {}#{} could not be encoded; it goes to the dead letters", f.streamId, f.seq, e);
                f.fail("encode", e);
            }
        }
        if (s != null) {
            // Outside the try: chained sinks write inside collect, and a sink that fails (a folder
            // that cannot be written, Kafka's error from an earlier send) must fail the task, to be
            // restarted and replay from the last checkpoint, not turn good frames into dead letters.
            out.collect(s);
            return;
        }
        deadLetters.add(1);
        ctx.output(DecodeFrames.DEAD_LETTERS, f.deadLetter());
    }

    private SegmentRecord encode(FrameInFlight f) {
        SegmentRecord s = new SegmentRecord();
        s.streamId = f.streamId;
        s.seq = f.seq;
        s.timestampMs = f.timestampMs;
        s.width = f.labels.width();
        s.height = f.labels.height();
        s.labelsPng = PalettePng.encode(f.labels.labels(), s.width, s.height, palette);
        if (overlays) {
            s.overlayJpeg = Overlay.jpeg(f.frame.rgb(), f.labels.labels(), s.width, s.height, palette, OVERLAY_ALPHA);
        }
        if (masks) {
            if (f.refinedMask == null) {
                throw new IllegalStateException("no mask of the refined pixels: gated fusion must keep it when masks are published");
            }
            s.maskPng = MaskPng.encode(f.refinedMask, s.width, s.height);
            f.refinedMask = null;
        }
        int refined = f.refinedPixels;
        long latencyMs = System.currentTimeMillis() - f.receivedMs;
        s.headers.put(Headers.MODEL, f.model);
        s.headers.put(Headers.REFINED, Integer.toString(refined));
        s.headers.put(Headers.LATENCY_MS, Long.toString(latencyMs));
        if (f.pixelBudget >= 0) {
            s.headers.put(Headers.PIXEL_BUDGET, Long.toString(f.pixelBudget));
        }
        if (f.droppedBefore > 0) {
            s.headers.put(Headers.DROPPED, Long.toString(f.droppedBefore));
        }
        for (FrameInFlight.Stage st : FrameInFlight.Stage.values()) {
            s.headers.put(Headers.STAGE_MS_PREFIX + st.id, String.format(Locale.ROOT, "%.2f", f.stageNs[st.ordinal()] / 1e6));
        }
        framesOut.add(1);
        latency.record(latencyMs * 1_000_000);
        streams.frame(f.streamId, latencyMs);
        return s;
    }
}
