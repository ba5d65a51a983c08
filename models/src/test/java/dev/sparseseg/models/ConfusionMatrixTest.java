package dev.sparseseg.models;

import dev.sparseseg.models.eval.ConfusionMatrix;
import dev.sparseseg.models.image.LabelMap;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfusionMatrixTest {
    @Test
    void iouAndMeanFollowTheCamVidDefinition() {
        ConfusionMatrix m = new ConfusionMatrix(3);
        // truth:  0 0 1 1 11 2
        // pred:   0 1 1 1 0  0
        LabelMap truth = new LabelMap(6, 1, new byte[] {0, 0, 1, 1, 11, 2});
        LabelMap pred = new LabelMap(6, 1, new byte[] {0, 1, 1, 1, 0, 0});
        m.add(pred, truth);
        double[] iou = m.iou();
        assertEquals(100.0 / 3, iou[0], 1e-9); // TP 1, FN 1, FP 1 (the class-2 pixel); ignored pixel not counted
        assertEquals(200.0 / 3, iou[1], 1e-9); // TP 2, FP 1
        assertEquals(0.0, iou[2], 1e-9);       // TP 0, FN 1
        assertEquals((100.0 / 3 + 200.0 / 3 + 0) / 3, m.miou(), 1e-9);
    }

    @Test
    void classesAbsentFromTruthAndPredictionDoNotCount() {
        ConfusionMatrix m = new ConfusionMatrix(4);
        m.add(new LabelMap(2, 1, new byte[] {0, 1}), new LabelMap(2, 1, new byte[] {0, 1}));
        assertTrue(Double.isNaN(m.iou()[3]));
        assertEquals(100.0, m.miou(), 1e-9);
    }
}
