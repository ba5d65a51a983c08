package dev.sparseseg.connectors.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The largest record each output topic takes, read before a job starts. A sink's failed send
 * fails the job's task, and every restart meets the same record: a topic left at Kafka's
 * default (about 1 MB) would take a job writing 4K overlays through its restarts to FAILED.
 * Named at start instead, with what to do.
 */
public final class KafkaTopicLimits {
    private static final System.Logger LOG = System.getLogger(KafkaTopicLimits.class.getName());
    private static final String BROKER_DEFAULT = "message.max.bytes";

    /** How long the check waits for the broker: it already answered the access check. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private KafkaTopicLimits() {
    }

    /** Warns of each of {@code topics} on {@code bootstrap} that takes records below {@code bytes} ({@link #below}). */
    public static void warnBelow(String bootstrap, Collection<String> topics, Map<String, String> clientProperties, long bytes) {
        below(bootstrap, topics, clientProperties, bytes, TIMEOUT).forEach((topic, limit) -> LOG.log(System.Logger.Level.WARNING,
                "Kafka topic {0} at {1} takes records of at most {2} bytes (its max.message.bytes, or for a topic not created "
                        + "yet the broker''s message.max.bytes): "
                        + "a label map, overlay or dead letter larger than that would fail the job at every restart. "
                        + "Create or alter it with max.message.bytes={3} (docs/kafka.md, \"Large frames\")",
                topic, bootstrap, Long.toString(limit), Long.toString(bytes)));
    }

    /**
     * Each of {@code topics} on {@code bootstrap} whose records may not reach {@code bytes},
     * with its limit. A topic that does not exist yet gets the broker's default for new topics.
     * Empty when the broker does not answer within {@code timeout} (the job's clients keep trying).
     */
    public static Map<String, Long> below(String bootstrap, Collection<String> topics, Map<String, String> clientProperties,
                                          long bytes, Duration timeout) {
        if (!KafkaAccessCheck.acceptsConnections(bootstrap)) {
            // The access check has warned of it already; waiting out the timeout again would only delay the start.
            return Map.of();
        }
        Properties p = KafkaAccessCheck.adminProperties(KafkaClientProperties.copyOf(clientProperties), bootstrap,
                "sparseseg-topic-limits", timeout);
        int ms = (int) timeout.toMillis();
        Map<String, Long> small = new LinkedHashMap<>();
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(ms, TimeUnit.MILLISECONDS);
            Long brokerDefault = null;
            for (String topic : topics) {
                long limit;
                if (existing.contains(topic)) {
                    limit = value(admin, new ConfigResource(ConfigResource.Type.TOPIC, topic), TopicConfig.MAX_MESSAGE_BYTES_CONFIG, ms);
                } else {
                    if (brokerDefault == null) {
                        Node node = admin.describeCluster().nodes().get(ms, TimeUnit.MILLISECONDS).iterator().next();
                        brokerDefault = value(admin, new ConfigResource(ConfigResource.Type.BROKER, node.idString()), BROKER_DEFAULT, ms);
                    }
                    limit = brokerDefault;
                }
                if (limit < bytes) {
                    small.put(topic, limit);
                }
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // Access was checked before; what remains (a broker away, ACLs without DescribeConfigs) is not the job's to refuse.
            LOG.log(System.Logger.Level.DEBUG, "could not read the topic limits of Kafka at {0}: {1}", bootstrap, e);
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
        return small;
    }

    private static long value(Admin admin, ConfigResource resource, String key, int ms)
            throws ExecutionException, InterruptedException, TimeoutException {
        Config config = admin.describeConfigs(List.of(resource)).all().get(ms, TimeUnit.MILLISECONDS).get(resource);
        ConfigEntry entry = config.get(key);
        return Long.parseLong(entry.value());
    }
}
