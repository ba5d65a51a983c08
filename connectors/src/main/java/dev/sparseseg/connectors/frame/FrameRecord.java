package dev.sparseseg.connectors.frame;

import java.util.Objects;

/**
 * One frame of one stream as it enters the job: either the encoded bytes a producer sent
 * (JPEG or PNG, from Kafka or an image folder) or raw RGB from a video grabber.
 *
 * <p>A Flink POJO (public fields, no-arg constructor) so that, where the graph is not
 * chained, Flink serializes it with its POJO serializer rather than Kryo.
 */
public class FrameRecord {
    /** Stream (camera) id: the Kafka key, and the key the job partitions by. */
    public String streamId;
    /** Frame number within the stream. */
    public long seq;
    /** Capture time, epoch milliseconds. */
    public long timestampMs;
    /** When the source handed the frame to the job, epoch milliseconds (for latency). */
    public long receivedMs;
    public FrameFormat format;
    /** Encoded image bytes, or {@code width * height * 3} RGB bytes. */
    public byte[] data;
    /** Size of an RGB24 frame; 0 for encoded frames (known once decoded). */
    public int width;
    public int height;
    /** Frames of this stream skipped by the drop-oldest policy since the previous record. */
    public long droppedBefore;
    /** Nanoseconds the source spent decoding this frame (0 if it arrived as RGB): the decode stage's time. */
    public long decodeNanos;
    /** Why the source could not read this record properly (it goes to the dead-letter output), else null. */
    public String error;
    /** The bytes as received, once {@code data} holds their decoded RGB: what a dead letter carries back. */
    public byte[] original;
    /** The Kafka record's headers as received ({@link Headers#pack}), for dead letters; null from other sources. */
    public byte[] headers;

    /** The bytes this record arrived with (encoded image, or RGB from a camera). */
    public byte[] received() {
        return original != null ? original : data;
    }

    public FrameRecord() {
    }

    /** A copy of every field; the byte arrays are shared, not copied. */
    public FrameRecord copy() {
        FrameRecord c = new FrameRecord();
        c.streamId = streamId;
        c.seq = seq;
        c.timestampMs = timestampMs;
        c.receivedMs = receivedMs;
        c.format = format;
        c.data = data;
        c.width = width;
        c.height = height;
        c.droppedBefore = droppedBefore;
        c.decodeNanos = decodeNanos;
        c.error = error;
        c.original = original;
        c.headers = headers;
        return c;
    }

    public static FrameRecord encoded(String streamId, long seq, long timestampMs, byte[] bytes) {
        FrameRecord r = new FrameRecord();
        r.streamId = streamId;
        r.seq = seq;
        r.timestampMs = timestampMs;
        r.receivedMs = System.currentTimeMillis();
        r.format = FrameFormat.ENCODED;
        r.data = bytes;
        return r;
    }

    public static FrameRecord rgb(String streamId, long seq, long timestampMs, int width, int height, byte[] rgb) {
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("RGB frame " + width + "x" + height + " needs " + width * height * 3
                    + " bytes, got " + rgb.length);
        }
        FrameRecord r = new FrameRecord();
        r.streamId = streamId;
        r.seq = seq;
        r.timestampMs = timestampMs;
        r.receivedMs = System.currentTimeMillis();
        r.format = FrameFormat.RGB24;
        r.data = rgb;
        r.width = width;
        r.height = height;
        return r;
    }

    @Override
    public String toString() {
        return "FrameRecord{" + streamId + "#" + seq + ", " + format + ", " + (data == null ? 0 : data.length) + " bytes"
                + (error == null ? "" : ", error=" + error) + "}";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrameRecord f && seq == f.seq && Objects.equals(streamId, f.streamId)
                && timestampMs == f.timestampMs && format == f.format && java.util.Arrays.equals(data, f.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(streamId, seq);
    }
}
