package dev.sparseseg.job;

import dev.sparseseg.connectors.frame.Headers;
import dev.sparseseg.connectors.frame.PalettePng;
import dev.sparseseg.models.image.ImageFiles;
import dev.sparseseg.models.image.RgbFrame;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.sparseseg.job.KafkaTestSupport.DLQ;
import static dev.sparseseg.job.KafkaTestSupport.FRAMES;
import static dev.sparseseg.job.KafkaTestSupport.SEGMENTS;
import static dev.sparseseg.job.KafkaTestSupport.consume;
import static dev.sparseseg.job.KafkaTestSupport.frame;
import static dev.sparseseg.job.KafkaTestSupport.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A 3840x2160 frame, larger than Kafka's default record limit, through Kafka into the job and out. */
@Timeout(240)
class KafkaLargeFrameTest extends KafkaJobFixture {
    /** Kafka's default limit on a record (broker message.max.bytes 1048588, producer max.request.size 1048576). */
    private static final int KAFKA_DEFAULT_MAX_BYTES = 1048588;

    @Test
    void a4kFrameLargerThanKafkasDefaultLimitGoesThroughInAndOut() throws Exception {
        byte[] jpeg = frame4k();
        assertTrue(jpeg.length > KAFKA_DEFAULT_MAX_BYTES,
                "the 4K JPEG (" + jpeg.length + " bytes) must exceed Kafka's default record limit to prove the limits");
        try (KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer(broker)) {
            producer.send(frame("uhd", 0, System.currentTimeMillis(), jpeg)).get();
        }

        job = KafkaTestSupport.startJob(broker, 1, null);
        // The reference segmentation runs while the job does (the same engine settings, another thread).
        CompletableFuture<byte[]> expected = CompletableFuture.supplyAsync(() -> {
            try (JobTestSupport.Reference ref = new JobTestSupport.Reference()) {
                return ref.labels(ImageFiles.decodeRgb(jpeg, "4K frame"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        List<ConsumerRecord<String, byte[]>> out = consume(broker, job, SEGMENTS, 1, 180);
        consume(broker, job, DLQ, 0, 0);
        KafkaTestSupport.cancel(job);
        job = null;

        ConsumerRecord<String, byte[]> r = out.get(0);
        assertEquals("uhd", r.key());
        assertEquals("0", header(r, Headers.SEQ));
        assertEquals("3840", header(r, Headers.WIDTH));
        assertEquals("2160", header(r, Headers.HEIGHT));
        RgbFrame frame = ImageFiles.decodeRgb(jpeg, "4K frame");
        assertEquals(3840, frame.width());
        assertEquals(2160, frame.height());
        PalettePng.Decoded labels = PalettePng.decode(r.value());
        assertEquals(3840, labels.width());
        assertEquals(2160, labels.height());
        assertArrayEquals(expected.get(120, TimeUnit.SECONDS), labels.labels(),
                "4K labels differ from the engine's on the same decoded JPEG");
    }

    @Test
    void largeFramesDecodedAheadKeepTheirOrderPassCheckpointsAndABrokenOneIsADeadLetter() throws Exception {
        // Over the RGB size that crosses the keyBy decoded, so DecodeAhead decodes these, while
        // checkpoints every 100 ms pass it with frames held.
        byte[] jpeg = frame4k();
        byte[] truncated = java.util.Arrays.copyOf(jpeg, jpeg.length / 2);
        List<byte[]> sent = List.of(jpeg, jpeg, truncated, jpeg, jpeg, jpeg);
        try (KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer(broker)) {
            for (int i = 0; i < sent.size(); i++) {
                producer.send(frame("uhd", i, System.currentTimeMillis(), sent.get(i))).get();
            }
        }
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 1);
        // A failed checkpoint would fail the job, and the test with it.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        String kafka = "kafka://" + broker.bootstrapServers() + "/";
        SegmentationJob.build(env, new JobSettings(List.of(kafka + FRAMES), List.of(kafka + SEGMENTS), null,
                JobTestSupport.engine(), 1, null, null, "sparseseg-test-ahead", 100, 0));
        job = env.executeAsync(SegmentationJob.NAME);
        List<ConsumerRecord<String, byte[]>> out = consume(broker, job, SEGMENTS, 5, 180);
        List<ConsumerRecord<String, byte[]>> dead = consume(broker, job, DLQ, 1, 30);
        // Checkpoints every 100 ms went on while 4K frames were held.
        Thread.sleep(1000);
        assertEquals(JobStatus.RUNNING, job.getJobStatus().get(10, TimeUnit.SECONDS));
        KafkaTestSupport.cancel(job);
        job = null;

        assertEquals(List.of("0", "1", "3", "4", "5"), out.stream().map(r -> header(r, Headers.SEQ)).toList());
        for (ConsumerRecord<String, byte[]> r : out) {
            assertEquals(3840, PalettePng.decode(r.value()).width());
        }
        assertEquals("2", header(dead.get(0), Headers.SEQ));
        assertArrayEquals(truncated, dead.get(0).value(), "the dead letter carries the bytes as sent");
        String error = header(dead.get(0), Headers.ERROR);
        assertTrue(error.contains("uhd#2") && error.contains("truncated"), error);
    }

    /**
     * A 3840x2160 JPEG of a real street scene: a 16:9 crop of a CamVid val frame scaled up 8x,
     * with seeded sensor-like noise so that, like a real 4K camera frame, it encodes to MBs.
     */
    private static byte[] frame4k() throws IOException {
        BufferedImage src = ImageIO.read(JobTestSupport.camvidVal(1).get(0).toFile());
        BufferedImage crop = src.getSubimage(0, (src.getHeight() - 270) / 2, 480, 270);
        BufferedImage big = new BufferedImage(3840, 2160, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = big.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(crop, 0, 0, 3840, 2160, null);
        g.dispose();
        byte[] px = ((DataBufferByte) big.getRaster().getDataBuffer()).getData();
        Random noise = new Random(42);
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) Math.max(0, Math.min(255, (px[i] & 0xff) + noise.nextInt(17) - 8));
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.92f);
            writer.write(null, new IIOImage(big, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
