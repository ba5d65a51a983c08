package dev.sparseseg.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The README's first command, {@code ./sparseseg demo}, on free ports: it replays CamVid val
 * frames through the job, writes the results, and while it runs serves the metrics and the
 * live viewer at the addresses it prints.
 */
@Timeout(300)
class DemoCommandTest {
    private static final Pattern METRICS = Pattern.compile("Metrics: +(http://localhost:\\d+/metrics)");
    private static final Pattern VIEWER = Pattern.compile("Live viewer: +(http://\\S+)");

    @Test
    void demoReplaysFramesAndServesMetricsAndTheViewerWhileItRuns(@TempDir Path out) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(new TeeStream(original, printed), true, StandardCharsets.UTF_8));
        try {
            String webUiPort = Integer.toString(freePort());
            CompletableFuture<Integer> demo = CompletableFuture.supplyAsync(() -> new CommandLine(new SparseSegCli()).execute(
                    "demo", "--frames", "80", "--out", out.toString(), "--kafka-port", "0", "--web-ui-port", webUiPort,
                    "--viewer-port", "0", "--threads", "1"));
            HttpClient http = HttpClient.newHttpClient();
            String metrics = null;
            String viewer = null;
            long deadline = System.nanoTime() + 240_000_000_000L;
            while ((metrics == null || !metrics.contains("sparseseg_stream_frames_total") || viewer == null) && !demo.isDone()) {
                if (System.nanoTime() > deadline) {
                    fail("no metrics of the demo's stream within 240 s; printed:\n" + printed);
                }
                String text = printed.toString(StandardCharsets.UTF_8);
                Matcher m = METRICS.matcher(text);
                Matcher v = VIEWER.matcher(text);
                if (m.find()) {
                    metrics = get(http, m.group(1));
                }
                if (v.find() && viewer == null) {
                    viewer = get(http, v.group(1));
                }
                Thread.sleep(500);
            }
            assertEquals(0, demo.get(), "demo's exit status; printed:\n" + printed);
            assertTrue(metrics != null && metrics.contains("flink_taskmanager_job_task_operator_sparseseg_stream_frames_total{"),
                    "the metrics while the demo ran:\n" + metrics);
            assertTrue(viewer != null && viewer.contains("<html"), "the viewer's page:\n" + viewer);
            assertTrue(printed.toString(StandardCharsets.UTF_8).contains("Done: 80 label maps and 80 overlays"), printed.toString());
            try (var streams = Files.list(out)) {
                Path stream = streams.findFirst().orElseThrow();
                try (var files = Files.list(stream)) {
                    assertEquals(160, files.count(), "80 label maps and 80 overlays in " + stream);
                }
            }
        } finally {
            System.setOut(original);
        }
    }

    private static String get(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return null;
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Writes to the console and to a buffer the test reads. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final ByteArrayOutputStream b;

        TeeStream(java.io.OutputStream a, ByteArrayOutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
