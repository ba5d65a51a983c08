package dev.sparseseg.connectors.source;

import dev.sparseseg.connectors.video.TestClips;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameReadersTest {
    @TempDir
    Path tmp;

    @Test
    void refusesFoldersAndVideosItCannotRead() throws IOException {
        assertRefused("dir:" + tmp.resolve("missing"), "dir:" + tmp.resolve("missing") + ": image folder");
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        assertRefused("dir:" + empty, "holds no PNG or JPEG files");
        assertRefused("file:" + tmp.resolve("missing.mp4"), "file:" + tmp.resolve("missing.mp4") + ": cannot open video");
        Path notVideo = Files.writeString(tmp.resolve("notes.mp4"), "not a video");
        assertRefused("file:" + notVideo, "cannot open video");
    }

    @Test
    void acceptsReadableFoldersAndVideos() throws IOException {
        Path frames = Files.createDirectory(tmp.resolve("frames"));
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", frames.resolve("a.png").toFile());
        assertDoesNotThrow(() -> FrameReaders.check("dir:" + frames));
        Path clip = TestClips.encode(tmp.resolve("clip.mp4"), 64, 48, 3, 10);
        assertDoesNotThrow(() -> FrameReaders.check("file:" + clip));
        // A drop-oldest video is read by a grabbing thread: opened and closed as well.
        assertDoesNotThrow(() -> FrameReaders.check("file:" + clip + "#policy=drop-oldest"));
    }

    @Test
    void leavesCamerasAndTopicsToComeUpLater() {
        assertDoesNotThrow(() -> FrameReaders.check("rtsp://127.0.0.1:1/nothing-here"));
        assertDoesNotThrow(() -> FrameReaders.check("kafka://127.0.0.1:1/frames"));
    }

    private static void assertRefused(String uri, String named) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FrameReaders.check(uri), uri);
        assertTrue(e.getMessage().contains(named), uri + ": " + e.getMessage());
    }
}
