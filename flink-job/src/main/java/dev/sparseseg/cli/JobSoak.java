package dev.sparseseg.cli;

import dev.sparseseg.connectors.frame.FrameRecord;
import dev.sparseseg.connectors.kafka.FramePublisher;
import dev.sparseseg.job.JobSettings;
import dev.sparseseg.job.SegmentationJob;
import dev.sparseseg.kafka.embedded.EmbeddedKafkaBroker;
import dev.sparseseg.models.engine.EngineConfig;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code soak --job}: the streaming job in this JVM between topics of an in-process broker, fed
 * JPEG frames with a broken record every {@code badEvery}; prints frames in, segmented and dead
 * letters, and the process's resident memory, as it goes. At most {@link #IN_FLIGHT} records
 * are ahead of the results, so that memory reflects the job, not a backlog.
 */
final class JobSoak {
    static final int IN_FLIGHT = 16;
    private static final String IN = "frames";
    private static final String OUT = "segments";

    private JobSoak() {
    }

    /** Returns 0 when every record came back, as a segment or (the broken ones) as a dead letter. */
    static int run(byte[][] jpegs, int frames, int badEvery, int every, EngineConfig engine) throws Exception {
        List<BadFrames.Bad> bad = BadFrames.of(jpegs[0]);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0)) {
            String dlq = JobSettings.DEFAULT_DEAD_LETTER_TOPIC;
            for (String t : List.of(IN, OUT, dlq)) {
                broker.createTopic(t, 1);
            }
            String kafka = "kafka://" + broker.bootstrapServers() + "/";
            JobSettings s = new JobSettings(List.of(kafka + IN), List.of(kafka + OUT), null, engine, 1, null, null,
                    "sparseseg-soak").validate();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(RunCommand.localSlots(s));
            SegmentationJob.build(env, s);
            JobClient job = env.executeAsync(SegmentationJob.NAME);

            AtomicLong back = new AtomicLong();
            AtomicReference<Exception> sendError = new AtomicReference<>();
            long expectedBad = badEvery == 0 ? 0 : frames / badEvery;
            Thread producer = new Thread(() -> {
                try (FramePublisher pub = new FramePublisher(broker.bootstrapServers(), IN)) {
                    for (int i = 1; i <= frames; i++) {
                        while (i - back.get() > IN_FLIGHT) {
                            TimeUnit.MILLISECONDS.sleep(5);
                        }
                        boolean broken = badEvery > 0 && i % badEvery == 0;
                        byte[] value = broken ? bad.get((i / badEvery - 1) % bad.size()).bytes() : jpegs[i % jpegs.length];
                        pub.send(FrameRecord.encoded("cam", i, System.currentTimeMillis(), value));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    sendError.set(e);
                }
            }, "soak-producer");

            long segmented = 0;
            long deadLetters = 0;
            long start = System.nanoTime();
            long lastProgress = start;
            try (KafkaConsumer<byte[], byte[]> consumer = JobBench.consumer(broker.bootstrapServers(), List.of(OUT, dlq))) {
                producer.start();
                while (segmented + deadLetters < frames && sendError.get() == null && !job.getJobExecutionResult().isDone()
                        && System.nanoTime() - lastProgress < TimeUnit.SECONDS.toNanos(120)) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        long before = segmented + deadLetters;
                        if (r.topic().equals(OUT)) {
                            segmented++;
                        } else {
                            deadLetters++;
                        }
                        back.incrementAndGet();
                        lastProgress = System.nanoTime();
                        if ((before + 1) % every == 0 || before + 1 == frames) {
                            System.out.printf("records %d: segmented %d, dead letters %d, %.1f records/s, resident memory %s%n",
                                    before + 1, segmented, deadLetters, (before + 1) / ((lastProgress - start) / 1e9),
                                    SoakCommand.residentMemory());
                        }
                    }
                }
            } finally {
                producer.interrupt();
                producer.join();
                JobBench.cancel(job);
            }
            if (sendError.get() != null) {
                throw sendError.get();
            }
            boolean complete = segmented == frames - expectedBad && deadLetters == expectedBad;
            System.out.printf("in %d (%d broken), segmented %d, dead letters %d: %s%n", frames, expectedBad, segmented,
                    deadLetters, complete ? "every record came back once" : "MISSING OR EXTRA RECORDS");
            return complete ? 0 : 1;
        }
    }
}
