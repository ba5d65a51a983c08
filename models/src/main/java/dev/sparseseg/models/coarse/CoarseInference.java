package dev.sparseseg.models.coarse;

import dev.sparseseg.models.card.ModelCard;
import dev.sparseseg.models.image.Preprocess;
import dev.sparseseg.models.image.RgbFrame;
import dev.sparseseg.models.runtime.OnnxModel;
import dev.sparseseg.models.runtime.PixelWork;

/**
 * Stage 1: dense segmentation of the frame scaled by {@code scale} (1.0 = the dense
 * full-resolution baseline), each side rounded to the nearest multiple of the card's
 * {@code input_multiple}. Any ONNX model taking {@code [1,3,H,W]} and returning
 * {@code [1,C,h,w]} logits, with a segmenter card, can serve.
 */
public final class CoarseInference {
    private final OnnxModel model;
    private final double scale;
    private final float[] mean;
    private final float[] std;
    private final int classes;
    private final PixelWork work;
    private final int multiple;
    private float[] input;
    private GridMapping mapping;

    public CoarseInference(OnnxModel model, double scale) {
        this(model, scale, PixelWork.SERIAL);
    }

    /** @param work threads for resizing the frame and for the per-pixel work on its logits */
    public CoarseInference(OnnxModel model, double scale, PixelWork work) {
        ModelCard card = model.card();
        if (!ModelCard.SEGMENTER.equals(card.role)) {
            throw new IllegalArgumentException("model " + card.name + " has role " + card.role + ", not segmenter");
        }
        if (!(scale > 0 && scale <= 1)) {
            throw new IllegalArgumentException("coarse scale " + scale + " must be in (0, 1]");
        }
        this.model = model;
        this.scale = scale;
        this.mean = card.mean;
        this.std = card.std;
        this.classes = card.numClasses();
        this.work = work;
        this.multiple = card.sideMultiple();
        verifyShapes(model);
    }

    /** Refuses models whose declared or probed shapes disagree with the card. */
    static void verifyShapes(OnnxModel model) {
        model.require(model.inputNames().size() == 1, "expected one input, found " + model.inputNames());
        long[] in = model.inputShape(model.inputNames().get(0));
        model.require(in.length == 4 && (in[1] == 3 || in[1] < 0),
                "input must be [N,3,H,W], found " + java.util.Arrays.toString(in));
        long[] out = model.outputShape(model.outputNames().get(0));
        int classes = model.card().numClasses();
        model.require(out.length == 4, "output must be [N,C,h,w] logits, found " + java.util.Arrays.toString(out));
        model.require(out[1] < 0 || out[1] == classes,
                "output has " + out[1] + " channels but the card lists " + classes + " classes");
        // Dynamic channel axes are only known after a run: probe with a small input.
        long[][] shape = new long[1][];
        long h = in[2] > 0 ? in[2] : 64, w = in[3] > 0 ? in[3] : 64;
        model.run(new float[][] {new float[(int) (3 * h * w)]}, new long[][] {{1, 3, h, w}}, null, shape);
        model.require(shape[0].length == 4 && shape[0][1] == classes,
                "output shape " + java.util.Arrays.toString(shape[0]) + " does not give " + classes + " class channels");
    }

    public double scale() {
        return scale;
    }

    public int classes() {
        return classes;
    }

    public OnnxModel model() {
        return model;
    }

    public CoarseLogits infer(RgbFrame frame) {
        // The reference segmenter adds each decoder level to the level below upsampled to its size:
        // sides that are not a multiple of its stride shift one against the other (camvid val at
        // 0.5x: 61.30 mIoU at 240x180, 64.40 at 256x192).
        int w = Preprocess.scaledSide(frame.width(), scale, multiple);
        int h = Preprocess.scaledSide(frame.height(), scale, multiple);
        input = Preprocess.toTensor(frame, w, h, mean, std, input, work);
        long[][] outShape = new long[1][];
        float[] logits = model.run(new float[][] {input}, new long[][] {{1, 3, h, w}}, null, outShape);
        long[] s = outShape[0];
        if (s[1] != classes) {
            throw new IllegalStateException(model.file() + " returned " + s[1] + " channels, card says " + classes);
        }
        int gw = (int) s[3];
        int gh = (int) s[2];
        if (mapping == null || !mapping.fits(frame.width(), frame.height(), gw, gh)) {
            mapping = new GridMapping(frame.width(), frame.height(), gw, gh);
        }
        return new CoarseLogits(logits, classes, mapping, work);
    }
}
