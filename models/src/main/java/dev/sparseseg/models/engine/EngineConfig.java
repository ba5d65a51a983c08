package dev.sparseseg.models.engine;

import dev.sparseseg.models.runtime.Device;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every engine setting in one typed place. {@code null} scale/threshold mean "what the
 * refiner's card says"; {@link #validate()} names the bad value. Serializable: it is what the
 * streaming job ships to its operators, which load their models with it on the TaskManager.
 *
 * @param models    directory of cards and ONNX files as a string (a {@link Path} is not
 *                  serializable; {@link #modelsDir()} gives the path); null = the bundled reference models
 * @param device    cpu or cuda[:N]
 * @param threads   ONNX Runtime intra-op threads of the segmenter (dense inference); 0 = decided
 *                  where the engine runs: the process's cores shared among its slots ({@link #forSlots(int)};
 *                  a Flink TaskManager's slots, one elsewhere)
 * @param sparseThreads threads of the refiner and ensembler, which run blocks of refined pixels
 *                  side by side (one ONNX Runtime thread per block); 0 = as many as the segmenter's
 * @param scale     coarse input scale in (0, 1]
 * @param threshold entropy threshold (nats) for selection
 * @param budget    most pixels refined per frame, 0 = unlimited
 * @param gridFactor selection grid = coarse grid upsampled this many times; null = the refiner card's
 * @param spin      let ONNX Runtime's pool threads spin between operators instead of sleeping:
 *                  a little faster when inference has the cores to itself, slower when decoding
 *                  and encoding threads share them (as in the streaming job), so off by default
 * @param latencyBudgetMs time per frame that sparse refinement fits into (the most uncertain
 *                  pixels that fit are refined, at the cost measured as it runs); 0 = none
 */
public record EngineConfig(String models, Device device, int threads, int sparseThreads, Double scale,
                           Double threshold, int budget, Integer gridFactor, boolean spin, double latencyBudgetMs)
        implements Serializable {

    public static final String SEGMENTER = "segmenter";
    public static final String REFINER = "refiner";
    public static final String ENSEMBLER = "ensembler";

    public static EngineConfig defaults() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new EngineConfig(null, Device.CPU, cores, cores, null, null, 0, null, false, 0);
    }

    /** The directory of cards and ONNX files; null = the bundled reference models. */
    public Path modelsDir() {
        return models == null ? null : Path.of(models);
    }

    public EngineConfig withModelsDir(Path dir) {
        return new EngineConfig(dir == null ? null : dir.toString(), device, threads, sparseThreads, scale, threshold, budget, gridFactor, spin, latencyBudgetMs);
    }

    public EngineConfig withDevice(Device d) {
        return new EngineConfig(models, d, threads, sparseThreads, scale, threshold, budget, gridFactor, spin, latencyBudgetMs);
    }

    public EngineConfig withThreads(int t) {
        return new EngineConfig(models, device, t, sparseThreads, scale, threshold, budget, gridFactor, spin, latencyBudgetMs);
    }

    public EngineConfig withSparseThreads(int t) {
        return new EngineConfig(models, device, threads, t, scale, threshold, budget, gridFactor, spin, latencyBudgetMs);
    }

    public EngineConfig withScale(Double s) {
        return new EngineConfig(models, device, threads, sparseThreads, s, threshold, budget, gridFactor, spin, latencyBudgetMs);
    }

    public EngineConfig withThreshold(Double t) {
        return new EngineConfig(models, device, threads, sparseThreads, scale, t, budget, gridFactor, spin, latencyBudgetMs);
    }

    public EngineConfig withBudget(int b) {
        return new EngineConfig(models, device, threads, sparseThreads, scale, threshold, b, gridFactor, spin, latencyBudgetMs);
    }

    public EngineConfig withGridFactor(Integer k) {
        return new EngineConfig(models, device, threads, sparseThreads, scale, threshold, budget, k, spin, latencyBudgetMs);
    }

    public EngineConfig withSpin(boolean on) {
        return new EngineConfig(models, device, threads, sparseThreads, scale, threshold, budget, gridFactor, on, latencyBudgetMs);
    }

    public EngineConfig withLatencyBudgetMs(double ms) {
        return new EngineConfig(models, device, threads, sparseThreads, scale, threshold, budget, gridFactor, spin, ms);
    }

    /**
     * The config for a process with {@code slots} slots (a Flink TaskManager's; 1 elsewhere):
     * threads 0 become the process's cores shared among its slots (at least 1), sparse threads 0
     * as many as the segmenter's. Validated.
     */
    public EngineConfig forSlots(int slots) {
        int perSlot = Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, slots));
        int t = threads > 0 ? threads : perSlot;
        return withThreads(t).withSparseThreads(sparseThreads > 0 ? sparseThreads : t).validate();
    }

    public EngineConfig validate() {
        if (models != null && !Files.isDirectory(modelsDir())) {
            throw new IllegalArgumentException("models directory " + models + " does not exist");
        }
        if (device == null) {
            throw new IllegalArgumentException("device is not set (cpu, cuda or cuda:N)");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads " + threads + " must be >= 0 (0 = decided where the engine runs)");
        }
        if (sparseThreads < 0) {
            throw new IllegalArgumentException("sparse threads " + sparseThreads + " must be >= 0 (0 = as many as the segmenter's)");
        }
        if (scale != null && !(scale > 0 && scale <= 1)) {
            throw new IllegalArgumentException("scale " + scale + " must be in (0, 1]");
        }
        if (threshold != null && !(threshold >= 0)) {
            throw new IllegalArgumentException("threshold " + threshold + " must be >= 0");
        }
        if (gridFactor != null && gridFactor < 1) {
            throw new IllegalArgumentException("grid factor " + gridFactor + " must be at least 1");
        }
        if (budget < 0) {
            throw new IllegalArgumentException("budget " + budget + " must be >= 0 (0 = unlimited)");
        }
        if (!(latencyBudgetMs >= 0) || Double.isInfinite(latencyBudgetMs)) {
            throw new IllegalArgumentException("latency budget " + latencyBudgetMs + " ms must be >= 0 (0 = none)");
        }
        return this;
    }
}
