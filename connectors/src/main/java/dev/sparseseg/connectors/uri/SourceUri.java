package dev.sparseseg.connectors.uri;

import dev.sparseseg.connectors.source.LivePolicy;
import dev.sparseseg.connectors.video.CameraUrls;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A frame source as the command line names it: {@code kafka://HOST:PORT/TOPIC},
 * {@code rtsp://...}, {@code file:VIDEO} or {@code dir:FOLDER}. Options go in the fragment,
 * which cameras never see: {@code rtsp://cam1/live#id=gate&policy=drop-oldest&stall-timeout=5s}.
 * Messages and {@link #toString()} never show a camera URL's credentials.
 *
 * @param kind     which reader handles it
 * @param location the URL or path without the fragment
 * @param streamId the stream id (option {@code id}; defaults from the location; empty for Kafka, whose keys name the streams)
 * @param policy   option {@code policy}: wait (default) or drop-oldest
 * @param repeat   option {@code repeat} of image folders: replay the folder this many times (default 1)
 * @param maxLagMs option {@code max-lag} of Kafka sources under drop-oldest: records older than this
 *                 many milliseconds (record timestamp against this machine's clock) are skipped
 *                 unread, and counted (default {@value #DEFAULT_MAX_LAG_MS}); 0 when the policy is wait
 * @param start    option {@code start} of Kafka sources: where a consumer group without committed
 *                 offsets starts reading, earliest (the default) or latest; a group that committed
 *                 offsets goes on from them
 * @param stallTimeoutMs option {@code stall-timeout} of cameras, e.g. {@code 10s} or {@code 500ms}: a camera
 *                 that sends no frame for this long is reconnected (default 10 s); 0 for other sources
 */
public record SourceUri(Kind kind, String location, String streamId, LivePolicy policy, int repeat, long maxLagMs,
                        Start start, long stallTimeoutMs) implements Serializable {

    public static final long DEFAULT_MAX_LAG_MS = 1000;
    public static final long DEFAULT_STALL_TIMEOUT_MS = 10_000;
    /** Shorter would take a camera's ordinary hiccups (and its connecting) for stalls. */
    public static final long MIN_STALL_TIMEOUT_MS = 1_000;
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");
    private static final List<String> OPTIONS = List.of("id", "policy", "repeat", "max-lag", "start", "stall-timeout");

    public enum Kind { KAFKA, RTSP, FILE, DIR }

    /** Where a Kafka source without committed offsets starts: the topic's first or next record. */
    public enum Start { EARLIEST, LATEST }

    public static SourceUri parse(String given) {
        // Every message below quotes the URI: never with a camera's password.
        String uri = CameraUrls.redact(given);
        Map<String, String> opts = UriOptions.parse("source", uri, UriOptions.fragment(given), OPTIONS);
        return parse(uri, UriOptions.location(given), opts);
    }

    private static SourceUri parse(String uri, String location, Map<String, String> opts) {
        Kind kind;
        if (location.startsWith("kafka://")) {
            kind = Kind.KAFKA;
        } else if (location.startsWith("rtsp://") || location.startsWith("rtsps://")) {
            kind = Kind.RTSP;
        } else if (location.startsWith("file:")) {
            kind = Kind.FILE;
            location = location.substring("file:".length());
        } else if (location.startsWith("dir:")) {
            kind = Kind.DIR;
            location = location.substring("dir:".length());
        } else {
            throw new IllegalArgumentException("source '" + uri
                    + "' is not one of kafka://HOST:PORT/TOPIC, rtsp://..., file:VIDEO, dir:FOLDER");
        }
        if (location.isEmpty()) {
            throw new IllegalArgumentException("source '" + uri + "' names no location");
        }
        LivePolicy policy = LivePolicy.parse(opts.getOrDefault("policy", "wait"));
        if (policy == LivePolicy.DROP_OLDEST && kind == Kind.DIR) {
            throw new IllegalArgumentException("source '" + uri + "': drop-oldest applies to cameras, videos and Kafka "
                    + "topics; image folders are replayed without skipping");
        }
        long maxLag = 0;
        if (opts.containsKey("max-lag") && (kind != Kind.KAFKA || policy != LivePolicy.DROP_OLDEST)) {
            throw new IllegalArgumentException("source '" + uri + "': max-lag applies to Kafka sources with "
                    + "policy=drop-oldest (a camera's drop-oldest keeps just its newest frame)");
        }
        if (kind == Kind.KAFKA && policy == LivePolicy.DROP_OLDEST) {
            maxLag = number(uri, opts, "max-lag", DEFAULT_MAX_LAG_MS);
            if (maxLag < 1) {
                throw new IllegalArgumentException("source '" + uri + "': max-lag=" + maxLag
                        + " must be a whole number of milliseconds, at least 1");
            }
        }
        String id = opts.getOrDefault("id", defaultId(kind, location));
        if (id.isBlank() && kind != Kind.KAFKA) {
            throw new IllegalArgumentException("source '" + uri + "' has an empty stream id");
        }
        Start start = Start.EARLIEST;
        if (opts.containsKey("start")) {
            String v = opts.get("start");
            if (kind != Kind.KAFKA || !(v.equals("earliest") || v.equals("latest"))) {
                throw new IllegalArgumentException("source '" + uri + "': start=" + v
                        + " must be earliest or latest, and applies to Kafka sources only");
            }
            start = v.equals("latest") ? Start.LATEST : Start.EARLIEST;
        }
        long repeat = number(uri, opts, "repeat", 1);
        if (repeat < 1 || repeat > Integer.MAX_VALUE || (repeat > 1 && kind != Kind.DIR)) {
            throw new IllegalArgumentException("source '" + uri + "': repeat=" + repeat
                    + " must be at least 1, and only image folders repeat");
        }
        long stallTimeout = 0;
        if (kind == Kind.RTSP) {
            stallTimeout = duration(uri, opts, "stall-timeout", DEFAULT_STALL_TIMEOUT_MS);
            if (stallTimeout < MIN_STALL_TIMEOUT_MS) {
                throw new IllegalArgumentException("source '" + uri + "': stall-timeout=" + opts.get("stall-timeout")
                        + " is too short: at least " + MIN_STALL_TIMEOUT_MS + "ms");
            }
        } else if (opts.containsKey("stall-timeout")) {
            throw new IllegalArgumentException("source '" + uri + "': stall-timeout=" + opts.get("stall-timeout")
                    + " applies to cameras (rtsp://) only");
        }
        return new SourceUri(kind, location, id, policy, (int) repeat, maxLag, start, stallTimeout);
    }

    /** The duration option {@code key} in milliseconds ({@code 10s}, {@code 500ms}, {@code 1m}), or {@code fallback}. */
    private static long duration(String uri, Map<String, String> opts, String key, long fallback) {
        String v = opts.get(key);
        if (v == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException("source '" + uri + "': " + key + "=" + v
                    + " is not a duration such as 10s, 500ms or 1m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1000;
            default -> n * 60_000;
        };
    }

    /** The URI without a camera's credentials. */
    @Override
    public String toString() {
        return "SourceUri[" + kind + " " + CameraUrls.redact(location) + ", id=" + streamId + ", policy=" + policy.id()
                + (repeat > 1 ? ", repeat=" + repeat : "") + (maxLagMs > 0 ? ", max-lag=" + maxLagMs + "ms" : "")
                + (kind == Kind.KAFKA ? ", start=" + start.name().toLowerCase(java.util.Locale.ROOT) : "")
                + (stallTimeoutMs > 0 ? ", stall-timeout=" + stallTimeoutMs + "ms" : "") + "]";
    }

    /** The whole-number option {@code key}, or {@code fallback} when it is absent. */
    private static long number(String uri, Map<String, String> opts, String key, long fallback) {
        String v = opts.get(key);
        try {
            return v == null ? fallback : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("source '" + uri + "': " + key + "=" + v + " is not a whole number");
        }
    }

    private static String defaultId(Kind kind, String location) {
        return switch (kind) {
            case FILE, DIR -> {
                Path name = Path.of(location).toAbsolutePath().normalize().getFileName();
                yield name == null ? location : name.toString();
            }
            case RTSP -> {
                try {
                    URI u = new URI(location);
                    yield u.getHost() + (u.getPath() == null ? "" : u.getPath());
                } catch (URISyntaxException e) {
                    throw new IllegalArgumentException("source '" + CameraUrls.redact(location) + "' is not a valid URL: "
                            + e.getReason() + " at index " + e.getIndex());
                }
            }
            case KAFKA -> "";  // Kafka records carry their stream id as the key
        };
    }

    /** For kafka:// sources: bootstrap servers and topic. */
    public KafkaAddress kafka() {
        if (kind != Kind.KAFKA) {
            throw new IllegalStateException(location + " is not a kafka:// source");
        }
        return KafkaAddress.parse(location);
    }
}
