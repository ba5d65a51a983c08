package dev.sparseseg.connectors.uri;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The grammar that source and sink URIs share: {@code LOCATION#KEY=VALUE&KEY=VALUE...}. The
 * options live in the fragment, after the first {@code #}, which a camera never sees.
 */
final class UriOptions {
    private UriOptions() {
    }

    /** {@code uri} up to its first {@code #}. */
    static String location(String uri) {
        int hash = uri.indexOf('#');
        return hash < 0 ? uri : uri.substring(0, hash);
    }

    /** {@code uri} after its first {@code #}; empty without one. */
    static String fragment(String uri) {
        int hash = uri.indexOf('#');
        return hash < 0 ? "" : uri.substring(hash + 1);
    }

    /**
     * The options of {@code fragment}, in the order given.
     *
     * @param what  "source" or "sink", for messages
     * @param shown the URI as messages quote it (a camera's credentials redacted)
     * @param known the option names this kind of URI takes
     * @throws IllegalArgumentException for an option that is not {@code KEY=VALUE} (an empty one
     *                                  included, as after a trailing {@code &}), an unknown key, or a key given twice
     */
    static Map<String, String> parse(String what, String shown, String fragment, List<String> known) {
        Map<String, String> opts = new LinkedHashMap<>();
        if (fragment.isEmpty()) {
            return opts;
        }
        for (String kv : fragment.split("&", -1)) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(what + " '" + shown + "': option '" + kv + "' is not KEY=VALUE");
            }
            String key = kv.substring(0, eq);
            if (!known.contains(key)) {
                throw new IllegalArgumentException(what + " '" + shown + "': unknown option '" + key
                        + "' (" + String.join(", ", known) + ")");
            }
            if (opts.put(key, kv.substring(eq + 1)) != null) {
                throw new IllegalArgumentException(what + " '" + shown + "': option '" + key + "' given twice");
            }
        }
        return opts;
    }
}
