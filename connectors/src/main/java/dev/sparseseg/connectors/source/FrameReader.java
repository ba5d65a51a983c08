package dev.sparseseg.connectors.source;

import dev.sparseseg.connectors.frame.FrameRecord;

import java.io.IOException;

/** Reads the frames of one stream (a camera, a video, an image folder) in order. */
public interface FrameReader extends AutoCloseable {
    /** The next frame, or null at the end of the stream. May block until a frame arrives. */
    FrameRecord read() throws IOException;

    @Override
    void close() throws IOException;
}
