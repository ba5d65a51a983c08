package dev.sparseseg.cli;

import dev.sparseseg.connectors.kafka.KafkaAccessCheck;
import dev.sparseseg.connectors.kafka.KafkaClientProperties;
import dev.sparseseg.connectors.kafka.SegmentReceiver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** Writes what arrives on output topics to files: {@code OUT/<stream>/<seq>.png} and {@code .overlay.jpg}. */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = "Save label maps (and overlays) from Kafka topics as files.")
public final class ConsumeCommand implements Callable<Integer> {
    @Mixin
    SharedOptions.Bootstrap bootstrap;

    @Option(names = "--topic", required = true, paramLabel = "T", description = "Topic to read, repeatable (e.g. segments, segments-overlay).")
    List<String> topics;

    @Option(names = "--out", defaultValue = "out", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--from-beginning", description = "Read each topic from its start, not only new records.")
    boolean fromBeginning;

    @Option(names = "--max", defaultValue = "0", description = "Stop after N records, 0 = run until Ctrl-C (default: ${DEFAULT-VALUE}).")
    long max;

    @Option(names = "--idle-timeout", defaultValue = "0", paramLabel = "SECONDS",
            description = "Stop after this long without a record, 0 = never (default: ${DEFAULT-VALUE}).")
    long idleTimeout;

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Override
    public Integer call() throws Exception {
        if (max < 0 || idleTimeout < 0) {
            throw new IllegalArgumentException("--max " + max + " and --idle-timeout " + idleTimeout + " must be >= 0");
        }
        KafkaClientProperties client = kafka.properties();
        // A refused login fails here, naming the broker; the consumer itself would wait silently.
        KafkaAccessCheck.checkAll(List.of(bootstrap.servers), client);
        long received = 0;
        long idleSince = System.nanoTime();
        try (SegmentReceiver rx = new SegmentReceiver(bootstrap.servers, topics, out, fromBeginning, client)) {
            while (max == 0 || received < max) {
                int n = rx.poll(Duration.ofMillis(500), r -> System.out.println(r.streamId() + " #" + r.seq() + " -> " + r.file()));
                received += n;
                if (n > 0) {
                    idleSince = System.nanoTime();
                } else if (idleTimeout > 0 && System.nanoTime() - idleSince > Duration.ofSeconds(idleTimeout).toNanos()) {
                    break;
                }
            }
        }
        System.out.println(received + " records written under " + out.toAbsolutePath());
        return 0;
    }
}
