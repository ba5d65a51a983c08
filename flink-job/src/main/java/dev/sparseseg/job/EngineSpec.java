package dev.sparseseg.job;

import dev.sparseseg.models.engine.EngineConfig;
import dev.sparseseg.models.runtime.Device;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * {@link EngineConfig} in a form Flink can ship to its operators (paths as strings): the
 * operators rebuild the config on the TaskManager and load their pipeline's models in
 * {@code open()}. Threads 0 = the TaskManager's cores shared among its slots, decided there
 * (not on the machine that submitted the job).
 */
public record EngineSpec(String modelsDir, String device, int threads, int sparseThreads, Double scale,
                         Double threshold, int budget, Integer gridFactor, boolean spin,
                         double latencyBudgetMs) implements Serializable {

    public static EngineSpec of(EngineConfig c) {
        c.validate();
        return new EngineSpec(c.modelsDir() == null ? null : c.modelsDir().toAbsolutePath().toString(),
                c.device().toString(), c.threads(), c.sparseThreads(), c.scale(), c.threshold(), c.budget(), c.gridFactor(), c.spin(),
                c.latencyBudgetMs());
    }

    /** With these ONNX Runtime threads; 0 leaves them to each TaskManager ({@link #config(int)}). */
    public EngineSpec withThreads(int segmenter, int sparse) {
        return new EngineSpec(modelsDir, device, segmenter, sparse, scale, threshold, budget, gridFactor, spin, latencyBudgetMs);
    }

    /** The config for a process of one slot. */
    public EngineConfig config() {
        return config(1);
    }

    /** The config on a TaskManager with {@code slots} slots: threads unset share its cores among them. */
    public EngineConfig config(int slots) {
        int perSlot = Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, slots));
        int t = threads > 0 ? threads : perSlot;
        return new EngineConfig(modelsDir == null ? null : Path.of(modelsDir), Device.parse(device), t,
                sparseThreads > 0 ? sparseThreads : t, scale, threshold, budget, gridFactor, spin, latencyBudgetMs).validate();
    }
}
