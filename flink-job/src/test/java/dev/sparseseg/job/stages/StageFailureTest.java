package dev.sparseseg.job.stages;

import dev.sparseseg.connectors.frame.DeadLetter;
import dev.sparseseg.connectors.frame.FrameRecord;
import dev.sparseseg.connectors.frame.Headers;
import dev.sparseseg.connectors.frame.SegmentRecord;
import dev.sparseseg.models.engine.EngineConfig;
import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.image.ImageFiles;
import dev.sparseseg.models.image.RgbFrame;
import org.apache.flink.streaming.api.operators.StreamMap;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A frame a stage throws on becomes a dead letter of that frame (with the bytes and headers it
 * arrived with), and the operator goes on with the next frame: real models in Flink's operator
 * harness.
 */
class StageFailureTest {
    private static final EngineConfig ENGINE = EngineConfig.defaults().withThreads(1);

    @Test
    void aFrameTheRefinerThrowsOnIsMarkedFailedAndTheNextFrameIsRefined() throws Exception {
        byte[] png = ImageDecoderTest.firstValFrame();
        RgbFrame small = ImageFiles.decodeRgb(png, "val 0");
        RgbFrame large = new RgbFrame(small.width() * 2, small.height() * 2, new byte[small.width() * small.height() * 12]);
        try (Models models = Models.load(ENGINE);
             OneInputStreamOperatorTestHarness<FrameInFlight, FrameInFlight> harness =
                     new OneInputStreamOperatorTestHarness<>(new StreamMap<>(new SparseRefinementStage(ENGINE)))) {
            harness.open();
            // The selection of a frame twice the size: its pixels lie outside the frame the refiner is given.
            FrameInFlight broken = selected(models, large, 1);
            broken.frame = small;
            FrameInFlight good = selected(models, small, 2);
            harness.processElement(new StreamRecord<>(broken));
            harness.processElement(new StreamRecord<>(good));

            List<FrameInFlight> out = harness.extractOutputValues();
            assertEquals(2, out.size());
            FrameInFlight failed = out.get(0);
            assertNotNull(failed.error, "the broken frame is marked failed");
            assertTrue(failed.error.startsWith("frame cam#1 failed in refine: "), failed.error);
            assertNull(failed.logits, "what the stages made of it is dropped");
            assertNull(failed.refined);
            assertNull(out.get(1).error, out.get(1).error);
            assertNotNull(out.get(1).refined, "the next frame is refined");
        }
    }

    @Test
    void theEncoderTurnsFailedFramesIntoDeadLettersWithTheirOriginalBytesAndHeaders() throws Exception {
        byte[] png = ImageDecoderTest.firstValFrame();
        FrameRecord r = FrameRecord.encoded("cam", 7, 1234, png);
        r.headers = Headers.pack(List.of(new AbstractMap.SimpleImmutableEntry<>("seq", "7".getBytes()),
                new AbstractMap.SimpleImmutableEntry<>("site", "north gate".getBytes())));
        new ImageDecoder(1_000_000).decode(r);
        assertNull(r.error);
        FrameInFlight failed = FrameInFlight.of(r, new RgbFrame(r.width, r.height, r.data));
        failed.fail("coarse", new IllegalStateException("session closed"));

        try (Models models = Models.load(ENGINE);
             var harness = ProcessFunctionTestHarnesses.forProcessFunction(new EncodeSegments(ENGINE, false, false))) {
            FrameInFlight good = selected(models, ImageFiles.decodeRgb(png, "val 0"), 8);
            good.refined = models.refiner().refine(good.frame, good.logits, good.selection);
            good.labels = models.ensembler().labels(good.logits, good.refined, models.ensembler().fuseLogits(good.refined));
            harness.processElement(failed, 0);
            harness.processElement(good, 0);

            List<SegmentRecord> out = harness.extractOutputValues();
            assertEquals(1, out.size(), "the good frame is encoded");
            assertEquals(8, out.get(0).seq);
            ConcurrentLinkedQueue<StreamRecord<DeadLetter>> dead = harness.getSideOutput(DecodeFrames.DEAD_LETTERS);
            assertEquals(1, dead.size());
            DeadLetter d = dead.peek().getValue();
            assertEquals("cam", d.streamId);
            assertEquals(7, d.seq);
            assertArrayEquals(png, d.original, "the encoded bytes the frame arrived with, not its RGB");
            assertEquals("frame cam#7 failed in coarse: java.lang.IllegalStateException: session closed", d.error);
            Map.Entry<String, byte[]> site = Headers.unpack(d.headers).get(1);
            assertEquals("site", site.getKey());
            assertEquals("north gate", new String(site.getValue()));
        }
    }

    @Test
    void pipelineObjectsAreSharedByKeyAndClosedWithTheLastUser() throws Exception {
        AtomicInteger made = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        String key = "test/" + System.nanoTime();
        AutoCloseable first = PipelineShared.acquire(key, () -> {
            made.incrementAndGet();
            return (AutoCloseable) closed::incrementAndGet;
        });
        AutoCloseable second = PipelineShared.acquire(key, () -> {
            made.incrementAndGet();
            return (AutoCloseable) closed::incrementAndGet;
        });
        assertSame(first, second);
        assertEquals(1, made.get());
        PipelineShared.release(key);
        assertEquals(0, closed.get(), "still in use");
        PipelineShared.release(key);
        assertEquals(1, closed.get(), "closed with the last user");
        assertEquals(0, PipelineShared.users(key));
    }

    private static FrameInFlight selected(Models models, RgbFrame frame, long seq) {
        FrameInFlight f = FrameInFlight.of(FrameRecord.rgb("cam", seq, 0, frame.width(), frame.height(), frame.rgb()), frame);
        f.logits = models.coarseFor(frame.width(), frame.height()).infer(frame);
        f.selection = models.selectorFor(frame.width(), frame.height()).select(f.logits);
        f.refinedPixels = f.selection.count();
        return f;
    }
}
