package dev.sparseseg.connectors.source;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A frame source as the command line names it: {@code kafka://HOST:PORT/TOPIC},
 * {@code rtsp://...}, {@code file:VIDEO} or {@code dir:FOLDER}. Options go in the fragment,
 * which cameras never see: {@code rtsp://cam1/live#id=gate&policy=drop-oldest}.
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
 */
public record SourceUri(Kind kind, String location, String streamId, LivePolicy policy, int repeat, long maxLagMs,
                        Start start) implements Serializable {

    public static final long DEFAULT_MAX_LAG_MS = 1000;

    public enum Kind { KAFKA, RTSP, FILE, DIR }

    /** Where a Kafka source without committed offsets starts: the topic's first or next record. */
    public enum Start { EARLIEST, LATEST }

    public static SourceUri parse(String uri) {
        int hash = uri.indexOf('#');
        String location = hash < 0 ? uri : uri.substring(0, hash);
        Map<String, String> opts = options(uri, hash < 0 ? "" : uri.substring(hash + 1));
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
        return new SourceUri(kind, location, id, policy, (int) repeat, maxLag, start);
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

    private static Map<String, String> options(String uri, String fragment) {
        Map<String, String> opts = new LinkedHashMap<>();
        if (fragment.isEmpty()) {
            return opts;
        }
        for (String kv : fragment.split("&")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("source '" + uri + "': option '" + kv + "' is not KEY=VALUE");
            }
            String key = kv.substring(0, eq);
            if (!key.equals("id") && !key.equals("policy") && !key.equals("repeat") && !key.equals("max-lag")
                    && !key.equals("start")) {
                throw new IllegalArgumentException("source '" + uri + "': unknown option '" + key
                        + "' (id, policy, repeat, max-lag, start)");
            }
            opts.put(key, kv.substring(eq + 1));
        }
        return opts;
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
                    throw new IllegalArgumentException("source '" + location + "' is not a valid URL: " + e.getMessage());
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
