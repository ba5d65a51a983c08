package dev.sparseseg.models.engine;

import dev.sparseseg.models.runtime.Device;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every engine setting in one typed place. {@code null} scale/threshold mean "what the
 * refiner's card says"; {@link #validate()} names the bad value.
 *
 * @param modelsDir directory of cards and ONNX files; null = the bundled reference models
 * @param device    cpu or cuda[:N]
 * @param threads   ONNX Runtime intra-op threads of the segmenter (dense inference)
 * @param sparseThreads intra-op threads of the refiner and ensembler; as many as the segmenter's
 *                  by default (with threads sleeping between operators, 2 threads beat 1 on
 *                  their [N, C] rows; with spinning threads 1 was faster)
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
public record EngineConfig(Path modelsDir, Device device, int threads, int sparseThreads, Double scale,
                           Double threshold, int budget, Integer gridFactor, boolean spin, double latencyBudgetMs) {

    public static final String SEGMENTER = "segmenter";
    public static final String REFINER = "refiner";
    public static final String ENSEMBLER = "ensembler";

    public static EngineConfig defaults() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new EngineConfig(null, Device.CPU, cores, cores, null, null, 0, null, false, 0);
    }

    public EngineConfig withModelsDir(Path dir) {
        return new EngineConfig(dir, device, threads, sparseThreads, scale, threshold, budget, gridFactor, spin, latencyBudgetMs);
    }

    public EngineConfig withDevice(Device d) {
        return new EngineConfig(modelsDir, d, threads, sparseThreads, scale, threshold, budget, gridFactor, spin, latencyBudgetMs);
    }

    public EngineConfig withThreads(int t) {
        return new EngineConfig(modelsDir, device, t, sparseThreads, scale, threshold, budget, gridFactor, spin, latencyBudgetMs);
    }

    public EngineConfig withSparseThreads(int t) {
        return new EngineConfig(modelsDir, device, threads, t, scale, threshold, budget, gridFactor, spin, latencyBudgetMs);
    }

    public EngineConfig withScale(Double s) {
        return new EngineConfig(modelsDir, device, threads, sparseThreads, s, threshold, budget, gridFactor, spin, latencyBudgetMs);
    }

    public EngineConfig withThreshold(Double t) {
        return new EngineConfig(modelsDir, device, threads, sparseThreads, scale, t, budget, gridFactor, spin, latencyBudgetMs);
    }

    public EngineConfig withBudget(int b) {
        return new EngineConfig(modelsDir, device, threads, sparseThreads, scale, threshold, b, gridFactor, spin, latencyBudgetMs);
    }

    public EngineConfig withGridFactor(Integer k) {
        return new EngineConfig(modelsDir, device, threads, sparseThreads, scale, threshold, budget, k, spin, latencyBudgetMs);
    }

    public EngineConfig withSpin(boolean on) {
        return new EngineConfig(modelsDir, device, threads, sparseThreads, scale, threshold, budget, gridFactor, on, latencyBudgetMs);
    }

    public EngineConfig withLatencyBudgetMs(double ms) {
        return new EngineConfig(modelsDir, device, threads, sparseThreads, scale, threshold, budget, gridFactor, spin, ms);
    }

    public EngineConfig validate() {
        if (modelsDir != null && !Files.isDirectory(modelsDir)) {
            throw new IllegalArgumentException("models directory " + modelsDir + " does not exist");
        }
        if (device == null) {
            throw new IllegalArgumentException("device is not set (cpu, cuda or cuda:N)");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads " + threads + " must be at least 1");
        }
        if (sparseThreads < 1) {
            throw new IllegalArgumentException("sparse threads " + sparseThreads + " must be at least 1");
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
