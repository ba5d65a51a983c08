package dev.sparseseg.connectors.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Connects to Kafka with the user's client settings before anything starts, so that settings
 * the broker refuses fail the command at once with a message naming the broker, instead of a job
 * whose Kafka clients retry forever. Messages never show secrets (see
 * {@link KafkaClientProperties#isSecret}).
 *
 * <p>Fails when the broker refuses the login or access ({@link AuthenticationException},
 * {@link AuthorizationException}, a TLS handshake failure), when the settings are not valid
 * client settings, and when the broker accepts TCP connections but never answers a request
 * (what a broker that requires SASL or TLS does with a client that uses neither). A broker that
 * cannot be reached at all only gets a warning: it may be starting, or reachable from the
 * TaskManagers but not from where a job is submitted.
 */
public final class KafkaAccessCheck {
    private static final System.Logger LOG = System.getLogger(KafkaAccessCheck.class.getName());
    /** How long the check waits for the broker's answer. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private KafkaAccessCheck() {
    }

    /** The settings do not work with that broker: the message says which broker and why, without secrets. */
    public static final class KafkaAccessException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        KafkaAccessException(String message) {
            super(message);
        }
    }

    /** Checks every distinct bootstrap list of {@code bootstraps} with {@link #TIMEOUT}. */
    public static void checkAll(Collection<String> bootstraps, Map<String, String> clientProperties) {
        for (String b : new LinkedHashSet<>(bootstraps)) {
            check(b, clientProperties, TIMEOUT);
        }
    }

    /**
     * Asks the brokers of {@code bootstrap} for the cluster's nodes with {@code clientProperties}.
     *
     * @throws KafkaAccessException if the broker refuses these settings (see the class comment)
     */
    public static void check(String bootstrap, Map<String, String> clientProperties, Duration timeout) {
        KafkaClientProperties user = KafkaClientProperties.copyOf(clientProperties);
        int ms = (int) timeout.toMillis();
        String settings = describe(user);
        Admin admin;
        try {
            admin = Admin.create(adminProperties(user, bootstrap, "sparseseg-access-check", timeout));
        } catch (KafkaException e) {
            throw new KafkaAccessException("Kafka client settings for " + bootstrap + " are not valid (" + settings + "): "
                    + user.scrub(rootMessage(e)));
        }
        try (admin) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms)).nodes()
                    .get(ms + 5000L, TimeUnit.MILLISECONDS);
            LOG.log(System.Logger.Level.DEBUG, "Kafka at {0} accepts the client settings ({1})", bootstrap, settings);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AuthenticationException) {
                throw new KafkaAccessException("Kafka at " + bootstrap + " refused authentication (" + settings + "): "
                        + user.scrub(cause.getMessage()));
            }
            if (cause instanceof AuthorizationException) {
                throw new KafkaAccessException("Kafka at " + bootstrap + " refused access (" + settings + "): "
                        + user.scrub(cause.getMessage()));
            }
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                timedOut(bootstrap, settings, timeout);
            } else {
                LOG.log(System.Logger.Level.WARNING, "Kafka at {0} did not answer the access check ({1}): {2}; going on",
                        bootstrap, settings, user.scrub(String.valueOf(cause)));
            }
        } catch (TimeoutException e) {
            timedOut(bootstrap, settings, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking access to Kafka at " + bootstrap, e);
        }
    }

    private static void timedOut(String bootstrap, String settings, Duration timeout) {
        if (acceptsConnections(bootstrap)) {
            throw new KafkaAccessException("Kafka at " + bootstrap + " accepts connections but served no request within "
                    + timeout.toSeconds() + " s with these client settings (" + settings + "): they probably lack or get "
                    + "wrong the authentication or TLS the broker requires (set them with --kafka-property KEY=VALUE or "
                    + "--kafka-properties FILE), or the broker is still starting");
        }
        LOG.log(System.Logger.Level.WARNING, "Kafka at {0} cannot be reached from here within {1} s; going on (the job''s "
                + "Kafka clients keep trying)", bootstrap, timeout.toSeconds());
    }

    /** An admin client's settings: the user's, for {@code bootstrap}, giving up on any request after {@code timeout}. */
    static Properties adminProperties(KafkaClientProperties user, String bootstrap, String clientId, Duration timeout) {
        Properties p = user.toProperties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        String ms = Long.toString(timeout.toMillis());
        p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        return p;
    }

    /** Whether some server of {@code bootstrap} (HOST:PORT,...) accepts a TCP connection within a second. */
    static boolean acceptsConnections(String bootstrap) {
        for (String hostPort : bootstrap.split(",")) {
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0) {
                continue;
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(hostPort.substring(0, colon).trim(),
                        Integer.parseInt(hostPort.substring(colon + 1).trim())), 1000);
                return true;
            } catch (IOException | IllegalArgumentException e) {
                // Not this one.
            }
        }
        return false;
    }

    /** The settings that decide how a client logs in, none of them secret: security.protocol and sasl.mechanism. */
    static String describe(KafkaClientProperties p) {
        String protocol = p.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
        StringBuilder s = new StringBuilder("security.protocol=").append(protocol);
        if (protocol.toUpperCase(java.util.Locale.ROOT).startsWith("SASL")) {
            s.append(", sasl.mechanism=").append(p.getOrDefault("sasl.mechanism", "GSSAPI"));
        }
        return s.toString();
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? String.valueOf(t.getMessage()) : t.getMessage() + ": " + root.getMessage();
    }
}
