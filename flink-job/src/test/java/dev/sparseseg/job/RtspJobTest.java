package dev.sparseseg.job;

import dev.sparseseg.connectors.frame.FrameRecord;
import dev.sparseseg.connectors.frame.PalettePng;
import dev.sparseseg.connectors.video.RtspTestServer;
import dev.sparseseg.connectors.video.TestClips;
import dev.sparseseg.connectors.video.VideoFrameReader;
import dev.sparseseg.models.image.RgbFrame;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Cameras: an H.264 clip served over RTSP by a real RTSP server (GStreamer), read by FFmpeg in
 * the job's source, segmented, written by the folder sink. The stream's end ends the job.
 */
@Timeout(180)
class RtspJobTest {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final int FRAMES = 24;

    @TempDir
    static Path clipDir;
    private static Path clip;
    /** The clip's frames decoded straight from the file, and the engine's labels on each. */
    private static List<RgbFrame> frames;
    private static List<byte[]> expected;

    @BeforeAll
    static void encodeTheClipAndSegmentItOutsideFlink() throws Exception {
        clip = TestClips.encode(clipDir.resolve("clip.mp4"), WIDTH, HEIGHT, FRAMES, 12.0);
        frames = new ArrayList<>();
        try (VideoFrameReader reader = new VideoFrameReader(clip.toString(), "reference", 0)) {
            for (FrameRecord f; (f = reader.read()) != null; ) {
                frames.add(new RgbFrame(f.width, f.height, f.data));
            }
        }
        assertEquals(FRAMES, frames.size(), "frames decoded from the file");
        for (int i = 0; i < FRAMES; i++) {
            assertEquals(i, TestClips.frameIndex(frames.get(i).rgb(), WIDTH, HEIGHT), "frame code of file frame " + i);
        }
        expected = new ArrayList<>();
        try (JobTestSupport.Reference ref = new JobTestSupport.Reference()) {
            for (RgbFrame f : frames) {
                expected.add(ref.labels(f));
            }
        }
    }

    @Test
    void everyFrameOfAnRtspCameraIsSegmentedInOrderAndTheJobEndsWithTheStream(@TempDir Path out) throws Exception {
        assumeTrue(RtspTestServer.available(), RtspTestServer.REQUIREMENT);
        try (RtspTestServer server = RtspTestServer.serve(clip)) {
            StreamExecutionEnvironment env = JobTestSupport.localEnv(1);
            SegmentationJob.build(env, JobTestSupport.settings(List.of(server.url() + "#id=cam"),
                    List.of("dir:" + out), null, 1));
            JobTestSupport.runToEnd(env, 120);
        }
        assertStream(out.resolve("cam"));
    }

    @Test
    void aCameraAndAVideoFileAtOnceEachComeOutWhole(@TempDir Path out) throws Exception {
        assumeTrue(RtspTestServer.available(), RtspTestServer.REQUIREMENT);
        try (RtspTestServer server = RtspTestServer.serve(clip)) {
            // Parallelism 2: each stream gets its own source reader and its own chain of stages.
            assertNotEquals(JobTestSupport.subtaskOf("cam", 2), JobTestSupport.subtaskOf("file", 2));
            StreamExecutionEnvironment env = JobTestSupport.localEnv(2);
            SegmentationJob.build(env, JobTestSupport.settings(
                    List.of(server.url() + "#id=cam", "file:" + clip + "#id=file"), List.of("dir:" + out), null, 2));
            JobTestSupport.runToEnd(env, 150);
        }
        try (Stream<Path> streams = Files.list(out)) {
            assertEquals(List.of("cam", "file"), streams.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertStream(out.resolve("cam"));
        assertStream(out.resolve("file"));
    }

    /** Frames in == frames out: one label map (and overlay) per frame, seq i holding frame i's labels. */
    private static void assertStream(Path dir) throws Exception {
        List<String> names;
        try (Stream<Path> files = Files.list(dir)) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        List<String> want = IntStream.range(0, FRAMES)
                .mapToObj(i -> List.of(String.format("%08d.overlay.jpg", i), String.format("%08d.png", i)))
                .flatMap(List::stream).sorted().toList();
        assertEquals(want, names, dir + ": every frame once, nothing else");
        try (JobTestSupport.Reference ref = new JobTestSupport.Reference()) {
            for (int i = 0; i < FRAMES; i++) {
                byte[] png = Files.readAllBytes(dir.resolve(String.format("%08d.png", i)));
                PalettePng.Decoded decoded = PalettePng.decode(png);
                assertEquals(WIDTH, decoded.width(), dir + " seq " + i);
                assertEquals(HEIGHT, decoded.height(), dir + " seq " + i);
                assertArrayEquals(expected.get(i), decoded.labels(),
                        dir.getFileName() + " seq " + i + ": labels differ from the engine's on file frame " + i);
            }
        }
    }
}
