package dev.sparseseg.job;

import dev.sparseseg.connectors.frame.Headers;
import dev.sparseseg.connectors.frame.PalettePng;
import dev.sparseseg.connectors.kafka.KafkaAccessCheck.KafkaAccessException;
import dev.sparseseg.connectors.kafka.KafkaClientProperties;
import dev.sparseseg.connectors.kafka.SegmentReceiver;
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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.sparseseg.job.KafkaTestSupport.DLQ;
import static dev.sparseseg.job.KafkaTestSupport.FRAMES;
import static dev.sparseseg.job.KafkaTestSupport.SEGMENTS;
import static dev.sparseseg.job.KafkaTestSupport.frame;
import static dev.sparseseg.job.KafkaTestSupport.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job against a broker whose clients must log in (SASL/PLAIN): with the login given as
 * {@code --kafka-property} entries it reads frames, writes label maps and dead letters, and the
 * consume command's receiver reads them back; without it, or with a wrong password, it fails
 * before starting, naming the broker. No log line or message shows the password.
 */
@Timeout(240)
class SecuredKafkaJobTest {
    private static final String USER = "camera-job";
    private static final String PASSWORD = "pw-7f3a-secret-9c1e";
    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"" + USER + "\" password=\"" + PASSWORD + "\";";
    /** What a user types: {@code --kafka-property KEY=VALUE} each. */
    private static final List<String> KAFKA_PROPERTY_ARGS = List.of("security.protocol=SASL_PLAINTEXT",
            "sasl.mechanism=PLAIN", "sasl.jaas.config=" + JAAS, "client.id=secured-job");

    private static EmbeddedKafkaBroker broker;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.startSaslPlain(Map.of(USER, PASSWORD));
        broker.createTopic(FRAMES, 1);
        broker.createTopic(SEGMENTS, 1);
        broker.createTopic(DLQ, 1);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void theJobReadsAndWritesThroughASaslBrokerWithKafkaProperties() throws Exception {
        KafkaClientProperties login = KafkaClientProperties.of(null, KAFKA_PROPERTY_ARGS);
        List<Path> files = JobTestSupport.camvidVal(2);
        byte[] garbage = "not an image".getBytes(StandardCharsets.US_ASCII);
        long ts = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer(broker, login)) {
            producer.send(frame("cam", 0, ts, Files.readAllBytes(files.get(0)))).get();
            producer.send(frame("bad", 0, ts, garbage)).get();
            producer.send(frame("cam", 1, ts + 40, Files.readAllBytes(files.get(1)))).get();
        }

        JobClient job = null;
        String logged;
        try (LogCapture log = new LogCapture()) {
            JobSettings s = settings(List.of()).withKafkaProperties(login);
            assertFalse(s.toString().contains(PASSWORD), s.toString());
            StreamExecutionEnvironment env = JobTestSupport.localEnv(1);
            SegmentationJob.build(env, s);
            job = env.executeAsync(SegmentationJob.NAME);

            List<ConsumerRecord<String, byte[]>> out = KafkaTestSupport.consume(broker, login, job, SEGMENTS, 2, 150);
            assertEquals(List.of("0", "1"), out.stream().map(r -> header(r, Headers.SEQ)).toList());
            for (ConsumerRecord<String, byte[]> r : out) {
                assertEquals("cam", r.key());
                assertEquals(480, PalettePng.decode(r.value()).width());
            }
            List<ConsumerRecord<String, byte[]>> dead = KafkaTestSupport.consume(broker, login, job, DLQ, 1, 60);
            assertArrayEquals(garbage, dead.get(0).value(), "dead letters go through the secured broker too");

            // What `sparseseg consume --kafka-property ...` does with the secured output topic.
            List<SegmentReceiver.Received> received = new ArrayList<>();
            try (SegmentReceiver rx = new SegmentReceiver(broker.bootstrapServers(), List.of(SEGMENTS), tmp, true, login)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (received.size() < 2 && System.nanoTime() < deadline) {
                    rx.poll(Duration.ofMillis(500), received::add);
                }
            }
            assertEquals(List.of(0L, 1L), received.stream().map(SegmentReceiver.Received::seq).toList());
            assertTrue(Files.isRegularFile(received.get(1).file()), received.get(1).file().toString());
            logged = log.text();
        } finally {
            if (job != null) {
                KafkaTestSupport.cancel(job);
            }
        }
        assertTrue(logged.contains("sasl.jaas.config = [hidden]"), "the Kafka clients' configuration was logged, masked");
        assertFalse(logged.contains(PASSWORD), "the password appears in the log");
    }

    @Test
    void withoutCredentialsTheJobFailsAtStartSayingTheBrokerWantsThem() {
        long t0 = System.nanoTime();
        KafkaAccessException e = assertThrows(KafkaAccessException.class,
                () -> SegmentationJob.build(JobTestSupport.localEnv(1), settings(List.of())));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("No credentials, failed after " + ms + " ms: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("Kafka at " + broker.bootstrapServers() + " accepts connections but served "
                + "no request within 10 s with these client settings (security.protocol=PLAINTEXT)"), e.getMessage());
        assertTrue(e.getMessage().contains("--kafka-property"), e.getMessage());
    }

    @Test
    void aWrongPasswordFailsAtStartNamingTheBrokerButNotThePassword() {
        String wrong = "wrong-pw-2b8d";
        KafkaClientProperties login = KafkaClientProperties.of(null, List.of("security.protocol=SASL_PLAINTEXT",
                "sasl.mechanism=PLAIN", "sasl.jaas.config=" + JAAS.replace(PASSWORD, wrong)));
        try (LogCapture log = new LogCapture()) {
            KafkaAccessException e = assertThrows(KafkaAccessException.class,
                    () -> SegmentationJob.build(JobTestSupport.localEnv(1), settings(List.of()).withKafkaProperties(login)));
            System.out.println("Wrong password: " + e.getMessage());
            assertEquals("Kafka at " + broker.bootstrapServers() + " refused authentication (security.protocol=SASL_PLAINTEXT, "
                    + "sasl.mechanism=PLAIN): Authentication failed: Invalid username or password", e.getMessage());
            assertFalse(log.text().contains(wrong), log.text());
        }
    }

    private static JobSettings settings(List<String> sourceOptions) {
        String kafka = "kafka://" + broker.bootstrapServers() + "/";
        return JobTestSupport.settings(List.of(kafka + FRAMES + String.join("", sourceOptions)), List.of(kafka + SEGMENTS),
                null, 1);
    }
}
