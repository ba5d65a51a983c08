package dev.sparseseg.models.refine;

import dev.sparseseg.models.card.ModelCard;
import dev.sparseseg.models.coarse.CoarseLogits;
import dev.sparseseg.models.image.RgbFrame;
import dev.sparseseg.models.runtime.OnnxModel;
import dev.sparseseg.models.runtime.PixelWork;
import dev.sparseseg.models.select.Selection;

import java.util.Arrays;

/**
 * Stage 3: refined logits for the selected pixels only. The ONNX refiner takes
 * {@code features [N, F]} and {@code coarse_logits [N, C]} (a point head), plus
 * {@code neighbours [N, 9]} for a submanifold sparse-conv refiner, and returns
 * {@code [N, C]}; its cost grows with N, not with the frame.
 */
public final class SparseRefiner {
    private final OnnxModel model;
    private final PixelWork work;
    private final PointFeaturizer featurizer;
    private final int classes;
    private final NeighbourTable neighbours;
    /** Feature rows, reused across frames: they go no further than the model's input buffer. */
    private float[] feats = new float[0];

    /**
     * @param segmenter the card of the coarse model whose logits this refiner was trained on
     *                  (its normalisation is reused for the RGB features)
     * @param work      threads that run a point refiner's blocks of rows side by side
     */
    public SparseRefiner(OnnxModel model, ModelCard segmenter, PixelWork work) {
        ModelCard card = model.card();
        if (!ModelCard.REFINER.equals(card.role)) {
            throw new IllegalArgumentException("model " + card.name + " has role " + card.role + ", not refiner");
        }
        this.classes = card.numClasses();
        model.require(classes == segmenter.numClasses(), "refiner has " + classes + " classes, coarse model "
                + segmenter.name + " has " + segmenter.numClasses());
        this.featurizer = new PointFeaturizer(card.patchSize, card.patchDilations, segmenter.mean, segmenter.std, classes,
                Boolean.TRUE.equals(card.cellSummary));
        int f = featurizer.featureCount();
        model.require(card.featureCount == f, "card says " + card.featureCount + " features, its patch and cell_summary settings give " + f);
        boolean sparseConv = card.sparseConvRefiner();
        model.require(card.kind == null || sparseConv || "point".equals(card.kind),
                "refiner kind \"" + card.kind + "\" is not point or sparseconv");
        int inputs = sparseConv ? 3 : 2;
        model.require(model.inputNames().size() == inputs, "expected inputs [features, coarse_logits"
                + (sparseConv ? ", neighbours" : "") + "], found " + model.inputNames());
        if (sparseConv) {
            model.require(matches(model.inputShape(model.inputNames().get(2)), 9),
                    "neighbours input is " + Arrays.toString(model.inputShape(model.inputNames().get(2))) + ", expected [N, 9]");
        }
        this.neighbours = sparseConv ? new NeighbourTable() : null;
        model.require(matches(model.inputShape(model.inputNames().get(0)), f),
                "features input is " + Arrays.toString(model.inputShape(model.inputNames().get(0))) + ", expected [N, " + f + "]");
        model.require(matches(model.inputShape(model.inputNames().get(1)), classes),
                "coarse_logits input is " + Arrays.toString(model.inputShape(model.inputNames().get(1))) + ", expected [N, " + classes + "]");
        model.require(matches(model.outputShape(model.outputNames().get(0)), classes),
                "output is " + Arrays.toString(model.outputShape(model.outputNames().get(0))) + ", expected [N, " + classes + "]");
        this.model = model;
        this.work = work;
    }

    /** [N, k] with N dynamic (or any) and k fixed. */
    static boolean matches(long[] shape, int k) {
        return shape.length == 2 && shape[1] == k;
    }

    public int featureCount() {
        return featurizer.featureCount();
    }

    /** The feature layout this refiner's card asks for. */
    public PointFeaturizer featurizer() {
        return featurizer;
    }

    public RefinedPixels refine(RgbFrame frame, CoarseLogits logits, Selection sel) {
        int n = sel.count();
        float[] coarse = new float[n * classes];
        if (n == 0) {
            return new RefinedPixels(sel, classes, coarse, new float[0]);
        }
        int f = featurizer.featureCount();
        if (feats.length < n * f) {
            feats = new float[n * f + n * f / 2];
        }
        featurizer.featurize(frame, logits, sel, feats, coarse);
        OnnxModel.Input[] in = neighbours == null
                ? new OnnxModel.Input[] {OnnxModel.Input.of(feats, n, f), OnnxModel.Input.of(coarse, n, classes)}
                : new OnnxModel.Input[] {OnnxModel.Input.of(feats, n, f), OnnxModel.Input.of(coarse, n, classes),
                        OnnxModel.Input.ofLongs(neighbours.build(sel, frame.width(), frame.height()), n, 9)};
        // A point refiner's rows are independent; a sparse-conv one's neighbours index all of them.
        float[] refined = neighbours == null ? model.runRows(in, n, classes, work) : model.run(in, new long[] {n, classes});
        return new RefinedPixels(sel, classes, coarse, refined);
    }
}
