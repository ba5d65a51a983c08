package dev.sparseseg.viewer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One page's WebSocket. Pushes each stream's newest records of the page's view as binary
 * messages (a 4-byte big-endian length, that many bytes of JSON metadata, then the image) and
 * the figures as JSON text. Never queues more than the newest record per stream and kind: a
 * slow page skips frames instead of falling behind. The page picks its view with a text message
 * {@code {"view":"overlay"|"labels"|"mask"}}.
 */
public final class ViewerClient implements Session.Listener.AutoDemanding, Consumer<LiveStreams.Frame> {
    private static final Logger LOG = LoggerFactory.getLogger(ViewerClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STATS_KEY = " stats";

    private final LiveStreams streams;
    private final Runnable onClose;
    /** What waits to be sent, newest per key (stream and kind, or the figures); guarded by this. */
    private final Map<String, Object> pending = new LinkedHashMap<>();
    private boolean sending;
    private volatile Session session;
    private volatile View view = View.OVERLAY;

    ViewerClient(LiveStreams streams, Runnable onClose) {
        this.streams = streams;
        this.onClose = onClose;
    }

    @Override
    public void onWebSocketOpen(Session s) {
        session = s;
        streams.addListener(this);
        sendLatest();
    }

    @Override
    public void onWebSocketText(String message) {
        try {
            JsonNode m = JSON.readTree(message);
            if (m.hasNonNull("view")) {
                view = View.of(m.get("view").asText());
                synchronized (this) {
                    pending.keySet().removeIf(k -> !k.equals(STATS_KEY));
                }
                sendLatest();
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.debug("viewer page sent '{}': {}", message, e.toString());
        }
    }

    @Override
    public void onWebSocketClose(int status, String reason) {
        closed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.debug("viewer page socket failed: {}", cause.toString());
        closed();
    }

    private void closed() {
        streams.removeListener(this);
        session = null;
        onClose.run();
    }

    /** A new record from the consumer: sent if this page's view shows its kind. */
    @Override
    public void accept(LiveStreams.Frame f) {
        if (view.shows(f.kind())) {
            offer(f.stream() + " " + f.kind().id(), f);
        }
    }

    /** The figures of every stream, as JSON text. */
    void sendStats(String statsJson) {
        offer(STATS_KEY, statsJson);
    }

    private void sendLatest() {
        for (LiveStreams.Kind k : LiveStreams.Kind.values()) {
            if (view.shows(k)) {
                streams.latest(k).forEach(this::accept);
            }
        }
    }

    private void offer(String key, Object message) {
        synchronized (this) {
            pending.put(key, message);
        }
        pump();
    }

    /** Sends the oldest waiting message unless one is on its way; the send's completion sends the next. */
    private void pump() {
        Session s = session;
        Object next;
        synchronized (this) {
            if (sending || s == null || pending.isEmpty()) {
                return;
            }
            Iterator<Map.Entry<String, Object>> it = pending.entrySet().iterator();
            next = it.next().getValue();
            it.remove();
            sending = true;
        }
        Callback done = Callback.from(() -> {
            synchronized (this) {
                sending = false;
            }
            pump();
        }, failure -> {
            LOG.debug("viewer push failed: {}", failure.toString());
            synchronized (this) {
                sending = false;
                pending.clear();
            }
        });
        if (next instanceof String text) {
            s.sendText(text, done);
        } else {
            s.sendBinary(frameMessage((LiveStreams.Frame) next), done);
        }
    }

    static ByteBuffer frameMessage(LiveStreams.Frame f) {
        ObjectNode meta = JSON.createObjectNode()
                .put("stream", f.stream())
                .put("kind", f.kind().id())
                .put("mime", f.kind().mime)
                .put("seq", f.seq())
                .put("ts", f.ts())
                .put("width", f.width())
                .put("height", f.height())
                .put("refined", f.refined())
                .put("latencyMs", f.latencyMs())
                .put("arrivalMs", f.arrivalMs())
                .put("sentMs", System.currentTimeMillis());
        byte[] json = meta.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + json.length + f.image().length);
        b.putInt(json.length).put(json).put(f.image()).flip();
        return b;
    }
}
