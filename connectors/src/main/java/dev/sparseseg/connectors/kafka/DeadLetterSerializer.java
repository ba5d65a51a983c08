package dev.sparseseg.connectors.kafka;

import dev.sparseseg.connectors.frame.DeadLetter;
import dev.sparseseg.connectors.frame.Headers;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Bad input to the dead-letter topic: key = stream id, the original bytes and headers, plus an
 * {@code error} header (and {@code seq}, {@code ts} where the input had none). An original too
 * large for the topic is cut to fit, with {@code truncated-from} giving its length: a dead
 * letter the producer refused would fail the job.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    /** Room for the key and headers within {@link KafkaLimits#MAX_MESSAGE_BYTES}. */
    static final int MAX_ORIGINAL_BYTES = KafkaLimits.MAX_MESSAGE_BYTES - (1 << 20);

    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
        byte[] value = d.original;
        boolean cut = value != null && value.length > MAX_ORIGINAL_BYTES;
        if (cut) {
            value = Arrays.copyOf(value, MAX_ORIGINAL_BYTES);
        }
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, null,
                d.streamId.getBytes(StandardCharsets.UTF_8), value);
        for (Map.Entry<String, byte[]> h : Headers.unpack(d.headers)) {
            r.headers().add(h.getKey(), h.getValue());
        }
        if (r.headers().lastHeader(Headers.SEQ) == null) {
            r.headers().add(Headers.SEQ, ascii(Long.toString(d.seq)));
        }
        if (r.headers().lastHeader(Headers.TS) == null) {
            r.headers().add(Headers.TS, ascii(Long.toString(d.timestampMs)));
        }
        r.headers().add(Headers.ERROR, String.valueOf(d.error).getBytes(StandardCharsets.UTF_8));
        if (cut) {
            r.headers().add(Headers.TRUNCATED_FROM, ascii(Integer.toString(d.original.length)));
        }
        return r;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
