package dev.sparseseg.cli;

import dev.sparseseg.connectors.frame.FrameRecord;
import dev.sparseseg.connectors.frame.Headers;
import dev.sparseseg.job.stages.FrameInFlight;
import dev.sparseseg.connectors.kafka.FramePublisher;
import dev.sparseseg.connectors.kafka.KafkaLimits;
import dev.sparseseg.job.JobSettings;
import dev.sparseseg.job.SegmentationJob;
import dev.sparseseg.kafka.embedded.EmbeddedKafkaBroker;
import dev.sparseseg.models.engine.EngineConfig;
import dev.sparseseg.models.eval.Evaluation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The streaming job measured end to end, as a camera bridge and a consumer would see it: an
 * in-process Kafka broker; JPEG frames produced into an input topic (key = stream id, headers
 * {@code seq} and {@code ts} = send time); the job (Kafka source, stages, Kafka sink of palette
 * PNGs); a consumer that matches each output to its input by key and {@code seq} and takes the
 * latency as arrival minus send time.
 *
 * <p>Each run first sends one frame per stream and waits for their results, so that the job is
 * up and its models loaded before the rest is sent; fps and latency are over the frames after
 * the first {@code --job-warmup} results (steady state). The warm-up results' own rate is given
 * too: on two cores the JIT compiler holds a fresh JVM's first 40-60 frames at 1080p well below
 * the steady rate.
 */
final class JobBench implements AutoCloseable {
    /** The {@code --job} options of {@code bench}. */
    static final class Options {
        @Option(names = "--streams", split = ",", defaultValue = "1,4",
                description = "Stream counts to run the job with, one run each (default: ${DEFAULT-VALUE}).")
        List<Integer> streams;

        @Option(names = "--job-frames", defaultValue = "120",
                description = "Timed frames per job run, all streams together (default: ${DEFAULT-VALUE}).")
        int frames;

        @Option(names = "--job-warmup", defaultValue = "60",
                description = "Results per job run left out of fps and latency, at least one per stream; their own fps "
                        + "is reported as the warm-up fps (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--rate", defaultValue = "0", description = "Frames per second sent per stream, 0 = as fast as "
                + "the broker takes them; unpaced, latency includes the queue in the input topic (default: ${DEFAULT-VALUE}).")
        double rate;

        @Mixin
        SharedOptions.Parallelism parallelism;

        @Option(names = "--job-timeout", defaultValue = "300", paramLabel = "S",
                description = "Give up on a job run after this many seconds without a result (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "streams %s, %d timed frames per run after %d warm-up results, %s, "
                    + "parallelism %d; JPEG in, palette PNG out, in-process Kafka broker", streams, frames, warmup,
                    rate > 0 ? rate + " frames/s per stream" : "unpaced", parallelism.value);
        }

        void validate() {
            if (streams.stream().anyMatch(s -> s < 1) || frames < 1 || warmup < 1 || rate < 0 || parallelism.value < 1
                    || timeoutSeconds < 1) {
                throw new IllegalArgumentException("--streams, --job-frames, --job-warmup, --parallelism and --job-timeout "
                        + "must be at least 1, --rate at least 0");
            }
        }
    }

    /**
     * One job run's figures.
     *
     * @param planned         frames the run was to send
     * @param framesIn        frames sent
     * @param framesOut       distinct frames that came back (matched by key and seq)
     * @param duplicates      results received more than once
     * @param timed           results the fps and latency are over
     * @param warmupFps       rate of the warm-up results after the first (the JIT still compiling), NaN for too few
     * @param refinedFraction mean fraction of pixels refined, from the results' headers
     * @param stageMsMedian   median of each {@code stage-ms-*} header of the timed results (decode .. fuse)
     */
    record Figures(int streams, long planned, long framesIn, long framesOut, long duplicates, int timed, double fps,
                   double warmupFps, double latencyMsP50, double latencyMsP99, double refinedFraction, double[] stageMsMedian) {
        boolean allOut() {
            return framesIn == planned && framesOut == planned;
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fps", fps);
            m.put("warmup_fps", warmupFps);
            m.put("latency_ms_p50", latencyMsP50);
            m.put("latency_ms_p99", latencyMsP99);
            m.put("frames_planned", planned);
            m.put("frames_in", framesIn);
            m.put("frames_out", framesOut);
            m.put("duplicates", duplicates);
            m.put("timed_frames", timed);
            m.put("refined_fraction", refinedFraction);
            Map<String, Double> st = new LinkedHashMap<>();
            for (int k = 0; k < STAGES.length; k++) {
                st.put(STAGES[k].id, stageMsMedian[k]);
            }
            m.put("stage_ms_median", st);
            return m;
        }
    }

    /** The stages whose {@code stage-ms-*} headers the results carry. */
    static final FrameInFlight.Stage[] STAGES = FrameInFlight.Stage.values();

    private final Options options;
    private final EngineConfig config;
    private final EmbeddedKafkaBroker broker;

    JobBench(Options options, EngineConfig config) {
        this.options = options;
        this.config = config;
        this.broker = EmbeddedKafkaBroker.start(0);
        broker.createTopic(JobSettings.DEFAULT_DEAD_LETTER_TOPIC, 1);
    }

    Map<String, Object> settingsJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("frames", options.frames);
        m.put("warmup", options.warmup);
        m.put("rate_per_stream", options.rate);
        m.put("parallelism", options.parallelism.value);
        m.put("input", "JPEG (ImageIO, quality 0.75)");
        m.put("output", "palette PNG label maps");
        return m;
    }

    /** Runs the job over {@code jpegs} (cycled) as {@code streams} streams until every frame is back or it stalls. */
    Figures run(String resolution, byte[][] jpegs, int streams) throws Exception {
        String name = resolution + "-s" + streams;
        String in = "frames-" + name;
        String out = "segments-" + name;
        broker.createTopic(in, options.parallelism.value);
        broker.createTopic(out, options.parallelism.value);
        String kafka = "kafka://" + broker.bootstrapServers() + "/";
        JobSettings s = new JobSettings(List.of(kafka + in), List.of(kafka + out), null, config,
                options.parallelism.value, null, null, "sparseseg-bench-" + name).validate();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(RunCommand.localSlots(s));
        SegmentationJob.build(env, s);

        int warmup = Math.max(options.warmup, streams);
        int total = warmup + options.frames;
        Map<String, Long> sentMs = new ConcurrentHashMap<>();
        CountDownLatch primed = new CountDownLatch(streams);
        AtomicReference<Exception> sendError = new AtomicReference<>();
        Thread producer = new Thread(() -> {
            try (FramePublisher pub = new FramePublisher(broker.bootstrapServers(), in)) {
                long paceStart = 0;
                for (int j = 0; j < total; j++) {
                    long seq = j / streams;
                    if (j == streams) {
                        // The first frame of each stream is out: the job runs; send the rest.
                        if (!primed.await(options.timeoutSeconds, TimeUnit.SECONDS)) {
                            return;
                        }
                        paceStart = System.nanoTime();
                    }
                    if (options.rate > 0 && j > streams) {
                        // Streams take turns, evenly spaced: each gets --rate, none in phase with another.
                        long due = paceStart + (long) ((j - streams) * 1e9 / (options.rate * streams));
                        TimeUnit.NANOSECONDS.sleep(Math.max(0, due - System.nanoTime()));
                    }
                    String stream = "cam" + j % streams;
                    long now = System.currentTimeMillis();
                    sentMs.put(stream + "#" + seq, now);
                    pub.send(FrameRecord.encoded(stream, seq, now, jpegs[j % jpegs.length]));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                sendError.set(e);
            }
        }, "bench-producer");

        System.err.printf("job %s, %d stream(s): %d frames ...%n", resolution, streams, total);
        List<long[]> arrivals = new ArrayList<>(); // {arrival ns, latency ms}
        List<double[]> stageMs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        long duplicates = 0;
        double refined = 0;
        JobClient client = env.executeAsync(SegmentationJob.NAME);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker.bootstrapServers(), List.of(out))) {
            producer.start();
            long lastProgress = System.nanoTime();
            while (seen.size() < total && sendError.get() == null && !client.getJobExecutionResult().isDone()
                    && System.nanoTime() - lastProgress < TimeUnit.SECONDS.toNanos(options.timeoutSeconds)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long nowMs = System.currentTimeMillis();
                    String stream = new String(r.key(), StandardCharsets.UTF_8);
                    long seq = header(r, Headers.SEQ);
                    Long sent = sentMs.get(stream + "#" + seq);
                    if (sent == null || !seen.add(stream + "#" + seq)) {
                        duplicates++;
                        continue;
                    }
                    lastProgress = System.nanoTime();
                    arrivals.add(new long[] {lastProgress, nowMs - sent});
                    refined += (double) header(r, Headers.REFINED) / (header(r, Headers.WIDTH) * header(r, Headers.HEIGHT));
                    double[] st = new double[STAGES.length];
                    for (int k = 0; k < st.length; k++) {
                        st[k] = Double.parseDouble(new String(r.headers().lastHeader(Headers.STAGE_MS_PREFIX + STAGES[k].id).value(),
                                StandardCharsets.UTF_8));
                    }
                    stageMs.add(st);
                    if (seq == 0) {
                        primed.countDown();
                    }
                }
            }
            if (seen.size() < total) {
                System.err.println("error: " + seen.size() + " of " + total + " results back; " + stalled(client));
            }
        } finally {
            producer.interrupt();
            producer.join();
            cancel(client);
        }
        if (sendError.get() != null) {
            throw new IllegalStateException("cannot send frames to " + in + ": " + sendError.get().getMessage(), sendError.get());
        }
        return figures(streams, total, sentMs.size(), seen.size(), duplicates, warmup, arrivals, refined, stageMs);
    }

    private static Figures figures(int streams, long planned, long in, long out, long duplicates, int warmup, List<long[]> arrivals,
                                   double refined, List<double[]> stageMs) {
        double[] stageMedians = new double[STAGES.length];
        for (int k = 0; k < STAGES.length; k++) {
            final int stage = k;
            stageMedians[k] = Evaluation.median(stageMs.stream().skip(Math.min(warmup, stageMs.size()))
                    .mapToDouble(v -> v[stage]).toArray());
        }
        int timed = Math.max(0, arrivals.size() - warmup);
        double[] latency = new double[timed];
        for (int i = 0; i < timed; i++) {
            latency[i] = arrivals.get(warmup + i)[1];
        }
        // Result `warmup` (1-based) is when timing starts: the timed frames are the ones after it.
        double fps = timed == 0 ? Double.NaN
                : timed / ((arrivals.get(arrivals.size() - 1)[0] - arrivals.get(warmup - 1)[0]) / 1e9);
        // From the first result, which the rest were sent after, to the last warm-up one.
        int warm = Math.min(warmup, arrivals.size());
        double warmupFps = warm < 2 ? Double.NaN : (warm - 1) / ((arrivals.get(warm - 1)[0] - arrivals.get(0)[0]) / 1e9);
        return new Figures(streams, planned, in, out, duplicates, timed, fps, warmupFps, Evaluation.median(latency),
                Evaluation.percentile(latency, 99), arrivals.isEmpty() ? 0 : refined / arrivals.size(), stageMedians);
    }

    /** A consumer of {@code topics} from their start, in a group of its own that commits nothing. */
    static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, List<String> topics) {
        Properties p = KafkaLimits.consumer();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "sparseseg-bench-" + UUID.randomUUID());
        p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        c.subscribe(topics);
        return c;
    }

    private static long header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        if (h == null) {
            throw new IllegalStateException("result " + r.topic() + "@" + r.offset() + " has no header " + name);
        }
        return Long.parseLong(new String(h.value(), StandardCharsets.UTF_8).trim());
    }

    /** Why a run stopped before every result was back. */
    private String stalled(JobClient client) {
        if (!client.getJobExecutionResult().isDone()) {
            return "no result for " + options.timeoutSeconds + " s";
        }
        try {
            client.getJobExecutionResult().join();
            return "the job ended";
        } catch (CompletionException e) {
            return "the job failed: " + e.getCause();
        }
    }

    /** Cancels the job and waits until it has ended (its local cluster then shuts down). */
    static void cancel(JobClient client) throws Exception {
        if (!client.getJobExecutionResult().isDone()) {
            client.cancel().get(60, TimeUnit.SECONDS);
        }
        try {
            client.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException expected) {
            // A cancelled job ends with an exception.
        }
    }

    @Override
    public void close() {
        broker.close();
    }
}
