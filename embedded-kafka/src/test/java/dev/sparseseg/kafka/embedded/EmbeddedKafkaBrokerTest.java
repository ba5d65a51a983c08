package dev.sparseseg.kafka.embedded;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class EmbeddedKafkaBrokerTest {
    private static final String TOPIC = "frames";

    @Test
    void roundTripsA30MegabyteRecordWithKeysAndHeaders() {
        byte[] large = new byte[30 * 1024 * 1024];
        new Random(7).nextBytes(large);
        List<ProducerRecord<String, byte[]>> sent = List.of(
                record("cam-0", "first".getBytes(StandardCharsets.UTF_8), "0"),
                record("cam-1", large, "1"),
                record("cam-0", new byte[0], "2"));

        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        Path dataDir = broker.dataDir();
        assertTrue(Files.isDirectory(dataDir));
        broker.createTopic(TOPIC, 1);
        broker.createTopic(TOPIC, 1);

        produce(broker, sent);
        List<ConsumerRecord<String, byte[]>> received = consume(broker, sent.size());

        assertEquals(sent.size(), received.size());
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(sent.get(i).key(), received.get(i).key());
            assertEquals(headerList(sent.get(i).headers()), headerList(received.get(i).headers()));
            assertArrayEquals(sent.get(i).value(), received.get(i).value());
        }

        broker.close();
        broker.close();
        assertFalse(Files.exists(dataDir));
    }

    @Test
    void brokersStartedOneAfterAnotherBothWork() {
        int port;
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start()) {
            port = Integer.parseInt(first.bootstrapServers().substring("127.0.0.1:".length()));
            roundTripOne(first);
        }
        // The fixed port also shows that close() released it.
        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start(port)) {
            assertEquals("127.0.0.1:" + port, second.bootstrapServers());
            roundTripOne(second);
        }
    }

    @Test
    void busyPortFailsWithItsNumber() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> EmbeddedKafkaBroker.start(taken.getLocalPort()));
            assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
        }
    }

    @Test
    void saslPlainBrokerServesItsUsersAndRefusesWrongPasswords() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startSaslPlain(Map.of("alice", "alice-pw"))) {
            Map<String, String> alice = EmbeddedKafkaBroker.saslPlainLogin("alice", "alice-pw");
            roundTripOne(broker, alice);

            Properties wrong = producerLimits();
            wrong.putAll(EmbeddedKafkaBroker.saslPlainLogin("alice", "not-her-pw"));
            wrong.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            wrong.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
            try (KafkaProducer<String, byte[]> producer =
                         new KafkaProducer<>(wrong, new StringSerializer(), new ByteArraySerializer())) {
                Exception e = assertThrows(Exception.class,
                        () -> producer.send(record("k", new byte[1], "0")).get());
                assertTrue(hasCause(e, SaslAuthenticationException.class), () -> "not an authentication error: " + e);
            }
        }
    }

    @Test
    void sslBrokerServesClientsThatTrustItsCertificateAndNoOthers() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startSsl()) {
            assertEquals("SSL", broker.sslClient().get("security.protocol"));
            roundTripOne(broker, broker.sslClient());

            Properties untrusting = producerLimits();
            untrusting.setProperty("security.protocol", "SSL");
            untrusting.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            untrusting.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
            try (KafkaProducer<String, byte[]> producer =
                         new KafkaProducer<>(untrusting, new StringSerializer(), new ByteArraySerializer())) {
                Exception e = assertThrows(Exception.class, () -> producer.send(record("k", new byte[1], "0")).get());
                assertTrue(hasCause(e, org.apache.kafka.common.errors.SslAuthenticationException.class),
                        () -> "not a TLS handshake failure: " + e);
            }
        }
        assertThrows(IllegalStateException.class, () -> {
            try (EmbeddedKafkaBroker plain = EmbeddedKafkaBroker.start()) {
                plain.sslClient();
            }
        });
    }

    @Test
    void saslUsersMustFitAJaasConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> EmbeddedKafkaBroker.startSaslPlain(Map.of()));
        assertThrows(IllegalArgumentException.class, () -> EmbeddedKafkaBroker.startSaslPlain(Map.of("a b", "pw")));
        assertThrows(IllegalArgumentException.class, () -> EmbeddedKafkaBroker.startSaslPlain(Map.of("bob", "p\"w")));
    }

    /** What connectors' {@code KafkaLimits.producer()} sets, for records up to the broker's limit. */
    private static Properties producerLimits() {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(EmbeddedKafkaBroker.MAX_MESSAGE_BYTES));
        p.setProperty(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(2L * EmbeddedKafkaBroker.MAX_MESSAGE_BYTES));
        return p;
    }

    /** What connectors' {@code KafkaLimits.consumer()} sets. */
    private static Properties consumerLimits() {
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(EmbeddedKafkaBroker.MAX_MESSAGE_BYTES));
        p.setProperty(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(EmbeddedKafkaBroker.MAX_MESSAGE_BYTES));
        return p;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static void roundTripOne(EmbeddedKafkaBroker broker) {
        roundTripOne(broker, Map.of());
    }

    private static void roundTripOne(EmbeddedKafkaBroker broker, Map<String, String> login) {
        broker.createTopic(TOPIC, 1);
        produce(broker, List.of(record("k", "v".getBytes(StandardCharsets.UTF_8), "0")), login);
        List<ConsumerRecord<String, byte[]>> received = consume(broker, 1, login);
        assertEquals("k", received.get(0).key());
        assertArrayEquals("v".getBytes(StandardCharsets.UTF_8), received.get(0).value());
    }

    private static ProducerRecord<String, byte[]> record(String key, byte[] value, String frame) {
        Headers headers = new RecordHeaders()
                .add("frame", frame.getBytes(StandardCharsets.UTF_8))
                .add("format", "jpeg".getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(TOPIC, null, key, value, headers);
    }

    private static List<String> headerList(Headers headers) {
        List<String> out = new ArrayList<>();
        for (Header h : headers) {
            out.add(h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void produce(EmbeddedKafkaBroker broker, List<ProducerRecord<String, byte[]>> records) {
        produce(broker, records, Map.of());
    }

    private static void produce(EmbeddedKafkaBroker broker, List<ProducerRecord<String, byte[]>> records,
                                Map<String, String> login) {
        Properties config = producerLimits();
        config.putAll(login);
        config.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<String, byte[]> r : records) {
                producer.send(r).get();
            }
        } catch (Exception e) {
            throw new AssertionError("send failed", e);
        }
    }

    private static List<ConsumerRecord<String, byte[]>> consume(EmbeddedKafkaBroker broker, int count) {
        return consume(broker, count, Map.of());
    }

    private static List<ConsumerRecord<String, byte[]>> consume(EmbeddedKafkaBroker broker, int count,
                                                                Map<String, String> login) {
        Properties config = consumerLimits();
        config.putAll(login);
        config.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(TOPIC, 0)));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        }
        return received;
    }
}
