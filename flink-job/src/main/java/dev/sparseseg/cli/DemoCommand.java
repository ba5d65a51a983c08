package dev.sparseseg.cli;

import dev.sparseseg.connectors.kafka.FramePublisher;
import dev.sparseseg.connectors.kafka.SegmentReceiver;
import dev.sparseseg.connectors.source.FrameReader;
import dev.sparseseg.connectors.source.FrameReaders;
import dev.sparseseg.connectors.uri.SourceUri;
import dev.sparseseg.job.JobSettings;
import dev.sparseseg.job.SegmentationJob;
import dev.sparseseg.job.metrics.LocalReporter;
import dev.sparseseg.kafka.embedded.EmbeddedKafkaBroker;
import dev.sparseseg.models.eval.DatasetSplit;
import dev.sparseseg.viewer.Legend;
import dev.sparseseg.viewer.Viewer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The embedded default: an in-process Kafka broker, a local Flink environment with its web
 * UI, the input replayed into the input topic, the job, and the results written to files.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run everything on this machine: Kafka broker, Flink with web UI, the job; replay frames and save results.")
public final class DemoCommand implements Callable<Integer> {
    static final String FRAMES = "frames";
    static final String SEGMENTS = "segments";
    static final String OVERLAYS = "segments-overlay";
    static final String MASKS = "segments-mask";

    @Option(names = "--input", paramLabel = "PATH|URL",
            description = "Image folder, video file or rtsp:// camera to replay (default: CamVid val, in list order).")
    String input;

    @Option(names = "--frames", defaultValue = "0", description = "Frames to replay, 0 = the whole input (default: ${DEFAULT-VALUE}).")
    long frames;

    @Option(names = "--out", defaultValue = "out", description = "Where label maps and overlays are written (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Port of the in-process broker, 0 = any free one (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--web-ui-port", defaultValue = "8081", description = "Port of Flink's web UI (default: ${DEFAULT-VALUE}).")
    int webUiPort;

    @Option(names = "--viewer-port", defaultValue = "" + ViewCommand.DEFAULT_PORT,
            description = "Port of the live viewer's web page, 0 = any free one, -1 = no viewer (default: ${DEFAULT-VALUE}).")
    int viewerPort;

    @Mixin
    SharedOptions.Parallelism parallelism;

    @Option(names = "--keep-running", description = "Leave broker and job up after the replay (Ctrl-C stops).")
    boolean keepRunning;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() throws Exception {
        if (frames < 0) {
            throw new IllegalArgumentException("--frames " + frames + " must be at least 0");
        }
        if (viewerPort < -1 || viewerPort > 65535) {
            throw new IllegalArgumentException("--viewer-port " + viewerPort + " must be -1 (off), 0 (any free port) or a port");
        }
        SourceUri src = inputUri();
        JobSettings settings;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(kafkaPort)) {
            String bootstrap = broker.bootstrapServers();
            for (String t : List.of(FRAMES, SEGMENTS, OVERLAYS, MASKS, JobSettings.DEFAULT_DEAD_LETTER_TOPIC)) {
                broker.createTopic(t, parallelism.value);
            }
            settings = new JobSettings(List.of("kafka://" + bootstrap + "/" + FRAMES),
                    List.of("kafka://" + bootstrap + "/" + SEGMENTS + "#overlays=" + OVERLAYS + "&masks=" + MASKS), null,
                    engine.jobConfig(), parallelism.value, null, null, "sparseseg-demo").validate();

            Configuration conf = new Configuration();
            conf.set(RestOptions.PORT, webUiPort);
            int metricsPort = LocalReporter.enable(conf);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
            SegmentationJob.build(env, settings);
            // Before the job: the viewer reads the topics from their end, so it must be there for the first frame.
            try (Viewer viewer = viewerPort < 0 ? null : new Viewer(bootstrap, OVERLAYS, SEGMENTS, MASKS, "127.0.0.1",
                    viewerPort, Legend.load(engine.config().modelsDir()), Map.of())) {
                JobClient job = env.executeAsync(SegmentationJob.NAME);
                System.out.println("Kafka broker:  " + bootstrap + "  (input topic " + FRAMES + ", output " + SEGMENTS
                        + ", overlays " + OVERLAYS + ", refined-pixel masks " + MASKS + ", dead letters "
                        + JobSettings.DEFAULT_DEAD_LETTER_TOPIC + ")");
                System.out.println("Flink web UI:  http://localhost:" + webUiPort + "   job " + job.getJobID());
                System.out.println("Metrics:       " + LocalReporter.describe(metricsPort).substring("metrics: ".length()));
                if (viewer != null) {
                    System.out.println("Live viewer:   " + viewer.url());
                }
                System.out.println("Input:         " + src.location() + "  -> results in " + out.toAbsolutePath());
                return replay(bootstrap, src, job);
            }
        }
    }

    /** Replays the input into the frames topic while printing what comes back; cancels the job at the end. */
    private int replay(String bootstrap, SourceUri src, JobClient job) throws Exception {
        AtomicLong sent = new AtomicLong();
        AtomicReference<Exception> replayError = new AtomicReference<>();
        Thread replay = new Thread(() -> {
            try (FrameReader reader = FrameReaders.open(src, 0); FramePublisher pub = new FramePublisher(bootstrap, FRAMES)) {
                dev.sparseseg.connectors.frame.FrameRecord f;
                while ((frames == 0 || sent.get() < frames) && (f = reader.read()) != null) {
                    pub.send(f);
                    sent.incrementAndGet();
                }
            } catch (Exception e) {
                replayError.set(e);
            }
        }, "replay");
        replay.start();
        int result = receive(bootstrap, replay, sent, replayError);
        if (result == 0 && keepRunning) {
            System.out.println("Replay done; broker and job keep running. Ctrl-C stops them.");
            Thread.currentThread().join();
        }
        job.cancel().get();
        return result;
    }

    private int receive(String bootstrap, Thread replay, AtomicLong sent, AtomicReference<Exception> replayError) throws Exception {
        Files.createDirectories(out);
        long labels = 0;
        long overlays = 0;
        long refined = 0;
        long pixels = 0;
        long start = System.nanoTime();
        long lastPrint = 0;
        long lastArrival = System.nanoTime();
        try (SegmentReceiver rx = new SegmentReceiver(bootstrap, List.of(SEGMENTS, OVERLAYS), out, true)) {
            long[] counts = new long[4];
            while (true) {
                int n = rx.poll(Duration.ofMillis(500), r -> {
                    if (r.labels()) {
                        counts[0]++;
                        counts[2] += r.refined();
                        counts[3] += (long) r.width() * r.height();
                    } else {
                        counts[1]++;
                    }
                });
                labels = counts[0];
                overlays = counts[1];
                refined = counts[2];
                pixels = counts[3];
                long now = System.nanoTime();
                if (n > 0) {
                    lastArrival = now;
                }
                boolean replayDone = !replay.isAlive();
                if (now - lastPrint > 1_000_000_000L || (replayDone && labels >= sent.get() && overlays >= sent.get())) {
                    lastPrint = now;
                    double secs = (now - start) / 1e9;
                    System.out.printf(Locale.ROOT, "\rframes %d/%d%s  %.1f fps  refined %.1f%%   ", labels, sent.get(),
                            replayDone ? "" : "+", labels / secs, pixels == 0 ? 0.0 : 100.0 * refined / pixels);
                    System.out.flush();
                }
                if (replayError.get() != null) {
                    System.out.println();
                    throw new IllegalArgumentException("cannot replay " + input + ": " + replayError.get().getMessage());
                }
                if (replayDone && labels >= sent.get() && overlays >= sent.get()) {
                    System.out.println();
                    System.out.println("Done: " + labels + " label maps and " + overlays + " overlays in " + out.toAbsolutePath());
                    return 0;
                }
                if (now - lastArrival > Duration.ofMinutes(5).toNanos()) {
                    System.out.println();
                    System.err.println("error: no result for 5 minutes; " + labels + " of " + sent.get() + " frames came back");
                    return 1;
                }
            }
        }
    }

    private SourceUri inputUri() {
        String in = input != null ? input : DatasetSplit.defaultCamVid().resolve("val").toString();
        if (in.startsWith("rtsp://") || in.startsWith("rtsps://")) {
            return SourceUri.parse(in);
        }
        Path p = Path.of(in);
        if (Files.isDirectory(p)) {
            return SourceUri.parse("dir:" + in);
        }
        if (Files.isRegularFile(p)) {
            return SourceUri.parse("file:" + in);
        }
        throw new IllegalArgumentException("--input " + in + " is neither a folder, a video file nor an rtsp:// URL");
    }
}
