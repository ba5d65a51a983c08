package dev.sparseseg.cli;

import dev.sparseseg.models.engine.EngineConfig;
import dev.sparseseg.models.runtime.Device;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Engine options shared by every command that segments frames. */
public final class EngineOptions {
    @Mixin
    SharedOptions.Models models;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", description = "ONNX Runtime threads of the segmenter (default: all cores; in the streaming job, "
            + "each TaskManager's cores shared among its slots).")
    Integer threads;

    @Option(names = "--sparse-threads", description = "Threads of the refiner and ensembler: blocks of refined pixels side by side (default: as --threads).")
    Integer sparseThreads;

    @Option(names = "--scale", description = "Coarse input scale in (0,1] (default: the refiner card's).")
    Double scale;

    @Option(names = "--threshold", description = "Entropy threshold in nats (default: the refiner card's).")
    Double threshold;

    @Option(names = "--grid-factor", description = "Select on the coarse grid upsampled this many times (default: the refiner card's).")
    Integer gridFactor;

    @Option(names = "--budget", defaultValue = "0", description = "Most pixels refined per frame, 0 = no limit (default: ${DEFAULT-VALUE}).")
    int budget;

    @Option(names = "--latency-budget-ms", paramLabel = "MS", defaultValue = "0",
            description = "Time per frame that sparse refinement fits into: each frame refines the most uncertain "
                    + "pixels that fit, at the refinement cost measured as it runs; 0 = no budget (default: ${DEFAULT-VALUE}).")
    double latencyBudgetMs;

    @Option(names = "--spin", description = "Let ONNX Runtime's threads spin between operators: faster when "
            + "inference has the cores to itself, slower when decoding shares them (default: off).")
    boolean spin;

    /**
     * For the streaming job, which ships it to its operators: the models directory absolute (it
     * then means the same on a TaskManager whose working directory differs), and threads not
     * given left at 0, so that each TaskManager decides them from its own cores and slots
     * ({@link EngineConfig#forSlots}).
     */
    public EngineConfig jobConfig() {
        EngineConfig c = config();
        c = c.withModelsDir(c.modelsDir() == null ? null : c.modelsDir().toAbsolutePath());
        if (threads != null) {
            return c;
        }
        return c.withThreads(0).withSparseThreads(sparseThreads == null ? 0 : sparseThreads);
    }

    public EngineConfig config() {
        // EngineConfig takes 0 (decided where the engine runs); on the command line a count is at least 1.
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("threads " + threads + " must be at least 1");
        }
        if (sparseThreads != null && sparseThreads < 1) {
            throw new IllegalArgumentException("sparse threads " + sparseThreads + " must be at least 1");
        }
        EngineConfig c = EngineConfig.defaults()
                .withModelsDir(models.dir)
                .withDevice(Device.parse(device))
                .withScale(scale)
                .withThreshold(threshold)
                .withBudget(budget)
                .withGridFactor(gridFactor)
                .withSpin(spin)
                .withLatencyBudgetMs(latencyBudgetMs);
        if (threads != null) {
            c = c.withThreads(threads);
        }
        return c.withSparseThreads(sparseThreads != null ? sparseThreads : c.threads()).validate();
    }
}
