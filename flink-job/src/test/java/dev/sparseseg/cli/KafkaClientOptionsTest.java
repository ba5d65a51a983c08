package dev.sparseseg.cli;

import dev.sparseseg.job.JobSettings;
import dev.sparseseg.models.engine.EngineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --kafka-properties FILE} and {@code --kafka-property KEY=VALUE} as run and consume parse them. */
class KafkaClientOptionsTest {
    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"cam\" password=\"pw-from-cli\";";

    @TempDir
    Path tmp;

    @Test
    void runPassesFileAndPropertiesToTheJobSettingsWithSecretsMasked() throws Exception {
        Path file = tmp.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-256\nclient.id=file\n");
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs("--source", "kafka://h:9092/frames#start=latest", "--sink", "kafka://h:9092/segments",
                "--kafka-properties", file.toString(), "--kafka-property", "sasl.mechanism=PLAIN",
                "--kafka-property", "sasl.jaas.config=" + JAAS);
        JobSettings s = run.job.settings(EngineConfig.defaults());
        assertEquals(Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "client.id", "file",
                "sasl.jaas.config", JAAS), s.kafkaProperties());
        assertFalse(s.toString().contains("pw-from-cli"), s.toString());
        assertTrue(s.toString().contains("sasl.mechanism=PLAIN"), s.toString());
    }

    @Test
    void badValuesAndFilesAreNamed() {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs("--source", "kafka://h:9092/frames", "--sink", "discard:",
                "--kafka-property", "security.protocol");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run.job.settings(EngineConfig.defaults()));
        assertTrue(e.getMessage().contains("'security.protocol' is not KEY=VALUE"), e.getMessage());

        Path missing = tmp.resolve("missing.properties");
        ConsumeCommand consume = new ConsumeCommand();
        new CommandLine(consume).parseArgs("--bootstrap", "h:9092", "--topic", "segments", "--kafka-properties", missing.toString());
        e = assertThrows(IllegalArgumentException.class, () -> consume.kafka.properties());
        assertEquals("Kafka properties file " + missing + " does not exist", e.getMessage());
    }
}
