package dev.sparseseg.job.io;

import dev.sparseseg.connectors.source.KafkaAddress;

import java.nio.file.Path;

/**
 * An output as the command line names it: {@code kafka://HOST:PORT/TOPIC} (palette PNGs;
 * options {@code #overlays=TOPIC} add a JPEG overlay topic and {@code masks=TOPIC} a topic of
 * 1-bit PNGs of the refined pixels on the same broker, joined with {@code &}),
 * {@code dir:PATH} (label maps and overlays as files) or {@code discard:} (benchmarks).
 */
public record SinkUri(Kind kind, KafkaAddress kafka, String overlayTopic, String maskTopic, Path dir) {

    public enum Kind { KAFKA, DIR, DISCARD }

    private static final String FORMS = "kafka://HOST:PORT/TOPIC[#overlays=TOPIC][&masks=TOPIC], dir:PATH, discard:";

    public static SinkUri parse(String uri) {
        int hash = uri.indexOf('#');
        String location = hash < 0 ? uri : uri.substring(0, hash);
        String fragment = hash < 0 ? "" : uri.substring(hash + 1);
        if (location.startsWith("kafka://")) {
            KafkaAddress kafka = KafkaAddress.parse(location);
            String overlays = null;
            String masks = null;
            if (!fragment.isEmpty()) {
                for (String kv : fragment.split("&", -1)) {
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("sink '" + uri + "': option '" + kv + "' is not KEY=VALUE");
                    }
                    String key = kv.substring(0, eq);
                    String topic = kv.substring(eq + 1);
                    if (!key.equals("overlays") && !key.equals("masks")) {
                        throw new IllegalArgumentException("sink '" + uri + "': unknown option '" + key + "' (overlays, masks)");
                    }
                    if (topic.isBlank()) {
                        throw new IllegalArgumentException("sink '" + uri + "': " + key + "= names no topic");
                    }
                    if (topic.equals(kafka.topic()) || topic.equals(key.equals("masks") ? overlays : masks)) {
                        throw new IllegalArgumentException("sink '" + uri + "': " + key + "=" + topic
                                + " is already the topic of other records; each kind needs its own topic");
                    }
                    if ((key.equals("overlays") ? overlays : masks) != null) {
                        throw new IllegalArgumentException("sink '" + uri + "': option '" + key + "' given twice");
                    }
                    if (key.equals("overlays")) {
                        overlays = topic;
                    } else {
                        masks = topic;
                    }
                }
            }
            return new SinkUri(Kind.KAFKA, kafka, overlays, masks, null);
        }
        if (!fragment.isEmpty()) {
            throw new IllegalArgumentException("sink '" + uri + "' takes no options");
        }
        if (location.startsWith("dir:") && location.length() > 4) {
            return new SinkUri(Kind.DIR, null, null, null, Path.of(location.substring(4)));
        }
        if (location.equals("discard:")) {
            return new SinkUri(Kind.DISCARD, null, null, null, null);
        }
        throw new IllegalArgumentException("sink '" + uri + "' is not one of " + FORMS);
    }

    /** Whether this sink needs the JPEG overlays encoded. */
    public boolean wantsOverlays() {
        return kind == Kind.DIR || overlayTopic != null;
    }

    /** Whether this sink needs the masks of the refined pixels. */
    public boolean wantsMasks() {
        return maskTopic != null;
    }
}
