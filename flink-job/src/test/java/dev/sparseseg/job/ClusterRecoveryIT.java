package dev.sparseseg.job;

import dev.sparseseg.connectors.frame.Headers;
import dev.sparseseg.connectors.kafka.KafkaLimits;
import dev.sparseseg.kafka.embedded.EmbeddedKafkaBroker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.sparseseg.job.KafkaTestSupport.FRAMES;
import static dev.sparseseg.job.KafkaTestSupport.SEGMENTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Failures and stops of the job on the real standalone cluster of {@code ./sparseseg cluster}
 * (JobManager and supervised TaskManager processes) with a real Kafka broker, the job writing
 * with {@code --delivery exactly-once}: a TaskManager killed with {@code kill -9} mid-stream
 * comes back by itself (its supervisor) and the job goes on from its last checkpoint; a job
 * stopped with a savepoint and submitted again from it goes on where it stopped. Either way a
 * read_committed consumer sees every frame exactly once.
 */
class ClusterRecoveryIT {
    static final int CHECKPOINT_MS = 2000;

    @Test
    void killedTaskManagerIsReplacedAndEveryFrameComesOutOnce() throws Exception {
        int frames = 500;
        List<byte[]> images = images(20);
        try (EmbeddedKafkaBroker broker = KafkaTestSupport.broker();
             LocalCluster cluster = LocalCluster.start(Path.of("target/cluster-recovery-it/kill").toAbsolutePath());
             Output out = new Output(broker)) {
            String job = cluster.submit(run(broker, "kill"));
            cluster.awaitState(job, "RUNNING", 60);
            long tmBefore = cluster.taskManagerPid(1);
            Set<String> idsBefore = taskManagerIds(cluster);
            // The last 150 frames wait for the kill, which therefore lands mid-stream.
            Producer producer = Producer.start(broker, images, frames, 20, frames - 150);

            // Mid-stream: once a first share of the frames has come out, committed, and while a
            // transaction holds records (so that the kill leaves some to abort).
            out.await(100, 240);
            int open = out.awaitOpenTransaction(120);
            int sentAtKill = producer.sent.get();
            int outAtKill = out.distinct();
            long latencyBeforeKill = out.latencyP50();
            long killed = System.nanoTime();
            long killedAt = System.currentTimeMillis();
            cluster.killTaskManager(1);
            System.out.printf(Locale.ROOT, "kill -9 TaskManager pid %d: %d frames sent, %d out, %d records of an open transaction "
                    + "on the topic (latency p50 until then %d ms)%n", tmBefore, sentAtKill, outAtKill, open, latencyBeforeKill);
            assertTrue(sentAtKill < frames, "the TaskManager must die mid-stream");
            producer.release();

            // Nobody starts a TaskManager: the supervisor does.
            long replaced = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!newTaskManager(cluster, idsBefore, tmBefore)) {
                if (System.nanoTime() > deadline) {
                    fail("no new TaskManager after 120 s: " + taskManagerIds(cluster) + " (before the kill: " + idsBefore
                            + "), " + cluster.status());
                }
                Thread.sleep(100);
            }
            replaced = System.nanoTime();
            long firstAfter = out.firstArrivalAfter(killed, outAtKill, 300);
            producer.finish(120);
            out.await(frames, 400);
            Thread.sleep(3 * CHECKPOINT_MS); // anything extra (a duplicate) would come in this time
            String state = cluster.state(job);
            String exceptions = cluster.get("/jobs/" + job + "/exceptions");
            cluster.cancel(job);
            // When the JobManager handled the TaskManager's loss (and restarted the job).
            long failedAt = new ObjectMapper().readTree(exceptions).path("exceptionHistory").path("entries").path(0)
                    .path("timestamp").asLong(0);

            Report r = out.report(frames);
            System.out.printf(Locale.ROOT, "kill -9 test: %d frames in, %s; after the kill: loss noticed and job restarted at %.1f s, "
                            + "TaskManager replaced at %.1f s, first output at %.1f s; job %s%n",
                    frames, r, (failedAt - killedAt) / 1e3, secondsSince(killed, replaced),
                    secondsSince(killed, firstAfter), state);
            assertEquals("RUNNING", state, "the job must have recovered");
            assertTrue(exceptions.contains("taskmanager") || exceptions.contains("TaskManager"),
                    "the job's exception history names the lost TaskManager: " + exceptions);
            r.assertExactlyOnce(frames);
            assertTrue(r.uncommitted > r.committed,
                    "the aborted transaction's records must be on the topic, hidden from read_committed: " + r);
        }
    }

    @Test
    void stopWithSavepointAndResumeLosesAndRepeatsNothing() throws Exception {
        int frames = 240;
        List<byte[]> images = images(20);
        try (EmbeddedKafkaBroker broker = KafkaTestSupport.broker();
             LocalCluster cluster = LocalCluster.start(Path.of("target/cluster-recovery-it/savepoint").toAbsolutePath());
             Output out = new Output(broker)) {
            String first = cluster.submit(run(broker, "resume"));
            cluster.awaitState(first, "RUNNING", 60);
            // Frames before, during and after the stop, at 10/s; the last 60 wait for the resumed job.
            Producer producer = Producer.start(broker, images, frames, 10, frames - 60);
            out.await(40, 240);
            int sentAtStop = producer.sent.get();
            long stopping = System.nanoTime();
            String savepoint = cluster.stopJob(first);
            long stopped = System.nanoTime();
            int sentAfterStop = producer.sent.get();
            cluster.awaitState(first, "FINISHED", 60);
            int outAfterStop = out.distinct();
            Path savepointDir = Path.of(URI.create(savepoint));
            assertTrue(Files.isRegularFile(savepointDir.resolve("_metadata")), "savepoint " + savepoint + " has no _metadata");
            assertTrue(savepointDir.startsWith(cluster.dir().resolve("savepoints")), savepoint + " is not under the cluster's savepoint dir");
            Thread.sleep(3000); // frames pile up while no job runs

            String second = cluster.submit(concat(run(broker, "resume"), "--from-savepoint", savepoint));
            cluster.awaitState(second, "RUNNING", 60);
            producer.finish(120); // releases the held frames
            out.await(frames, 300);
            Thread.sleep(3 * CHECKPOINT_MS);
            cluster.cancel(second);

            Report r = out.report(frames);
            System.out.printf(Locale.ROOT, "savepoint test: %d frames in (%d sent before the stop, %d when it returned "
                            + "after %.1f s), %d out by then; savepoint %s; resumed: %s%n",
                    frames, sentAtStop, sentAfterStop, (stopped - stopping) / 1e9, outAfterStop, savepoint, r);
            assertTrue(sentAtStop < frames && sentAfterStop < frames, "frames must come after the stop too");
            r.assertExactlyOnce(frames);
        }
    }

    /**
     * A real crash loop: the job's models are gone when its TaskManager dies, so every restart
     * fails in the operators' open(); with --restart-attempts 2 the job ends FAILED, and its
     * exception history says why.
     */
    @Test
    void crashLoopEndsInAFailedJobThatSaysWhy() throws Exception {
        Path project = Path.of(System.getProperty("sparseseg.project", "..")).toAbsolutePath().normalize();
        Path models = Path.of("target/cluster-recovery-it/crash-loop-models").toAbsolutePath();
        deleteTree(models);
        Files.createDirectories(models);
        Path reference = project.resolve("models/reference");
        try (var files = Files.walk(reference)) {
            for (Path f : files.toList()) {
                Path to = models.resolve(reference.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        try (EmbeddedKafkaBroker broker = KafkaTestSupport.broker();
             LocalCluster cluster = LocalCluster.start(Path.of("target/cluster-recovery-it/crash-loop").toAbsolutePath());
             Output out = new Output(broker)) {
            String kafka = "kafka://" + broker.bootstrapServers() + "/";
            String job = cluster.submit("--source", kafka + FRAMES, "--sink", kafka + SEGMENTS, "--threads", "1",
                    "--models", models.toString(), "--restart-attempts", "2");
            Producer.start(broker, images(1), 1, 1).finish(60);
            out.await(1, 240); // the models loaded, the job runs
            deleteTree(models);
            long killed = System.nanoTime();
            cluster.killTaskManager(1);
            cluster.awaitState(job, "FAILED", 180);
            String exceptions = cluster.get("/jobs/" + job + "/exceptions");
            System.out.printf(Locale.ROOT, "crash loop: FAILED %.1f s after the kill; root cause: %s%n",
                    secondsSince(killed, System.nanoTime()), rootCause(exceptions));
            assertTrue(exceptions.contains("Recovery is suppressed"), "the restart strategy gave up: " + exceptions);
            assertTrue(exceptions.contains(models.toString()), "the job's failure must name the missing models: " + exceptions);
            assertTrue(cluster.status().contains("taskmanager-1: running"), "the TaskManager itself came back");
        }
    }

    /** The first line of the job's root exception and its last cause. */
    private static String rootCause(String exceptionsJson) throws Exception {
        JsonNode root = new ObjectMapper().readTree(exceptionsJson);
        String trace = root.path("root-exception").asText(root.path("exceptionHistory").path("entries").path(0).path("stacktrace").asText(""));
        String first = trace.lines().findFirst().orElse("");
        String cause = trace.lines().filter(l -> l.startsWith("Caused by: ")).reduce((x, y) -> y).orElse("");
        return first + " <- " + cause;
    }

    private static void deleteTree(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /**
     * The job's arguments: exactly-once, short checkpoints, a consumer group (and so transactional
     * ids) per test. {@code -Dsparseseg.it.delivery=at-least-once} runs the same for comparison
     * (the tests then fail on the duplicates, after printing their figures).
     */
    private static String[] run(EmbeddedKafkaBroker broker, String group) {
        String kafka = "kafka://" + broker.bootstrapServers() + "/";
        return new String[] {"--source", kafka + FRAMES, "--sink", kafka + SEGMENTS, "--threads", "1",
                "--group-id", group, "--delivery", System.getProperty("sparseseg.it.delivery", "exactly-once"),
                "--checkpoint-interval", Integer.toString(CHECKPOINT_MS)};
    }

    private static List<byte[]> images(int n) throws Exception {
        List<byte[]> images = new ArrayList<>();
        for (Path f : JobTestSupport.camvidVal(n)) {
            images.add(Files.readAllBytes(f));
        }
        return images;
    }

    /** TaskManager ids the JobManager has registered now. */
    private static Set<String> taskManagerIds(LocalCluster cluster) throws Exception {
        Set<String> ids = new HashSet<>();
        Matcher m = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(cluster.get("/taskmanagers"));
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    /** Whether a TaskManager not among {@code before} has registered, and TaskManager 1 is another process. */
    private static boolean newTaskManager(LocalCluster cluster, Set<String> before, long oldPid) throws Exception {
        Set<String> now = taskManagerIds(cluster);
        now.removeAll(before);
        long pid = cluster.taskManagerPid(1);
        return !now.isEmpty() && pid > 0 && pid != oldPid;
    }

    private static double secondsSince(long from, long to) {
        return (to - from) / 1e9;
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /**
     * Frames 0..n-1 of stream "cam" at a steady rate, in a thread of its own. Frames from
     * {@code holdFrom} on wait for {@link #release()}, so that a test's fault lands mid-stream
     * however far the job lags its input on a slow machine.
     */
    static final class Producer extends Thread {
        final AtomicInteger sent = new AtomicInteger();
        private final EmbeddedKafkaBroker broker;
        private final List<byte[]> images;
        private final int n;
        private final int fps;
        private final int holdFrom;
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicReference<Throwable> error = new AtomicReference<>();

        private Producer(EmbeddedKafkaBroker broker, List<byte[]> images, int n, int fps, int holdFrom) {
            super("frame-producer");
            this.broker = broker;
            this.images = images;
            this.n = n;
            this.fps = fps;
            this.holdFrom = holdFrom;
            setDaemon(true);
        }

        static Producer start(EmbeddedKafkaBroker broker, List<byte[]> images, int n, int fps) {
            return start(broker, images, n, fps, n);
        }

        static Producer start(EmbeddedKafkaBroker broker, List<byte[]> images, int n, int fps, int holdFrom) {
            Producer p = new Producer(broker, images, n, fps, holdFrom);
            p.start();
            return p;
        }

        /** Lets the frames from {@code holdFrom} on go. */
        void release() {
            released.countDown();
        }

        @Override
        public void run() {
            long start = System.nanoTime();
            try (KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer(broker)) {
                for (int i = 0; i < n; i++) {
                    if (i == holdFrom) {
                        long held = System.nanoTime();
                        released.await();
                        start += System.nanoTime() - held; // the steady rate resumes, no burst
                    }
                    long due = start + TimeUnit.SECONDS.toNanos(i) / fps;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    producer.send(KafkaTestSupport.frame("cam", i, System.currentTimeMillis(), images.get(i % images.size()))).get();
                    sent.incrementAndGet();
                }
            } catch (Throwable t) {
                error.set(t);
            }
        }

        void finish(long seconds) throws Exception {
            release();
            join(TimeUnit.SECONDS.toMillis(seconds));
            assertTrue(!isAlive() && error.get() == null, "producing frames failed or hung: " + error.get());
            assertEquals(n, sent.get());
        }
    }

    /**
     * What a read_committed consumer of the output topic sees, from its start, as it arrives; and
     * how many records a read_uncommitted one sees, which runs ahead by an open transaction's.
     */
    static final class Output implements AutoCloseable {
        private final EmbeddedKafkaBroker broker;
        private final ConcurrentMap<Long, Integer> counts = new ConcurrentHashMap<>();
        private final ConcurrentMap<Long, Long> arrivals = new ConcurrentHashMap<>();
        /** Capture (send) to first visible arrival, ms. */
        private final ConcurrentMap<Long, Long> latencies = new ConcurrentHashMap<>();
        private final AtomicInteger uncommittedRecords = new AtomicInteger();
        private volatile long lastCommitSeen;
        private final List<Thread> threads;
        private volatile boolean closed;

        Output(EmbeddedKafkaBroker broker) {
            this.broker = broker;
            this.threads = List.of(new Thread(this::pollCommitted, "read-committed-consumer"),
                    new Thread(this::pollUncommitted, "read-uncommitted-consumer"));
            threads.forEach(t -> {
                t.setDaemon(true);
                t.start();
            });
        }

        private void pollCommitted() {
            try (KafkaConsumer<String, byte[]> c = consumer(broker, "read_committed")) {
                while (!closed) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                        long seq = Long.parseLong(KafkaTestSupport.header(r, Headers.SEQ));
                        counts.merge(seq, 1, Integer::sum);
                        arrivals.putIfAbsent(seq, System.nanoTime());
                        latencies.putIfAbsent(seq, System.currentTimeMillis() - Long.parseLong(KafkaTestSupport.header(r, Headers.TS)));
                        lastCommitSeen = System.nanoTime();
                    }
                }
            }
        }

        private void pollUncommitted() {
            try (KafkaConsumer<String, byte[]> c = consumer(broker, "read_uncommitted")) {
                while (!closed) {
                    uncommittedRecords.addAndGet(c.poll(Duration.ofMillis(100)).count());
                }
            }
        }

        /**
         * Waits until an open transaction's records are on the topic, early in a checkpoint interval,
         * so that its commit is not about to come before a kill. Early: the last commit's records
         * arrived 300 ms to half an interval ago (300 ms lets the read_committed consumer finish
         * reading them). Returns how many records the read_uncommitted consumer is ahead by.
         */
        int awaitOpenTransaction(long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                int committed = counts.values().stream().mapToInt(Integer::intValue).sum();
                int ahead = uncommittedRecords.get() - committed;
                long sinceCommit = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastCommitSeen);
                if (ahead > 0 && sinceCommit >= 300 && sinceCommit < CHECKPOINT_MS / 2) {
                    return ahead;
                }
                if (System.nanoTime() > deadline) {
                    fail("no open transaction with records on the topic early in a checkpoint interval after " + seconds
                            + " s: " + committed + " records read_committed, " + uncommittedRecords + " read_uncommitted");
                }
                Thread.sleep(20);
            }
        }

        /** Median ms from sending to first visible arrival, over the frames out so far. */
        long latencyP50() {
            List<Long> ms = latencies.values().stream().sorted().toList();
            return ms.isEmpty() ? -1 : ms.get(ms.size() / 2);
        }

        int distinct() {
            return counts.size();
        }

        void await(int distinct, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (counts.size() < distinct) {
                if (System.nanoTime() > deadline) {
                    fail(counts.size() + " of " + distinct + " frames out after " + seconds + " s");
                }
                Thread.sleep(100);
            }
        }

        /** When the first frame beyond the {@code before} that were out at {@code since} arrived. */
        long firstArrivalAfter(long since, int before, long seconds) throws InterruptedException {
            await(before + 1, seconds);
            return arrivals.values().stream().filter(t -> t > since).min(Long::compare).orElseThrow();
        }

        /** Everything on the topic now, read_committed and read_uncommitted. */
        Report report(int frames) {
            int committed = 0;
            Map<Long, Integer> seen = new TreeMap<>();
            try (KafkaConsumer<String, byte[]> c = consumer(broker, "read_committed")) {
                for (ConsumerRecord<String, byte[]> r : drain(c)) {
                    seen.merge(Long.parseLong(KafkaTestSupport.header(r, Headers.SEQ)), 1, Integer::sum);
                    committed++;
                }
            }
            int uncommitted;
            try (KafkaConsumer<String, byte[]> c = consumer(broker, "read_uncommitted")) {
                uncommitted = drain(c).size();
            }
            List<Long> duplicates = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
            List<Long> missing = new ArrayList<>();
            for (long s = 0; s < frames; s++) {
                if (!seen.containsKey(s)) {
                    missing.add(s);
                }
            }
            return new Report(committed, seen.size(), duplicates, missing, uncommitted, latencyP50());
        }

        private static List<ConsumerRecord<String, byte[]>> drain(KafkaConsumer<String, byte[]> c) {
            List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
            int idle = 0;
            while (idle < 3) {
                int before = got.size();
                c.poll(Duration.ofMillis(700)).forEach(got::add);
                idle = got.size() == before ? idle + 1 : 0;
            }
            return got;
        }

        private static KafkaConsumer<String, byte[]> consumer(EmbeddedKafkaBroker broker, String isolation) {
            Properties p = KafkaLimits.consumer();
            p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
            p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
            KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
            TopicPartition tp = new TopicPartition(SEGMENTS, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            return c;
        }

        @Override
        public void close() throws InterruptedException {
            closed = true;
            for (Thread t : threads) {
                t.join(5000);
            }
        }
    }

    /**
     * @param committed   records a read_committed consumer reads
     * @param distinct    distinct frame numbers among them
     * @param uncommitted records a read_uncommitted consumer reads (with those of aborted transactions)
     * @param latencyP50  median ms from a frame's sending to its result's first visible arrival (with the
     *                    frames that waited out a failure)
     */
    record Report(int committed, int distinct, List<Long> duplicates, List<Long> missing, int uncommitted, long latencyP50) {
        void assertExactlyOnce(int frames) {
            assertEquals(List.of(), missing, "frames missing: " + this);
            assertEquals(List.of(), duplicates, "frames out more than once: " + this);
            assertEquals(frames, committed, this::toString);
            assertEquals(frames, distinct, this::toString);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d out read_committed (%d distinct, %d duplicates, %d missing), "
                    + "%d on the topic read_uncommitted; latency p50 %d ms", committed, distinct, duplicates.size(),
                    missing.size(), uncommitted, latencyP50);
        }
    }
}
