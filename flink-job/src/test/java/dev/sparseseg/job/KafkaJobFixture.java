package dev.sparseseg.job;

import dev.sparseseg.kafka.embedded.EmbeddedKafkaBroker;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh broker per test; the job a test started is cancelled, then the broker closed. */
abstract class KafkaJobFixture {
    protected EmbeddedKafkaBroker broker;
    protected JobClient job;

    @BeforeEach
    void startBroker() {
        broker = KafkaTestSupport.broker();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (job != null) {
                KafkaTestSupport.cancel(job);
            }
        } finally {
            broker.close();
        }
    }
}
