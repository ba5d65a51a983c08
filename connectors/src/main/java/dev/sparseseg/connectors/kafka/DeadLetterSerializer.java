package dev.sparseseg.connectors.kafka;

import dev.sparseseg.connectors.frame.DeadLetter;
import dev.sparseseg.connectors.frame.Headers;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/** Bad input to the dead-letter topic: the original bytes, key = stream id, an {@code error} header. */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, null,
                d.streamId.getBytes(StandardCharsets.UTF_8), d.original);
        r.headers().add(Headers.SEQ, Long.toString(d.seq).getBytes(StandardCharsets.UTF_8));
        r.headers().add(Headers.TS, Long.toString(d.timestampMs).getBytes(StandardCharsets.UTF_8));
        r.headers().add(Headers.ERROR, String.valueOf(d.error).getBytes(StandardCharsets.UTF_8));
        return r;
    }
}
