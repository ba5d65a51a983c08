package dev.sparseseg.connectors.uri;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An output as the command line names it: {@code kafka://HOST:PORT/TOPIC} (palette PNGs;
 * options {@code #overlays=TOPIC} add a JPEG overlay topic and {@code masks=TOPIC} a topic of
 * 1-bit PNGs of the refined pixels on the same broker, joined with {@code &}),
 * {@code dir:PATH} (label maps and overlays as files) or {@code discard:} (benchmarks).
 */
public record SinkUri(Kind kind, KafkaAddress kafka, String overlayTopic, String maskTopic, Path dir) {

    public enum Kind { KAFKA, DIR, DISCARD }

    private static final String FORMS = "kafka://HOST:PORT/TOPIC[#overlays=TOPIC][&masks=TOPIC], dir:PATH, discard:";
    private static final List<String> OPTIONS = List.of("overlays", "masks");

    public static SinkUri parse(String uri) {
        String location = UriOptions.location(uri);
        String fragment = UriOptions.fragment(uri);
        if (location.startsWith("kafka://")) {
            KafkaAddress kafka = KafkaAddress.parse(location);
            Map<String, String> opts = UriOptions.parse("sink", uri, fragment, OPTIONS);
            List<String> topics = new ArrayList<>(List.of(kafka.topic()));
            opts.forEach((key, topic) -> {
                if (topic.isBlank()) {
                    throw new IllegalArgumentException("sink '" + uri + "': " + key + "= names no topic");
                }
                if (topics.contains(topic)) {
                    throw new IllegalArgumentException("sink '" + uri + "': " + key + "=" + topic
                            + " is already the topic of other records; each kind needs its own topic");
                }
                topics.add(topic);
            });
            return new SinkUri(Kind.KAFKA, kafka, opts.get("overlays"), opts.get("masks"), null);
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
