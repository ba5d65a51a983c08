package dev.sparseseg.job.io;

import dev.sparseseg.connectors.frame.DeadLetter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Dead letters where no Kafka topic is configured: logged, and with a folder also written as
 * {@code DIR/<stream>-<seq>.bin} (the original bytes) plus {@code .error.txt}.
 */
public final class DeadLetterLog implements Sink<DeadLetter> {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterLog.class);
    private final String dir;

    public DeadLetterLog() {
        this.dir = null;
    }

    public DeadLetterLog(Path dir) {
        this.dir = dir.toString();
    }

    @Override
    public SinkWriter<DeadLetter> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            @Override
            public void write(DeadLetter d, Context ctx) throws IOException {
                LOG.warn("dead letter {}#{}: {}", d.streamId, d.seq, d.error);
                if (dir != null) {
                    Path root = Path.of(dir);
                    Files.createDirectories(root);
                    String base = d.streamId.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + d.seq;
                    Files.write(root.resolve(base + ".bin"), d.original == null ? new byte[0] : d.original);
                    Files.writeString(root.resolve(base + ".error.txt"), String.valueOf(d.error), StandardCharsets.UTF_8);
                }
            }

            @Override
            public void flush(boolean endOfInput) {
            }

            @Override
            public void close() {
            }
        };
    }
}
