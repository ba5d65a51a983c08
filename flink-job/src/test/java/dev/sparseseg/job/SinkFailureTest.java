package dev.sparseseg.job;

import dev.sparseseg.connectors.frame.SegmentRecord;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sink that fails is the job's failure, not the frame's: the frame must not become a dead
 * letter, and the restarted job replays it from the last checkpoint, so nothing is lost.
 */
@Timeout(120)
class SinkFailureTest {
    static final String CAUSE = "disk full (a test sink)";

    @Test
    void aFailingSinkFailsTheJobAndNoGoodFrameBecomesADeadLetter(@TempDir Path tmp) throws Exception {
        // No restarts: the first failure ends the job.
        StreamExecutionEnvironment env = job(tmp, 2, 0, new FailingSink(true));

        Exception e = assertThrows(Exception.class, () -> JobTestSupport.runToEnd(env, 90));
        assertTrue(causes(e, CAUSE), "the job fails with the sink's error: " + e);
        assertNoDeadLetters(tmp);
    }

    @Test
    void afterASinkFailsOnceTheRestartedJobDeliversEveryFrame(@TempDir Path tmp) throws Exception {
        JobTestSupport.runToEnd(job(tmp, 3, 1, new FailingSink(false)), 90);
        assertEquals(Set.of(0L, 1L, 2L), new TreeSet<>(FailingSink.DELIVERED), "every frame delivered after the restart");
        assertNoDeadLetters(tmp);
    }

    /** A job over the first {@code frames} CamVid val frames into {@code sink}, allowed {@code restarts}; dead letters to {@code tmp/dlq}. */
    private static StreamExecutionEnvironment job(Path tmp, int frames, int restarts, FailingSink sink) throws IOException {
        Path in = tmp.resolve("in");
        JobTestSupport.camvidFolder(in, frames);
        StreamExecutionEnvironment env = JobTestSupport.localEnv(1);
        env.configure(SegmentationJob.restartStrategy(restarts));
        SegmentationJob.pipeline(env, JobTestSupport.settings(List.of("dir:" + in + "#id=folder"), List.of("discard:"),
                "dir:" + tmp.resolve("dlq"), 1)).sinkTo(sink).name("failing sink");
        return env;
    }

    private static void assertNoDeadLetters(Path tmp) throws IOException {
        Path dlq = tmp.resolve("dlq");
        if (Files.exists(dlq)) {
            try (Stream<Path> letters = Files.list(dlq)) {
                assertEquals(List.of(), letters.toList(), "no dead letters");
            }
        }
    }

    private static boolean causes(Throwable t, String message) {
        for (; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains(message)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Throws {@link #CAUSE} at every write ({@code always}: a disk that stays full), or at its
     * first only (a broker that is briefly away), and keeps the seq of every record it takes.
     */
    private static final class FailingSink implements Sink<SegmentRecord> {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final Queue<Long> DELIVERED = new ConcurrentLinkedQueue<>();
        private final boolean always;

        FailingSink(boolean always) {
            this.always = always;
            FAILED.set(false);
            DELIVERED.clear();
        }

        @Override
        public SinkWriter<SegmentRecord> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(SegmentRecord s, Context ctx) {
                    if (always || FAILED.compareAndSet(false, true)) {
                        throw new IllegalStateException(CAUSE);
                    }
                    DELIVERED.add(s.seq);
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
}
