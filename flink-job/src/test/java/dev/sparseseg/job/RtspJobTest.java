package dev.sparseseg.job;

import dev.sparseseg.connectors.frame.FrameRecord;
import dev.sparseseg.connectors.frame.PalettePng;
import dev.sparseseg.connectors.video.RtspTestServer;
import dev.sparseseg.connectors.video.TestClips;
import dev.sparseseg.connectors.video.VideoFrameReader;
import dev.sparseseg.models.image.RgbFrame;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Cameras: an H.264 clip served over RTSP by a real RTSP server (GStreamer), read by FFmpeg in
 * the job's source, segmented, written by the folder sink. A camera never ends: when the clip's
 * stream ends the camera reconnects (and gets the clip again), so these jobs run until cancelled.
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
            runUntil(env, 120, () -> labelMaps(out.resolve("cam")) >= FRAMES);
        }
        assertStream(out.resolve("cam"));
    }

    @Test
    void aCameraThatIsDownAtTheStartIsRetriedAndTheJobWaitsForIt(@TempDir Path out) throws Exception {
        assumeTrue(RtspTestServer.available(), RtspTestServer.REQUIREMENT);
        try (RtspTestServer camera = RtspTestServer.camera(WIDTH, HEIGHT, 12)) {
            camera.kill();
            StreamExecutionEnvironment env = JobTestSupport.localEnv(1);
            // An RTSP-only job, under drop-oldest too: before, its camera's failure ended it at once, "finished".
            SegmentationJob.build(env, JobTestSupport.settings(
                    List.of(camera.url() + "#id=cam&policy=drop-oldest&stall-timeout=3s"), List.of("dir:" + out), null, 1));
            JobClient job = env.executeAsync(SegmentationJob.NAME);
            try {
                TimeUnit.SECONDS.sleep(15);
                assertEquals(JobStatus.RUNNING, job.getJobStatus().get(10, TimeUnit.SECONDS), "the job waits for its camera");
                camera.restart();
                long back = System.nanoTime();
                long deadline = back + TimeUnit.SECONDS.toNanos(30);
                while (labelMaps(out.resolve("cam")) == 0) {
                    assertTrue(System.nanoTime() < deadline, "no frame segmented 30 s after the camera came up");
                    TimeUnit.MILLISECONDS.sleep(200);
                }
                System.out.printf("a camera down at the start: first frame segmented %.1f s after it came up%n",
                        (System.nanoTime() - back) / 1e9);
                assertEquals(JobStatus.RUNNING, job.getJobStatus().get(10, TimeUnit.SECONDS));
            } finally {
                job.cancel().get(60, TimeUnit.SECONDS);
            }
        }
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
            // The file ends; the camera goes on until the job is cancelled.
            runUntil(env, 150, () -> labelMaps(out.resolve("cam")) >= FRAMES && labelMaps(out.resolve("file")) >= FRAMES);
        }
        try (Stream<Path> streams = Files.list(out)) {
            assertEquals(List.of("cam", "file"), streams.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertStream(out.resolve("cam"));
        assertStream(out.resolve("file"));
    }

    /** Runs the job until {@code done} holds, then cancels it; fails if it ends or {@code seconds} pass first. */
    private static void runUntil(StreamExecutionEnvironment env, long seconds, BooleanSupplier done) throws Exception {
        JobClient job = env.executeAsync(SegmentationJob.NAME);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (!done.getAsBoolean()) {
                assertTrue(System.nanoTime() < deadline, "not done after " + seconds + " s");
                assertEquals(JobStatus.RUNNING, job.getJobStatus().get(10, TimeUnit.SECONDS), "a camera job never ends");
                TimeUnit.MILLISECONDS.sleep(200);
            }
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    /** Frames written whole: the sink writes each frame's overlay after its label map. */
    private static long labelMaps(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("\\d{8}\\.overlay\\.jpg")).count();
        } catch (java.io.IOException e) {
            return 0;  // listing raced a write
        }
    }

    /**
     * Frames in == frames out: one label map (and overlay) per frame of the clip's first showing,
     * seq i holding frame i's labels (a camera's later showings of the clip are numbered on).
     */
    private static void assertStream(Path dir) throws Exception {
        List<String> names;
        try (Stream<Path> files = Files.list(dir)) {
            names = files.map(p -> p.getFileName().toString()).sorted().limit(2L * FRAMES).toList();
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
