package dev.sparseseg.connectors.kafka;

import dev.sparseseg.connectors.frame.SegmentRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Segmented frames to the output topic: key = stream id, value = palette PNG (or, for the
 * overlay topic, the JPEG overlay; for the mask topic, the 1-bit PNG of the refined pixels),
 * headers = seq, ts, width, height, model, refined, latency-ms and per-stage timings.
 */
public final class SegmentSerializer implements KafkaRecordSerializationSchema<SegmentRecord> {
    /** Which of a segment's images a topic carries. */
    private enum Value { LABELS, OVERLAY, MASK }

    private final String topic;
    private final Value kind;

    private SegmentSerializer(String topic, Value kind) {
        this.topic = topic;
        this.kind = kind;
    }

    public static SegmentSerializer labels(String topic) {
        return new SegmentSerializer(topic, Value.LABELS);
    }

    public static SegmentSerializer overlays(String topic) {
        return new SegmentSerializer(topic, Value.OVERLAY);
    }

    public static SegmentSerializer masks(String topic) {
        return new SegmentSerializer(topic, Value.MASK);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(SegmentRecord s, KafkaSinkContext context, Long timestamp) {
        byte[] value = switch (kind) {
            case LABELS -> s.labelsPng;
            case OVERLAY -> s.overlayJpeg;
            case MASK -> s.maskPng;
        };
        if (value == null) {
            String what = switch (kind) {
                case LABELS -> "label map";
                case OVERLAY -> "overlay";
                case MASK -> "refined-pixel mask";
            };
            throw new IllegalStateException("segment " + s + " has no " + what + "; the job must produce "
                    + what + "s when " + topic + " is among its sinks");
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
