package dev.sparseseg.job;

import dev.sparseseg.connectors.frame.Headers;
import dev.sparseseg.connectors.kafka.KafkaLimits;
import dev.sparseseg.kafka.embedded.EmbeddedKafkaBroker;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/** The Kafka side of the job tests: topics on an embedded broker, the job between them, plain clients. */
final class KafkaTestSupport {
    static final String FRAMES = "frames";
    static final String SEGMENTS = "segments";
    static final String DLQ = JobSettings.DEFAULT_DEAD_LETTER_TOPIC;

    private KafkaTestSupport() {
    }

    /** A broker with the job's three topics, one partition each: streams sharing a partition interleave in one log. */
    static EmbeddedKafkaBroker broker() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        try {
            broker.createTopic(FRAMES, 1);
            broker.createTopic(SEGMENTS, 1);
            broker.createTopic(DLQ, 1);
            return broker;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** Starts the job from the frames topic to the segments topic; it runs until cancelled. */
    static JobClient startJob(EmbeddedKafkaBroker broker, int parallelism, String deadLetters) throws Exception {
        return startJob(broker, parallelism, deadLetters, "", "");
    }

    /**
     * @param sourceOptions appended to the frames topic's URI, e.g. {@code #policy=drop-oldest}
     * @param sinkOptions   appended to the segments topic's URI, e.g. {@code #overlays=T}
     */
    static JobClient startJob(EmbeddedKafkaBroker broker, int parallelism, String deadLetters, String sourceOptions,
                              String sinkOptions) throws Exception {
        StreamExecutionEnvironment env = JobTestSupport.localEnv(parallelism);
        String kafka = "kafka://" + broker.bootstrapServers() + "/";
        SegmentationJob.build(env, JobTestSupport.settings(List.of(kafka + FRAMES + sourceOptions),
                List.of(kafka + SEGMENTS + sinkOptions), deadLetters, parallelism));
        return env.executeAsync(SegmentationJob.NAME);
    }

    /** Cancels a running job and waits until it has ended (its MiniCluster is then shut down). */
    static void cancel(JobClient job) throws Exception {
        job.cancel().get(60, TimeUnit.SECONDS);
        try {
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException expected) {
            // A cancelled job ends with an exception.
        }
    }

    static KafkaProducer<String, byte[]> producer(EmbeddedKafkaBroker broker) {
        return producer(broker, Map.of());
    }

    /** @param login client settings, e.g. a SASL login ({@link EmbeddedKafkaBroker#saslPlainLogin}) */
    static KafkaProducer<String, byte[]> producer(EmbeddedKafkaBroker broker, Map<String, String> login) {
        Properties p = KafkaLimits.producer();
        p.putAll(login);
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** An input record as docs/design.md section 4 has it: key = stream id, value = image, seq and ts headers. */
    static ProducerRecord<String, byte[]> frame(String key, long seq, long ts, byte[] value) {
        return frame(key, seq, ts, null, value);
    }

    /** @param recordTs the record's own timestamp; null = the producer's clock */
    static ProducerRecord<String, byte[]> frame(String key, long seq, long ts, Long recordTs, byte[] value) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(FRAMES, null, recordTs, key, value);
        r.headers().add(Headers.SEQ, Long.toString(seq).getBytes(StandardCharsets.UTF_8));
        r.headers().add(Headers.TS, Long.toString(ts).getBytes(StandardCharsets.UTF_8));
        return r;
    }

    /**
     * Reads {@code topic} from its start until {@code expected} records have arrived, then polls two
     * seconds longer and fails on any record beyond those. Fails after {@code seconds}, or as soon as
     * {@code job} (which should be running) has ended.
     */
    static List<ConsumerRecord<String, byte[]>> consume(EmbeddedKafkaBroker broker, JobClient job, String topic,
                                                        int expected, long seconds) {
        return consume(broker, Map.of(), job, topic, expected, seconds);
    }

    /** {@link #consume(EmbeddedKafkaBroker, JobClient, String, int, long)} with client settings such as a SASL login. */
    static List<ConsumerRecord<String, byte[]>> consume(EmbeddedKafkaBroker broker, Map<String, String> login, JobClient job,
                                                        String topic, int expected, long seconds) {
        CompletableFuture<JobExecutionResult> end = job.getJobExecutionResult();
        List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = fromStart(broker, login, topic)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (got.size() < expected) {
                if (System.nanoTime() > deadline) {
                    fail("topic " + topic + ": " + got.size() + " of " + expected + " records after " + seconds
                            + " s: " + describe(got));
                }
                if (end.isDone()) {
                    fail("the job ended while " + got.size() + " of " + expected + " records were on " + topic
                            + ": " + describe(got), failure(end));
                }
                consumer.poll(Duration.ofMillis(500)).forEach(got::add);
            }
            // Nothing beyond what was expected: no duplicates, no strays.
            for (int i = 0; i < 4; i++) {
                consumer.poll(Duration.ofMillis(500)).forEach(got::add);
            }
        }
        assertEquals(expected, got.size(), () -> "topic " + topic + " holds other records than expected: " + describe(got));
        return got;
    }

    /** Everything on partition 0 of {@code topic} now, in order (polls until a second passes without records). */
    static List<ConsumerRecord<String, byte[]>> readAll(EmbeddedKafkaBroker broker, String topic) {
        List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = fromStart(broker, Map.of(), topic)) {
            int before;
            do {
                before = got.size();
                consumer.poll(Duration.ofMillis(1000)).forEach(got::add);
            } while (got.size() > before);
        }
        return got;
    }

    /** A consumer of partition 0 of {@code topic}, positioned at its start, committing nothing. */
    static KafkaConsumer<String, byte[]> fromStart(EmbeddedKafkaBroker broker, Map<String, String> login, String topic) {
        Properties p = KafkaLimits.consumer();
        p.putAll(login);
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        TopicPartition tp = new TopicPartition(topic, 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        return consumer;
    }

    private static Throwable failure(CompletableFuture<?> end) {
        try {
            end.getNow(null);
            return null;
        } catch (CompletionException | CancellationException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }

    static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        assertNotNull(h, () -> "record " + r.key() + "@" + r.offset() + " has no header " + name);
        return new String(h.value(), StandardCharsets.UTF_8);
    }

    private static List<String> describe(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> {
            Header seq = r.headers().lastHeader(Headers.SEQ);
            return r.key() + "#" + (seq == null ? "?" : new String(seq.value(), StandardCharsets.UTF_8));
        }).toList();
    }
}
