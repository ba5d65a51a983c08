package dev.sparseseg.connectors.uri;

import java.io.Serializable;

/** {@code kafka://HOST:PORT[,HOST:PORT...]/TOPIC} split into bootstrap servers and topic. */
public record KafkaAddress(String bootstrapServers, String topic) implements Serializable {
    public static KafkaAddress parse(String uri) {
        if (!uri.startsWith("kafka://")) {
            throw new IllegalArgumentException("'" + uri + "' is not kafka://HOST:PORT/TOPIC");
        }
        String rest = uri.substring("kafka://".length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1 || rest.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("'" + uri + "' is not kafka://HOST:PORT/TOPIC");
        }
        return new KafkaAddress(rest.substring(0, slash), rest.substring(slash + 1));
    }

    @Override
    public String toString() {
        return "kafka://" + bootstrapServers + "/" + topic;
    }
}
