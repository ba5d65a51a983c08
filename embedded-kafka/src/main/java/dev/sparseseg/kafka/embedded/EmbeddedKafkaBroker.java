package dev.sparseseg.kafka.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A single-node Kafka 4 broker in KRaft combined mode (broker and controller in one
 * {@link KafkaRaftServer}) running inside this JVM, for the embedded demo and the tests.
 * Listens on 127.0.0.1 only and keeps its logs in a temporary directory that {@link #close()}
 * deletes. Topics accept records up to {@link #MAX_MESSAGE_BYTES}, the limit of connectors'
 * {@code KafkaLimits} (its tests check that the two agree; this module depends on nothing of ours,
 * so that connectors' tests can use it).
 *
 * <p>Brokers may run one after another in the same JVM; each gets fresh ports, directory and
 * cluster id.
 *
 * <p>{@link #startSaslPlain} starts one whose client listener takes SASL/PLAIN logins only
 * (SASL_PLAINTEXT: authenticated, not encrypted), for tests of secured clients; clients log in
 * with {@link #saslPlainLogin}. {@link #startSsl} starts one whose client listener speaks TLS;
 * clients need {@link #sslClient}.
 *
 * <p>Formatting goes through {@link StorageTool} and the config through the
 * {@link KafkaConfig} constructor because kafka_2.13 declares the jars holding
 * {@code Formatter} and {@code KafkaConfig}'s superclass as runtime dependencies only.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    /** Largest record (strictly: record batch) the broker and its topics accept: 64 MiB, as connectors' {@code KafkaLimits}. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    private static final System.Logger LOG = System.getLogger(EmbeddedKafkaBroker.class.getName());
    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final long TIMEOUT_SECONDS = 30;

    private static final String PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";
    /** The broker's own login on a SASL listener (inter-broker traffic, the admin client of {@link #createTopic}). */
    private static final String BROKER_USER = "sparseseg-broker";

    /**
     * How the client listener is secured: PLAINTEXT, SASL_PLAINTEXT with PLAIN users (and the
     * broker's own login), or SSL with the broker's key and the trust store clients need.
     */
    private record Listener(String protocol, Map<String, String> plainUsers, String brokerPassword, TlsFiles tls) {
        static Listener plaintext() {
            return new Listener("PLAINTEXT", null, null, null);
        }

        /** What the broker's own clients (inter-broker, the admin client) set to reach it. */
        Map<String, String> clientSettings() {
            if (brokerPassword != null) {
                return saslPlainLogin(BROKER_USER, brokerPassword);
            }
            return tls != null ? tls.clientSettings() : Map.of();
        }
    }

    private final Path dataDir;
    private final int port;
    private final TlsFiles tls;
    private final KafkaRaftServer server;
    private final Admin admin;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafkaBroker(Path dataDir, int port, KafkaRaftServer server, Admin admin, TlsFiles tls) {
        this.dataDir = dataDir;
        this.port = port;
        this.tls = tls;
        this.server = server;
        this.admin = admin;
    }

    /**
     * Starts a broker on a free port whose client listener is SASL_PLAINTEXT with mechanism PLAIN
     * and accepts exactly {@code users} (name to password) besides its own login; the controller
     * listener stays PLAINTEXT. Clients need {@link #saslPlainLogin}.
     *
     * @throws IllegalArgumentException if {@code users} is empty or a name or password cannot be
     *                                  written in a JAAS configuration (names: letters, digits,
     *                                  {@code . _ -}; passwords: no {@code "} or backslash)
     */
    public static EmbeddedKafkaBroker startSaslPlain(Map<String, String> users) {
        if (users.isEmpty()) {
            throw new IllegalArgumentException("a SASL/PLAIN broker needs at least one user");
        }
        users.forEach((name, password) -> {
            if (!name.matches("[A-Za-z0-9._-]+") || name.equals(BROKER_USER)) {
                throw new IllegalArgumentException("SASL user name '" + name + "' must be letters, digits, '.', '_' or '-' "
                        + "and not " + BROKER_USER);
            }
            checkJaasValue(password, "the password of SASL user " + name);
        });
        return start(0, new Listener("SASL_PLAINTEXT", Map.copyOf(users), Uuid.randomUuid().toString(), null));
    }

    /**
     * Starts a broker on a free port whose client listener is SSL (TLS, server certificate only)
     * with a key pair made for it at start (JDK keytool; certificate for 127.0.0.1 and
     * localhost); the controller listener stays PLAINTEXT. Clients need {@link #sslClient}.
     */
    public static EmbeddedKafkaBroker startSsl() {
        Path dir;
        try {
            dir = Files.createTempDirectory("sparseseg-kafka-tls-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a directory for the broker's key", e);
        }
        return start(0, new Listener("SSL", null, null, TlsFiles.create(dir)));
    }

    /**
     * The client settings that reach a {@link #startSsl} broker: {@code security.protocol=SSL}
     * and the trust store holding its certificate.
     */
    public Map<String, String> sslClient() {
        if (tls == null) {
            throw new IllegalStateException("this broker's client listener is not SSL");
        }
        return tls.clientSettings();
    }

    /**
     * The client settings that log in to a {@link #startSaslPlain} broker as {@code user}:
     * {@code security.protocol}, {@code sasl.mechanism} and {@code sasl.jaas.config}.
     */
    public static Map<String, String> saslPlainLogin(String user, String password) {
        checkJaasValue(user, "the SASL user name");
        checkJaasValue(password, "the SASL password");
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", "SASL_PLAINTEXT");
        p.put("sasl.mechanism", "PLAIN");
        p.put("sasl.jaas.config", PLAIN_LOGIN_MODULE + " required username=\"" + user + "\" password=\"" + password + "\";");
        return p;
    }

    private static void checkJaasValue(String value, String what) {
        if (value.indexOf('"') >= 0 || value.indexOf('\\') >= 0) {
            throw new IllegalArgumentException(what + " must not contain '\"' or '\\'");
        }
    }

    /** Starts a broker on a free port. */
    public static EmbeddedKafkaBroker start() {
        return start(0);
    }

    /**
     * Starts a broker whose clients connect to {@code port} on 127.0.0.1 (0 picks a free one)
     * and returns once it answers admin requests.
     *
     * @throws IllegalStateException if the broker does not start or does not answer in time
     */
    public static EmbeddedKafkaBroker start(int port) {
        return start(port, Listener.plaintext());
    }

    private static EmbeddedKafkaBroker start(int port, Listener listener) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("sparseseg-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a directory for the embedded Kafka broker", e);
        }
        KafkaRaftServer server = null;
        Admin admin = null;
        int clientPort = port;
        try {
            int[] ports = reservePorts(port);
            clientPort = ports[0];
            Path configFile = dataDir.resolve("server.properties");
            Properties config = serverConfig(dataDir.resolve("logs"), clientPort, ports[1], listener);
            try (OutputStream out = Files.newOutputStream(configFile)) {
                config.store(out, null);
            }
            format(configFile);
            server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
            server.startup();
            admin = Admin.create(adminConfig(clientPort, listener));
            awaitBroker(admin);
            LOG.log(System.Logger.Level.DEBUG, "Embedded Kafka broker at {0}:{1,number,#} in {2}",
                    HOST, clientPort, dataDir);
            return new EmbeddedKafkaBroker(dataDir, clientPort, server, admin, listener.tls());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            stop(admin, server, dataDir, e);
            throw new IllegalStateException("Embedded Kafka broker failed to start on " + HOST + ":"
                    + (clientPort == 0 ? "a free port" : clientPort) + ": " + e.getMessage(), e);
        }
    }

    /** The {@code bootstrap.servers} value for clients of this broker. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /**
     * Creates a topic with replication factor 1 that accepts records up to
     * {@link #MAX_MESSAGE_BYTES}; does nothing if the topic exists.
     */
    public void createTopic(String name, int partitions) {
        if (closed.get()) {
            throw new IllegalStateException("The embedded Kafka broker is closed");
        }
        NewTopic topic = new NewTopic(name, partitions, (short) 1)
                .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_MESSAGE_BYTES)));
        try {
            admin.createTopics(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out creating topic " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + name, e);
        }
    }

    /** The temporary directory holding configuration and logs; gone after {@link #close()}. */
    Path dataDir() {
        return dataDir;
    }

    /** Stops the broker, waits for it, and deletes its directory. Later calls do nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            stop(admin, server, dataDir, null);
            if (tls != null) {
                tls.delete();
            }
        }
    }

    private static Properties serverConfig(Path logDir, int clientPort, int controllerPort, Listener listener) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(NODE_ID));
        // A static one-voter quorum: nothing to bootstrap or discover.
        p.setProperty("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        String client = listener.protocol();
        Map<String, String> plainUsers = listener.plainUsers();
        String brokerPassword = listener.brokerPassword();
        p.setProperty("listeners", client + "://" + HOST + ":" + clientPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.setProperty("advertised.listeners", client + "://" + HOST + ":" + clientPort);
        p.setProperty("listener.security.protocol.map", client + ":" + client + ",CONTROLLER:PLAINTEXT");
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", client);
        if (plainUsers != null) {
            p.setProperty("sasl.enabled.mechanisms", "PLAIN");
            p.setProperty("sasl.mechanism.inter.broker.protocol", "PLAIN");
            // The broker's own login, then the accepted users (user_NAME="PASSWORD").
            StringBuilder jaas = new StringBuilder(PLAIN_LOGIN_MODULE).append(" required username=\"").append(BROKER_USER)
                    .append("\" password=\"").append(brokerPassword).append("\" user_").append(BROKER_USER).append("=\"")
                    .append(brokerPassword).append('"');
            plainUsers.forEach((name, password) -> jaas.append(" user_").append(name).append("=\"").append(password).append('"'));
            p.setProperty("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.append(';').toString());
        }
        if (listener.tls() != null) {
            p.putAll(listener.tls().brokerSettings());
            // The broker is its own client between listeners: it trusts its certificate like any client.
            p.putAll(listener.tls().clientSettings());
            p.remove("security.protocol");
        }
        p.setProperty("log.dirs", logDir.toString());

        String max = Integer.toString(MAX_MESSAGE_BYTES);
        p.setProperty("message.max.bytes", max);
        p.setProperty("replica.fetch.max.bytes", max);
        // The broker caps every fetch response at its own fetch.max.bytes (55 MB by default).
        p.setProperty("fetch.max.bytes", max);
        // Headroom for request framing around the largest batch.
        p.setProperty("socket.request.max.bytes", Integer.toString(2 * MAX_MESSAGE_BYTES));

        // One node: internal topics cannot have more than one replica, and one partition
        // each (instead of 50) makes the first consumer group or transaction start fast.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.num.partitions", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("num.partitions", "1");
        p.setProperty("auto.create.topics.enable", "true");
        return p;
    }

    /** What {@code kafka-storage.sh format} does; KRaft refuses to start on unformatted storage. */
    private static void format(Path configFile) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        String[] args = {"format", "--config", configFile.toString(), "--cluster-id", Uuid.randomUuid().toString()};
        int status;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            status = StorageTool.execute(args, out);
        }
        if (status != 0) {
            throw new IllegalStateException("Formatting the Kafka storage failed (status " + status + "): "
                    + output.toString(StandardCharsets.UTF_8));
        }
    }

    private static Properties adminConfig(int clientPort, Listener listener) {
        Properties p = new Properties();
        p.putAll(listener.clientSettings());
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + clientPort);
        p.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "sparseseg-embedded-kafka-" + clientPort);
        return p;
    }

    private static void awaitBroker(Admin admin) throws Exception {
        Collection<Node> nodes = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (nodes.stream().noneMatch(n -> n.id() == NODE_ID)) {
            throw new IllegalStateException("The broker did not register; cluster nodes: " + nodes);
        }
    }

    /**
     * Returns {clientPort, controllerPort}: binds both at once so they differ and a busy fixed
     * port fails here with a plain message, then releases them for Kafka.
     */
    private static int[] reservePorts(int clientPort) throws IOException {
        InetAddress host = InetAddress.getByName(HOST);
        try (ServerSocket client = new ServerSocket(clientPort, 1, host);
             ServerSocket controller = new ServerSocket(0, 1, host)) {
            return new int[] {client.getLocalPort(), controller.getLocalPort()};
        }
    }

    /**
     * Stops whatever was started and deletes {@code dataDir}; on a failed start, problems are
     * attached to {@code failure} instead of hiding it.
     */
    private static void stop(Admin admin, KafkaRaftServer server, Path dataDir, Exception failure) {
        RuntimeException error = null;
        if (admin != null) {
            try {
                admin.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                error = e;
            }
        }
        if (server != null) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException e) {
                error = merge(error, e);
            }
        }
        try {
            Utils.delete(dataDir.toFile());
        } catch (IOException e) {
            error = merge(error, new UncheckedIOException("Cannot delete " + dataDir, e));
        }
        if (error != null) {
            if (failure == null) {
                throw error;
            }
            failure.addSuppressed(error);
        }
    }

    private static RuntimeException merge(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
