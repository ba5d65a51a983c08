package dev.sparseseg.connectors.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaClientPropertiesTest {
    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"alice\" password=\"s3cr3t-pw\";";

    @TempDir
    Path tmp;

    @Test
    void fileThenKeyValuesTheLatterWinning() throws Exception {
        Path file = tmp.resolve("client.properties");
        Files.writeString(file, "# a client file\nsecurity.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nclient.id=from-file\n");
        KafkaClientProperties p = KafkaClientProperties.of(file, List.of("client.id=cam-job", "sasl.jaas.config=" + JAAS,
                "ssl.endpoint.identification.algorithm="));
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN", "client.id", "cam-job",
                "sasl.jaas.config", JAAS, "ssl.endpoint.identification.algorithm", ""), p);
        assertEquals("cam-job", p.toProperties().getProperty("client.id"));
        assertEquals(KafkaClientProperties.empty(), KafkaClientProperties.of(null, null));
    }

    @Test
    void toStringMasksSecretsAlsoAfterSerialization() throws Exception {
        KafkaClientProperties p = KafkaClientProperties.of(null, List.of("sasl.jaas.config=" + JAAS,
                "ssl.truststore.password=tpw-123", "ssl.key.password=kpw-456", "basic.auth.user.info=x",
                "client.secret=cs-789", "security.protocol=SASL_SSL"));
        for (KafkaClientProperties q : List.of(p, roundTrip(p))) {
            String s = q.toString();
            for (String secret : List.of("s3cr3t-pw", "tpw-123", "kpw-456", "cs-789", "alice")) {
                assertFalse(s.contains(secret), s);
            }
            assertTrue(s.contains("security.protocol=SASL_SSL"), s);
            assertTrue(s.contains("sasl.jaas.config=" + KafkaClientProperties.MASK), s);
            assertEquals(p, q);
        }
        assertTrue(KafkaClientProperties.isSecret("SSL.KEYSTORE.PASSWORD"));
        assertFalse(KafkaClientProperties.isSecret("sasl.mechanism"));
    }

    @Test
    void scrubMasksSecretValuesAndJaasPasswordsInText() {
        KafkaClientProperties p = KafkaClientProperties.of(null, List.of("sasl.jaas.config=" + JAAS,
                "ssl.keystore.password=ks-pass", "client.id=cam"));
        assertEquals("login failed for alice with " + KafkaClientProperties.MASK + ", keystore "
                        + KafkaClientProperties.MASK + ", cam",
                p.scrub("login failed for alice with s3cr3t-pw, keystore ks-pass, cam"));
        assertEquals("config " + KafkaClientProperties.MASK, p.scrub("config " + JAAS));
    }

    @Test
    void badEntriesAreNamedSecretsMasked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaClientProperties.of(null, List.of("security.protocol:SASL_SSL")));
        assertTrue(e.getMessage().contains("'security.protocol:SASL_SSL' is not KEY=VALUE"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KafkaClientProperties.of(null, List.of("=x")));
        assertTrue(e.getMessage().contains("'=x'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> KafkaClientProperties.of(null, List.of("sasl.jaas.config:" + JAAS)));
        assertTrue(e.getMessage().contains("'sasl.jaas.config" + KafkaClientProperties.MASK + "'"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> KafkaClientProperties.of(null, List.of("bootstrap.servers=h:9092")));
        assertTrue(e.getMessage().contains("kafka://"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KafkaClientProperties.copyOf(Map.of("group.id", "g")));
        assertTrue(e.getMessage().contains("--group-id"), e.getMessage());
    }

    @Test
    void unreadableFilesAreNamed() throws Exception {
        Path missing = tmp.resolve("nope.properties");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaClientProperties.of(missing, List.of()));
        assertEquals("Kafka properties file " + missing + " does not exist", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KafkaClientProperties.of(tmp, List.of()));
        assertTrue(e.getMessage().startsWith("Cannot read Kafka properties file " + tmp), e.getMessage());
        Path bad = tmp.resolve("bad.properties");
        Files.writeString(bad, "a=\\u12\n");
        e = assertThrows(IllegalArgumentException.class, () -> KafkaClientProperties.of(bad, List.of()));
        assertTrue(e.getMessage().startsWith("Cannot read Kafka properties file " + bad), e.getMessage());
    }

    private static KafkaClientProperties roundTrip(KafkaClientProperties p) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(p);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (KafkaClientProperties) in.readObject();
        }
    }
}
