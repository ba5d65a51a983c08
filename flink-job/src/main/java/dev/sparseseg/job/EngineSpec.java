package dev.sparseseg.job;

import dev.sparseseg.models.engine.EngineConfig;
import dev.sparseseg.models.runtime.Device;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * {@link EngineConfig} in a form Flink can ship to its operators (paths as strings): every
 * operator instance rebuilds the config and loads its own models in {@code open()}.
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

    public EngineConfig config() {
        return new EngineConfig(modelsDir == null ? null : Path.of(modelsDir), Device.parse(device), threads, sparseThreads,
                scale, threshold, budget, gridFactor, spin, latencyBudgetMs).validate();
    }
}
