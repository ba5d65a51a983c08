package dev.sparseseg.cli;

import dev.sparseseg.connectors.frame.Jpeg;
import dev.sparseseg.models.engine.EngineConfig;
import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.engine.OperatingPoint;
import dev.sparseseg.models.engine.Segmenter;
import dev.sparseseg.models.eval.DatasetSplit;
import dev.sparseseg.models.eval.UpscaledFrames;
import dev.sparseseg.models.eval.Evaluation;
import dev.sparseseg.models.eval.ModeTimings;
import dev.sparseseg.models.image.RgbFrame;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code sparseseg bench}: speed at camera resolutions. CamVid frames are upscaled at run time
 * to each resolution (never stored); dense-full, dense-low and sparse run on them interleaved
 * frame by frame, as {@code eval} does. With {@code --job}, the streaming job between the topics
 * of an in-process Kafka broker is measured end to end at the same resolutions ({@link JobBench}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Speed of dense-full, dense-low and SparseRefine (and with --job the streaming job) at camera resolutions.")
public final class BenchCommand implements Callable<Integer> {
    static final List<String> MODES = List.of(EvalCommand.DENSE_FULL, EvalCommand.DENSE_LOW, EvalCommand.SPARSE);

    @Mixin
    DatasetOptions dataset;

    @Option(names = "--resolutions", split = ",", paramLabel = "WxH", defaultValue = "1280x720,1920x1080,3840x2160",
            description = "Resolutions to measure (default: ${DEFAULT-VALUE}).")
    List<String> resolutions;

    @Option(names = "--frames", defaultValue = "60", description = "Timed frames per resolution and mode (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--distinct", defaultValue = "10", description = "Distinct frames upscaled per resolution, taken evenly "
            + "from the split and cycled; bounds the memory (default: ${DEFAULT-VALUE}).")
    int distinct;

    // On two cores a fresh JVM runs sparse's first 20-50 frames at 1.5-3 times its steady time
    // while the JIT compiles: with 3 runs, 960x720 sparse took 30.1 ms against 22.1 after 30.
    @Option(names = "--warmup", defaultValue = "30", description = "Untimed runs of each mode before timing (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--modes", split = ",", defaultValue = "dense-full,dense-low,sparse",
            description = "Modes to time: dense-full, dense-low, sparse, or none (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Mixin
    SharedOptions.Json json;

    @Option(names = "--job", description = "Also measure the streaming job end to end: JPEG frames into a Kafka topic, "
            + "the job, palette PNGs out of another; fps and latency.")
    boolean job;

    @Mixin
    JobBench.Options jobOptions;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() throws Exception {
        List<int[]> sizes = resolutions.stream().map(BenchCommand::parseSize).toList();
        List<String> timed = modes.equals(List.of("none")) ? List.of() : modes;
        for (String m : timed) {
            if (!MODES.contains(m)) {
                throw new IllegalArgumentException("--modes: unknown mode '" + m + "' (dense-full, dense-low, sparse or none)");
            }
        }
        if (frames < 1 || distinct < 1 || warmup < 0) {
            throw new IllegalArgumentException("--frames " + frames + " and --distinct " + distinct
                    + " must be at least 1, --warmup " + warmup + " at least 0");
        }
        if (timed.isEmpty() && !job) {
            throw new IllegalArgumentException("nothing to measure: --modes none without --job");
        }
        if (job) {
            jobOptions.validate();
        }
        RgbFrame[] sources = sourceFrames(dataset.open(), distinct);
        EngineConfig config = engine.config();
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> byResolution = new LinkedHashMap<>();
        boolean allOut = true;
        try (Models models = Models.load(config); JobBench jobs = job ? new JobBench(jobOptions, config) : null) {
            System.out.printf(Locale.ROOT, "bench: %d distinct %s frames, upscaled; budget %d, latency budget %s, "
                            + "%d threads (refiner/ensembler %d), %s%n", sources.length, dataset.split, models.config().budget(),
                    models.config().latencyBudgetMs() > 0 ? models.config().latencyBudgetMs() + " ms" : "none",
                    models.config().threads(), models.config().sparseThreads(), models.segmenterModel().device());
            Segmenter warmSparse = timed.contains(EvalCommand.SPARSE) ? Evaluation.unbudgetedWarmUp(models) : null;
            if (!timed.isEmpty()) {
                System.out.printf(Locale.ROOT, "engine: %s, interleaved per frame, %d timed frames per resolution after %d "
                        + "warm-up runs%s%n", String.join(", ", timed), frames, warmup,
                        warmSparse != null ? " (sparse's preceded by as many without the latency budget)" : "");
            }
            if (job) {
                System.out.println("job: " + jobOptions);
            }
            root.put("split", dataset.split);
            root.put("frames", frames);
            root.put("distinct_frames", sources.length);
            root.put("warmup_runs", warmup);
            root.put("modes_timed", timed);
            root.put("budget", models.config().budget());
            root.put("latency_budget_ms", models.config().latencyBudgetMs());
            root.put("threads", models.config().threads());
            root.put("sparse_threads", models.config().sparseThreads());
            root.put("device", models.segmenterModel().device().toString());
            Map<String, Segmenter> segmenters = new LinkedHashMap<>();
            for (String m : timed) {
                segmenters.put(m, m.equals(EvalCommand.DENSE_FULL) ? models.denseFull()
                        : m.equals(EvalCommand.DENSE_LOW) ? models.denseLow() : models.sparse());
            }
            root.put("warmup_unbudgeted_sparse_runs", warmSparse == null ? 0 : warmup);
            for (int[] size : sizes) {
                String name = size[0] + "x" + size[1];
                RgbFrame[] upscaled = new RgbFrame[sources.length];
                for (int i = 0; i < upscaled.length; i++) {
                    upscaled[i] = UpscaledFrames.frame(sources[i], size[0], size[1]);
                }
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("width", size[0]);
                entry.put("height", size[1]);
                OperatingPoint point = models.operatingPoint(size[0], size[1]);
                entry.put("operating_point", JsonReport.point(point));
                System.out.printf(Locale.ROOT, "%s: %s%n", name, point);
                Map<String, ModeTimings> t = Map.of();
                if (!segmenters.isEmpty()) {
                    Evaluation.Frames cycled = i -> upscaled[i % upscaled.length];
                    if (warmSparse != null) {
                        Evaluation.warmUp(frames, cycled, List.of(warmSparse), warmup);
                    }
                    ProgressBar bar = new ProgressBar(System.err, name, frames);
                    t = Evaluation.interleave(frames, cycled, segmenters, warmup, null, bar::update);
                    System.out.print(ReportTable.bench(name, t));
                    entry.putAll(modesJson(t));
                }
                if (jobs != null) {
                    byte[][] jpegs = new byte[upscaled.length][];
                    for (int i = 0; i < jpegs.length; i++) {
                        jpegs[i] = Jpeg.encode(upscaled[i].rgb(), size[0], size[1]);
                    }
                    Map<String, Object> jobEntry = new LinkedHashMap<>();
                    List<JobBench.Figures> figures = new ArrayList<>();
                    for (int streams : jobOptions.streams) {
                        JobBench.Figures f = jobs.run(name, jpegs, streams);
                        figures.add(f);
                        jobEntry.put("streams_" + streams, f.json());
                        allOut &= f.allOut();
                    }
                    ModeTimings sparse = t.get(EvalCommand.SPARSE);
                    System.out.print(ReportTable.job(name, figures, sparse == null ? Double.NaN : 1000 / sparse.msMedian()));
                    entry.put("job", jobEntry);
                }
                byResolution.put(name, entry);
            }
            if (jobs != null) {
                root.put("job_settings", jobs.settingsJson());
            }
        }
        root.put("resolutions", byResolution);
        if (json.file != null) {
            JsonReport.write(json.file, root);
            System.out.println("wrote " + json.file);
        }
        if (!allOut) {
            System.err.println("error: the job did not return every frame it was given (see frames in / out above)");
            return 1;
        }
        return 0;
    }

    /** {@code modes.<mode>.ms_median, .ms_p99, .refined_fraction, .stage_ms_median}, and the speed ratios. */
    private static Map<String, Object> modesJson(Map<String, ModeTimings> t) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> modes = new LinkedHashMap<>();
        for (Map.Entry<String, ModeTimings> e : t.entrySet()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ms_median", e.getValue().msMedian());
            m.put("ms_p99", e.getValue().msPercentile(99));
            m.put("refined_fraction", e.getValue().refinedFraction());
            m.put("stage_ms_median", JsonReport.stages(e.getValue().stageMsMedian()));
            modes.put(e.getKey(), m);
        }
        out.put("modes", modes);
        ModeTimings full = t.get(EvalCommand.DENSE_FULL);
        if (full != null) {
            for (String other : List.of(EvalCommand.SPARSE, EvalCommand.DENSE_LOW)) {
                if (t.containsKey(other)) {
                    out.put("speedup_" + other.replace('-', '_') + "_vs_dense_full", full.msMedian() / t.get(other).msMedian());
                }
            }
        }
        return out;
    }

    /** {@code n} frames of the split (all of them at most), evenly spaced, decoded once. */
    static RgbFrame[] sourceFrames(DatasetSplit ds, int n) throws java.io.IOException {
        RgbFrame[] out = new RgbFrame[Math.min(n, ds.size())];
        for (int i = 0; i < out.length; i++) {
            out[i] = ds.frame((int) ((long) i * ds.size() / out.length));
        }
        return out;
    }

    static int[] parseSize(String s) {
        return parseSize("--resolutions", s);
    }

    /** WIDTHxHEIGHT given to {@code option}; the error names the option and the value. */
    static int[] parseSize(String option, String s) {
        String[] p = s.trim().toLowerCase(Locale.ROOT).split("x");
        try {
            int[] size = {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
            if (p.length == 2 && size[0] > 0 && size[1] > 0 && (long) size[0] * size[1] <= 8192L * 8192) {
                return size;
            }
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + ": '" + s + "' is not WIDTHxHEIGHT (e.g. 1920x1080, at most 8192x8192 pixels)");
    }
}
