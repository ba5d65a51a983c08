package dev.sparseseg.models.engine;

import dev.sparseseg.models.card.ModelSource;
import dev.sparseseg.models.coarse.CoarseInference;
import dev.sparseseg.models.fuse.GatedEnsembler;
import dev.sparseseg.models.refine.SparseRefiner;
import dev.sparseseg.models.runtime.OnnxModel;
import dev.sparseseg.models.runtime.PixelWork;
import dev.sparseseg.models.select.EntropySelector;
import dev.sparseseg.models.select.LatencyBudget;

/**
 * The three reference models (segmenter, refiner, ensembler) loaded once, and the
 * segmenters built on them. The segmenter is one multi-scale model: the coarse model at
 * the refiner's scale and the dense-full baseline at scale 1. Closing it closes every
 * ONNX session.
 *
 * <p>Not thread-safe: the sessions reuse their input buffers, and every stage or segmenter
 * built here shares them. Use one {@code Models} per thread (per operator instance).
 */
public final class Models implements AutoCloseable {
    private final EngineConfig config;
    private final OnnxModel segmenter;
    private final OnnxModel refiner;
    private final OnnxModel ensembler;

    private Models(EngineConfig config, OnnxModel segmenter, OnnxModel refiner, OnnxModel ensembler) {
        this.config = config;
        this.segmenter = segmenter;
        this.refiner = refiner;
        this.ensembler = ensembler;
    }

    public static Models load(EngineConfig config) {
        config.validate();
        ModelSource src = config.modelsDir() == null ? ModelSource.bundled() : ModelSource.directory(config.modelsDir());
        OnnxModel seg = null;
        OnnxModel ref = null;
        OnnxModel ens = null;
        try {
            seg = OnnxModel.load(src, EngineConfig.SEGMENTER, config.device(), config.threads(), config.spin());
            ref = OnnxModel.load(src, EngineConfig.REFINER, config.device(), config.sparseThreads(), config.spin());
            ens = OnnxModel.load(src, EngineConfig.ENSEMBLER, config.device(), config.sparseThreads(), config.spin());
            return new Models(config, seg, ref, ens);
        } catch (RuntimeException e) {
            closeQuietly(seg);
            closeQuietly(ref);
            closeQuietly(ens);
            throw e;
        }
    }

    public EngineConfig config() {
        return config;
    }

    /** Coarse input scale: the config's, else the one the refiner was trained for. */
    public double scale() {
        return config.scale() != null ? config.scale() : refiner.card().coarseScale;
    }

    public double threshold() {
        return config.threshold() != null ? config.threshold() : refiner.card().entropyThreshold;
    }

    public OnnxModel segmenterModel() {
        return segmenter;
    }

    public int classes() {
        return segmenter.card().numClasses();
    }

    public String[] classNames() {
        return segmenter.card().classes.stream().map(c -> c.name).toArray(String[]::new);
    }

    /** Stage 1 on the shared segmenter session, at {@code scale}; per-pixel work on the segmenter's threads. */
    public CoarseInference coarse(double scale) {
        return new CoarseInference(segmenter, scale, PixelWork.of(config.threads()));
    }

    /** A fresh latency budget per frame, or null when the config sets none. */
    public LatencyBudget latencyBudget() {
        return config.latencyBudgetMs() > 0 ? new LatencyBudget(config.latencyBudgetMs()) : null;
    }

    /** Selection grid factor: the config's, else the refiner card's, else 1. */
    public int gridFactor() {
        Integer k = config.gridFactor() != null ? config.gridFactor() : refiner.card().selectionGridFactor;
        return k != null ? k : 1;
    }

    /** Stage 2 at the configured operating point. */
    public EntropySelector selector() {
        return new EntropySelector(threshold(), config.budget(), gridFactor());
    }

    /** Stage 3. */
    public SparseRefiner refiner() {
        return new SparseRefiner(refiner, segmenter.card());
    }

    /** Stage 4. */
    public GatedEnsembler ensembler() {
        return new GatedEnsembler(ensembler, classes());
    }

    /** Dense inference at full resolution (the baseline). */
    public Segmenter denseFull() {
        return new DenseSegmenter(coarse(1.0));
    }

    /** Dense inference at the coarse scale, upsampled. */
    public Segmenter denseLow() {
        return new DenseSegmenter(coarse(scale()));
    }

    public Segmenter sparse() {
        return new SparseRefineEngine(coarse(scale()), selector(), refiner(), ensembler(), latencyBudget());
    }

    /** SparseRefine at another operating point (threshold sweeps). */
    public Segmenter sparse(double threshold, int budget) {
        return new SparseRefineEngine(coarse(scale()), new EntropySelector(threshold, budget, gridFactor()), refiner(), ensembler());
    }

    @Override
    public void close() {
        closeQuietly(segmenter);
        closeQuietly(refiner);
        closeQuietly(ensembler);
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // closing is best effort; nothing useful to report
        }
    }
}
