package dev.sparseseg.connectors.video;

/** Where a {@link Camera} stands; {@link #code()} is the value of its state gauge. */
public enum CameraState {
    /** Opening a connection (first or again): no frames yet on it. */
    CONNECTING(0),
    /** Frames are arriving. */
    STREAMING(1),
    /** The connection failed, ended or stalled: waiting out the backoff before the next attempt. */
    WAITING(2),
    /** Closed by the job: no more attempts. */
    CLOSED(3);

    private final int code;

    CameraState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
