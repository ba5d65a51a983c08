package dev.sparseseg.job;

import dev.sparseseg.connectors.frame.Headers;
import dev.sparseseg.connectors.frame.SegmentRecord;
import dev.sparseseg.connectors.video.TestClips;
import dev.sparseseg.models.engine.EngineConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * drop-oldest on a video paced faster than the job can segment: frames are skipped, but
 * every skipped frame is counted, so frames out + dropped = frames in; with wait nothing is skipped.
 */
class DropOldestTest {
    static final int FRAMES = 48;

    @Test
    void skippedFramesAreCountedAndOrderIsKept(@TempDir Path tmp) throws Exception {
        // 400 fps: 2.5 ms per frame, faster than decode + segmentation + PNG encoding on any CPU.
        Path clip = TestClips.encode(tmp.resolve("fast.mp4"), 320, 240, FRAMES, 400);
        List<SegmentRecord> out = run("file:" + clip + "#id=cam&policy=drop-oldest");

        long dropped = out.stream().mapToLong(s -> Long.parseLong(s.headers.getOrDefault(Headers.DROPPED, "0"))).sum();
        assertEquals(FRAMES, out.size() + dropped, "frames out + dropped must equal frames in");
        assertTrue(dropped > 0, "a 400 fps clip should outpace the job, yet nothing was dropped");
        assertIncreasing(out);
        assertEquals(FRAMES - 1, out.get(out.size() - 1).seq, "the newest frame (the last) is always delivered");
    }

    @Test
    void waitPolicyDeliversEveryFrame(@TempDir Path tmp) throws Exception {
        Path clip = TestClips.encode(tmp.resolve("fast.mp4"), 320, 240, FRAMES, 400);
        List<SegmentRecord> out = run("file:" + clip + "#id=cam");
        assertEquals(FRAMES, out.size());
        for (int i = 0; i < FRAMES; i++) {
            assertEquals(i, out.get(i).seq);
            assertTrue(!out.get(i).headers.containsKey(Headers.DROPPED));
        }
    }

    private static List<SegmentRecord> run(String source) throws Exception {
        CollectSink.clear();
        JobSettings s = new JobSettings(List.of(source), List.of("discard:"), "log",
                EngineConfig.defaults().withThreads(1), 1, null, null, "test").validate();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SegmentationJob.pipeline(env, s).sinkTo(new CollectSink());
        env.execute("drop-oldest test");
        return CollectSink.collected();
    }

    private static void assertIncreasing(List<SegmentRecord> out) {
        for (int i = 1; i < out.size(); i++) {
            assertTrue(out.get(i).seq > out.get(i - 1).seq, "frames out of order at " + i);
        }
    }
}
