package dev.sparseseg.job.stages;

import dev.sparseseg.connectors.frame.FrameRecord;
import dev.sparseseg.models.coarse.CoarseLogits;
import dev.sparseseg.models.image.LabelMap;
import dev.sparseseg.models.image.RgbFrame;
import dev.sparseseg.models.refine.RefinedPixels;
import dev.sparseseg.models.select.Selection;

/**
 * A frame between the SparseRefine operators: each stage fills in its result. Chained
 * operators pass it by reference (object reuse); when refinement runs in its own slots,
 * Flink serializes it.
 */
public class FrameInFlight {
    public String streamId;
    public long seq;
    public long timestampMs;
    public long receivedMs;
    public long droppedBefore;

    public RgbFrame frame;
    public CoarseLogits logits;
    public Selection selection;
    public RefinedPixels refined;
    public LabelMap labels;
    /** Pixels selected for refinement (kept after the selection itself is dropped). */
    public int refinedPixels;
    /** Pixels a latency budget let this frame refine; -1 without one. */
    public long pixelBudget = -1;

    /** Nanoseconds spent in decode, coarse, select, refine, fuse. */
    public long[] stageNs = new long[Stage.values().length];

    public FrameInFlight() {
    }

    public static FrameInFlight of(FrameRecord r, RgbFrame frame) {
        FrameInFlight f = new FrameInFlight();
        f.streamId = r.streamId;
        f.seq = r.seq;
        f.timestampMs = r.timestampMs;
        f.receivedMs = r.receivedMs;
        f.droppedBefore = r.droppedBefore;
        f.frame = frame;
        return f;
    }

    /** Stages in order, with the names the Flink web UI and the timing headers show. */
    public enum Stage {
        DECODE("decode"), COARSE("coarse"), SELECT("select"), REFINE("refine"), FUSE("fuse");

        public final String id;

        Stage(String id) {
            this.id = id;
        }
    }

    @Override
    public String toString() {
        return "FrameInFlight{" + streamId + "#" + seq + "}";
    }
}
