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
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Input topic records to frames (docs/design.md section 4): key = stream id, value = JPEG or PNG,
 * optional {@code seq} and {@code ts} headers defaulting to the offset and the record timestamp.
 * Nothing here throws on bad input: a malformed record becomes a frame with {@code error} set,
 * which the job sends to the dead-letter topic.
 *
 * <p>Under the drop-oldest policy ({@code maxLagMs > 0}) a record whose timestamp is more than
 * {@code maxLagMs} behind this machine's clock is skipped before it is decoded: a job that
 * fell behind a live topic catches up at the cost of reading, not segmenting, the backlog.
 * Skipped records are counted in the next frame of their stream ({@code droppedBefore}). A
 * stream's records are all in one partition, so one deserializer sees all of them.
 *
 * <p>A record larger than {@code maxFrameBytes} is not decoded: it becomes a dead letter. The
 * record's headers travel with the frame, so that a dead letter carries them back.
 */
public final class FrameDeserializer implements KafkaRecordDeserializationSchema<FrameRecord> {
    private final FrameDecoder decoder;
    private final long maxLagMs;
    private final long maxFrameBytes;
    /** Records skipped per stream since its last frame went out. */
    private transient Map<String, Long> skipped;

    /**
     * @param decoder       decodes images in the source's thread (see {@link FrameDecoder})
     * @param maxLagMs      skip records older than this (drop-oldest); 0 = never skip (wait)
     * @param maxFrameBytes larger records are dead letters
     */
    public FrameDeserializer(FrameDecoder decoder, long maxLagMs, long maxFrameBytes) {
        if (maxLagMs < 0) {
            throw new IllegalArgumentException("max lag " + maxLagMs + " ms must be >= 0 (0 = never skip)");
        }
        if (maxFrameBytes < 1) {
            throw new IllegalArgumentException("max frame bytes " + maxFrameBytes + " must be at least 1");
        }
        this.decoder = decoder;
        this.maxLagMs = maxLagMs;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<FrameRecord> out) {
        String streamId = record.key() == null ? record.topic() + "-" + record.partition()
                : new String(record.key(), StandardCharsets.UTF_8);
        if (skipped == null) {
            skipped = new HashMap<>();
        }
        if (maxLagMs > 0 && record.timestamp() >= 0 && System.currentTimeMillis() - record.timestamp() > maxLagMs) {
            skipped.merge(streamId, 1L, Long::sum);
            return;
        }
        FrameRecord f = FrameRecord.encoded(streamId, record.offset(), record.timestamp(),
                record.value() == null ? new byte[0] : record.value());
        List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
        record.headers().forEach(h -> headers.add(new AbstractMap.SimpleImmutableEntry<>(h.key(), h.value())));
        f.headers = Headers.pack(headers);
        String where = "record " + record.topic() + "-" + record.partition() + "@" + record.offset();
        try {
            f.seq = header(record, Headers.SEQ, record.offset());
            f.timestampMs = header(record, Headers.TS, record.timestamp());
        } catch (NumberFormatException e) {
            f.error = where + ": " + e.getMessage();
        }
        if (f.error == null && f.data.length == 0) {
            f.error = where + " has no image";
        }
        if (f.error == null && f.data.length > maxFrameBytes) {
            f.error = where + " is " + f.data.length + " bytes, over the frame limit of " + maxFrameBytes + " bytes (--max-frame-bytes)";
        }
        Long before = skipped.remove(streamId);
        f.droppedBefore = before == null ? 0 : before;
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
