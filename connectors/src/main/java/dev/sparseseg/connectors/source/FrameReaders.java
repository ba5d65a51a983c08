package dev.sparseseg.connectors.source;

import dev.sparseseg.connectors.folder.FolderFrameReader;
import dev.sparseseg.connectors.uri.SourceUri;
import dev.sparseseg.connectors.video.Camera;
import dev.sparseseg.connectors.video.LatestFrameReader;
import dev.sparseseg.connectors.video.VideoFrameReader;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** Opens the reader for a camera, video or folder source URI. */
public final class FrameReaders {
    private FrameReaders() {
    }

    /**
     * A camera opens in the background and never fails to open (it is retried until it
     * answers); a video or folder that cannot be opened fails here.
     *
     * @param skip frames already emitted (a restored split resumes after them; a camera numbers on from there)
     */
    public static FrameReader open(SourceUri src, long skip) throws IOException {
        return switch (src.kind()) {
            case DIR -> new FolderFrameReader(Path.of(src.location()), src.streamId(), skip, src.repeat());
            case RTSP -> new Camera(src.location(), src.streamId(), src.policy(), Duration.ofMillis(src.stallTimeoutMs()), skip);
            case FILE -> {
                VideoFrameReader video = new VideoFrameReader(src.location(), src.streamId(), skip);
                yield src.policy() == LivePolicy.DROP_OLDEST ? new LatestFrameReader(video) : video;
            }
            case KAFKA -> throw new IllegalArgumentException(src.location() + " is a Kafka topic, read by the Kafka source");
        };
    }

    /**
     * Opens and closes a video or folder source, so that a run refuses at start a path its
     * reader would fail on, instead of restarting the job until its attempts run out. Cameras
     * and Kafka topics are not checked: they may come up later. Only where the job runs on
     * this machine: a cluster's readers open the TaskManagers' paths.
     */
    public static void check(String uri) {
        SourceUri src = SourceUri.parse(uri);
        if (src.kind() != SourceUri.Kind.DIR && src.kind() != SourceUri.Kind.FILE) {
            return;
        }
        try (FrameReader ignored = open(src, 0)) {
            // Opened: the path exists and holds frames.
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("source " + uri + ": " + e.getMessage(), e);
        }
    }
}
