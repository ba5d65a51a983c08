package dev.sparseseg.cli;

import dev.sparseseg.connectors.folder.FolderFrameReader;
import dev.sparseseg.connectors.frame.Headers;
import dev.sparseseg.connectors.frame.PalettePng;
import dev.sparseseg.connectors.frame.SegmentRecord;
import dev.sparseseg.job.JobSettings;
import dev.sparseseg.job.SegmentationJob;
import dev.sparseseg.models.engine.EngineConfig;
import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.engine.Segmenter;
import dev.sparseseg.models.engine.StageTimings;
import dev.sparseseg.models.eval.DatasetSplit;
import dev.sparseseg.models.eval.Evaluation;
import dev.sparseseg.models.image.ImageFiles;
import dev.sparseseg.models.image.LabelMap;
import dev.sparseseg.models.image.RgbFrame;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * {@code sparseseg bench-job}: throughput of the streaming job (folder source to a discarding
 * sink) against the bare engine on the same frames with the same threads, in one run.
 * Both are timed in steady state: the first {@code --warmup} frames are excluded.
 * The machine is shared and noisy, so the three run in alternating rounds and the median
 * of the per-round ratios is the figure.
 */
@Command(name = "bench-job", mixinStandardHelpOptions = true,
        description = "Frames per second of the streaming job vs. the bare engine on the same frames and threads.")
public final class BenchJobCommand implements Callable<Integer> {
    @Mixin
    DatasetOptions dataset;

    @Option(names = "--repeat", defaultValue = "5", description = "Times the split's frames are replayed (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--warmup", defaultValue = "20", description = "Frames excluded from timing (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds of engine, loop and job; ratios are "
            + "taken within a round and the median printed (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Mixin
    SharedOptions.RefineParallelism refineParallelism;

    @Mixin
    EngineOptions engine;

    /** Arrival times of the job's output (the job runs in this JVM's local environment). */
    static final ConcurrentLinkedQueue<Long> ARRIVALS = new ConcurrentLinkedQueue<>();
    /** Per-stage milliseconds of the job's frames, from their headers. */
    static final ConcurrentLinkedQueue<Map<String, String>> HEADERS = new ConcurrentLinkedQueue<>();

    @Override
    public Integer call() throws Exception {
        DatasetSplit ds = dataset.open();
        Path folder = (dataset.data != null ? dataset.data : DatasetSplit.defaultCamVid()).resolve(ds.split());
        List<String> names = FolderFrameReader.listFrames(folder);
        long total = (long) names.size() * repeat;
        if (repeat < 1 || warmup < 1 || warmup >= total - 1) {
            throw new IllegalArgumentException("--repeat " + repeat + " and --warmup " + warmup + " leave no frames to time");
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds " + rounds + " must be at least 1");
        }
        EngineConfig config = engine.config();
        System.out.printf(Locale.ROOT, "%d frames (%d x %d), segmenter threads %d, sparse threads %d, %d rounds%n", total,
                names.size(), repeat, config.threads(), config.sparseThreads(), rounds);
        double[] vsEngine = new double[rounds];
        double[] vsLoop = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            // Engine, loop and job alternate within a round, so that a slow spell of this shared
            // machine hits all three rather than one; the ratios are taken within each round.
            double engineFps = bareEngine(folder, names, total, config);
            double loopFps = bareLoop(folder, names, total, config);
            double jobFps = job(folder, total, config);
            vsEngine[r] = jobFps / engineFps;
            vsLoop[r] = jobFps / loopFps;
            System.out.printf(Locale.ROOT, "round %d: bare engine %.2f fps, bare loop %.2f fps, job %.2f fps: "
                    + "job / bare engine %.1f%%, job / bare loop %.1f%%%n", r + 1, engineFps, loopFps, jobFps,
                    100 * vsEngine[r], 100 * vsLoop[r]);
        }
        System.out.println("bare engine: decoded frames in, label maps out; bare loop: read file, decode, segment, "
                + "encode PNG on one thread; job: dir source -> stages -> discard sink, parallelism 1"
                + (refineParallelism.value == null ? ", chained" : ", refinement split out at parallelism " + refineParallelism.value));
        System.out.printf(Locale.ROOT, "median over %d rounds: job / bare engine %.1f%%, job / bare loop %.1f%%%n", rounds,
                100 * Evaluation.median(vsEngine), 100 * Evaluation.median(vsLoop));
        return 0;
    }

    private double bareEngine(Path folder, List<String> names, long total, EngineConfig config) throws Exception {
        RgbFrame[] frames = new RgbFrame[names.size()];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = ImageFiles.readRgb(folder.resolve(names.get(i)));
        }
        try (Models models = Models.load(config)) {
            Segmenter sparse = models.sparse();
            long start = 0;
            long[][] stageNs = new long[4][(int) (total - warmup)];
            for (long i = 0; i < total; i++) {
                if (i == warmup) {
                    start = System.nanoTime();
                }
                StageTimings t = sparse.segment(frames[(int) (i % frames.length)]).timings();
                if (i >= warmup) {
                    int k = (int) (i - warmup);
                    stageNs[0][k] = t.coarseNs();
                    stageNs[1][k] = t.selectNs();
                    stageNs[2][k] = t.refineNs();
                    stageNs[3][k] = t.fuseNs();
                }
            }
            double fps = (total - warmup) / ((System.nanoTime() - start) / 1e9);
            StringBuilder stages = new StringBuilder("engine stage medians (ms):");
            String[] names4 = {"coarse", "select", "refine", "fuse"};
            for (int st = 0; st < 4; st++) {
                long[] v = stageNs[st].clone();
                java.util.Arrays.sort(v);
                stages.append(String.format(Locale.ROOT, " %s %.2f", names4[st], v[v.length / 2] / 1e6));
            }
            System.out.println(stages);
            return fps;
        }
    }

    /** The same work as the job (files in, palette PNGs out) as a plain loop without Flink. */
    private double bareLoop(Path folder, List<String> names, long total, EngineConfig config) throws Exception {
        try (Models models = Models.load(config)) {
            Segmenter sparse = models.sparse();
            int[] palette = models.segmenterModel().card().palette();
            long start = 0;
            for (long i = 0; i < total; i++) {
                if (i == warmup) {
                    start = System.nanoTime();
                }
                RgbFrame frame = ImageFiles.decodeRgb(Files.readAllBytes(folder.resolve(names.get((int) (i % names.size())))), "frame");
                LabelMap labels = sparse.segment(frame).labels();
                PalettePng.encode(labels.labels(), labels.width(), labels.height(), palette);
            }
            return (total - warmup) / ((System.nanoTime() - start) / 1e9);
        }
    }

    private double job(Path folder, long total, EngineConfig config) throws Exception {
        ARRIVALS.clear();
        HEADERS.clear();
        JobSettings s = new JobSettings(List.of("dir:" + folder + "#repeat=" + repeat), List.of("discard:"), "log",
                config, 1, refineParallelism.value, null, "sparseseg-bench").validate();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(RunCommand.localSlots(s));
        SegmentationJob.pipeline(env, s).sinkTo(new ArrivalSink()).name("arrivals");
        env.execute("SparseSeg bench-job");
        Long[] t = ARRIVALS.toArray(new Long[0]);
        if (t.length != total) {
            throw new IllegalStateException("the job emitted " + t.length + " frames of " + total);
        }
        StringBuilder stages = new StringBuilder("job stage medians (ms):");
        for (String st : List.of("decode", "coarse", "select", "refine", "fuse")) {
            double[] ms = HEADERS.stream().skip(warmup).mapToDouble(h -> Double.parseDouble(h.get(Headers.STAGE_MS_PREFIX + st))).sorted().toArray();
            stages.append(String.format(Locale.ROOT, " %s %.2f", st, ms[ms.length / 2]));
        }
        System.out.println(stages);
        // Arrival i - 1 is when frame i - 1 finished, i.e. when timing of the frames after the warm-up starts.
        return (total - warmup) / ((t[t.length - 1] - t[warmup - 1]) / 1e9);
    }

    /** Records when each segmented frame reaches the end of the job. */
    static final class ArrivalSink implements Sink<SegmentRecord> {
        @Override
        public SinkWriter<SegmentRecord> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(SegmentRecord element, Context ctx) {
                    ARRIVALS.add(System.nanoTime());
                    HEADERS.add(element.headers);
                }

                @Override
                public void flush(boolean endOfInput) {
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
