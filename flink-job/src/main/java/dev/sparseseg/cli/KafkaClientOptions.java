package dev.sparseseg.cli;

import dev.sparseseg.connectors.kafka.KafkaClientProperties;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Kafka client settings of every command that talks to Kafka: {@code --kafka-properties FILE}, {@code --kafka-property KEY=VALUE}. */
public final class KafkaClientOptions {
    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "Kafka client setting for every Kafka client (source, sinks, dead letters), repeatable; "
                    + "e.g. security.protocol=SASL_SSL, sasl.mechanism=PLAIN, sasl.jaas.config=..., client.id=...; "
                    + "wins over --kafka-properties. Values are visible to other users of this machine: "
                    + "put secrets in the file.")
    List<String> properties = new ArrayList<>();

    @Option(names = "--kafka-properties", paramLabel = "FILE",
            description = "Java properties file of Kafka client settings (e.g. a client.properties for SASL/SSL).")
    Path file;

    /** The settings given, file first; secrets masked in their toString. */
    public KafkaClientProperties properties() {
        return KafkaClientProperties.of(file, properties);
    }
}
