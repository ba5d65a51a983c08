package dev.sparseseg.job;

import dev.sparseseg.connectors.frame.Headers;
import dev.sparseseg.connectors.frame.MaskPng;
import dev.sparseseg.models.image.ImageFiles;
import dev.sparseseg.models.image.RgbFrame;
import dev.sparseseg.models.select.Selection;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.sparseseg.job.KafkaTestSupport.DLQ;
import static dev.sparseseg.job.KafkaTestSupport.SEGMENTS;
import static dev.sparseseg.job.KafkaTestSupport.consume;
import static dev.sparseseg.job.KafkaTestSupport.frame;
import static dev.sparseseg.job.KafkaTestSupport.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The job between a real (in-process) Kafka broker's topics: two cameras' frames interleaved in
 * one partition, palette PNGs out, bad input to the default dead-letter topic.
 */
@Timeout(180)
class KafkaJobTest extends KafkaJobFixture {
    private static final int PER_STREAM = 4;
    private static final String OVERLAYS = "overlays";
    private static final String MASKS = "masks";
    /** A recent capture time: output records carry it, and the broker may delete records older than its retention (7 days). */
    private static final long TS0 = System.currentTimeMillis() - 60_000;

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 2})
    void twoInterleavedStreamsKeepTheirOrderAndBadInputGoesToTheDeadLetterTopic(int parallelism) throws Exception {
        if (parallelism == 2) {
            assertNotEquals(JobTestSupport.subtaskOf("a", 2), JobTestSupport.subtaskOf("b", 2),
                    "at parallelism 2 the two streams should be segmented by different subtasks");
        }
        List<Path> files = JobTestSupport.camvidVal(PER_STREAM * 2);
        // Stream a gets the even CamVid frames, b the odd ones, so the two streams differ.
        Map<String, List<byte[]>> sent = Map.of("a", new ArrayList<>(), "b", new ArrayList<>());
        byte[] garbage = "not an image".getBytes(StandardCharsets.US_ASCII);
        try (KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer(broker)) {
            // a0 b0 a1 b1 bad a2 b2 a3 b3, all in one partition.
            for (int seq = 0; seq < PER_STREAM; seq++) {
                for (String key : List.of("a", "b")) {
                    byte[] png = Files.readAllBytes(files.get(2 * seq + (key.equals("a") ? 0 : 1)));
                    sent.get(key).add(png);
                    producer.send(frame(key, seq, ts(key, seq), png)).get();
                }
                if (seq == 1) {
                    producer.send(frame("bad", 0, TS0, garbage)).get();
                }
            }
        }

        // Dead letters not set: frames-dlq on the same broker.
        job = KafkaTestSupport.startJob(broker, parallelism, null);
        List<ConsumerRecord<String, byte[]>> out = consume(broker, job, SEGMENTS, 2 * PER_STREAM, 120);
        List<ConsumerRecord<String, byte[]>> dead = consume(broker, job, DLQ, 1, 30);
        KafkaTestSupport.cancel(job);
        job = null;

        Map<String, List<Long>> seqs = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : out) {
            seqs.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(Long.parseLong(header(r, Headers.SEQ)));
        }
        assertEquals(Map.of("a", List.of(0L, 1L, 2L, 3L), "b", List.of(0L, 1L, 2L, 3L)), seqs,
                "each stream's frames, once each, in their order");

        try (JobTestSupport.Reference ref = new JobTestSupport.Reference()) {
            for (ConsumerRecord<String, byte[]> r : out) {
                int seq = Integer.parseInt(header(r, Headers.SEQ));
                String what = r.key() + "#" + seq;
                RgbFrame frame = ImageFiles.decodeRgb(sent.get(r.key()).get(seq), what);
                assertEquals(480, frame.width(), what);
                assertEquals(360, frame.height(), what);
                ref.assertSegments(frame, r.value(), what);
                assertEquals(Long.toString(ts(r.key(), seq)), header(r, Headers.TS), what + ": ts");
                assertEquals(ts(r.key(), seq), r.timestamp(), what + ": record timestamp");
                assertEquals("480", header(r, Headers.WIDTH), what);
                assertEquals("360", header(r, Headers.HEIGHT), what);
                assertEquals(ref.modelName(frame), header(r, Headers.MODEL), what);
                assertTrue(Long.parseLong(header(r, Headers.REFINED)) >= 0, what + ": refined");
                assertTrue(Long.parseLong(header(r, Headers.LATENCY_MS)) >= 0, what + ": latency-ms");
                for (String stage : List.of("decode", "coarse", "select", "refine", "fuse")) {
                    assertTrue(Double.parseDouble(header(r, Headers.STAGE_MS_PREFIX + stage)) >= 0, what + ": " + stage);
                }
                // Decoding happens in the source's thread; the header must still count it.
                assertTrue(Double.parseDouble(header(r, Headers.STAGE_MS_PREFIX + "decode")) > 0.1, what + ": decode time");
            }
        }

        ConsumerRecord<String, byte[]> d = dead.get(0);
        assertEquals("bad", d.key());
        assertArrayEquals(garbage, d.value(), "the dead letter carries the original bytes");
        assertFalse(header(d, Headers.ERROR).isBlank(), "the dead letter says why");
        assertEquals("0", header(d, Headers.SEQ));
    }

    @Test
    void framesWhoseTimestampsKafkaWouldRefuseAreSegmentedAndTheJobGoesOn() throws Exception {
        byte[] png = Files.readAllBytes(JobTestSupport.camvidVal(1).get(0));
        // A camera clock two hours ahead (Kafka 4 refuses record timestamps more than an hour
        // ahead by default), a negative ts (never a valid record timestamp), then a normal frame.
        long ahead = System.currentTimeMillis() + 2 * 3_600_000L;
        try (KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer(broker)) {
            producer.send(frame("ahead", 0, ahead, png)).get();
            producer.send(frame("negative", 0, -5, png)).get();
            producer.send(frame("normal", 0, TS0, png)).get();
        }

        long started = System.currentTimeMillis();
        job = KafkaTestSupport.startJob(broker, 1, null);
        List<ConsumerRecord<String, byte[]>> out = consume(broker, job, SEGMENTS, 3, 120);
        long received = System.currentTimeMillis();
        consume(broker, job, DLQ, 0, 0);
        KafkaTestSupport.cancel(job);
        job = null;

        assertEquals(List.of("ahead", "negative", "normal"), out.stream().map(ConsumerRecord::key).toList());
        assertEquals(Long.toString(ahead), header(out.get(0), Headers.TS), "the capture time stays in the header");
        assertEquals("-5", header(out.get(1), Headers.TS));
        for (ConsumerRecord<String, byte[]> r : out.subList(0, 2)) {
            assertTrue(r.timestamp() >= started && r.timestamp() <= received,
                    r.key() + ": the record timestamp is the producer's clock instead, got " + r.timestamp());
        }
        assertEquals(TS0, out.get(2).timestamp(), "a valid capture time is the record timestamp");
        try (JobTestSupport.Reference ref = new JobTestSupport.Reference()) {
            RgbFrame frame = ImageFiles.decodeRgb(png, "frame");
            for (ConsumerRecord<String, byte[]> r : out) {
                ref.assertSegments(frame, r.value(), r.key());
            }
        }
    }

    @Test
    void overlayTopicCarriesTheFrameBlendedWithClassColoursAndMaskTopicTheRefinedPixels() throws Exception {
        List<Path> files = JobTestSupport.camvidVal(2);
        try (KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer(broker)) {
            for (int seq = 0; seq < files.size(); seq++) {
                producer.send(frame("cam", seq, TS0 + seq, Files.readAllBytes(files.get(seq)))).get();
            }
        }
        job = KafkaTestSupport.startJob(broker, 1, null, "", "#overlays=" + OVERLAYS + "&masks=" + MASKS);
        List<ConsumerRecord<String, byte[]>> maps = consume(broker, job, SEGMENTS, 2, 120);
        List<ConsumerRecord<String, byte[]>> overlays = consume(broker, job, OVERLAYS, 2, 60);
        List<ConsumerRecord<String, byte[]>> masks = consume(broker, job, MASKS, 2, 60);
        KafkaTestSupport.cancel(job);
        job = null;

        try (JobTestSupport.Reference ref = new JobTestSupport.Reference()) {
            for (ConsumerRecord<String, byte[]> r : masks) {
                int seq = Integer.parseInt(header(r, Headers.SEQ));
                String what = "mask #" + seq;
                assertEquals(header(maps.get(seq), Headers.REFINED), header(r, Headers.REFINED), what + ": same headers as its map");
                RgbFrame frame = ImageFiles.readRgb(files.get(seq));
                BufferedImage mask = ImageIO.read(new ByteArrayInputStream(r.value()));
                assertEquals(frame.width(), mask.getWidth(), what);
                assertEquals(frame.height(), mask.getHeight(), what);
                // Exactly the pixels the engine's selector picks in this frame: opaque magenta, the rest transparent.
                Selection sel = ref.selection(frame);
                assertTrue(sel.count() > 0, what + ": the reference selects nothing");
                assertEquals(Integer.toString(sel.count()), header(r, Headers.REFINED), what);
                boolean[] selected = new boolean[frame.width() * frame.height()];
                for (int i = 0; i < sel.count(); i++) {
                    selected[sel.pixels()[i]] = true;
                }
                for (int p = 0; p < selected.length; p++) {
                    int argb = mask.getRGB(p % frame.width(), p / frame.width());
                    if (argb != (selected[p] ? 0xFF000000 | MaskPng.COLOUR : argb & 0x00FFFFFF)) {
                        fail(what + ": pixel " + p + " is " + Integer.toHexString(argb) + ", selected: " + selected[p]);
                    }
                }
            }
        }

        assertEquals(List.of("0", "1"), maps.stream().map(r -> header(r, Headers.SEQ)).toList());
        try (JobTestSupport.Reference ref = new JobTestSupport.Reference()) {
            for (ConsumerRecord<String, byte[]> r : overlays) {
                int seq = Integer.parseInt(header(r, Headers.SEQ));
                String what = "overlay #" + seq;
                assertEquals("cam", r.key(), what);
                assertEquals(header(maps.get(seq), Headers.REFINED), header(r, Headers.REFINED), what + ": same headers as its map");
                RgbFrame frame = ImageFiles.readRgb(files.get(seq));
                RgbFrame overlay = ImageFiles.decodeRgb(r.value(), what);
                assertEquals(frame.width(), overlay.width(), what);
                assertEquals(frame.height(), overlay.height(), what);
                // Half frame, half class colour; JPEG is lossy, so compare on average.
                byte[] labels = ref.labels(frame);
                int[] palette = ref.palette();
                double offBlend = 0;
                double offFrame = 0;
                for (int i = 0; i < labels.length; i++) {
                    int colour = palette[labels[i]];
                    for (int c = 0; c < 3; c++) {
                        int f = frame.rgb()[3 * i + c] & 0xFF;
                        int blend = (f + (colour >> (16 - 8 * c) & 0xFF)) / 2;
                        int got = overlay.rgb()[3 * i + c] & 0xFF;
                        offBlend += Math.abs(got - blend);
                        offFrame += Math.abs(got - f);
                    }
                }
                offBlend /= 3.0 * labels.length;
                offFrame /= 3.0 * labels.length;
                assertTrue(offBlend < 4, what + ": mean difference from the expected blend " + offBlend);
                assertTrue(offFrame > 4 * offBlend, what + ": the overlay is hardly coloured (" + offFrame + " from the frame)");
            }
        }
    }

    @Test
    void dropOldestSkipsStaleRecordsOfALiveTopicAndCountsThem() throws Exception {
        byte[] png = Files.readAllBytes(JobTestSupport.camvidVal(1).get(0));
        long now = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer(broker)) {
            // A backlog the job fell behind on: four frames published two minutes ago, then a fresh one
            // (the job starts within the 40 s lag allowed, even on a slow machine).
            for (int seq = 0; seq < 4; seq++) {
                producer.send(frame("live", seq, now - 120_000 + seq, now - 120_000 + seq, png)).get();
            }
            producer.send(frame("live", 4, now, null, png)).get();
        }
        job = KafkaTestSupport.startJob(broker, 1, null, "#policy=drop-oldest&max-lag=40000", "");
        List<ConsumerRecord<String, byte[]>> out = consume(broker, job, SEGMENTS, 1, 120);
        KafkaTestSupport.cancel(job);
        job = null;

        assertEquals("4", header(out.get(0), Headers.SEQ), "only the fresh frame is segmented");
        assertEquals("4", header(out.get(0), Headers.DROPPED), "the four stale frames are counted");
        try (JobTestSupport.Reference ref = new JobTestSupport.Reference()) {
            ref.assertSegments(ImageFiles.decodeRgb(png, "live#4"), out.get(0).value(), "live#4");
        }
    }

    private static long ts(String key, long seq) {
        return TS0 + 40 * seq + (key.equals("a") ? 0 : 1);
    }
}
