package dev.sparseseg.viewer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The viewer's web server (Jetty 12, no servlets): the page ({@code /}, {@code /viewer.js},
 * {@code /viewer.css}), its settings ({@code /config.json}: legend and topics), the figures
 * ({@code /streams.json}) and the push channel ({@code /ws}, see {@link ViewerClient}). The
 * figures go to every page once a second.
 */
public final class ViewerServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STATIC = "/dev/sparseseg/viewer/static/";
    private static final Map<String, String> FILES = Map.of(
            "/", "index.html", "/index.html", "index.html", "/viewer.js", "viewer.js", "/viewer.css", "viewer.css");
    static final long STATS_EVERY_MS = 1000;

    private final LiveStreams streams;
    private final String configJson;
    private final Server server;
    private final ServerConnector connector;
    private final Set<ViewerClient> clients = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker;

    /**
     * @param host   address to listen on (127.0.0.1: this machine only; 0.0.0.0: every interface)
     * @param port   0 = any free port ({@link #port()} tells which)
     * @param topics the topic of each kind the consumer reads (absent kinds: their view is off)
     */
    public ViewerServer(String host, int port, Legend legend, Map<LiveStreams.Kind, String> topics, LiveStreams streams)
            throws Exception {
        this.streams = streams;
        this.configJson = config(legend, topics);
        QueuedThreadPool threads = new QueuedThreadPool(32, 2);
        threads.setName("viewer-http");
        threads.setDaemon(true);
        server = new Server(threads);
        connector = new ServerConnector(server, 1, 1);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);

        ContextHandler context = new ContextHandler("/");
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, context, container -> {
            container.setIdleTimeout(Duration.ofMinutes(10));
            container.setMaxTextMessageSize(64 * 1024);
            container.addMapping("/ws", (rq, rs, cb) -> {
                ViewerClient[] self = new ViewerClient[1];
                self[0] = new ViewerClient(streams, () -> clients.remove(self[0]));
                clients.add(self[0]);
                return self[0];
            });
        });
        ws.setHandler(new Pages());
        context.setHandler(ws);
        server.setHandler(context);
        server.start();

        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "viewer-stats");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::pushStats, STATS_EVERY_MS, STATS_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    /** The port it listens on (the one chosen when asked for 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The page's address as this machine reaches it. */
    public String url() {
        String host = connector.getHost();
        if (host == null || host.equals("0.0.0.0") || host.equals("127.0.0.1") || host.equals("::")) {
            host = "localhost";
        }
        return "http://" + host + ":" + port() + "/";
    }

    /** Pages connected now. */
    public int clients() {
        return clients.size();
    }

    private void pushStats() {
        String json = statsJson();
        for (ViewerClient c : clients) {
            c.sendStats(json);
        }
    }

    String statsJson() {
        long now = System.currentTimeMillis();
        ObjectNode root = JSON.createObjectNode().put("type", "stats").put("now", now);
        ArrayNode list = root.putArray("streams");
        for (LiveStreams.Stats s : streams.stats(now)) {
            ObjectNode n = list.addObject()
                    .put("stream", s.stream())
                    .put("fps", Math.round(s.fps() * 10) / 10.0)
                    .put("seq", s.seq())
                    .put("latencyMs", s.latencyMs())
                    .put("arrivalLatencyMs", s.arrivalLatencyMs())
                    .put("refinedFraction", s.refinedFraction())
                    .put("width", s.width())
                    .put("height", s.height())
                    .put("model", s.model())
                    .put("ageMs", now - s.lastArrivalMs());
            ArrayNode kinds = n.putArray("kinds");
            s.kinds().forEach(k -> kinds.add(k.id()));
        }
        return root.toString();
    }

    private static String config(Legend legend, Map<LiveStreams.Kind, String> topics) {
        ObjectNode root = JSON.createObjectNode().put("model", legend.model());
        ArrayNode classes = root.putArray("classes");
        for (Legend.Entry e : legend.classes()) {
            classes.addObject().put("id", e.id()).put("name", e.name()).put("colour", e.hex());
        }
        ObjectNode t = root.putObject("topics");
        for (LiveStreams.Kind k : LiveStreams.Kind.values()) {
            t.put(k.id(), topics.get(k));
        }
        return root.toString();
    }

    private static byte[] resource(String name) {
        try (InputStream in = ViewerServer.class.getResourceAsStream(STATIC + name)) {
            if (in == null) {
                throw new IllegalStateException("viewer resource " + STATIC + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The page's files from the class path, and the JSON documents. */
    private final class Pages extends Handler.Abstract.NonBlocking {
        private final Map<String, byte[]> files = new ConcurrentHashMap<>();

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
                Response.writeError(request, response, callback, 405);
                return true;
            }
            String path = Request.getPathInContext(request);
            byte[] body;
            String type;
            if (path.equals("/config.json")) {
                body = configJson.getBytes(StandardCharsets.UTF_8);
                type = "application/json";
            } else if (path.equals("/streams.json")) {
                body = statsJson().getBytes(StandardCharsets.UTF_8);
                type = "application/json";
            } else if (FILES.containsKey(path)) {
                String name = FILES.get(path);
                body = files.computeIfAbsent(name, ViewerServer::resource);
                type = name.endsWith(".html") ? "text/html; charset=utf-8"
                        : name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
            } else {
                Response.writeError(request, response, callback, 404);
                return true;
            }
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, request.getMethod().equals("HEAD") ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
            return true;
        }
    }

    @Override
    public void close() throws Exception {
        ticker.shutdownNow();
        server.stop();
    }
}
