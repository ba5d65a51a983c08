package dev.sparseseg.models.eval;

import dev.sparseseg.models.image.LabelMap;

/**
 * Pixel confusion over a split: rows = truth, columns = prediction. Truth labels
 * outside 0..C-1 (CamVid's 11, "unlabelled") are ignored. IoU = TP / (TP + FP + FN).
 */
public final class ConfusionMatrix {
    private final int classes;
    private final long[] counts;

    public ConfusionMatrix(int classes) {
        this.classes = classes;
        this.counts = new long[classes * classes];
    }

    public void add(LabelMap predicted, LabelMap truth) {
        if (predicted.width() != truth.width() || predicted.height() != truth.height()) {
            throw new IllegalArgumentException("prediction is " + predicted.width() + "x" + predicted.height()
                    + ", ground truth " + truth.width() + "x" + truth.height());
        }
        byte[] p = predicted.labels();
        byte[] t = truth.labels();
        for (int i = 0; i < t.length; i++) {
            int gt = t[i] & 0xFF;
            if (gt < classes) {
                int pr = p[i] & 0xFF;
                if (pr >= classes) {
                    throw new IllegalArgumentException("predicted class " + pr + " outside 0.." + (classes - 1));
                }
                counts[gt * classes + pr]++;
            }
        }
    }

    public long count(int truth, int predicted) {
        return counts[truth * classes + predicted];
    }

    /** IoU per class in percent; NaN for a class absent from both truth and prediction. */
    public double[] iou() {
        double[] iou = new double[classes];
        for (int c = 0; c < classes; c++) {
            long tp = count(c, c);
            long fn = 0;
            long fp = 0;
            for (int k = 0; k < classes; k++) {
                if (k != c) {
                    fn += count(c, k);
                    fp += count(k, c);
                }
            }
            long denom = tp + fp + fn;
            iou[c] = denom == 0 ? Double.NaN : 100.0 * tp / denom;
        }
        return iou;
    }

    /** Mean IoU in percent over classes that occur. */
    public double miou() {
        double sum = 0;
        int n = 0;
        for (double v : iou()) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
