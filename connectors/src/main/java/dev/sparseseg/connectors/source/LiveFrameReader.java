package dev.sparseseg.connectors.source;

import dev.sparseseg.connectors.frame.FrameRecord;

import java.io.IOException;

/**
 * A stream that never ends (a camera): instead of blocking in {@link #read()} until a frame
 * comes, which may be never while the camera is down, the fetcher polls it, and
 * {@link #wakeUp()} lets Flink take the fetcher back at any time.
 */
public interface LiveFrameReader extends FrameReader {
    /** The next frame, or null if none arrived within {@code maxWaitMs} or {@link #wakeUp()} was called. */
    FrameRecord poll(long maxWaitMs) throws IOException;

    /** Makes a {@link #poll} in progress in another thread return null now. */
    void wakeUp();
}
