package dev.sparseseg.connectors.frame;

/**
 * An input that could not be segmented, for the dead-letter topic: the bytes and Kafka headers
 * it arrived with, and why.
 */
public class DeadLetter {
    public String streamId;
    public long seq;
    public long timestampMs;
    public byte[] original;
    /** The input record's headers ({@link Headers#pack}), null if it did not come from Kafka. */
    public byte[] headers;
    public String error;

    public DeadLetter() {
    }

    public static DeadLetter of(FrameRecord frame, String error) {
        return of(frame.streamId, frame.seq, frame.timestampMs, frame.received(), frame.headers, error);
    }

    public static DeadLetter of(String streamId, long seq, long timestampMs, byte[] original, byte[] headers, String error) {
        DeadLetter d = new DeadLetter();
        d.streamId = streamId;
        d.seq = seq;
        d.timestampMs = timestampMs;
        d.original = original;
        d.headers = headers;
        d.error = error;
        return d;
    }

    @Override
    public String toString() {
        return "DeadLetter{" + streamId + "#" + seq + ": " + error + "}";
    }
}
