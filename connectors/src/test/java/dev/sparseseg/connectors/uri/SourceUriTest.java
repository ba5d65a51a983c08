package dev.sparseseg.connectors.uri;

import dev.sparseseg.connectors.source.FrameSplit;
import dev.sparseseg.connectors.source.LivePolicy;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SourceUriTest {
    @Test
    void readsKindsAndOptions() {
        SourceUri cam = SourceUri.parse("rtsp://cam1.local/live#id=gate&policy=drop-oldest");
        assertEquals(SourceUri.Kind.RTSP, cam.kind());
        assertEquals("rtsp://cam1.local/live", cam.location());
        assertEquals("gate", cam.streamId());
        assertEquals(LivePolicy.DROP_OLDEST, cam.policy());
        assertEquals(0, cam.maxLagMs());

        SourceUri folder = SourceUri.parse("dir:/data/camvid/val#repeat=3");
        assertEquals(SourceUri.Kind.DIR, folder.kind());
        assertEquals("val", folder.streamId());
        assertEquals(3, folder.repeat());

        SourceUri topic = SourceUri.parse("kafka://127.0.0.1:9092/frames");
        assertEquals(LivePolicy.WAIT, topic.policy());
        assertEquals(0, topic.maxLagMs(), "wait never skips");
        assertEquals("frames", topic.kafka().topic());
    }

    @Test
    void kafkaDropOldestBoundsTheLag() {
        assertEquals(SourceUri.DEFAULT_MAX_LAG_MS, SourceUri.parse("kafka://h:9092/frames#policy=drop-oldest").maxLagMs());
        assertEquals(250, SourceUri.parse("kafka://h:9092/frames#policy=drop-oldest&max-lag=250").maxLagMs());
    }

    @Test
    void kafkaSourcesStartAtTheEarliestRecordUnlessToldLatest() {
        assertEquals(SourceUri.Start.EARLIEST, SourceUri.parse("kafka://h:9092/frames").start());
        assertEquals(SourceUri.Start.EARLIEST, SourceUri.parse("kafka://h:9092/frames#start=earliest").start());
        assertEquals(SourceUri.Start.LATEST, SourceUri.parse("kafka://h:9092/frames#policy=drop-oldest&start=latest").start());
        assertMessage("kafka://h:9092/frames#start=now", "start=now");
        assertMessage("rtsp://cam/live#start=latest", "Kafka sources only");
    }

    @Test
    void camerasHaveAStallTimeout() {
        assertEquals(SourceUri.DEFAULT_STALL_TIMEOUT_MS, SourceUri.parse("rtsp://cam/live").stallTimeoutMs());
        assertEquals(3_000, SourceUri.parse("rtsp://cam/live#id=gate&stall-timeout=3s").stallTimeoutMs());
        assertEquals(1_500, SourceUri.parse("rtsp://cam/live#stall-timeout=1500ms").stallTimeoutMs());
        assertEquals(120_000, SourceUri.parse("rtsp://cam/live#stall-timeout=2m").stallTimeoutMs());
        assertEquals(0, SourceUri.parse("dir:/x").stallTimeoutMs(), "only cameras stall");
    }

    @Test
    void neverShowsACamerasPassword() {
        SourceUri cam = SourceUri.parse("rtsp://admin:s3cret@cam.local:554/live#id=gate");
        assertEquals("rtsp://admin:s3cret@cam.local:554/live", cam.location(), "FFmpeg still gets the credentials");
        assertEquals("cam.local/live", SourceUri.parse("rtsp://admin:s3cret@cam.local/live").streamId());
        assertTrue(!cam.toString().contains("s3cret"), cam.toString());
        assertTrue(!new FrameSplit("rtsp://admin:s3cret@cam.local/live", 3).toString().contains("s3cret"));
        for (String bad : new String[] {"rtsp://admin:s3cret@cam/live#stall-timeout=soon",
                "rtsp://admin:s3cret@cam/live#speed=2", "rtsp://admin:s3cret@cam/live#repeat=2"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SourceUri.parse(bad));
            assertTrue(!e.getMessage().contains("s3cret") && e.getMessage().contains("rtsp://***@cam/live"), e.getMessage());
        }
    }

    @Test
    void refusesBadOptionsNamingThem() {
        assertMessage("dir:/x#policy=drop-oldest", "image folders");
        assertMessage("kafka://h:9092/frames#max-lag=100", "max-lag");
        assertMessage("rtsp://cam/live#policy=drop-oldest&max-lag=100", "max-lag");
        assertMessage("kafka://h:9092/frames#policy=drop-oldest&max-lag=soon", "max-lag=soon");
        assertMessage("kafka://h:9092/frames#policy=drop-oldest&max-lag=0", "max-lag=0");
        assertMessage("file:clip.mp4#policy=latest", "latest");
        assertMessage("file:clip.mp4#speed=2", "speed");
        assertMessage("file:clip.mp4#repeat=2", "repeat=2");
        assertMessage("http://cam/live", "http://cam/live");
        assertMessage("rtsp://cam/live#stall-timeout=10", "stall-timeout=10 ");
        assertMessage("rtsp://cam/live#stall-timeout=ten", "stall-timeout=ten");
        assertMessage("rtsp://cam/live#stall-timeout=-5s", "stall-timeout=-5s");
        assertMessage("rtsp://cam/live#stall-timeout=200ms", "stall-timeout=200ms");
        assertMessage("dir:/x#stall-timeout=5s", "stall-timeout=5s");
    }

    /** The fragment's grammar is the sinks' ({@link UriOptions}): every option once, no empty ones. */
    @Test
    void refusesRepeatedAndEmptyOptionsAsSinksDo() {
        assertMessage("dir:/x#repeat=2&repeat=3", "source 'dir:/x#repeat=2&repeat=3': option 'repeat' given twice");
        assertMessage("dir:/x#repeat=2&", "option '' is not KEY=VALUE");
        assertMessage("dir:/x#id", "option 'id' is not KEY=VALUE");
        assertMessage("kafka://h:1/s#overlays=o", "unknown option 'overlays' (id, policy, repeat, max-lag, start, stall-timeout)");
    }

    private static void assertMessage(String uri, String named) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SourceUri.parse(uri), uri);
        assertTrue(e.getMessage().contains(named), uri + ": " + e.getMessage());
    }
}
