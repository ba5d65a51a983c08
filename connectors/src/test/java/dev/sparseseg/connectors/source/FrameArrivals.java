package dev.sparseseg.connectors.source;

import dev.sparseseg.connectors.frame.FrameRecord;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink for tests in this JVM (a MiniCluster): when each stream's frames arrived, and their numbers. */
final class FrameArrivals implements Sink<FrameRecord> {
    record Arrival(long nanos, long seq) {
    }

    private static final Map<String, List<Arrival>> BY_STREAM = new ConcurrentHashMap<>();

    static void clear() {
        BY_STREAM.clear();
    }

    static List<Arrival> of(String streamId) {
        return List.copyOf(BY_STREAM.getOrDefault(streamId, List.of()));
    }

    /** Frames of the stream that arrived in [from, to) ({@link System#nanoTime()}). */
    static long count(String streamId, long from, long to) {
        return of(streamId).stream().filter(a -> a.nanos >= from && a.nanos < to).count();
    }

    /** When the stream's first frame at or after {@code from} arrived, or -1. */
    static long firstAfter(String streamId, long from) {
        return of(streamId).stream().mapToLong(Arrival::nanos).filter(n -> n >= from).findFirst().orElse(-1);
    }

    @Override
    public SinkWriter<FrameRecord> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            @Override
            public void write(FrameRecord f, Context ctx) {
                BY_STREAM.computeIfAbsent(f.streamId, s -> new CopyOnWriteArrayList<>()).add(new Arrival(System.nanoTime(), f.seq));
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
