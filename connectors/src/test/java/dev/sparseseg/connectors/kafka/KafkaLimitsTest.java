package dev.sparseseg.connectors.kafka;

import dev.sparseseg.kafka.embedded.EmbeddedKafkaBroker;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KafkaLimitsTest {
    /** The in-process broker of the demo and the tests keeps its own copy of the limit (it depends on nothing of ours). */
    @Test
    void theEmbeddedBrokerTakesRecordsUpToTheLimit() {
        assertEquals(KafkaLimits.MAX_MESSAGE_BYTES, EmbeddedKafkaBroker.MAX_MESSAGE_BYTES);
    }
}
