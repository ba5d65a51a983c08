package dev.sparseseg.job.stages;

import dev.sparseseg.connectors.frame.DeadLetter;
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
    /** The bytes the frame arrived with, for a dead letter; null when they are the frame's RGB. */
    public byte[] original;
    /** The input record's Kafka headers (packed), for a dead letter. */
    public byte[] headers;
    /** Why a stage failed on this frame (the later stages pass it on to the dead letters), else null. */
    public String error;

    public RgbFrame frame;
    public CoarseLogits logits;
    public Selection selection;
    public RefinedPixels refined;
    public LabelMap labels;
    /** The card name of the segmenter that served this frame (its size's model set): the {@code model} header. */
    public String model;
    /** Pixels selected for refinement (kept after the selection itself is dropped). */
    public int refinedPixels;
    /** Where refinement was spent, 1 bit per pixel ({@code MaskPng.pack}), when a sink publishes masks; else null. */
    public byte[] refinedMask;
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
        byte[] received = r.received();
        f.original = received == frame.rgb() ? null : received;
        f.headers = r.headers;
        return f;
    }

    /** Marks the frame failed in {@code stage} and drops what the stages made of it. */
    public void fail(String stage, Throwable cause) {
        error = "frame " + streamId + "#" + seq + " failed in " + stage + ": " + cause;
        logits = null;
        selection = null;
        refined = null;
        labels = null;
        refinedMask = null;
    }

    /** The dead letter of a failed frame: the bytes it arrived with and why. */
    public DeadLetter deadLetter() {
        return DeadLetter.of(streamId, seq, timestampMs, original != null ? original : frame.rgb(), headers, error);
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
