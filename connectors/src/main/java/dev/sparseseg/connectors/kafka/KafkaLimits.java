package dev.sparseseg.connectors.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;

import java.util.Map;
import java.util.Properties;

/**
 * Size limits for topics that carry whole encoded frames.
 *
 * <p>Kafka's defaults stop at about 1 MB per record (broker {@code message.max.bytes},
 * topic {@code max.message.bytes}, producer {@code max.request.size}, consumer
 * {@code max.partition.fetch.bytes}), while a 3840x2160 JPEG is several MB and a PNG of the
 * same frame can reach 25 MB. Every hop has to agree on the larger limit: the producer
 * rejects a record above {@code max.request.size} before sending it, the broker rejects a
 * batch above the topic's {@code max.message.bytes}, and a consumer with small fetch sizes
 * needs one round trip per oversized batch.
 */
public final class KafkaLimits {
    /** Largest record (strictly: record batch) a frame topic accepts: 64 MiB. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    private KafkaLimits() {
    }

    /** Producer settings for frame records; merge them into the producer's own configuration. */
    public static Properties producer() {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_MESSAGE_BYTES));
        // A record must fit in the accumulator with room for the next one while it is in flight.
        p.setProperty(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(2L * MAX_MESSAGE_BYTES));
        return p;
    }

    /** Consumer settings for frame records; merge them into the consumer's own configuration. */
    public static Properties consumer() {
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(MAX_MESSAGE_BYTES));
        p.setProperty(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(MAX_MESSAGE_BYTES));
        return p;
    }

    /** Topic configuration for frame topics, for {@code NewTopic.configs}. */
    public static Map<String, String> topic() {
        return Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_MESSAGE_BYTES));
    }
}
