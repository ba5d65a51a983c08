package dev.sparseseg.models.coarse;

/** Softmax entropy, {@code H = -sum p ln p}, computed stably from logits. */
public final class Entropy {
    private Entropy() {
    }

    /** Entropy of {@code n} logits at {@code v[off..]} with the given stride between classes. */
    public static float of(float[] v, int off, int stride, int n) {
        return softmax(v, off, stride, n, null, 0);
    }

    /**
     * As {@link #of}, also writing the softmax probabilities to {@code probs[probsOff ..
     * probsOff + n)} unless {@code probs} is null: one pass of exps serves both.
     */
    public static float softmax(float[] v, int off, int stride, int n, float[] probs, int probsOff) {
        float m = v[off];
        for (int c = 1; c < n; c++) {
            m = Math.max(m, v[off + c * stride]);
        }
        double s = 0;
        double t = 0;
        for (int c = 0; c < n; c++) {
            double z = v[off + c * stride] - m;
            double e = Math.exp(z);
            if (probs != null) {
                probs[probsOff + c] = (float) e;
            }
            s += e;
            t += e * z;
        }
        if (probs != null) {
            for (int c = 0; c < n; c++) {
                probs[probsOff + c] = (float) (probs[probsOff + c] / s);
            }
        }
        return (float) (Math.log(s) - t / s);
    }
}
