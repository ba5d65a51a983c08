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

    /**
     * The smallest gap m between the two highest of {@code n} logits that guarantees an
     * entropy of at most {@code h}. With the top logit m above the rest, entropy is highest
     * when the other n - 1 are equal: {@code ln(1 + q) + q m / (1 + q)}, q = (n - 1) e^-m,
     * which falls as m grows; solved by bisection.
     */
    public static double marginBelow(double h, int n) {
        if (n < 2) {
            return 0;
        }
        if (h <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        double lo = 0, hi = 1;
        while (maxEntropy(hi, n) > h) {
            hi *= 2;
        }
        for (int i = 0; i < 60; i++) {
            double mid = (lo + hi) / 2;
            if (maxEntropy(mid, n) > h) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    /** Highest entropy of n logits whose top one is m above every other. */
    static double maxEntropy(double m, int n) {
        double q = (n - 1) * Math.exp(-m);
        return Math.log1p(q) + q * m / (1 + q);
    }
}
