package dev.sparseseg.connectors.source;

import dev.sparseseg.connectors.uri.SourceUri;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One stream of a {@link FrameSource}: a camera, a video or an image folder.
 *
 * @param uri      the source as given on the command line
 * @param position frames already emitted (restored readers of files and folders skip them)
 */
public record FrameSplit(String uri, long position) implements SourceSplit {
    @Override
    public String splitId() {
        return source().streamId();
    }

    public SourceUri source() {
        return SourceUri.parse(uri);
    }

    /** Flink logs splits as it assigns them: never with a camera's password. */
    @Override
    public String toString() {
        return "FrameSplit[" + dev.sparseseg.connectors.video.CameraUrls.redact(uri) + " at " + position + "]";
    }

    public FrameSplit at(long newPosition) {
        return new FrameSplit(uri, newPosition);
    }
}
