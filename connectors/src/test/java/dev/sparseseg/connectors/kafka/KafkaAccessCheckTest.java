package dev.sparseseg.connectors.kafka;

import dev.sparseseg.connectors.kafka.KafkaAccessCheck.KafkaAccessException;
import dev.sparseseg.kafka.embedded.EmbeddedKafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The start-up check against a real SASL/PLAIN broker: right, wrong and missing credentials. */
@Timeout(90)
class KafkaAccessCheckTest {
    private static final String PASSWORD = "alice-pw-4711";
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.startSaslPlain(Map.of("alice", PASSWORD));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void theRightLoginPasses() {
        KafkaAccessCheck.check(broker.bootstrapServers(), EmbeddedKafkaBroker.saslPlainLogin("alice", PASSWORD),
                Duration.ofSeconds(20));
    }

    @Test
    void aWrongPasswordFailsNamingTheBrokerNotThePassword() {
        Map<String, String> login = EmbeddedKafkaBroker.saslPlainLogin("alice", "wrong-pw-0815");
        KafkaAccessException e = assertThrows(KafkaAccessException.class,
                () -> KafkaAccessCheck.check(broker.bootstrapServers(), login, Duration.ofSeconds(20)));
        String m = e.getMessage();
        assertTrue(m.startsWith("Kafka at " + broker.bootstrapServers() + " refused authentication "
                + "(security.protocol=SASL_PLAINTEXT, sasl.mechanism=PLAIN): "), m);
        assertFalse(m.contains("wrong-pw-0815") || m.contains(PASSWORD), m);
    }

    @Test
    void noCredentialsFailWithinTheTimeoutSayingWhatIsLikelyMissing() {
        long t0 = System.nanoTime();
        KafkaAccessException e = assertThrows(KafkaAccessException.class,
                () -> KafkaAccessCheck.check(broker.bootstrapServers(), Map.of(), Duration.ofSeconds(3)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String m = e.getMessage();
        assertTrue(m.startsWith("Kafka at " + broker.bootstrapServers() + " accepts connections but served no request "
                + "within 3 s with these client settings (security.protocol=PLAINTEXT)"), m);
        assertTrue(m.contains("the authentication or TLS the broker requires"), m);
        assertTrue(ms < 15_000, "took " + ms + " ms");
    }

    @Test
    void invalidSettingsFailWithoutShowingSecrets() {
        Map<String, String> bad = new HashMap<>(EmbeddedKafkaBroker.saslPlainLogin("alice", PASSWORD));
        bad.put("sasl.mechanism", "NO-SUCH-MECHANISM");
        KafkaAccessException e = assertThrows(KafkaAccessException.class,
                () -> KafkaAccessCheck.check(broker.bootstrapServers(), bad, Duration.ofSeconds(3)));
        assertTrue(e.getMessage().contains(broker.bootstrapServers()), e.getMessage());
        assertTrue(e.getMessage().contains("sasl.mechanism=NO-SUCH-MECHANISM"), e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    }

    @Test
    void anUnreachableBrokerOnlyWarns() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        KafkaAccessCheck.check("127.0.0.1:" + port, Map.of(), Duration.ofSeconds(2));
    }
}
