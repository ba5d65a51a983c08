package dev.sparseseg.models.select;

/** Softmax entropy, {@code H = -sum p ln p}, computed stably from logits. */
public final class Entropy {
    private Entropy() {
    }

    /** Entropy of {@code n} logits at {@code v[off..]} with the given stride between classes. */
    public static float of(float[] v, int off, int stride, int n) {
        float m = v[off];
        for (int c = 1; c < n; c++) {
            m = Math.max(m, v[off + c * stride]);
        }
        double s = 0;
        double t = 0;
        for (int c = 0; c < n; c++) {
            double z = v[off + c * stride] - m;
            double e = Math.exp(z);
            s += e;
            t += e * z;
        }
        return (float) (Math.log(s) - t / s);
    }
}
