package dev.sparseseg.job;

import dev.sparseseg.job.metrics.LocalReporter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.sparseseg.job.KafkaTestSupport.FRAMES;
import static dev.sparseseg.job.KafkaTestSupport.SEGMENTS;
import static dev.sparseseg.job.KafkaTestSupport.consume;
import static dev.sparseseg.job.KafkaTestSupport.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job's metrics as a Prometheus server scrapes them: Flink's own reporter on the port the
 * local run picks, in the text format, with a series per stream labelled by its id.
 */
@Timeout(180)
class MetricsTest extends KafkaJobFixture {
    @Test
    void theReporterServesStageAndPerStreamMetricsInPrometheusFormat() throws Exception {
        byte[] png = Files.readAllBytes(JobTestSupport.camvidVal(1).get(0));
        try (KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer(broker)) {
            for (int seq = 0; seq < 3; seq++) {
                producer.send(frame("gate", seq, seq, png)).get();
                producer.send(frame("yard", seq, seq, png)).get();
            }
            producer.send(frame("yard", 3, 3, "not an image".getBytes())).get();
        }
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 1);
        int port = LocalReporter.enable(conf);
        assertTrue(port > 0, LocalReporter.describe(port));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        String kafka = "kafka://" + broker.bootstrapServers() + "/";
        SegmentationJob.build(env, JobTestSupport.settings(List.of(kafka + FRAMES), List.of(kafka + SEGMENTS), null, 1));
        job = env.executeAsync(SegmentationJob.NAME);
        consume(broker, job, SEGMENTS, 6, 120);

        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        String text = r.body();
        String p = "flink_taskmanager_job_task_operator_sparseseg_";
        assertEquals(7.0, value(text, p + "frames_in_total", "operator_name=\"decode\""));
        assertEquals(6.0, value(text, p + "frames_out_total", "operator_name=\"encode\""));
        assertEquals(1.0, value(text, p + "dead_letters_total", "operator_name=\"decode\""));
        for (String stream : List.of("gate", "yard")) {
            assertEquals(3.0, value(text, p + "stream_frames_total", "stream=\"" + stream + "\""), stream);
            assertTrue(value(text, p + "stream_latency_seconds", "stream=\"" + stream + "\"", "quantile=\"0.99\"") > 0, stream);
            assertTrue(value(text, p + "stream_seconds_since_last_frame", "stream=\"" + stream + "\"") >= 0, stream);
            assertTrue(text.contains("# TYPE " + p + "stream_fps gauge"), "fps");
        }
        for (String stage : List.of("decode", "coarse_inference", "entropy_selection", "sparse_refinement", "gated_fusion", "encode")) {
            double p50 = value(text, p + "stage_seconds", "operator_name=\"" + stage + "\"", "quantile=\"0.5\"");
            assertTrue(p50 > 0 && p50 < 60, stage + " p50 " + p50 + " s");
        }
        double fraction = value(text, p + "refined_fraction", "operator_name=\"entropy_selection\"");
        assertTrue(fraction > 0 && fraction < 1, "refined fraction " + fraction);
    }

    /** The value of the one series of {@code name} whose labels contain all of {@code labels}. */
    private static double value(String text, String name, String... labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)$").matcher(text);
        Double found = null;
        while (m.find()) {
            String l = m.group(1);
            if (List.of(labels).stream().allMatch(l::contains)) {
                assertEquals(null, found, () -> "more than one series of " + name + " with " + List.of(labels));
                found = Double.parseDouble(m.group(2));
            }
        }
        assertTrue(found != null, () -> "no series " + name + List.of(labels) + " in:\n" + text.lines()
                .filter(x -> x.contains("sparseseg")).limit(40).reduce("", (a, b) -> a + b + "\n"));
        return found;
    }
}
