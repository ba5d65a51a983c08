package dev.sparseseg.job.metrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-stream (camera) metrics of the operator that emits the segmented frames, registered when
 * a stream's first frame comes, in group {@code stream} with the stream id as its label:
 * {@code ..._stream_frames_total{stream="gate"}}, {@code _stream_fps} (over the last minute),
 * {@code _stream_latency_seconds} (source to output) and {@code _stream_seconds_since_last_frame}.
 */
public final class StreamMetrics {
    private static final int FPS_WINDOW_SECONDS = 60;

    private final MetricGroup group;
    private final Map<String, Stream> streams = new HashMap<>();

    private static final class Stream {
        final Counter frames;
        final SecondsHistogram latency;
        volatile long lastFrameMs;

        Stream(MetricGroup g) {
            frames = g.counter("frames_total");
            g.meter("fps", new MeterView(frames, FPS_WINDOW_SECONDS));
            latency = JobMetrics.seconds(g, "latency_seconds");
            g.gauge("seconds_since_last_frame", () -> (System.currentTimeMillis() - lastFrameMs) / 1000.0);
        }
    }

    public StreamMetrics(MetricGroup group) {
        this.group = group;
    }

    /** Counts a frame of {@code streamId} that took {@code latencyMs} from its source to here. */
    public void frame(String streamId, long latencyMs) {
        Stream s = streams.computeIfAbsent(streamId, id -> new Stream(group.addGroup(JobMetrics.STREAM, id)));
        s.frames.inc();
        s.latency.record(latencyMs * 1_000_000);
        s.lastFrameMs = System.currentTimeMillis();
    }
}
