package dev.sparseseg.connectors.source;

import dev.sparseseg.connectors.video.Camera;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * A camera's health in the source reader's metric group {@code sparseseg}, under the key
 * {@code stream} (a label in reporters such as Prometheus:
 * {@code flink_taskmanager_job_task_operator_sparseseg_stream_camera_state{stream="gate"}}):
 * {@code camera_state} (0 connecting, 1 streaming, 2 waiting to reconnect, 3 closed),
 * {@code reconnects_total} and {@code seconds_since_last_frame}, named after Prometheus's
 * conventions like the job's own metrics.
 */
final class CameraMetrics {
    static final String GROUP = "sparseseg";
    static final String GROUP_KEY = "stream";
    static final String STATE = "camera_state";
    static final String RECONNECTS = "reconnects_total";
    static final String SECONDS_SINCE_LAST_FRAME = "seconds_since_last_frame";

    private CameraMetrics() {
    }

    static void register(MetricGroup readerGroup, Camera camera) {
        MetricGroup group = readerGroup.addGroup(GROUP).addGroup(GROUP_KEY, camera.streamId());
        group.gauge(STATE, (Gauge<Integer>) () -> camera.state().code());
        group.gauge(SECONDS_SINCE_LAST_FRAME, (Gauge<Double>) camera::secondsSinceLastFrame);
        group.counter(RECONNECTS, new Counter() {
            // The camera counts; this only shows its count.
            @Override
            public void inc() {
                throw new UnsupportedOperationException("a camera counts its own reconnects");
            }

            @Override
            public void inc(long n) {
                inc();
            }

            @Override
            public void dec() {
                inc();
            }

            @Override
            public void dec(long n) {
                inc();
            }

            @Override
            public long getCount() {
                return camera.reconnects();
            }
        });
    }
}
