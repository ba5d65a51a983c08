package dev.sparseseg.models;

import com.fasterxml.jackson.databind.ObjectMapper;
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
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The reference models, the refiner card listing points for 480x360 and 1920x1080. */
    private static Path modelsWithPoints(Path dir, boolean broken) throws IOException {
        TestModels.copyReference(dir);
        Path card = dir.resolve("refiner.card.json");
        ObjectNode root = (ObjectNode) JSON.readTree(card.toFile());
        ArrayNode points = root.putArray("operating_points");
        points.addObject().put("coarse_scale", 0.5).put("entropy_threshold", 0.6)
                .put("selection_grid_factor", 1).putArray("resolution").add(480).add(360);
        ObjectNode hd = points.addObject().put("coarse_scale", 0.25).put("entropy_threshold", 0.4)
                .put("selection_grid_factor", 4);
        if (!broken) {
            hd.putArray("resolution").add(1920).add(1080);
        }
        JSON.writeValue(card.toFile(), root);
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
            assertEquals(new OperatingPoint(480, 360, 0.5, 0.6, 1), models.operatingPoint(640, 480));
            // 1280x720 is 2.25x under 1080p and 5.3x over 480x360: nearer 1080p.
            assertEquals(new OperatingPoint(1920, 1080, 0.25, 0.4, 4), models.operatingPoint(1280, 720));
            assertEquals(new OperatingPoint(1920, 1080, 0.25, 0.4, 4), models.operatingPoint(3840, 2160));
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
        ObjectNode root = (ObjectNode) JSON.readTree(card.toFile());
        ((ObjectNode) root.get("operating_points").get(0)).put("model_set", "../elsewhere");
        JSON.writeValue(card.toFile(), root);
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> Models.load(TestModels.cpu().withModelsDir(dir)).close());
        assertEquals("model card " + card + ": operating_points[0] \"model_set\" \"../elsewhere\" must name a folder "
                + "beside the card (letters, digits, . _ -)", e.getMessage());
    }

    @Test
    void withoutPointsTheTopLevelFieldsServeEverySize(@TempDir Path dir) throws IOException {
        modelsWithPoints(dir, false);
        Path card = dir.resolve("refiner.card.json");
        ObjectNode root = (ObjectNode) JSON.readTree(card.toFile());
        root.remove("operating_points");
        JSON.writeValue(card.toFile(), root);
        try (Models models = Models.load(TestModels.cpu().withModelsDir(dir))) {
            OperatingPoint p = models.operatingPoint(3840, 2160);
            assertEquals(root.get("coarse_scale").asDouble(), p.scale());
            assertEquals(root.get("entropy_threshold").asDouble(), p.threshold());
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
