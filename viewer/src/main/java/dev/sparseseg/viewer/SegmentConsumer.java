package dev.sparseseg.viewer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The viewer's Kafka consumer, in its own thread: the output topics from their end (what arrives
 * from now on), each record into {@link LiveStreams} with its headers and arrival time. Topics
 * are subscribed by pattern, so one created after the viewer started is picked up within
 * {@link #METADATA_REFRESH_MS}. Offsets are never committed: a viewer only looks.
 */
public final class SegmentConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentConsumer.class);
    static final long METADATA_REFRESH_MS = 5_000;
    /** The job's records can be large (4K overlays): the same fetch limits as its own consumers. */
    static final String MAX_FETCH_BYTES = Integer.toString(64 * 1024 * 1024);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, LiveStreams.Kind> topics;
    private final LiveStreams streams;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param topics           topic to the kind of record it carries
     * @param clientProperties further Kafka client settings (SASL, SSL ...); they win over the viewer's own
     */
    public SegmentConsumer(String bootstrap, Map<String, LiveStreams.Kind> topics, Map<String, String> clientProperties,
                           LiveStreams streams) {
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("no topic to view");
        }
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_FETCH_BYTES);
        p.setProperty(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, MAX_FETCH_BYTES);
        p.setProperty(ConsumerConfig.METADATA_MAX_AGE_CONFIG, Long.toString(METADATA_REFRESH_MS));
        p.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, "sparseseg-viewer");
        p.putAll(clientProperties);
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "sparseseg-viewer-" + UUID.randomUUID());
        p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topics = Map.copyOf(topics);
        this.streams = streams;
        consumer.subscribe(Pattern.compile(topics.keySet().stream().map(Pattern::quote).collect(Collectors.joining("|"))));
        this.thread = new Thread(this::run, "viewer-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    long arrival = System.currentTimeMillis();
                    LiveStreams.Kind kind = topics.get(r.topic());
                    if (kind == null || r.value() == null || r.value().length == 0) {
                        continue;
                    }
                    String stream = r.key() == null ? "unkeyed" : new String(r.key(), StandardCharsets.UTF_8);
                    streams.add(new LiveStreams.Frame(stream, kind, number(r, "seq", r.offset()), number(r, "ts", r.timestamp()),
                            (int) number(r, "width", 0), (int) number(r, "height", 0), number(r, "refined", 0),
                            number(r, "latency-ms", -1), text(r, "model"), arrival, r.value()));
                }
            }
        } catch (WakeupException e) {
            if (!closed) {
                LOG.error("viewer consumer woken up unexpectedly", e);
            }
        } catch (RuntimeException e) {
            LOG.error("viewer consumer stopped: {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private static long number(ConsumerRecord<?, ?> r, String header, long fallback) {
        String v = text(r, header);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static String text(ConsumerRecord<?, ?> r, String header) {
        Header h = r.headers().lastHeader(header);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        consumer.wakeup();
        thread.join(10_000);
    }
}
