package dev.sparseseg.models.engine;

import dev.sparseseg.models.card.ModelLoadException;
import dev.sparseseg.models.card.ModelSource;
import dev.sparseseg.models.coarse.CoarseInference;
import dev.sparseseg.models.fuse.GatedEnsembler;
import dev.sparseseg.models.refine.SparseRefiner;
import dev.sparseseg.models.runtime.OnnxModel;
import dev.sparseseg.models.select.EntropySelector;
import dev.sparseseg.models.select.LatencyBudget;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference models (segmenter, refiner, ensembler) loaded once, and the segmenters built
 * on them. The segmenter is one multi-scale model: the coarse model at the refiner's scale and
 * the dense-full baseline at scale 1. An operating point of the refiner's card may name a
 * model set of its own (a folder beside the card), which then serves every mode for frames of
 * that point's size. Every set is loaded and checked here, so that a bad one fails at start.
 * Closing this closes every ONNX session.
 *
 * <p>Not thread-safe: the sessions reuse their input buffers, and every stage or segmenter
 * built here shares them. Use one {@code Models} per thread (per operator instance).
 */
public final class Models implements AutoCloseable {
    private final EngineConfig config;
    private final ModelSource source;
    private final ModelSet main;
    private final List<OperatingPoint> points;
    /** The model sets that operating points name, by name. */
    private final Map<String, ModelSet> sets = new HashMap<>();
    private final Map<OperatingPoint, EntropySelector> selectorByPoint = new HashMap<>();

    private Models(EngineConfig config, ModelSource source, ModelSet main) {
        this.config = config;
        this.source = source;
        this.main = main;
        this.points = OperatingPoint.of(main.refiner.card()).stream().map(p -> p.override(config)).toList();
        try {
            for (OperatingPoint p : points) {
                if (p.modelSet() != null && !sets.containsKey(p.modelSet())) {
                    sets.put(p.modelSet(), loadSet(p.modelSet()));
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Loads the models of {@code config}; threads it leaves at 0 are all this process's cores ({@link EngineConfig#forSlots}). */
    public static Models load(EngineConfig config) {
        config = config.forSlots(1);
        ModelSource src = ModelSource.of(config.modelsDir());
        return new Models(config, src, ModelSet.load(src, config));
    }

    public EngineConfig config() {
        return config;
    }

    /**
     * The operating point for frames of {@code width x height}: the refiner card's point
     * nearest that size, its scale fitted to the frame ({@link OperatingPoint#forFrame}), with
     * any scale, threshold or grid factor the config sets instead.
     */
    public OperatingPoint operatingPoint(int width, int height) {
        OperatingPoint p = OperatingPoint.nearest(points, width, height);
        return config.scale() != null ? p : p.forFrame(width, height);
    }

    /** Stage 1 at the operating point of this frame size. */
    public CoarseInference coarseFor(int width, int height) {
        OperatingPoint p = operatingPoint(width, height);
        return setFor(p).coarse(p.scale());
    }

    /** Stage 2 at the operating point of this frame size (cached per point). */
    public EntropySelector selectorFor(int width, int height) {
        return selectorFor(operatingPoint(width, height));
    }

    /** Stage 3 of the model set that serves this frame size. */
    public SparseRefiner refinerFor(int width, int height) {
        return setFor(operatingPoint(width, height)).refinerStage();
    }

    /** Stage 4 of the model set that serves this frame size. */
    public GatedEnsembler ensemblerFor(int width, int height) {
        return setFor(operatingPoint(width, height)).ensemblerStage();
    }

    /** The name of the segmenter (its card's) that serves frames of this size. */
    public String segmenterName(int width, int height) {
        return setFor(operatingPoint(width, height)).segmenter.card().name;
    }

    /** The segmenter of the card's own set (device, classes, palette: every set has the same classes and colours). */
    public OnnxModel segmenterModel() {
        return main.segmenter;
    }

    public int classes() {
        return main.segmenter.card().numClasses();
    }

    public String[] classNames() {
        return main.segmenter.card().classes.stream().map(c -> c.name).toArray(String[]::new);
    }

    /** Stage 1 on the card's own segmenter at {@code scale}, for every frame size. */
    public CoarseInference coarse(double scale) {
        return main.coarse(scale);
    }

    /** A fresh latency budget per frame, or null when the config sets none. */
    public LatencyBudget latencyBudget() {
        return config.latencyBudgetMs() > 0 ? new LatencyBudget(config.latencyBudgetMs()) : null;
    }

    /** Stage 3 of the card's own set. */
    public SparseRefiner refiner() {
        return main.refinerStage();
    }

    /** Stage 4 of the card's own set. */
    public GatedEnsembler ensembler() {
        return main.ensemblerStage();
    }

    /** Dense inference at full resolution (the baseline), by the set that serves each frame's size. */
    public Segmenter denseFull() {
        return dense(1.0);
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
        return frame -> {
            OperatingPoint p = operatingPoint(frame.width(), frame.height());
            return engine(p, selectorFor(p), latency).segment(frame);
        };
    }

    /** Dense inference at {@code scale} for every frame, upsampled, by the set that serves each frame's size (sweeps). */
    public Segmenter dense(double scale) {
        return frame -> new DenseSegmenter(setFor(operatingPoint(frame.width(), frame.height())).coarse(scale)).segment(frame);
    }

    /** SparseRefine at one operating point (and its model set) for every frame, within {@code latency} if not null (sweeps). */
    public Segmenter sparse(OperatingPoint p, LatencyBudget latency) {
        return engine(p, new EntropySelector(p.threshold(), config.budget(), p.gridFactor()), latency);
    }

    private SparseRefineEngine engine(OperatingPoint p, EntropySelector selector, LatencyBudget latency) {
        ModelSet set = setFor(p);
        return new SparseRefineEngine(set.coarse(p.scale()), selector, set.refinerStage(), set.ensemblerStage(), latency);
    }

    private EntropySelector selectorFor(OperatingPoint p) {
        return selectorByPoint.computeIfAbsent(p, q -> new EntropySelector(q.threshold(), config.budget(), q.gridFactor()));
    }

    private ModelSet setFor(OperatingPoint p) {
        // Points of a card have their sets loaded; a point built elsewhere (sweeps) may name only those.
        ModelSet set = p.modelSet() == null ? main : sets.get(p.modelSet());
        if (set == null) {
            throw new IllegalArgumentException("model set \"" + p.modelSet() + "\" is not one the refiner card's points name");
        }
        return set;
    }

    private ModelSet loadSet(String name) {
        String named = "model set \"" + name + "\" (an operating point of " + source.describe(EngineConfig.REFINER + ".card.json") + ")";
        ModelSet set;
        try {
            set = ModelSet.load(source.set(name), config);
        } catch (ModelLoadException e) {
            throw new ModelLoadException(named + ": " + e.getMessage(), e);
        }
        List<String> want = List.of(classNames());
        List<String> got = set.segmenter.card().classes.stream().map(c -> c.name).toList();
        if (!want.equals(got) || !Arrays.equals(main.segmenter.card().palette(), set.segmenter.card().palette())) {
            set.close();
            throw new ModelLoadException(named + " has classes " + got + " or their colours unlike the card's own set's " + want);
        }
        return set;
    }

    @Override
    public void close() {
        main.close();
        sets.values().forEach(ModelSet::close);
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
