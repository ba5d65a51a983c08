package dev.sparseseg.models;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparseseg.models.card.ModelLoadException;
import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.engine.OperatingPoint;
import dev.sparseseg.models.engine.Segmentation;
import dev.sparseseg.models.image.RgbFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The refiner card's operating points: the engine takes the one nearest each frame's size. */
class OperatingPointTest {
    /** The reference models, the refiner card listing points for 480x360 and 1920x1080. */
    private static Path modelsWithPoints(Path dir, boolean broken) throws IOException {
        TestModels.copyReference(dir);
        TestModels.editCard(dir.resolve("refiner.card.json"), root -> {
            ArrayNode points = root.putArray("operating_points");
            points.addObject().put("coarse_scale", 0.5).put("entropy_threshold", 0.6)
                    .put("selection_grid_factor", 1).putArray("resolution").add(480).add(360);
            ObjectNode hd = points.addObject().put("coarse_scale", 0.25).put("entropy_threshold", 0.4)
                    .put("selection_grid_factor", 4);
            if (!broken) {
                hd.putArray("resolution").add(1920).add(1080);
            }
        });
        return dir;
    }

    @Test
    void theShippedCardChoosesAPointPerCameraSize() {
        try (Models models = Models.load(TestModels.cpu())) {
            assertEquals(0.5, models.operatingPoint(480, 360).scale());
            assertEquals(0.25, models.operatingPoint(1920, 1080).scale());
            assertEquals(3840, models.operatingPoint(3840, 2160).width());
            // 4K's coarse input (480x270) shows objects at the size 960x720 frames show them at 0.5.
            assertEquals(0.125, models.operatingPoint(3840, 2160).scale());
        }
    }

    @Test
    void framesTakeThePointNearestTheirSize(@TempDir Path dir) throws IOException {
        try (Models models = Models.load(TestModels.cpu().withModelsDir(modelsWithPoints(dir, false)))) {
            assertEquals(new OperatingPoint(480, 360, 0.5, 0.6, 1), models.operatingPoint(480, 360));
            assertEquals(new OperatingPoint(480, 360, 0.5 * Math.pow(2, -3 / 8.0), 0.6, 1, null, 0.5), models.operatingPoint(640, 480));
            // 1280x720 is 2.25x under 1080p and 5.3x over 480x360: nearer 1080p.
            assertEquals(new OperatingPoint(1920, 1080, 0.25 * Math.pow(2, 5 / 8.0), 0.4, 4, null, 0.25), models.operatingPoint(1280, 720));
            assertEquals(new OperatingPoint(1920, 1080, 0.125, 0.4, 4, null, 0.25), models.operatingPoint(3840, 2160));
            assertEquals(0.25, models.coarseFor(1920, 1080).scale());
            assertEquals(0.5, models.coarseFor(480, 360).scale());

            // Both sizes through one sparse segmenter: each gets a label map of its own size.
            RgbFrame small = grey(480, 360);
            RgbFrame large = grey(1920, 1080);
            Segmentation a = models.sparse().segment(small);
            Segmentation b = models.sparse().segment(large);
            assertEquals(480, a.labels().width());
            assertEquals(1080, b.labels().height());
        }
    }

    @Test
    void framesOfOtherSizesKeepTheCoarseInputsLongSide() {
        try (Models models = Models.load(TestModels.cpu())) {
            // A 5 MP camera, nearest the 4K point: 500 pixels wide at 0.193 (2^(5/8) / 8), not 324 at the point's 0.125.
            OperatingPoint p = models.operatingPoint(2592, 1944);
            assertEquals(3840, p.width());
            assertEquals(0.125, p.pointScale());
            assertEquals(0.125 * Math.pow(2, 5 / 8.0), p.scale(), 1e-12);
            assertEquals(500, Math.round(2592 * p.scale()));
            assertEquals(p.scale(), models.coarseFor(2592, 1944).scale());
            // 8K: an octave up from 4K, 480 pixels wide as there.
            assertEquals(0.0625, models.operatingPoint(7680, 4320).scale());
            // Same long side as the point: its own scale, whatever the height (decoders pad 1080 to 1088).
            assertEquals(0.25, models.operatingPoint(1920, 1088).scale());
            assertEquals(0.5, models.operatingPoint(960, 720).scale());
            // A long side far under the point's would need a scale above 1: the frame as it is.
            assertEquals(1.0, models.operatingPoint(64, 48).scale());
            assertTrue(models.operatingPoint(2592, 1944).toString().contains("chosen for 3840x2160 at scale 0.125"),
                    models.operatingPoint(2592, 1944).toString());
            Segmentation s = models.sparse().segment(grey(2592, 1944));
            assertEquals(2592, s.labels().width());
        }
    }

    @Test
    void coarseInputSidesAreMultiplesOfTheSegmentersInputMultiple() {
        try (Models models = Models.load(TestModels.cpu())) {
            // 960x720 at 0.5: 480x360 rounds to 480x352, logits at stride 4.
            var logits = models.coarseFor(960, 720).infer(grey(960, 720));
            assertEquals(120, logits.mapping().gridW);
            assertEquals(88, logits.mapping().gridH);
            // 2592x1944 at 0.193: 500x375 rounds to 512x384.
            logits = models.coarseFor(2592, 1944).infer(grey(2592, 1944));
            assertEquals(128, logits.mapping().gridW);
            assertEquals(96, logits.mapping().gridH);
        }
    }

    @Test
    void tinyAndLopsidedFramesSegmentInEveryMode() {
        try (Models models = Models.load(TestModels.cpu())) {
            // Sides under the input multiple are scaled up to it; a 5000x40 frame's short side would round to 0.
            for (int[] size : new int[][] {{1, 1}, {17, 9}, {5000, 40}, {40, 3000}}) {
                RgbFrame f = grey(size[0], size[1]);
                for (Segmentation s : new Segmentation[] {models.sparse().segment(f), models.denseFull().segment(f),
                        models.denseLow().segment(f)}) {
                    assertEquals(size[0], s.labels().width());
                    assertEquals(size[1], s.labels().height());
                }
            }
        }
    }

    @Test
    void aScaleTheConfigSetsIsKeptForEveryFrameSize() {
        try (Models models = Models.load(TestModels.cpu().withScale(0.25))) {
            assertEquals(0.25, models.operatingPoint(2592, 1944).scale());
            assertEquals(0.25, models.operatingPoint(7680, 4320).scale());
            assertEquals(0.25, models.operatingPoint(960, 720).scale());
        }
    }

    @Test
    void configSettingsOverrideEveryPoint(@TempDir Path dir) throws IOException {
        try (Models models = Models.load(TestModels.cpu().withModelsDir(modelsWithPoints(dir, false)).withScale(0.5).withGridFactor(2))) {
            assertEquals(new OperatingPoint(1920, 1080, 0.5, 0.4, 2), models.operatingPoint(1920, 1080));
            assertEquals(new OperatingPoint(480, 360, 0.5, 0.6, 2), models.operatingPoint(480, 360));
        }
    }

    @Test
    void aPointWithoutResolutionIsRefusedNamingIt(@TempDir Path dir) throws IOException {
        Path models = modelsWithPoints(dir, true);
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> Models.load(TestModels.cpu().withModelsDir(models)).close());
        assertTrue(e.getMessage().contains("refiner.card.json") && e.getMessage().contains("operating_points[1] needs \"resolution\""),
                e.getMessage());
    }

    @Test
    void aModelSetOutsideTheCardsFolderIsRefusedNamingIt(@TempDir Path dir) throws IOException {
        modelsWithPoints(dir, false);
        Path card = dir.resolve("refiner.card.json");
        TestModels.editCard(card, root -> ((ObjectNode) root.get("operating_points").get(0)).put("model_set", "../elsewhere"));
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> Models.load(TestModels.cpu().withModelsDir(dir)).close());
        assertEquals("model card " + card + ": operating_points[0] \"model_set\" \"../elsewhere\" must name a folder "
                + "beside the card (letters, digits, . _ -)", e.getMessage());
    }

    @Test
    void withoutPointsTheTopLevelFieldsServeEverySize(@TempDir Path dir) throws IOException {
        modelsWithPoints(dir, false);
        double[] top = new double[2];
        TestModels.editCard(dir.resolve("refiner.card.json"), root -> {
            root.remove("operating_points");
            top[0] = root.get("coarse_scale").asDouble();
            top[1] = root.get("entropy_threshold").asDouble();
        });
        try (Models models = Models.load(TestModels.cpu().withModelsDir(dir))) {
            OperatingPoint p = models.operatingPoint(3840, 2160);
            assertEquals(top[0], p.scale());
            assertEquals(top[1], p.threshold());
            assertEquals(p, models.operatingPoint(320, 240));
        }
    }

    private static RgbFrame grey(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) ((i / 3 % w) * 255 / w);
        }
        return new RgbFrame(w, h, rgb);
    }
}
