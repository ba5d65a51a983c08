package dev.sparseseg.connectors.kafka;

import dev.sparseseg.connectors.frame.FrameDecoder;
import dev.sparseseg.connectors.frame.FrameRecord;
import dev.sparseseg.connectors.frame.Headers;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;

/**
 * Input topic records to frames (design.md section 4): key = stream id, value = JPEG or PNG,
 * optional {@code seq} and {@code ts} headers defaulting to the offset and the record timestamp.
 * Nothing here throws on bad input: a malformed record becomes a frame with {@code error} set,
 * which the job sends to the dead-letter topic.
 */
public final class FrameDeserializer implements KafkaRecordDeserializationSchema<FrameRecord> {
    private final FrameDecoder decoder;

    public FrameDeserializer() {
        this(FrameDecoder.NONE);
    }

    /** @param decoder decodes images in the source's thread (see {@link FrameDecoder}) */
    public FrameDeserializer(FrameDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<FrameRecord> out) {
        String streamId = record.key() == null ? record.topic() + "-" + record.partition()
                : new String(record.key(), StandardCharsets.UTF_8);
        FrameRecord f = FrameRecord.encoded(streamId, record.offset(), record.timestamp(),
                record.value() == null ? new byte[0] : record.value());
        try {
            f.seq = header(record, Headers.SEQ, record.offset());
            f.timestampMs = header(record, Headers.TS, record.timestamp());
        } catch (NumberFormatException e) {
            f.error = e.getMessage();
        }
        if (f.error == null && f.data.length == 0) {
            f.error = "record at " + record.topic() + "-" + record.partition() + "@" + record.offset() + " has no image";
        }
        FrameDecoder.apply(decoder, f);
        out.collect(f);
    }

    private static long header(ConsumerRecord<?, ?> record, String name, long fallback) {
        Header h = record.headers().lastHeader(name);
        if (h == null || h.value() == null) {
            return fallback;
        }
        String s = new String(h.value(), StandardCharsets.UTF_8).trim();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new NumberFormatException("header " + name + "='" + s + "' is not a decimal integer");
        }
    }

    @Override
    public TypeInformation<FrameRecord> getProducedType() {
        return TypeInformation.of(FrameRecord.class);
    }
}
