package dev.sparseseg.job;

import dev.sparseseg.connectors.frame.SegmentRecord;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        Path in = tmp.resolve("in");
        JobTestSupport.camvidFolder(in, 2);
        Path dlq = tmp.resolve("dlq");
        var env = JobTestSupport.localEnv(1);
        // No restarts: the first failure ends the job.
        env.configure(SegmentationJob.restartStrategy(0));
        SegmentationJob.pipeline(env, JobTestSupport.settings(List.of("dir:" + in + "#id=folder"), List.of("discard:"),
                "dir:" + dlq, 1)).sinkTo(new FailingSink()).name("failing sink");

        Exception e = assertThrows(Exception.class, () -> JobTestSupport.runToEnd(env, 90));
        assertTrue(causes(e, CAUSE), "the job fails with the sink's error: " + e);
        assertFalse(Files.exists(dlq) && Files.list(dlq).findAny().isPresent(), "no dead letters");
    }

    @Test
    void afterASinkFailsOnceTheRestartedJobDeliversEveryFrame(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("in");
        JobTestSupport.camvidFolder(in, 3);
        Path dlq = tmp.resolve("dlq");
        FlakySink.reset();
        var env = JobTestSupport.localEnv(1);
        env.configure(SegmentationJob.restartStrategy(1));
        SegmentationJob.pipeline(env, JobTestSupport.settings(List.of("dir:" + in + "#id=folder"), List.of("discard:"),
                "dir:" + dlq, 1)).sinkTo(new FlakySink()).name("flaky sink");

        JobTestSupport.runToEnd(env, 90);
        assertEquals(Set.of(0L, 1L, 2L), new TreeSet<>(FlakySink.DELIVERED), "every frame delivered after the restart");
        assertFalse(Files.exists(dlq) && Files.list(dlq).findAny().isPresent(), "no dead letters");
    }

    private static boolean causes(Throwable t, String message) {
        for (; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains(message)) {
                return true;
            }
        }
        return false;
    }

    /** Fails its first write (a broker that is briefly away), then takes every record. */
    private static final class FlakySink implements Sink<SegmentRecord> {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final Queue<Long> DELIVERED = new ConcurrentLinkedQueue<>();

        static void reset() {
            FAILED.set(false);
            DELIVERED.clear();
        }

        @Override
        public SinkWriter<SegmentRecord> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(SegmentRecord s, Context ctx) {
                    if (FAILED.compareAndSet(false, true)) {
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

    private static final class FailingSink implements Sink<SegmentRecord> {
        @Override
        public SinkWriter<SegmentRecord> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(SegmentRecord s, Context ctx) {
                    throw new IllegalStateException(CAUSE);
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
