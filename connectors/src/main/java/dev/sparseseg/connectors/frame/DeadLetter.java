package dev.sparseseg.connectors.frame;

/** An input that could not be segmented: the original bytes and why, for the dead-letter topic. */
public class DeadLetter {
    public String streamId;
    public long seq;
    public long timestampMs;
    public byte[] original;
    public String error;

    public DeadLetter() {
    }

    public static DeadLetter of(FrameRecord frame, String error) {
        DeadLetter d = new DeadLetter();
        d.streamId = frame.streamId;
        d.seq = frame.seq;
        d.timestampMs = frame.timestampMs;
        d.original = frame.data;
        d.error = error;
        return d;
    }

    @Override
    public String toString() {
        return "DeadLetter{" + streamId + "#" + seq + ": " + error + "}";
    }
}
