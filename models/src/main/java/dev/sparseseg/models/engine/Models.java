package dev.sparseseg.models.engine;

import dev.sparseseg.models.card.ModelSource;
import dev.sparseseg.models.coarse.CoarseInference;
import dev.sparseseg.models.fuse.GatedEnsembler;
import dev.sparseseg.models.refine.SparseRefiner;
import dev.sparseseg.models.runtime.OnnxModel;
import dev.sparseseg.models.runtime.PixelWork;
import dev.sparseseg.models.select.EntropySelector;
import dev.sparseseg.models.select.LatencyBudget;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    private final List<OperatingPoint> points;
    /** Stages per operating point, built when a frame of that size first comes. */
    private final Map<Double, CoarseInference> coarseByScale = new HashMap<>();
    private final Map<OperatingPoint, EntropySelector> selectorByPoint = new HashMap<>();

    private Models(EngineConfig config, OnnxModel segmenter, OnnxModel refiner, OnnxModel ensembler) {
        this.config = config;
        this.segmenter = segmenter;
        this.refiner = refiner;
        this.ensembler = ensembler;
        this.points = OperatingPoint.of(refiner.card()).stream().map(p -> p.override(config)).toList();
    }

    /** Loads the models of {@code config}; threads it leaves at 0 are all this process's cores ({@link EngineConfig#forSlots}). */
    public static Models load(EngineConfig config) {
        config = config.forSlots(1);
        ModelSource src = ModelSource.of(config.modelsDir());
        OnnxModel seg = null;
        OnnxModel ref = null;
        OnnxModel ens = null;
        try {
            seg = OnnxModel.load(src, EngineConfig.SEGMENTER, config.device(), config.threads(), config.spin());
            // A point refiner and the ensembler run blocks of rows on sparseThreads threads of their
            // own, one ONNX Runtime thread each; a sparse-conv refiner sees all rows in one call.
            boolean pointRefiner = !src.card(EngineConfig.REFINER).sparseConvRefiner();
            ref = OnnxModel.load(src, EngineConfig.REFINER, config.device(), pointRefiner ? 1 : config.sparseThreads(), config.spin());
            ens = OnnxModel.load(src, EngineConfig.ENSEMBLER, config.device(), 1, config.spin());
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

    /**
     * The operating point for frames of {@code width x height}: the refiner card's point
     * nearest that size, with any scale, threshold or grid factor the config sets instead.
     */
    public OperatingPoint operatingPoint(int width, int height) {
        return OperatingPoint.nearest(points, width, height);
    }

    /** Stage 1 at the operating point of this frame size (cached per scale). */
    public CoarseInference coarseFor(int width, int height) {
        return coarseByScale.computeIfAbsent(operatingPoint(width, height).scale(), this::coarse);
    }

    /** Stage 2 at the operating point of this frame size (cached per point). */
    public EntropySelector selectorFor(int width, int height) {
        return selectorByPoint.computeIfAbsent(operatingPoint(width, height),
                p -> new EntropySelector(p.threshold(), config.budget(), p.gridFactor()));
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

    /** Stage 3. */
    public SparseRefiner refiner() {
        return new SparseRefiner(refiner, segmenter.card(), PixelWork.of(config.sparseThreads()));
    }

    /** Stage 4. */
    public GatedEnsembler ensembler() {
        return new GatedEnsembler(ensembler, classes(), PixelWork.of(config.sparseThreads()));
    }

    /** Dense inference at full resolution (the baseline). */
    public Segmenter denseFull() {
        return new DenseSegmenter(coarse(1.0));
    }

    /** Dense inference at the coarse scale of each frame's operating point, upsampled. */
    public Segmenter denseLow() {
        return frame -> new DenseSegmenter(coarseFor(frame.width(), frame.height())).segment(frame);
    }

    /** SparseRefine at each frame's operating point, within the config's latency budget if it sets one. */
    public Segmenter sparse() {
        return sparse(latencyBudget());
    }

    /** SparseRefine at each frame's operating point, within {@code latency} if not null. */
    public Segmenter sparse(LatencyBudget latency) {
        SparseRefiner r = refiner();
        GatedEnsembler e = ensembler();
        return frame -> new SparseRefineEngine(coarseFor(frame.width(), frame.height()),
                selectorFor(frame.width(), frame.height()), r, e, latency).segment(frame);
    }

    /** Dense inference at {@code scale} for every frame, upsampled (sweeps). */
    public Segmenter dense(double scale) {
        return new DenseSegmenter(coarse(scale));
    }

    /** SparseRefine at one operating point for every frame, within {@code latency} if not null (sweeps). */
    public Segmenter sparse(OperatingPoint p, LatencyBudget latency) {
        return new SparseRefineEngine(coarse(p.scale()), new EntropySelector(p.threshold(), config.budget(), p.gridFactor()),
                refiner(), ensembler(), latency);
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
