package dev.sparseseg.job;

import dev.sparseseg.connectors.frame.SegmentRecord;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Collects a local job's output in this JVM (tests run the job in a MiniCluster in-process). */
final class CollectSink implements Sink<SegmentRecord> {
    private static final ConcurrentLinkedQueue<SegmentRecord> OUT = new ConcurrentLinkedQueue<>();

    static void clear() {
        OUT.clear();
    }

    static List<SegmentRecord> collected() {
        return new ArrayList<>(OUT);
    }

    @Override
    public SinkWriter<SegmentRecord> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            @Override
            public void write(SegmentRecord s, Context ctx) {
                OUT.add(s);
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
