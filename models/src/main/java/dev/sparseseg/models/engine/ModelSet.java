package dev.sparseseg.models.engine;

import dev.sparseseg.models.card.ModelSource;
import dev.sparseseg.models.coarse.CoarseInference;
import dev.sparseseg.models.fuse.GatedEnsembler;
import dev.sparseseg.models.refine.SparseRefiner;
import dev.sparseseg.models.runtime.OnnxModel;
import dev.sparseseg.models.runtime.PixelWork;

import java.util.HashMap;
import java.util.Map;

/**
 * One segmenter, refiner and ensembler loaded together, with the stages built on them
 * (coarse inference per scale, one refiner and one ensembler stage). Closing it closes its
 * ONNX sessions. Not thread-safe, like {@link Models}.
 */
final class ModelSet implements AutoCloseable {
    final OnnxModel segmenter;
    final OnnxModel refiner;
    final OnnxModel ensembler;
    private final EngineConfig config;
    private final Map<Double, CoarseInference> coarseByScale = new HashMap<>();
    private SparseRefiner refinerStage;
    private GatedEnsembler ensemblerStage;

    private ModelSet(EngineConfig config, OnnxModel segmenter, OnnxModel refiner, OnnxModel ensembler) {
        this.config = config;
        this.segmenter = segmenter;
        this.refiner = refiner;
        this.ensembler = ensembler;
    }

    static ModelSet load(ModelSource src, EngineConfig config) {
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
            ModelSet set = new ModelSet(config, seg, ref, ens);
            // Built now, so that a card and its ONNX file that disagree fail the load, not the first frame.
            set.coarse(1.0);
            set.refinerStage();
            set.ensemblerStage();
            return set;
        } catch (RuntimeException e) {
            Models.closeQuietly(seg);
            Models.closeQuietly(ref);
            Models.closeQuietly(ens);
            throw e;
        }
    }

    /** Stage 1 at {@code scale}, built once per scale; per-pixel work on the segmenter's threads. */
    CoarseInference coarse(double scale) {
        return coarseByScale.computeIfAbsent(scale, s -> new CoarseInference(segmenter, s, PixelWork.of(config.threads())));
    }

    /** Stage 3, built once. */
    SparseRefiner refinerStage() {
        if (refinerStage == null) {
            refinerStage = new SparseRefiner(refiner, segmenter.card(), PixelWork.of(config.sparseThreads()));
        }
        return refinerStage;
    }

    /** Stage 4, built once. */
    GatedEnsembler ensemblerStage() {
        if (ensemblerStage == null) {
            ensemblerStage = new GatedEnsembler(ensembler, segmenter.card().numClasses(), PixelWork.of(config.sparseThreads()));
        }
        return ensemblerStage;
    }

    @Override
    public void close() {
        Models.closeQuietly(segmenter);
        Models.closeQuietly(refiner);
        Models.closeQuietly(ensembler);
    }
}
