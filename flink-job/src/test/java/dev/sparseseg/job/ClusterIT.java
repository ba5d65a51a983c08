package dev.sparseseg.job;

import dev.sparseseg.connectors.frame.Headers;
import dev.sparseseg.connectors.frame.Jpeg;
import dev.sparseseg.kafka.embedded.EmbeddedKafkaBroker;
import dev.sparseseg.models.eval.UpscaledFrames;
import dev.sparseseg.models.image.ImageFiles;
import dev.sparseseg.models.image.RgbFrame;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.sparseseg.job.KafkaTestSupport.FRAMES;
import static dev.sparseseg.job.KafkaTestSupport.SEGMENTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job jar on a real standalone session cluster (JobManager and TaskManager processes):
 * submitted with Flink's CLI, frames in through a real Kafka broker, label maps out, then
 * cancelled and submitted again on the same TaskManager, which must load ONNX Runtime's and
 * FFmpeg's native libraries without an UnsatisfiedLinkError, and run beside another job on it.
 * Refinement runs split out, in a slot that requests a GPU.
 */
class ClusterIT {
    static final String SECOND_OUTPUT = "segments-beside";

    @Test
    void submitCancelResubmitAndRunTwoJobsOnOneTaskManager() throws Exception {
        List<Path> files = JobTestSupport.camvidVal(3);
        try (EmbeddedKafkaBroker broker = KafkaTestSupport.broker();
             // Under target/, so that its logs remain for a look after a failure.
             LocalCluster cluster = LocalCluster.start(Path.of("target/cluster-it").toAbsolutePath())) {
            String kafka = "kafka://" + broker.bootstrapServers() + "/";
            // Refinement in its own slot requesting the TaskManager's GPU (Flink's fine-grained
            // resource management places it; the device stays the CPU here).
            String[] run = {"--source", kafka + FRAMES, "--sink", kafka + SEGMENTS, "--threads", "1",
                    "--refine-parallelism", "1", "--refine-slot-group", "gpu", "--refine-gpus", "1"};
            try (KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer(broker)) {
                for (int i = 0; i < 2; i++) {
                    producer.send(KafkaTestSupport.frame("cam", i, now(), Files.readAllBytes(files.get(i)))).get();
                }
            }

            String first = cluster.submit(concat(run, "--group-id", "first"));
            cluster.awaitState(first, "RUNNING", 60);
            List<ConsumerRecord<String, byte[]>> out = awaitOutputs(broker, SEGMENTS, 2, 180);
            cluster.cancel(first);

            try (KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer(broker)) {
                producer.send(KafkaTestSupport.frame("cam", 2, now(), Files.readAllBytes(files.get(2)))).get();
            }
            // A new consumer group reads the topic from its start: all three frames again.
            String second = cluster.submit(concat(run, "--group-id", "second"));
            out = awaitOutputs(broker, SEGMENTS, 5, 300);
            // A second job beside it on the same TaskManager (chained, its own output topic): both
            // load the native libraries' classes from lib/, each its own ONNX sessions.
            String third = cluster.submit("--source", kafka + FRAMES, "--sink", kafka + SECOND_OUTPUT, "--threads", "1",
                    "--group-id", "third");
            List<ConsumerRecord<String, byte[]>> beside = awaitOutputs(broker, SECOND_OUTPUT, 3, 300);
            assertEquals("RUNNING", cluster.state(second), "the first job must still run beside the second");
            cluster.cancel(third);
            cluster.cancel(second);

            List<String> seqs = out.stream().map(r -> KafkaTestSupport.header(r, Headers.SEQ)).toList();
            assertEquals(List.of("0", "1", "0", "1", "2"), seqs);
            assertEquals(List.of("0", "1", "2"), beside.stream().map(r -> KafkaTestSupport.header(r, Headers.SEQ)).toList());
            List<ConsumerRecord<String, byte[]>> all = new ArrayList<>(out);
            all.addAll(beside);
            try (JobTestSupport.Reference ref = new JobTestSupport.Reference()) {
                for (ConsumerRecord<String, byte[]> r : all) {
                    int seq = Integer.parseInt(KafkaTestSupport.header(r, Headers.SEQ));
                    ref.assertSegments(ImageFiles.readRgb(files.get(seq)), r.value(), "cluster output #" + seq);
                }
            }
            String log = Files.readString(cluster.taskManagerLog());
            assertFalse(log.contains("UnsatisfiedLinkError"), "the TaskManager log shows an UnsatisfiedLinkError");
            assertTrue(log.contains(first) && log.contains(second) && log.contains(third), "all jobs ran on the one TaskManager");
        }
    }

    /**
     * A 3840x2160 JPEG through the standalone cluster, whose TaskManager budgets the direct
     * memory ONNX Runtime's buffers take for it; the TaskManager's Prometheus reporter counts it.
     */
    @Test
    void aFourKFrameComesThroughAndTheTaskManagerServesItsMetrics() throws Exception {
        RgbFrame val = ImageFiles.readRgb(JobTestSupport.camvidVal(1).get(0));
        RgbFrame uhd = UpscaledFrames.frame(val, 3840, 2160);
        byte[] jpeg = Jpeg.encode(uhd.rgb(), uhd.width(), uhd.height());
        try (EmbeddedKafkaBroker broker = KafkaTestSupport.broker();
             LocalCluster cluster = LocalCluster.start(Path.of("target/cluster-it-4k").toAbsolutePath())) {
            String kafka = "kafka://" + broker.bootstrapServers() + "/";
            try (KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer(broker)) {
                producer.send(KafkaTestSupport.frame("uhd", 0, now(), jpeg)).get();
            }
            String job = cluster.submit("--source", kafka + FRAMES, "--sink", kafka + SEGMENTS, "--threads", "1",
                    "--group-id", "uhd");
            ConsumerRecord<String, byte[]> r = awaitOutputs(broker, SEGMENTS, 1, 300).get(0);
            assertEquals("3840", KafkaTestSupport.header(r, Headers.WIDTH));
            assertEquals("2160", KafkaTestSupport.header(r, Headers.HEIGHT));
            assertEquals(0, KafkaTestSupport.readAll(broker, KafkaTestSupport.DLQ).size(), "no dead letter");

            Matcher port = Pattern.compile("Started PrometheusReporter HTTP server on port (\\d+)")
                    .matcher(Files.readString(cluster.taskManagerLog()));
            assertTrue(port.find(), "the TaskManager's log names its metrics port");
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port.group(1) + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(Pattern.compile("(?m)^flink_taskmanager_job_task_operator_sparseseg_stream_frames_total\\{[^}]*stream=\"uhd\"[^}]*} 1\\.0$")
                    .matcher(metrics).find(), "the TaskManager's metrics count the frame of stream uhd");
            cluster.cancel(job);
        }
    }

    /** Outputs on {@code topic}, from its start, once {@code n} have arrived. */
    private static List<ConsumerRecord<String, byte[]>> awaitOutputs(EmbeddedKafkaBroker broker, String topic, int n,
                                                                     long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            got = KafkaTestSupport.readAll(broker, topic);
            if (got.size() >= n) {
                break;
            }
            Thread.sleep(1000);
        }
        assertEquals(n, got.size(), "records on " + topic);
        return got;
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /**
     * Capture times near now: the output records carry them as Kafka timestamps, and records
     * older than the topic's retention (7 days) may be deleted by the broker at any moment.
     */
    private static long now() {
        return System.currentTimeMillis();
    }
}
