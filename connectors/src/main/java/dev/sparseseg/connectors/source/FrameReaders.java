package dev.sparseseg.connectors.source;

import dev.sparseseg.connectors.folder.FolderFrameReader;
import dev.sparseseg.connectors.video.LatestFrameReader;
import dev.sparseseg.connectors.video.VideoFrameReader;

import java.io.IOException;
import java.nio.file.Path;

/** Opens the reader for a camera, video or folder source URI. */
public final class FrameReaders {
    private FrameReaders() {
    }

    /** @param skip frames already emitted (a restored split resumes after them) */
    public static FrameReader open(SourceUri src, long skip) throws IOException {
        return switch (src.kind()) {
            case DIR -> new FolderFrameReader(Path.of(src.location()), src.streamId(), skip, src.repeat());
            case FILE, RTSP -> {
                VideoFrameReader video = new VideoFrameReader(src.location(), src.streamId(), skip);
                yield src.policy() == LivePolicy.DROP_OLDEST ? new LatestFrameReader(video) : video;
            }
            case KAFKA -> throw new IllegalArgumentException(src.location() + " is a Kafka topic, read by the Kafka source");
        };
    }
}
