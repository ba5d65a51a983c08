package dev.sparseseg.job;

import dev.sparseseg.connectors.frame.Headers;
import dev.sparseseg.connectors.frame.PalettePng;
import dev.sparseseg.connectors.kafka.KafkaAccessCheck.KafkaAccessException;
import dev.sparseseg.connectors.kafka.KafkaClientProperties;
import dev.sparseseg.kafka.embedded.EmbeddedKafkaBroker;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.sparseseg.job.KafkaTestSupport.FRAMES;
import static dev.sparseseg.job.KafkaTestSupport.SEGMENTS;
import static dev.sparseseg.job.KafkaTestSupport.frame;
import static dev.sparseseg.job.KafkaTestSupport.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job through a broker whose client listener speaks TLS (the embedded broker with a
 * certificate made at start): with the trust store given in a {@code --kafka-properties} file it
 * reads frames and writes label maps; without TLS settings, or without trusting the broker's
 * certificate, it fails before starting, naming the broker. The trust store's password is
 * never logged.
 */
@Timeout(240)
class SslKafkaJobTest {
    private static EmbeddedKafkaBroker broker;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.startSsl();
        broker.createTopic(FRAMES, 1);
        broker.createTopic(SEGMENTS, 1);
        broker.createTopic(KafkaTestSupport.DLQ, 1);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void theJobReadsAndWritesThroughATlsBrokerWithAKafkaPropertiesFile() throws Exception {
        // What a user writes into the file given with --kafka-properties.
        Path file = tmp.resolve("client.properties");
        StringBuilder text = new StringBuilder();
        broker.sslClient().forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, text);
        KafkaClientProperties tls = KafkaClientProperties.of(file, List.of("client.id=tls-job"));
        String password = broker.sslClient().get("ssl.truststore.password");

        List<Path> files = JobTestSupport.camvidVal(2);
        try (KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer(broker, tls)) {
            producer.send(frame("cam", 0, System.currentTimeMillis(), Files.readAllBytes(files.get(0)))).get();
            producer.send(frame("cam", 1, System.currentTimeMillis(), Files.readAllBytes(files.get(1)))).get();
        }
        JobClient job = null;
        String logged;
        try (LogCapture log = new LogCapture()) {
            JobSettings s = settings().withKafkaProperties(tls);
            assertFalse(s.toString().contains(password), s.toString());
            StreamExecutionEnvironment env = JobTestSupport.localEnv(1);
            SegmentationJob.build(env, s);
            job = env.executeAsync(SegmentationJob.NAME);
            List<ConsumerRecord<String, byte[]>> out = KafkaTestSupport.consume(broker, tls, job, SEGMENTS, 2, 150);
            assertEquals(List.of("0", "1"), out.stream().map(r -> header(r, Headers.SEQ)).toList());
            assertEquals(480, PalettePng.decode(out.get(0).value()).width());
            logged = log.text();
        } finally {
            if (job != null) {
                KafkaTestSupport.cancel(job);
            }
        }
        assertFalse(logged.contains(password), "the trust store's password appears in the log");
    }

    @Test
    void withoutTlsSettingsTheJobFailsAtStartNamingTheBroker() {
        KafkaAccessException e = assertThrows(KafkaAccessException.class,
                () -> SegmentationJob.build(JobTestSupport.localEnv(1), settings()));
        System.out.println("No TLS settings: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("Kafka at " + broker.bootstrapServers()), e.getMessage());
        assertTrue(e.getMessage().contains("TLS"), e.getMessage());
    }

    @Test
    void notTrustingTheBrokersCertificateFailsAtStartNamingTheBroker() {
        KafkaClientProperties untrusting = KafkaClientProperties.copyOf(Map.of("security.protocol", "SSL"));
        KafkaAccessException e = assertThrows(KafkaAccessException.class,
                () -> SegmentationJob.build(JobTestSupport.localEnv(1), settings().withKafkaProperties(untrusting)));
        System.out.println("Certificate not trusted: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("Kafka at " + broker.bootstrapServers()), e.getMessage());
    }

    private static JobSettings settings() {
        String kafka = "kafka://" + broker.bootstrapServers() + "/";
        return JobTestSupport.settings(List.of(kafka + FRAMES), List.of(kafka + SEGMENTS), null, 1);
    }
}
