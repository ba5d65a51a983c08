package dev.sparseseg.connectors.kafka;

import dev.sparseseg.connectors.frame.Headers;
import dev.sparseseg.connectors.sink.FolderSink;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A plain Kafka consumer of the output topics that writes what arrives as files, in the
 * folder sink's layout: {@code OUT/<stream>/<seq>.png} for label maps (PNG values) and
 * {@code OUT/<stream>/<seq>.overlay.jpg} for overlays (JPEG values). Reads committed records
 * only ({@code isolation.level=read_committed}).
 */
public final class SegmentReceiver implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Path out;

    /** @param fromBeginning read each topic from its start (else only what arrives from now on) */
    public SegmentReceiver(String bootstrap, List<String> topics, Path out, boolean fromBeginning) {
        this(bootstrap, topics, out, fromBeginning, Map.of());
    }

    /**
     * @param fromBeginning    read each topic from its start (else only what arrives from now on)
     * @param clientProperties the user's Kafka client settings (SASL, SSL ...); see {@link KafkaClientProperties}
     */
    public SegmentReceiver(String bootstrap, List<String> topics, Path out, boolean fromBeginning,
                           Map<String, String> clientProperties) {
        Properties p = KafkaClientProperties.copyOf(clientProperties).mergeInto(KafkaLimits.consumer());
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "sparseseg-receiver-" + UUID.randomUUID());
        p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // A job with --delivery exactly-once writes in transactions: only committed ones are its
        // output (aborted ones hold what a failure made it redo). Plain records read the same.
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(topics);
        this.out = out;
    }

    /** What one received record was. */
    public record Received(String topic, String streamId, long seq, boolean labels, Path file, long refined,
                           int width, int height) {
    }

    /** Polls once, writes every record received, and reports each to {@code onRecord}. */
    public int poll(Duration timeout, Consumer<Received> onRecord) throws IOException {
        int n = 0;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            String stream = r.key() == null ? "unkeyed" : new String(r.key(), StandardCharsets.UTF_8);
            long seq = header(r, Headers.SEQ, r.offset());
            boolean png = isPng(r.value());
            Path file = FolderSink.streamDir(out, stream).resolve(png ? FolderSink.labelsName(seq) : FolderSink.overlayName(seq));
            FolderSink.atomicWrite(file, r.value());
            onRecord.accept(new Received(r.topic(), stream, seq, png, file, header(r, Headers.REFINED, 0),
                    (int) header(r, Headers.WIDTH, 0), (int) header(r, Headers.HEIGHT, 0)));
            n++;
        }
        return n;
    }

    private static boolean isPng(byte[] v) {
        return v != null && v.length > 8 && (v[0] & 0xff) == 0x89 && v[1] == 'P' && v[2] == 'N' && v[3] == 'G';
    }

    private static long header(ConsumerRecord<?, ?> r, String name, long fallback) {
        Header h = r.headers().lastHeader(name);
        if (h == null) {
            return fallback;
        }
        try {
            return Long.parseLong(new String(h.value(), StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
