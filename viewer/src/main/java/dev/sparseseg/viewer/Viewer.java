package dev.sparseseg.viewer;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The live viewer: a Kafka consumer of the job's output topics ({@link SegmentConsumer}), every
 * stream's newest records ({@link LiveStreams}) and the web page that shows them as they
 * arrive ({@link ViewerServer}). Depends on Kafka's client and Jetty, not on Flink.
 */
public final class Viewer implements AutoCloseable {
    private final LiveStreams streams = new LiveStreams();
    private final ViewerServer server;
    private final SegmentConsumer consumer;

    /**
     * @param overlayTopic the JPEG overlays ({@code #overlays=TOPIC} of the job's Kafka sink)
     * @param labelTopic   the palette PNG label maps, or null (the class-map view is then off)
     * @param maskTopic    the refined-pixel masks ({@code #masks=TOPIC}), or null (that view is then off)
     */
    public Viewer(String bootstrap, String overlayTopic, String labelTopic, String maskTopic, String host, int port,
                  Legend legend, Map<String, String> clientProperties) throws Exception {
        Map<LiveStreams.Kind, String> kinds = new EnumMap<>(LiveStreams.Kind.class);
        kinds.put(LiveStreams.Kind.OVERLAY, overlayTopic);
        if (labelTopic != null) {
            kinds.put(LiveStreams.Kind.LABELS, labelTopic);
        }
        if (maskTopic != null) {
            kinds.put(LiveStreams.Kind.MASK, maskTopic);
        }
        Map<String, LiveStreams.Kind> topics = new LinkedHashMap<>();
        for (Map.Entry<LiveStreams.Kind, String> e : kinds.entrySet()) {
            if (e.getValue() == null || e.getValue().isBlank()) {
                throw new IllegalArgumentException("the " + e.getKey().id() + " topic is empty");
            }
            LiveStreams.Kind other = topics.put(e.getValue(), e.getKey());
            if (other != null) {
                throw new IllegalArgumentException("topic " + e.getValue() + " given for both " + other.id() + " and "
                        + e.getKey().id() + " records");
            }
        }
        server = new ViewerServer(host, port, legend, kinds, streams);
        try {
            consumer = new SegmentConsumer(bootstrap, topics, clientProperties, streams);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    public String url() {
        return server.url();
    }

    public int port() {
        return server.port();
    }

    public LiveStreams streams() {
        return streams;
    }

    @Override
    public void close() throws Exception {
        try {
            consumer.close();
        } finally {
            server.close();
        }
    }
}
