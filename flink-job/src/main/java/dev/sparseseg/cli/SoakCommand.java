package dev.sparseseg.cli;

import dev.sparseseg.connectors.frame.Jpeg;
import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.engine.Segmenter;
import dev.sparseseg.models.eval.DatasetSplit;
import dev.sparseseg.models.eval.Evaluation;
import dev.sparseseg.models.eval.UpscaledFrames;
import dev.sparseseg.models.image.RgbFrame;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code sparseseg soak}: runs SparseRefine over a split's frames again and again and
 * prints throughput and the process's resident memory, to show that native memory
 * (ONNX Runtime tensors and sessions) stays flat. Run with a fixed heap
 * ({@code SPARSESEG_JAVA_OPTS="-Xms512m -Xmx512m"}) so heap growth does not blur it.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Segment a split's frames repeatedly (the engine, or with --job the streaming job); print fps "
                + "and resident memory as it goes.")
public final class SoakCommand implements Callable<Integer> {
    @Mixin
    DatasetOptions dataset;

    @Option(names = "--frames", defaultValue = "4000", description = "Frames to segment in all (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--every", defaultValue = "500", description = "Print a line every N frames (default: ${DEFAULT-VALUE}).")
    int every;

    @Option(names = "--resolution", paramLabel = "WxH", description = "Upscale the frames to this camera resolution "
            + "at run time (centre crop to its aspect ratio, bilinear), cycling --distinct of them (default: as stored).")
    String resolution;

    @Option(names = "--distinct", defaultValue = "8", description = "Frames upscaled with --resolution, taken evenly "
            + "from the split; bounds the memory (default: ${DEFAULT-VALUE}).")
    int distinct;

    @Option(names = "--job", description = "Run the streaming job in this process between topics of an in-process "
            + "Kafka broker (JPEG in, palette PNG out) instead of the bare engine.")
    boolean job;

    @Option(names = "--bad-every", paramLabel = "N", defaultValue = "0", description = "With --job: every Nth record is "
            + "broken (random bytes, a truncated JPEG, a JPEG declaring 20000x20000, text, in turn); 0 = none "
            + "(default: ${DEFAULT-VALUE}).")
    int badEvery;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() throws Exception {
        if (frames < 1 || every < 1 || badEvery < 0) {
            throw new IllegalArgumentException("--frames " + frames + " and --every " + every + " must be at least 1, "
                    + "--bad-every " + badEvery + " at least 0");
        }
        if (badEvery > 0 && !job) {
            throw new IllegalArgumentException("--bad-every " + badEvery + " needs --job");
        }
        DatasetSplit ds = dataset.open();
        int[] size = resolution == null ? null : BenchCommand.parseSize("--resolution", resolution);
        RgbFrame[] decoded = BenchCommand.sourceFrames(ds, size == null ? ds.size() : Math.max(1, distinct));
        for (int i = 0; size != null && i < decoded.length; i++) {
            decoded[i] = UpscaledFrames.frame(decoded[i], size[0], size[1]);
        }
        System.out.printf("soak: %d frames of %dx%d, cycled%n", decoded.length, decoded[0].width(), decoded[0].height());
        if (job) {
            byte[][] jpegs = new byte[decoded.length][];
            for (int i = 0; i < jpegs.length; i++) {
                jpegs[i] = Jpeg.encode(decoded[i].rgb(), decoded[i].width(), decoded[i].height());
            }
            return JobSoak.run(jpegs, frames, badEvery, every, engine.jobConfig());
        }
        try (Models models = Models.load(engine.config())) {
            Segmenter sparse = models.sparse();
            long start = System.nanoTime();
            long refined = 0;
            long windowRefined = 0;
            // Per line, the frames since the last one too: a latency budget's share and the JIT move over a run.
            double[] windowMs = new double[Math.min(every, frames)];
            int inWindow = 0;
            for (int i = 1; i <= frames; i++) {
                long t0 = System.nanoTime();
                long r = sparse.segment(decoded[(i - 1) % decoded.length]).refinedPixels();
                windowMs[inWindow++] = (System.nanoTime() - t0) / 1e6;
                refined += r;
                windowRefined += r;
                if (i % every == 0 || i == frames) {
                    double secs = (System.nanoTime() - start) / 1e9;
                    System.out.printf(Locale.ROOT, "frames %d, %.1f fps, refined %.1f%% (last %d: %.1f%%, ms p99 %.1f), "
                                    + "resident memory %s%n", i, i / secs, 100.0 * refined / ((long) i * decoded[0].pixels()),
                            inWindow, 100.0 * windowRefined / ((long) inWindow * decoded[0].pixels()),
                            Evaluation.percentile(Arrays.copyOf(windowMs, inWindow), 99), residentMemory());
                    windowRefined = 0;
                    inWindow = 0;
                }
            }
        }
        return 0;
    }

    /** VmRSS from /proc (Linux); "n/a" elsewhere. */
    static String residentMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) / 1024 + " MB";
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or an unexpected format: report nothing rather than fail the run
        }
        return "n/a";
    }
}
