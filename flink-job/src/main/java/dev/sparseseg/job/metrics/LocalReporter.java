package dev.sparseseg.job.metrics;

import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Flink's Prometheus reporter for a job run in this process ({@code run}, {@code demo}): on
 * the first free port of Flink's conventional range 9249-9260 (one port per process; a
 * cluster's JobManager and TaskManagers take the others), so the address can be printed.
 */
public final class LocalReporter {
    static final int FIRST_PORT = 9249;
    static final int LAST_PORT = 9260;
    static final String FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

    private LocalReporter() {
    }

    /** Adds the reporter to {@code conf}; returns its port, or -1 when every port of the range is taken. */
    public static int enable(Configuration conf) {
        for (int port = FIRST_PORT; port <= LAST_PORT; port++) {
            if (free(port)) {
                conf.set(ConfigOptions.key("metrics.reporter.prom.factory.class").stringType().noDefaultValue(), FACTORY);
                conf.set(ConfigOptions.key("metrics.reporter.prom.port").stringType().noDefaultValue(), Integer.toString(port));
                return port;
            }
        }
        return -1;
    }

    public static String describe(int port) {
        return port < 0 ? "metrics: off (ports " + FIRST_PORT + "-" + LAST_PORT + " are all taken)"
                : "metrics: http://localhost:" + port + "/metrics (Prometheus)";
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("0.0.0.0"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
