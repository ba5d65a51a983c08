package dev.sparseseg.job.io;

import dev.sparseseg.connectors.source.KafkaAddress;

import java.nio.file.Path;

/**
 * An output as the command line names it: {@code kafka://HOST:PORT/TOPIC} (palette PNGs;
 * {@code #overlays=TOPIC} adds a JPEG overlay topic on the same broker), {@code dir:PATH}
 * (label maps and overlays as files) or {@code discard:} (benchmarks).
 */
public record SinkUri(Kind kind, KafkaAddress kafka, String overlayTopic, Path dir) {

    public enum Kind { KAFKA, DIR, DISCARD }

    public static SinkUri parse(String uri) {
        int hash = uri.indexOf('#');
        String location = hash < 0 ? uri : uri.substring(0, hash);
        String fragment = hash < 0 ? "" : uri.substring(hash + 1);
        if (location.startsWith("kafka://")) {
            String overlays = null;
            if (!fragment.isEmpty()) {
                if (!fragment.startsWith("overlays=") || fragment.length() == "overlays=".length()) {
                    throw new IllegalArgumentException("sink '" + uri + "': the only option is #overlays=TOPIC");
                }
                overlays = fragment.substring("overlays=".length());
            }
            return new SinkUri(Kind.KAFKA, KafkaAddress.parse(location), overlays, null);
        }
        if (!fragment.isEmpty()) {
            throw new IllegalArgumentException("sink '" + uri + "' takes no options");
        }
        if (location.startsWith("dir:") && location.length() > 4) {
            return new SinkUri(Kind.DIR, null, null, Path.of(location.substring(4)));
        }
        if (location.equals("discard:")) {
            return new SinkUri(Kind.DISCARD, null, null, null);
        }
        throw new IllegalArgumentException("sink '" + uri + "' is not one of kafka://HOST:PORT/TOPIC[#overlays=TOPIC], "
                + "dir:PATH, discard:");
    }

    /** Whether this sink needs the JPEG overlays encoded. */
    public boolean wantsOverlays() {
        return kind == Kind.DIR || overlayTopic != null;
    }
}
