package dev.sparseseg.connectors.source;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A metric reporter for tests in this JVM (a MiniCluster): keeps the cameras' metrics by the
 * stream id their group carries as a variable, the way a reporter such as Prometheus makes it
 * a label. Configure with {@code metrics.reporter.NAME.factory.class} set to this class.
 */
public final class CameraMetricsReporter implements MetricReporter, MetricReporterFactory {
    private static final Map<String, Map<String, Metric>> BY_STREAM = new ConcurrentHashMap<>();

    static void clear() {
        BY_STREAM.clear();
    }

    /** The metric's current value as a number, or null if the stream has no such metric. */
    static Number value(String streamId, String name) {
        Metric m = BY_STREAM.getOrDefault(streamId, Map.of()).get(name);
        if (m instanceof Counter c) {
            return c.getCount();
        }
        if (m instanceof Gauge<?> g && g.getValue() instanceof Number n) {
            return n;
        }
        return null;
    }

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return this;
    }

    @Override
    public void open(MetricConfig config) {
    }

    @Override
    public void close() {
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        String stream = group.getAllVariables().get("<" + CameraMetrics.GROUP_KEY + ">");
        if (stream != null) {
            BY_STREAM.computeIfAbsent(stream, s -> new ConcurrentHashMap<>()).put(name, metric);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
    }
}
