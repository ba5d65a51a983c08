package dev.sparseseg.connectors.kafka;

import dev.sparseseg.connectors.frame.SegmentRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Segmented frames to the output topic: key = stream id, value = palette PNG (or, for the
 * overlay topic, the JPEG overlay), headers = seq, ts, width, height, model, refined,
 * latency-ms and per-stage timings.
 */
public final class SegmentSerializer implements KafkaRecordSerializationSchema<SegmentRecord> {
    private final String topic;
    private final boolean overlay;

    private SegmentSerializer(String topic, boolean overlay) {
        this.topic = topic;
        this.overlay = overlay;
    }

    public static SegmentSerializer labels(String topic) {
        return new SegmentSerializer(topic, false);
    }

    public static SegmentSerializer overlays(String topic) {
        return new SegmentSerializer(topic, true);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(SegmentRecord s, KafkaSinkContext context, Long timestamp) {
        byte[] value = overlay ? s.overlayJpeg : s.labelsPng;
        if (value == null) {
            throw new IllegalStateException("segment " + s + " has no " + (overlay ? "overlay" : "label map")
                    + "; the job must produce overlays when an overlay topic is set");
        }
        // The record timestamp is the capture time, unless Kafka would refuse it: a negative one
        // outright, one more than an hour ahead of the broker's clock by default
        // (log.message.timestamp.after.max.ms), and a refused record fails the sink and the job.
        // Such frames get the producer's time; the ts header still carries theirs.
        Long recordTime = s.timestampMs >= 0 && s.timestampMs <= System.currentTimeMillis() ? s.timestampMs : null;
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, recordTime,
                s.streamId.getBytes(StandardCharsets.UTF_8), value);
        for (Map.Entry<String, String> h : s.allHeaders().entrySet()) {
            r.headers().add(h.getKey(), h.getValue().getBytes(StandardCharsets.UTF_8));
        }
        return r;
    }
}
