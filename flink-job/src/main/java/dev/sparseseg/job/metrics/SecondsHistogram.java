package dev.sparseseg.job.metrics;

import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Durations recorded in nanoseconds, reported in seconds (Prometheus's base unit) over the
 * last {@link #WINDOW} values. Flink's histograms hold whole numbers and its statistics type
 * min, max and the values as {@code long}: those stay in microseconds; the quantiles, mean
 * and deviation, which the Prometheus reporter exports, are in seconds.
 */
public final class SecondsHistogram implements Histogram {
    public static final int WINDOW = 1000;
    private static final double SECONDS_PER_MICRO = 1e-6;

    private final DescriptiveStatisticsHistogram micros = new DescriptiveStatisticsHistogram(WINDOW);

    /** Records a duration. */
    public void record(long nanos) {
        micros.update(nanos / 1000);
    }

    @Override
    public void update(long micros) {
        this.micros.update(micros);
    }

    @Override
    public long getCount() {
        return micros.getCount();
    }

    @Override
    public HistogramStatistics getStatistics() {
        HistogramStatistics s = micros.getStatistics();
        return new HistogramStatistics() {
            @Override
            public double getQuantile(double q) {
                return s.getQuantile(q) * SECONDS_PER_MICRO;
            }

            @Override
            public long[] getValues() {
                return s.getValues();
            }

            @Override
            public int size() {
                return s.size();
            }

            @Override
            public double getMean() {
                return s.getMean() * SECONDS_PER_MICRO;
            }

            @Override
            public double getStdDev() {
                return s.getStdDev() * SECONDS_PER_MICRO;
            }

            @Override
            public long getMax() {
                return s.getMax();
            }

            @Override
            public long getMin() {
                return s.getMin();
            }
        };
    }
}
