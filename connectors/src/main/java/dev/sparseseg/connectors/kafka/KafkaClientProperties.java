package dev.sparseseg.connectors.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kafka client settings the user gives every Kafka client of a command (SASL, SSL, client id
 * ...), from {@code --kafka-properties FILE} and {@code --kafka-property KEY=VALUE}.
 *
 * <p>An unmodifiable map, in the order given, whose {@link #toString()} masks secrets: the value
 * of every key containing {@code password}, {@code secret}, {@code jaas} or {@code key} (any case)
 * is shown as {@value #MASK}, so the settings can be logged or printed as part of a larger
 * object. Never print {@link #get} of such a key.
 *
 * <p>{@code bootstrap.servers} and {@code group.id} are refused: the {@code kafka://} URIs name
 * the brokers and the job's {@code --group-id} its consumer group.
 */
public final class KafkaClientProperties extends AbstractMap<String, String> implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String MASK = "******";
    private static final List<String> SECRET_MARKERS = List.of("password", "secret", "jaas", "key");
    /** {@code name="value"} or {@code name=value} inside a JAAS configuration. */
    private static final Pattern QUOTED_OPTION = Pattern.compile("([A-Za-z0-9._-]+)\\s*=\\s*(?:\"([^\"]*)\"|([^\\s;\"]+))");
    private static final KafkaClientProperties EMPTY = new KafkaClientProperties(new LinkedHashMap<>());

    private final Map<String, String> map;

    private KafkaClientProperties(LinkedHashMap<String, String> map) {
        this.map = Collections.unmodifiableMap(map);
    }

    public static KafkaClientProperties empty() {
        return EMPTY;
    }

    /** {@code map} as client properties (the same instance if it already is one), checked as {@link #of} checks. */
    public static KafkaClientProperties copyOf(Map<String, String> map) {
        if (map instanceof KafkaClientProperties p) {
            return p;
        }
        LinkedHashMap<String, String> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> put(copy, k, v, "kafka property"));
        return new KafkaClientProperties(copy);
    }

    /**
     * The settings of {@code file} (a Java properties file; null = none), then {@code keyValues}
     * ({@code KEY=VALUE} each, an empty value allowed), the latter winning on equal keys.
     *
     * @throws IllegalArgumentException naming the file that cannot be read or the entry that is not
     *                                  {@code KEY=VALUE} (its value masked if it looks secret)
     */
    public static KafkaClientProperties of(Path file, List<String> keyValues) {
        LinkedHashMap<String, String> map = new LinkedHashMap<>();
        if (file != null) {
            load(file).forEach((k, v) -> put(map, k, v, "Kafka properties file " + file + ":"));
        }
        for (String kv : keyValues == null ? List.<String>of() : keyValues) {
            int eq = kv.indexOf('=');
            if (eq <= 0 || keyLength(kv) != eq) {
                throw new IllegalArgumentException("--kafka-property '" + shown(kv) + "' is not KEY=VALUE "
                        + "(a key of letters, digits, '.', '_', '-', e.g. security.protocol=SASL_SSL)");
            }
            put(map, kv.substring(0, eq), kv.substring(eq + 1), "--kafka-property");
        }
        return map.isEmpty() ? EMPTY : new KafkaClientProperties(map);
    }

    /** Whether the value of {@code key} is a secret: never print it. */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return SECRET_MARKERS.stream().anyMatch(k::contains);
    }

    /** {@code value}, or {@value #MASK} if {@code key} holds secrets. */
    public static String printable(String key, String value) {
        return isSecret(key) ? MASK : value;
    }

    /**
     * {@code text} (e.g. a Kafka client's error message) with every secret of these settings
     * replaced by {@value #MASK}: the values of secret keys, and the quoted values of secret
     * options inside them ({@code password="..."} of a JAAS configuration).
     */
    public String scrub(String text) {
        if (text == null) {
            return null;
        }
        List<String> secrets = new ArrayList<>();
        map.forEach((k, v) -> {
            if (isSecret(k)) {
                secrets.add(v);
                Matcher m = QUOTED_OPTION.matcher(v);
                while (m.find()) {
                    if (isSecret(m.group(1))) {
                        secrets.add(m.group(2) != null ? m.group(2) : m.group(3));
                    }
                }
            }
        });
        // Longest first, so that a secret inside another is not left half masked.
        secrets.sort(Comparator.comparingInt(String::length).reversed());
        String out = text;
        for (String secret : secrets) {
            if (secret.length() >= 3) {
                out = out.replace(secret, MASK);
            }
        }
        return out;
    }

    /** A new {@link Properties} with these settings, for a client's configuration. */
    public Properties toProperties() {
        Properties p = new Properties();
        p.putAll(map);
        return p;
    }

    /** {@code base} with these settings added (and winning on equal keys); {@code base} is changed and returned. */
    public Properties mergeInto(Properties base) {
        base.putAll(map);
        return base;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return map.entrySet();
    }

    @Override
    public String get(Object key) {
        return map.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return map.containsKey(key);
    }

    /** {@code {key=value, ...}} with secret values masked. */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ", "{", "}");
        map.forEach((k, v) -> j.add(k + "=" + printable(k, v)));
        return j.toString();
    }

    private static void put(Map<String, String> map, String key, String value, String where) {
        if (key.equals("bootstrap.servers")) {
            throw new IllegalArgumentException(where + " bootstrap.servers: the kafka:// URIs name the brokers "
                    + "(kafka://HOST:PORT/TOPIC); remove it");
        }
        if (key.equals("group.id")) {
            throw new IllegalArgumentException(where + " group.id: the job's consumer group is --group-id; remove it");
        }
        map.put(key, value);
    }

    private static Map<String, String> load(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("Kafka properties file " + file + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: a malformed \\uXXXX escape. Neither names a value.
            throw new IllegalArgumentException("Cannot read Kafka properties file " + file + ": " + e.getMessage(), e);
        }
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    /** How many characters at the start of {@code s} a Kafka property name may hold. */
    private static int keyLength(String s) {
        int end = 0;
        while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || ".-_".indexOf(s.charAt(end)) >= 0)) {
            end++;
        }
        return end;
    }

    /** A malformed entry as an error message may show it: if it may hold a secret, only up to where a key would end. */
    private static String shown(String kv) {
        if (!isSecret(kv)) {
            return kv;
        }
        int end = keyLength(kv);
        return kv.substring(0, end) + (end < kv.length() ? MASK : "");
    }
}
