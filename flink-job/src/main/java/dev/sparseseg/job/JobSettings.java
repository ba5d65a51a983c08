package dev.sparseseg.job;

import dev.sparseseg.connectors.kafka.KafkaLimits;
import dev.sparseseg.connectors.kafka.KafkaClientProperties;
import dev.sparseseg.connectors.uri.SinkUri;
import dev.sparseseg.connectors.uri.SourceUri;
import dev.sparseseg.models.engine.EngineConfig;
import dev.sparseseg.models.image.ImageFiles;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the job graph depends on, validated before anything starts.
 *
 * @param sources           source URIs (kafka://, rtsp://, file:, dir:)
 * @param sinks             sink URIs (kafka://, dir:, discard:)
 * @param deadLetters       where bad input goes: kafka://HOST:PORT/TOPIC, dir:PATH or "log";
 *                          null = frames-dlq on the first Kafka broker named, else "log"
 * @param engine            models and operating point
 * @param parallelism       parallelism of the chained stages
 * @param refineParallelism refinement's own parallelism (null = chained with the other stages)
 * @param refineSlotGroup   slot sharing group of refinement when split out (e.g. GPU TaskManagers)
 * @param kafkaGroupId      consumer group of Kafka sources; offsets are committed at checkpoints,
 *                          so a restarted job resumes where the last one left off
 * @param checkpointMs      checkpoint interval in milliseconds, 0 = no checkpoints (then Kafka
 *                          offsets are never committed and a restart replays the topic)
 * @param refineGpus        GPUs each refinement slot requests (Flink external resource "gpu"), so
 *                          that only TaskManagers that declare GPUs run it; 0 = none
 * @param kafkaProperties   client settings passed to every Kafka source and sink (SASL, SSL, client id);
 *                          kept as {@link KafkaClientProperties}, whose toString masks secrets
 * @param delivery          the Kafka sinks' guarantee
 * @param maxPixels         frames declaring more pixels (width x height) are dead letters, checked
 *                          before anything is allocated for them
 * @param maxFrameBytes     larger input records are dead letters, not decoded
 */
public record JobSettings(List<String> sources, List<String> sinks, String deadLetters, EngineConfig engine,
                          int parallelism, Integer refineParallelism, String refineSlotGroup, String kafkaGroupId,
                          long checkpointMs, double refineGpus, Map<String, String> kafkaProperties,
                          Delivery delivery, long maxPixels, long maxFrameBytes) {

    public static final String DEFAULT_DEAD_LETTER_TOPIC = "frames-dlq";
    public static final long DEFAULT_CHECKPOINT_MS = 10_000;
    /** 8K (7680x4320) with room to spare. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    /** The largest record a frame topic takes ({@link KafkaLimits#MAX_MESSAGE_BYTES}). */
    public static final long DEFAULT_MAX_FRAME_BYTES = KafkaLimits.MAX_MESSAGE_BYTES;

    /** What the Kafka sinks guarantee. */
    public enum Delivery {
        AT_LEAST_ONCE, EXACTLY_ONCE;

        public static Delivery parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "at-least-once" -> AT_LEAST_ONCE;
                case "exactly-once" -> EXACTLY_ONCE;
                default -> throw new IllegalArgumentException("delivery '" + s + "' must be at-least-once or exactly-once");
            };
        }
    }

    public JobSettings {
        sources = List.copyOf(sources);
        sinks = List.copyOf(sinks);
        // Its toString masks secrets, so printing the settings never shows a password.
        kafkaProperties = KafkaClientProperties.copyOf(kafkaProperties);
    }

    /** With default Kafka client settings, delivery and pixel limit. */
    public JobSettings(List<String> sources, List<String> sinks, String deadLetters, EngineConfig engine,
                       int parallelism, Integer refineParallelism, String refineSlotGroup, String kafkaGroupId,
                       long checkpointMs, double refineGpus) {
        this(sources, sinks, deadLetters, engine, parallelism, refineParallelism, refineSlotGroup, kafkaGroupId,
                checkpointMs, refineGpus, Map.of(), Delivery.AT_LEAST_ONCE, DEFAULT_MAX_PIXELS, DEFAULT_MAX_FRAME_BYTES);
    }

    public JobSettings withKafkaProperties(Map<String, String> p) {
        return new JobSettings(sources, sinks, deadLetters, engine, parallelism, refineParallelism, refineSlotGroup,
                kafkaGroupId, checkpointMs, refineGpus, p, delivery, maxPixels, maxFrameBytes);
    }

    public JobSettings withDelivery(Delivery d) {
        return new JobSettings(sources, sinks, deadLetters, engine, parallelism, refineParallelism, refineSlotGroup,
                kafkaGroupId, checkpointMs, refineGpus, kafkaProperties, d, maxPixels, maxFrameBytes);
    }

    /** With limits on the input: frames of more pixels, records of more bytes are dead letters. */
    public JobSettings withLimits(long maxPixels, long maxFrameBytes) {
        return new JobSettings(sources, sinks, deadLetters, engine, parallelism, refineParallelism, refineSlotGroup,
                kafkaGroupId, checkpointMs, refineGpus, kafkaProperties, delivery, maxPixels, maxFrameBytes);
    }

    /** With the default checkpoint interval. */
    public JobSettings(List<String> sources, List<String> sinks, String deadLetters, EngineConfig engine,
                       int parallelism, Integer refineParallelism, String refineSlotGroup, String kafkaGroupId) {
        this(sources, sinks, deadLetters, engine, parallelism, refineParallelism, refineSlotGroup, kafkaGroupId,
                DEFAULT_CHECKPOINT_MS, 0);
    }

    /** Without GPU slots. */
    public JobSettings(List<String> sources, List<String> sinks, String deadLetters, EngineConfig engine,
                       int parallelism, Integer refineParallelism, String refineSlotGroup, String kafkaGroupId,
                       long checkpointMs) {
        this(sources, sinks, deadLetters, engine, parallelism, refineParallelism, refineSlotGroup, kafkaGroupId,
                checkpointMs, 0);
    }

    public JobSettings validate() {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("no --source given");
        }
        if (sinks.isEmpty()) {
            throw new IllegalArgumentException("no --sink given");
        }
        sources.forEach(SourceUri::parse);
        sinks.forEach(SinkUri::parse);
        if (deadLetters != null && !deadLetters.equals("log")) {
            SinkUri d = SinkUri.parse(deadLetters);
            if (d.kind() == SinkUri.Kind.DISCARD || d.overlayTopic() != null || d.maskTopic() != null) {
                throw new IllegalArgumentException("dead letters '" + deadLetters + "' must be kafka://HOST:PORT/TOPIC, dir:PATH or log");
            }
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism " + parallelism + " must be at least 1");
        }
        if (refineParallelism != null && refineParallelism < 1) {
            throw new IllegalArgumentException("refine parallelism " + refineParallelism + " must be at least 1");
        }
        if (kafkaGroupId == null || kafkaGroupId.isBlank()) {
            throw new IllegalArgumentException("Kafka group id is empty");
        }
        if (refineGpus < 0 || (refineGpus > 0 && refineSlotGroup == null)) {
            throw new IllegalArgumentException("refine GPUs " + refineGpus + " must be >= 0, and need a refinement slot group");
        }
        if (maxPixels < 1 || maxPixels > ImageFiles.MAX_PIXELS) {
            throw new IllegalArgumentException("max pixels " + maxPixels + " must be between 1 and " + ImageFiles.MAX_PIXELS);
        }
        if (maxFrameBytes < 1) {
            throw new IllegalArgumentException("max frame bytes " + maxFrameBytes + " must be at least 1");
        }
        if (delivery == Delivery.EXACTLY_ONCE && checkpointMs == 0) {
            throw new IllegalArgumentException("exactly-once delivery commits at checkpoints: it needs a checkpoint interval > 0");
        }
        if (checkpointMs < 0) {
            throw new IllegalArgumentException("checkpoint interval " + checkpointMs + " ms must be >= 0 (0 = off)");
        }
        engine.validate();
        return this;
    }

    public boolean overlays() {
        return sinks.stream().map(SinkUri::parse).anyMatch(SinkUri::wantsOverlays);
    }

    /** Whether a sink publishes where refinement was spent ({@code #masks=TOPIC}). */
    public boolean masks() {
        return sinks.stream().map(SinkUri::parse).anyMatch(SinkUri::wantsMasks);
    }

    /** The bootstrap servers of every Kafka source, sink and dead-letter topic, each once. */
    public List<String> kafkaBootstrapServers() {
        Set<String> out = new LinkedHashSet<>();
        sources.stream().map(SourceUri::parse).filter(u -> u.kind() == SourceUri.Kind.KAFKA)
                .forEach(u -> out.add(u.kafka().bootstrapServers()));
        outputUris().stream().map(SinkUri::parse).filter(u -> u.kind() == SinkUri.Kind.KAFKA)
                .forEach(u -> out.add(u.kafka().bootstrapServers()));
        return List.copyOf(out);
    }

    /** Where the job writes: the sink URIs, and the dead letters' unless they only go to the log. */
    public List<String> outputUris() {
        List<String> uris = new ArrayList<>(sinks);
        if (!resolvedDeadLetters().equals("log")) {
            uris.add(resolvedDeadLetters());
        }
        return uris;
    }

    /** The topics the job writes (label maps, overlays, masks, dead letters), by bootstrap servers. */
    public Map<String, Set<String>> kafkaOutputTopics() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (SinkUri u : outputUris().stream().map(SinkUri::parse).filter(u -> u.kind() == SinkUri.Kind.KAFKA).toList()) {
            Set<String> topics = out.computeIfAbsent(u.kafka().bootstrapServers(), b -> new LinkedHashSet<>());
            topics.add(u.kafka().topic());
            if (u.overlayTopic() != null) {
                topics.add(u.overlayTopic());
            }
            if (u.maskTopic() != null) {
                topics.add(u.maskTopic());
            }
        }
        return out;
    }

    /** The dead-letter destination after defaults: a sink URI, or "log". */
    public String resolvedDeadLetters() {
        if (deadLetters != null) {
            return deadLetters;
        }
        for (String u : sinks) {
            SinkUri s = SinkUri.parse(u);
            if (s.kind() == SinkUri.Kind.KAFKA) {
                return "kafka://" + s.kafka().bootstrapServers() + "/" + DEFAULT_DEAD_LETTER_TOPIC;
            }
        }
        for (String u : sources) {
            SourceUri s = SourceUri.parse(u);
            if (s.kind() == SourceUri.Kind.KAFKA) {
                return "kafka://" + s.kafka().bootstrapServers() + "/" + DEFAULT_DEAD_LETTER_TOPIC;
            }
        }
        return "log";
    }
}
