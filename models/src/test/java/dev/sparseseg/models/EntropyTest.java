package dev.sparseseg.models;

import dev.sparseseg.models.coarse.Entropy;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EntropyTest {
    @Test
    void uniformLogitsHaveEntropyLnC() {
        assertEquals(Math.log(11), Entropy.of(new float[11], 0, 1, 11), 1e-6);
    }

    @Test
    void twoClassCaseMatchesHandComputation() {
        // p = (0.25, 0.75): H = -(0.25 ln 0.25 + 0.75 ln 0.75) = 0.562335
        float[] logits = {0f, (float) Math.log(3)};
        assertEquals(0.562335, Entropy.of(logits, 0, 1, 2), 1e-5);
    }

    @Test
    void confidentLogitsHaveNearZeroEntropyAndLargeValuesDoNotOverflow() {
        assertEquals(0.0, Entropy.of(new float[] {1000f, 0f, 0f}, 0, 1, 3), 1e-6);
        assertEquals(Math.log(2), Entropy.of(new float[] {5000f, 5000f}, 0, 1, 2), 1e-6);
    }

    @Test
    void stridedReadPicksChannelsOfOneCell() {
        // Two cells, two classes, planar layout [c0 cell0, c0 cell1, c1 cell0, c1 cell1]
        float[] planar = {0f, 9f, 0f, -9f};
        assertEquals(Math.log(2), Entropy.of(planar, 0, 2, 2), 1e-6);
        assertEquals(0.0, Entropy.of(planar, 1, 2, 2), 1e-6);
    }

    @Test
    void marginBelowBoundsTheEntropyOfEveryDistributionWithThatMargin() {
        java.util.Random rnd = new java.util.Random(11);
        for (double h : new double[] {0.05, 0.3, 0.6, 1.0}) {
            double m = Entropy.marginBelow(h, 11);
            // Tight: the top logit m above ten equal others has entropy h.
            float[] even = new float[11];
            even[0] = (float) m;
            assertEquals(h, Entropy.of(even, 0, 1, 11), 1e-4);
            for (int t = 0; t < 20000; t++) {
                float[] z = new float[11];
                z[0] = (float) m;
                for (int c = 1; c < 11; c++) {
                    z[c] = (float) -(rnd.nextDouble() * rnd.nextDouble() * 8);
                }
                assertEquals(true, Entropy.of(z, 0, 1, 11) <= h + 1e-5, "margin " + m + " exceeded " + h);
            }
        }
        assertEquals(0.0, Entropy.marginBelow(0.3, 1));
        assertEquals(Double.POSITIVE_INFINITY, Entropy.marginBelow(0, 11));
    }
}
