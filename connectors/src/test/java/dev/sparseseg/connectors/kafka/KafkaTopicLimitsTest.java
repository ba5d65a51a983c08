package dev.sparseseg.connectors.kafka;

import dev.sparseseg.kafka.embedded.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Output topics' record limits, read from a real broker: existing topics' own, new topics' the broker's default. */
@Timeout(90)
class KafkaTopicLimitsTest {
    static final long ONE_MB = 1 << 20;

    @Test
    void namesTheTopicsThatTakeSmallerRecords() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            broker.createTopic("roomy", 1);
            admin.createTopics(List.of(new NewTopic("small", 1, (short) 1)
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Long.toString(ONE_MB))))).all().get();
            List<String> topics = List.of("roomy", "small", "not-created-yet");
            Duration timeout = Duration.ofSeconds(20);

            assertEquals(Map.of("small", ONE_MB),
                    KafkaTopicLimits.below(broker.bootstrapServers(), topics, Map.of(), KafkaLimits.MAX_MESSAGE_BYTES, timeout));
            // Above every limit: a topic not created yet is judged by the broker's default for new topics.
            long max = EmbeddedKafkaBroker.MAX_MESSAGE_BYTES;
            assertEquals(Map.of("roomy", max, "small", ONE_MB, "not-created-yet", max),
                    KafkaTopicLimits.below(broker.bootstrapServers(), topics, Map.of(), max + 1, timeout));
        }
    }

    @Test
    void saysNothingOfABrokerItCannotReach() {
        assertEquals(Map.of(), KafkaTopicLimits.below("127.0.0.1:1", List.of("segments"), Map.of(),
                KafkaLimits.MAX_MESSAGE_BYTES, Duration.ofSeconds(2)));
    }
}
