package dev.sparseseg.job;

import dev.sparseseg.connectors.frame.Headers;
import dev.sparseseg.kafka.embedded.EmbeddedKafkaBroker;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static dev.sparseseg.job.KafkaTestSupport.FRAMES;
import static dev.sparseseg.job.KafkaTestSupport.SEGMENTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Kafka offsets are committed at checkpoints: a restarted job goes on where the cancelled one stopped. */
class KafkaResumeTest {
    static final String GROUP = "sparseseg-resume-test";

    @Test
    void restartedJobResumesFromCommittedOffsets() throws Exception {
        byte[] png = Files.readAllBytes(JobTestSupport.camvidVal(1).get(0));
        try (EmbeddedKafkaBroker broker = KafkaTestSupport.broker();
             KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer(broker)) {
            producer.send(KafkaTestSupport.frame("r", 0, now(), png)).get();
            producer.send(KafkaTestSupport.frame("r", 1, now(), png)).get();

            JobClient first = start(broker);
            KafkaTestSupport.consume(broker, first, SEGMENTS, 2, 120);
            awaitCommitted(broker, 2);
            KafkaTestSupport.cancel(first);

            producer.send(KafkaTestSupport.frame("r", 2, now(), png)).get();
            producer.send(KafkaTestSupport.frame("r", 3, now(), png)).get();
            JobClient second = start(broker);
            // From the topic's start: the first job's two maps, then only the two new frames, no replay.
            List<ConsumerRecord<String, byte[]>> out = KafkaTestSupport.consume(broker, second, SEGMENTS, 4, 120);
            KafkaTestSupport.cancel(second);
            assertEquals(List.of("0", "1", "2", "3"), out.stream().map(r -> KafkaTestSupport.header(r, Headers.SEQ)).toList());
        }
    }

    private static JobClient start(EmbeddedKafkaBroker broker) throws Exception {
        StreamExecutionEnvironment env = JobTestSupport.localEnv(1);
        String kafka = "kafka://" + broker.bootstrapServers() + "/";
        SegmentationJob.build(env, new JobSettings(List.of(kafka + FRAMES), List.of(kafka + SEGMENTS), null,
                JobTestSupport.engine(), 1, null, null, GROUP, 500));
        return env.executeAsync(SegmentationJob.NAME);
    }

    private static void awaitCommitted(EmbeddedKafkaBroker broker, long offset) throws Exception {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
                OffsetAndMetadata o = committed.get(new TopicPartition(FRAMES, 0));
                if (o != null && o.offset() >= offset) {
                    return;
                }
                Thread.sleep(200);
            }
            fail("group " + GROUP + " never committed offset " + offset + " on " + FRAMES);
        }
    }

    /**
     * Capture times near now: the output records carry them as Kafka timestamps, and records
     * older than the topic's retention (7 days) may be deleted by the broker at any moment.
     */
    private static long now() {
        return System.currentTimeMillis();
    }
}
