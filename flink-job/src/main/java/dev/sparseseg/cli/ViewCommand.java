package dev.sparseseg.cli;

import dev.sparseseg.connectors.kafka.KafkaAccessCheck;
import dev.sparseseg.connectors.kafka.KafkaClientProperties;
import dev.sparseseg.viewer.Legend;
import dev.sparseseg.viewer.Viewer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** The live viewer: a web page of every stream's newest overlay, class map or refined pixels, pushed as they arrive. */
@Command(name = "view", mixinStandardHelpOptions = true,
        description = "Serve a web page that shows every stream's newest segmentation as it arrives on Kafka.")
public final class ViewCommand implements Callable<Integer> {
    static final int DEFAULT_PORT = 8090;

    @Mixin
    SharedOptions.Bootstrap bootstrap;

    @Option(names = "--topic", defaultValue = "segments-overlay", paramLabel = "T",
            description = "Topic of the JPEG overlays, the sink's #overlays=T (default: ${DEFAULT-VALUE}).")
    String overlayTopic;

    @Option(names = "--labels-topic", defaultValue = "segments", paramLabel = "T",
            description = "Topic of the palette PNG label maps, for the class-map view; 'none' = off (default: ${DEFAULT-VALUE}).")
    String labelTopic;

    @Option(names = "--masks-topic", defaultValue = "segments-mask", paramLabel = "T",
            description = "Topic of the refined-pixel masks, the sink's #masks=T; 'none' = off (default: ${DEFAULT-VALUE}).")
    String maskTopic;

    @Option(names = "--port", defaultValue = "" + DEFAULT_PORT, description = "HTTP port, 0 = any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on; 0.0.0.0 shows the page to other machines (default: ${DEFAULT-VALUE}).")
    String host;

    /** Whose segmenter card names the classes. */
    @Mixin
    SharedOptions.Models models;

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port " + port + " must be between 0 and 65535");
        }
        KafkaClientProperties client = kafka.properties();
        KafkaAccessCheck.checkAll(List.of(bootstrap.servers), client);
        try (Viewer viewer = new Viewer(bootstrap.servers, overlayTopic, off(labelTopic), off(maskTopic), host, port,
                Legend.load(models.dir), client)) {
            System.out.println("Viewer: " + viewer.url() + "  (overlays from " + overlayTopic + " on " + bootstrap.servers + "; Ctrl-C stops)");
            Thread.currentThread().join();
        }
        return 0;
    }

    static String off(String topic) {
        return topic == null || topic.equals("none") ? null : topic;
    }
}
