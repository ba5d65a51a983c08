package dev.sparseseg.job;

import dev.sparseseg.connectors.frame.Headers;
import dev.sparseseg.kafka.embedded.EmbeddedKafkaBroker;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.sparseseg.job.KafkaTestSupport.DLQ;
import static dev.sparseseg.job.KafkaTestSupport.FRAMES;
import static dev.sparseseg.job.KafkaTestSupport.SEGMENTS;
import static dev.sparseseg.job.KafkaTestSupport.frame;
import static dev.sparseseg.job.KafkaTestSupport.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Where a Kafka source starts: on a topic created after the job started (picked up by partition
 * discovery, without a failover: these jobs may not restart), and with {@code #start=latest}.
 */
@Timeout(240)
class KafkaTopicStartTest {
    private EmbeddedKafkaBroker broker;
    private JobClient job;

    @AfterEach
    void stop() throws Exception {
        try {
            if (job != null) {
                KafkaTestSupport.cancel(job);
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    @Test
    void aJobStartedBeforeItsInputTopicExistsSegmentsFramesOnceTheTopicIsCreated() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        broker.createTopic(SEGMENTS, 1);
        broker.createTopic(DLQ, 1);
        byte[] png = Files.readAllBytes(JobTestSupport.camvidVal(1).get(0));

        job = start("");
        awaitRunning(job);
        // Longer than a discovery interval: the source has looked for the topic and found none.
        Thread.sleep(SegmentationJob.PARTITION_DISCOVERY_MS + 2000);
        assertFalse(job.getJobExecutionResult().isDone(), "the job ended while its topic did not exist");

        long created = System.nanoTime();
        broker.createTopic(FRAMES, 1);
        try (KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer(broker)) {
            for (int seq = 0; seq < 3; seq++) {
                producer.send(frame("late", seq, System.currentTimeMillis(), png)).get();
            }
        }
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        long first = 0;
        try (KafkaConsumer<String, byte[]> consumer = KafkaTestSupport.fromStart(broker, Map.of(), SEGMENTS)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (out.size() < 3) {
                if (System.nanoTime() > deadline || job.getJobExecutionResult().isDone()) {
                    fail(out.size() + " of 3 label maps; job ended: " + job.getJobExecutionResult().isDone());
                }
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
                if (first == 0 && !out.isEmpty()) {
                    first = System.nanoTime();
                }
            }
        }
        long all = System.nanoTime();
        System.out.printf("Late topic: first label map %d ms after the topic was created, all 3 after %d ms "
                + "(partition discovery every %d ms)%n", (first - created) / 1_000_000, (all - created) / 1_000_000,
                SegmentationJob.PARTITION_DISCOVERY_MS);
        assertEquals(List.of("0", "1", "2"), out.stream().map(r -> header(r, Headers.SEQ)).toList(),
                "the new topic is read from its start");
    }

    @Test
    void startLatestSkipsWhatWasOnTheTopicBeforeTheJob() throws Exception {
        broker = KafkaTestSupport.broker();
        byte[] png = Files.readAllBytes(JobTestSupport.camvidVal(1).get(0));
        try (KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer(broker)) {
            producer.send(frame("old", 0, System.currentTimeMillis(), png)).get();
            producer.send(frame("old", 1, System.currentTimeMillis(), png)).get();

            job = start("#start=latest");
            // The source takes its position when its consumer first polls; until a frame comes out,
            // keep sending (frames sent before that position are skipped too, as they should be).
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> consumer = KafkaTestSupport.fromStart(broker, Map.of(), SEGMENTS)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
                int seq = 0;
                while (out.isEmpty()) {
                    if (System.nanoTime() > deadline || job.getJobExecutionResult().isDone()) {
                        fail("no label map; job ended: " + job.getJobExecutionResult().isDone());
                    }
                    producer.send(frame("new", seq++, System.currentTimeMillis(), png)).get();
                    consumer.poll(Duration.ofMillis(1000)).forEach(out::add);
                }
                int last = seq;
                producer.send(frame("new", last, System.currentTimeMillis(), png)).get();
                while (out.stream().noneMatch(r -> header(r, Headers.SEQ).equals(Integer.toString(last)))) {
                    if (System.nanoTime() > deadline) {
                        fail("the last frame never came out: " + out.size() + " label maps");
                    }
                    consumer.poll(Duration.ofMillis(500)).forEach(out::add);
                }
            }
            List<String> keys = out.stream().map(ConsumerRecord::key).distinct().toList();
            assertEquals(List.of("new"), keys, "frames that were on the topic before the job started are skipped");
            List<Long> seqs = out.stream().map(r -> Long.parseLong(header(r, Headers.SEQ))).toList();
            for (int i = 1; i < seqs.size(); i++) {
                assertEquals(seqs.get(i - 1) + 1, seqs.get(i), "from where it started, every frame in order: " + seqs);
            }
            System.out.println("start=latest: frames new#" + seqs.get(0) + ".." + seqs.get(seqs.size() - 1)
                    + " segmented, the " + seqs.get(0) + " sent before the source took its position and the 2 old ones skipped");
        }
    }

    /** The job from the frames topic (with {@code sourceOptions}) to the segments topic, never restarting on failure. */
    private JobClient start(String sourceOptions) throws Exception {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 1);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        String kafka = "kafka://" + broker.bootstrapServers() + "/";
        SegmentationJob.build(env, JobTestSupport.settings(List.of(kafka + FRAMES + sourceOptions), List.of(kafka + SEGMENTS),
                null, 1));
        return env.executeAsync(SegmentationJob.NAME);
    }

    private static void awaitRunning(JobClient job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (job.getJobStatus().get(10, TimeUnit.SECONDS) != JobStatus.RUNNING) {
            assertTrue(System.nanoTime() < deadline, "the job is not running after 60 s");
            Thread.sleep(100);
        }
    }
}
