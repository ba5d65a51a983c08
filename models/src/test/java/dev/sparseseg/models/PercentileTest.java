package dev.sparseseg.models;

import dev.sparseseg.models.eval.Evaluation;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PercentileTest {
    @Test
    void nearestRank() {
        double[] v = new double[100];
        for (int i = 0; i < v.length; i++) {
            v[i] = 100 - i; // 100 .. 1, unsorted on purpose
        }
        assertEquals(99, Evaluation.percentile(v, 99));
        assertEquals(50, Evaluation.percentile(v, 50));
        assertEquals(100, Evaluation.percentile(v, 100));
        assertEquals(1, Evaluation.percentile(v, 0.5));
        // Fewer than 100 values: p99 is the largest.
        assertEquals(7, Evaluation.percentile(new double[] {3, 7, 5}, 99));
        assertTrue(Double.isNaN(Evaluation.percentile(new double[0], 99)));
    }
}
