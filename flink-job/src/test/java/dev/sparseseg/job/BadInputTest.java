package dev.sparseseg.job;

import dev.sparseseg.cli.BadFrames;
import dev.sparseseg.connectors.frame.Headers;
import dev.sparseseg.connectors.frame.PalettePng;
import dev.sparseseg.models.image.ImageFiles;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.sparseseg.job.KafkaTestSupport.DLQ;
import static dev.sparseseg.job.KafkaTestSupport.FRAMES;
import static dev.sparseseg.job.KafkaTestSupport.SEGMENTS;
import static dev.sparseseg.job.KafkaTestSupport.consume;
import static dev.sparseseg.job.KafkaTestSupport.frame;
import static dev.sparseseg.job.KafkaTestSupport.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of odd or broken record a camera fleet's topic sees, each between good JPEG frames
 * of one stream, through the job on a real broker with failover disabled (any task failure
 * ends the job, and the test with it): every good frame comes out once, readable odd formats
 * are segmented, the rest are dead letters carrying their original bytes and headers and an
 * error that names the cause.
 */
@Timeout(300)
class BadInputTest extends KafkaJobFixture {
    private static final String CAM = "cam";
    /** Smaller than the job's default, so that an over-limit frame is quick to send. */
    private static final long MAX_FRAME_BYTES = 2_000_000;

    /** One kind of record: {@code error} = what its dead letter's error must say, null = it must be segmented. */
    private record Kind(String name, String key, byte[] value, String seqHeader, String error, int width, int height) {
        static Kind dead(String name, byte[] value, String error) {
            return new Kind(name, CAM, value, null, error, 0, 0);
        }

        static Kind segmented(String name, byte[] value, int w, int h) {
            return new Kind(name, CAM, value, null, null, w, h);
        }
    }

    @Test
    void badRecordsBecomeDeadLettersAndEveryGoodFrameComesOutOnce() throws Exception {
        Path file = JobTestSupport.camvidVal(1).get(0);
        BufferedImage img = ImageIO.read(file.toFile());
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] jpeg = BadRecords.encode(BadRecords.convert(img, BufferedImage.TYPE_3BYTE_BGR), "jpg");
        byte[] png = Files.readAllBytes(file);
        byte[] overLimit = BadRecords.noisePng(1000, 700);
        assertTrue(overLimit.length > MAX_FRAME_BYTES, "the over-limit frame is " + overLimit.length + " bytes");
        boolean turbo = ImageFiles.turboJpegAvailable();

        List<Kind> kinds = List.of(
                Kind.dead("empty", new byte[0], "has no image"),
                Kind.dead("random bytes", BadFrames.random(5000), "not a readable PNG or JPEG"),
                Kind.dead("truncated JPEG", BadFrames.half(jpeg), "truncated JPEG"),
                Kind.dead("truncated PNG", BadFrames.half(png), "truncated"),
                Kind.dead("text", "GET /snapshot.jpg HTTP/1.1\r\nHost: cam\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                        "not a readable PNG or JPEG"),
                Kind.dead("1x1 PNG", BadRecords.png(1, 1), "1x1, smaller than"),
                Kind.dead("8x8 PNG", BadRecords.png(8, 8), "8x8, smaller than"),
                Kind.segmented("16-bit PNG", BadRecords.png16(img), w, h),
                Kind.segmented("grey PNG", BadRecords.encode(BadRecords.convert(img, BufferedImage.TYPE_BYTE_GRAY), "png"), w, h),
                turbo ? Kind.segmented("CMYK JPEG", BadRecords.cmykJpeg(img), w, h)
                        : Kind.dead("CMYK JPEG", BadRecords.cmykJpeg(img), "libturbojpeg0"),
                Kind.segmented("BMP", BadRecords.encode(BadRecords.convert(img, BufferedImage.TYPE_3BYTE_BGR), "bmp"), w, h),
                Kind.segmented("GIF", BadRecords.encode(BadRecords.convert(img, BufferedImage.TYPE_BYTE_INDEXED), "gif"), w, h),
                Kind.dead("WebP", BadRecords.WEBP, "not a readable PNG or JPEG"),
                Kind.dead("PNG declaring 20000x20000", BadRecords.pngDeclaring(png, 20000, 20000),
                        "declares 20000x20000 = 400000000 pixels, over the limit of 40000000"),
                Kind.dead("JPEG declaring 20000x20000", BadFrames.jpegDeclaring(jpeg, 20000, 20000),
                        "declares 20000x20000 = 400000000 pixels, over the limit of 40000000"),
                Kind.dead("over the record limit", overLimit, "over the frame limit of " + MAX_FRAME_BYTES + " bytes"),
                new Kind("null key", null, jpeg, null, null, w, h),
                new Kind("bad seq header", CAM, jpeg, "twelve", "header seq='twelve' is not a decimal integer", 0, 0));

        int good = kinds.size() + 1;
        Map<Long, Kind> bySeq = new HashMap<>();
        try (KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer(broker)) {
            for (int i = 0; i < good; i++) {
                producer.send(frame(CAM, i, i, jpeg)).get();
                if (i < kinds.size()) {
                    Kind k = kinds.get(i);
                    long seq = 1000 + i;
                    bySeq.put(seq, k);
                    ProducerRecord<String, byte[]> r = new ProducerRecord<>(FRAMES, k.key, k.value);
                    r.headers().add(Headers.SEQ, (k.seqHeader != null ? k.seqHeader : Long.toString(seq)).getBytes(StandardCharsets.US_ASCII));
                    r.headers().add("kind", k.name.getBytes(StandardCharsets.UTF_8));
                    producer.send(r).get();
                }
            }
        }
        long segmented = kinds.stream().filter(k -> k.error == null).count();
        long dead = kinds.size() - segmented;

        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 1);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        String kafka = "kafka://" + broker.bootstrapServers() + "/";
        SegmentationJob.build(env, JobTestSupport.settings(List.of(kafka + FRAMES), List.of(kafka + SEGMENTS), null, 1)
                .withLimits(JobSettings.DEFAULT_MAX_PIXELS, MAX_FRAME_BYTES));
        job = env.executeAsync(SegmentationJob.NAME);

        List<ConsumerRecord<String, byte[]>> out = consume(broker, job, SEGMENTS, (int) (good + segmented), 200);
        List<ConsumerRecord<String, byte[]>> letters = consume(broker, job, DLQ, (int) dead, 30);

        List<Long> goodSeqs = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : out) {
            long seq = Long.parseLong(header(r, Headers.SEQ));
            Kind k = bySeq.get(seq);
            PalettePng.Decoded labels = PalettePng.decode(r.value());
            if (k == null) {
                assertEquals(CAM, r.key());
                goodSeqs.add(seq);
                assertEquals(w, labels.width());
                continue;
            }
            assertEquals(null, k.error, k.name + " was segmented, but should have been a dead letter");
            assertEquals(k.key == null ? FRAMES + "-0" : CAM, r.key(), k.name);
            assertEquals(k.width, labels.width(), k.name);
            assertEquals(k.height, labels.height(), k.name);
        }
        assertEquals(java.util.stream.LongStream.range(0, good).boxed().toList(), goodSeqs, "every good frame once, in order");

        for (ConsumerRecord<String, byte[]> d : letters) {
            Kind k = kinds.stream().filter(x -> x.name.equals(header(d, "kind"))).findFirst().orElseThrow();
            assertNotNull(k.error, k.name + " became a dead letter, but should have been segmented: " + header(d, Headers.ERROR));
            assertEquals(CAM, d.key(), k.name);
            assertArrayEquals(k.value, d.value(), k.name + ": the dead letter carries the original bytes");
            String error = header(d, Headers.ERROR);
            System.out.printf("dead letter %-26s %s%n", k.name + ":", error);
            assertTrue(error.contains(k.error), k.name + ": error '" + error + "' should say '" + k.error + "'");
            assertEquals(k.seqHeader != null ? k.seqHeader : Long.toString(1000 + kinds.indexOf(k)), header(d, Headers.SEQ),
                    k.name + ": the original headers");
        }
    }
}
