package dev.sparseseg.connectors.source;

import java.util.Locale;

/** What a source does when the job cannot keep up with it. */
public enum LivePolicy {
    /** Never skip a frame: the source waits (back-pressure), latency grows. */
    WAIT,
    /** Keep only the newest frame: stale ones are skipped and counted, latency stays bounded. */
    DROP_OLDEST;

    public static LivePolicy parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "wait" -> WAIT;
            case "drop-oldest" -> DROP_OLDEST;
            default -> throw new IllegalArgumentException("live policy '" + s + "' is not one of: wait, drop-oldest");
        };
    }

    public String id() {
        return this == WAIT ? "wait" : "drop-oldest";
    }
}
