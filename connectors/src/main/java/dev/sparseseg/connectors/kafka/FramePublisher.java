package dev.sparseseg.connectors.kafka;

import dev.sparseseg.connectors.frame.FrameFormat;
import dev.sparseseg.connectors.frame.FrameRecord;
import dev.sparseseg.connectors.frame.Headers;
import dev.sparseseg.connectors.frame.Jpeg;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * Publishes a stream's frames to an input topic the way a camera bridge would: key = stream
 * id, value = JPEG or PNG (raw video frames are JPEG-encoded), headers seq and ts.
 */
public final class FramePublisher implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    public FramePublisher(String bootstrap, String topic) {
        Properties p = KafkaLimits.producer();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    /** Sends one frame (blocking until the broker has it, so nothing is lost silently). */
    public void send(FrameRecord f) throws IOException {
        byte[] value = f.format == FrameFormat.RGB24 ? Jpeg.encode(f.data, f.width, f.height) : f.data;
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, f.streamId.getBytes(StandardCharsets.UTF_8), value);
        r.headers().add(Headers.SEQ, Long.toString(f.seq).getBytes(StandardCharsets.UTF_8));
        r.headers().add(Headers.TS, Long.toString(f.timestampMs).getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(r).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending frame " + f.seq, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("cannot send frame " + f.streamId + "#" + f.seq + " to " + topic + ": " + e.getCause(), e.getCause());
        }
    }


    @Override
    public void close() {
        producer.close();
    }
}
