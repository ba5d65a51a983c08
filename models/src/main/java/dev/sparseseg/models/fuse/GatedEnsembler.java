package dev.sparseseg.models.fuse;

import dev.sparseseg.models.card.ModelCard;
import dev.sparseseg.models.coarse.CoarseLogits;
import dev.sparseseg.models.image.LabelMap;
import dev.sparseseg.models.refine.RefinedPixels;
import dev.sparseseg.models.runtime.OnnxModel;
import dev.sparseseg.models.runtime.PixelWork;

import java.util.Arrays;

/**
 * Stage 4: the learned gate. The ONNX ensembler maps {@code coarse_logits [N, C]} and
 * {@code refined_logits [N, C]} to fused logits; selected pixels take their argmax,
 * every other pixel keeps the (bilinear-upsampled) coarse prediction.
 */
public final class GatedEnsembler {
    private final OnnxModel model;
    private final int classes;
    private final PixelWork work;

    /** @param work threads that run blocks of rows side by side */
    public GatedEnsembler(OnnxModel model, int classes, PixelWork work) {
        ModelCard card = model.card();
        if (!ModelCard.ENSEMBLER.equals(card.role)) {
            throw new IllegalArgumentException("model " + card.name + " has role " + card.role + ", not ensembler");
        }
        model.require(card.numClasses() == classes, "ensembler has " + card.numClasses() + " classes, expected " + classes);
        model.require(model.inputNames().size() == 2, "expected inputs [coarse_logits, refined_logits], found " + model.inputNames());
        for (String in : model.inputNames()) {
            long[] s = model.inputShape(in);
            model.require(s.length == 2 && s[1] == classes, "input " + in + " is " + Arrays.toString(s) + ", expected [N, " + classes + "]");
        }
        long[] out = model.outputShape(model.outputNames().get(0));
        model.require(out.length == 2 && out[1] == classes, "output is " + Arrays.toString(out) + ", expected [N, " + classes + "]");
        this.model = model;
        this.classes = classes;
        this.work = work;
    }

    /** Fused logits {@code [N, C]} of the refined pixels. */
    public float[] fuseLogits(RefinedPixels r) {
        int n = r.selection().count();
        if (n == 0) {
            return new float[0];
        }
        return model.runRows(new OnnxModel.Input[] {OnnxModel.Input.of(r.coarse(), n, classes),
                OnnxModel.Input.of(r.refined(), n, classes)}, n, classes, work);
    }

    /** The full-resolution label map: coarse everywhere, fused logits at the refined pixels. */
    public LabelMap fuse(CoarseLogits logits, RefinedPixels r) {
        return labels(logits, r, fuseLogits(r));
    }

    /**
     * The label map from logits already fused by {@link #fuseLogits}: the part of fusion
     * whose cost follows the frame, not the refined pixels.
     */
    public LabelMap labels(CoarseLogits logits, RefinedPixels r, float[] fused) {
        int w = logits.mapping().frameW;
        int h = logits.mapping().frameH;
        byte[] labels = new byte[w * h];
        // Pixels of refined cells are overwritten below: skip their upsampling.
        logits.upsampleArgmax(labels, r.selection().cells(), r.selection().grid());
        int[] px = r.selection().pixels();
        for (int i = 0; i < r.selection().count(); i++) {
            labels[px[i]] = (byte) CoarseLogits.argmax(fused, i * classes, classes);
        }
        return new LabelMap(w, h, labels);
    }
}
