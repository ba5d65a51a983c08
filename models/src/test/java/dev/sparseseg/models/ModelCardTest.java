package dev.sparseseg.models;

import dev.sparseseg.models.card.ModelCard;
import dev.sparseseg.models.card.ModelLoadException;
import dev.sparseseg.models.card.ModelSource;
import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.runtime.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCardTest {
    @Test
    void bundledCardsParseWithClassesColoursAndOperatingPoint() {
        ModelSource src = ModelSource.bundled();
        ModelCard seg = src.card("segmenter");
        assertEquals(11, seg.numClasses());
        assertEquals("Sky", seg.classes.get(0).name);
        assertEquals(0x808080, seg.palette()[0]);
        assertEquals(0x0080C0, seg.palette()[10]);
        assertEquals(32, seg.sideMultiple());
        ModelCard ref = src.card("refiner");
        assertTrue(ref.coarseScale > 0 && ref.coarseScale <= 1);
        assertTrue(ref.entropyThreshold > 0);
        assertEquals(ModelCard.ENSEMBLER, src.card("ensembler").role);
    }

    @Test
    void cardErrorsNameTheFileAndTheField() {
        String json = "{\"name\":\"x\",\"role\":\"segmenter\",\"onnx\":\"x.onnx\",\"classes\":[{\"id\":0,\"name\":\"a\",\"color\":[1,2,3]}],\"mean\":[0,0,0]}";
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> ModelCard.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "x.card.json"));
        assertEquals("model card x.card.json: a segmenter needs \"std\" with 3 values", e.getMessage());
        ModelLoadException bad = assertThrows(ModelLoadException.class,
                () -> ModelCard.parse(new ByteArrayInputStream("{nope".getBytes(StandardCharsets.UTF_8)), "y.card.json"));
        assertTrue(bad.getMessage().startsWith("model card y.card.json is not a valid card"), bad.getMessage());
        String zero = json.replace("\"mean\":[0,0,0]", "\"mean\":[0,0,0],\"std\":[1,1,1],\"input_multiple\":0");
        ModelLoadException multiple = assertThrows(ModelLoadException.class,
                () -> ModelCard.parse(new ByteArrayInputStream(zero.getBytes(StandardCharsets.UTF_8)), "z.card.json"));
        assertEquals("model card z.card.json: \"input_multiple\" 0 must be in 1..1024", multiple.getMessage());
    }

    private static Path copyReference(Path dir) throws IOException {
        return TestModels.copyReference(dir);
    }

    @Test
    void missingOnnxFileIsRefusedNamingIt(@TempDir Path dir) throws IOException {
        copyReference(dir);
        Files.delete(dir.resolve("refiner.onnx"));
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> Models.load(TestModels.cpu().withModelsDir(dir)));
        assertTrue(e.getMessage().contains(dir.resolve("refiner.onnx") + " named by card"), e.getMessage());
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void missingCardIsRefusedNamingIt(@TempDir Path dir) throws IOException {
        copyReference(dir);
        Files.delete(dir.resolve("ensembler.card.json"));
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> Models.load(TestModels.cpu().withModelsDir(dir)));
        assertEquals("model card " + dir.resolve("ensembler.card.json") + " not found", e.getMessage());
    }

    @Test
    void corruptOnnxIsRefusedNamingTheFile(@TempDir Path dir) throws IOException {
        copyReference(dir);
        byte[] junk = new byte[4096];
        new java.util.Random(1).nextBytes(junk);
        Files.write(dir.resolve("segmenter.onnx"), junk);
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> Models.load(TestModels.cpu().withModelsDir(dir)).denseFull());
        assertTrue(e.getMessage().startsWith("ONNX file " + dir.resolve("segmenter.onnx") + " cannot be loaded"), e.getMessage());
    }

    @Test
    void classCountMismatchIsRefused(@TempDir Path dir) throws IOException {
        copyReference(dir);
        Path card = dir.resolve("segmenter.card.json");
        String text = Files.readString(card);
        // Drop the last class (Bicyclist) from the card: the model still has 11 output channels.
        int last = text.lastIndexOf(",\n  {");
        int end = text.indexOf("]", text.indexOf("\"Bicyclist\"")) + 1;
        end = text.indexOf("}", end) + 1;
        Files.writeString(card, text.substring(0, last) + text.substring(end));
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> Models.load(TestModels.cpu().withModelsDir(dir)).denseFull());
        assertTrue(e.getMessage().contains(dir.resolve("segmenter.onnx").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("card lists 10 classes"), e.getMessage());
    }

    @Test
    void refinerFeatureMismatchIsRefused(@TempDir Path dir) throws IOException {
        copyReference(dir);
        Path card = dir.resolve("refiner.card.json");
        Files.writeString(card, Files.readString(card).replace("\"patch_size\": 3", "\"patch_size\": 5"));
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> Models.load(TestModels.cpu().withModelsDir(dir)).sparse());
        assertTrue(e.getMessage().contains("refiner.onnx"), e.getMessage());
        assertTrue(e.getMessage().contains("features"), e.getMessage());
    }

    @Test
    void refinerCardWithoutItsCellSummaryIsRefused(@TempDir Path dir) throws IOException {
        copyReference(dir);
        Path card = dir.resolve("refiner.card.json");
        String text = Files.readString(card);
        assertTrue(text.contains("\"cell_summary\": true"), "the reference refiner reads a cell summary");
        // The card's own numbers disagree...
        Files.writeString(card, text.replace("\"cell_summary\": true", "\"cell_summary\": false"));
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> Models.load(TestModels.cpu().withModelsDir(dir)).sparse());
        assertTrue(e.getMessage().contains("card says 41 features, its patch and cell_summary settings give 29"), e.getMessage());
        // ...and once they agree, the ONNX file does not.
        Files.writeString(card, text.replace("\"cell_summary\": true", "\"cell_summary\": false")
                .replace("\"feature_count\": 41", "\"feature_count\": 29"));
        e = assertThrows(ModelLoadException.class, () -> Models.load(TestModels.cpu().withModelsDir(dir)).sparse());
        assertTrue(e.getMessage().contains("refiner.onnx"), e.getMessage());
        assertTrue(e.getMessage().contains("expected [N, 29]"), e.getMessage());
    }

    @Test
    void devicesParseAndBadOnesAreNamed() {
        assertEquals(Device.CPU, Device.parse("cpu"));
        assertEquals(new Device(true, 1), Device.parse("cuda:1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Device.parse("tpu"));
        assertEquals("device \"tpu\" is not one of cpu, cuda, cuda:N", e.getMessage());
    }

    @Test
    void cudaRequestFallsBackToCpuWhenUnavailable() {
        try (Models m = Models.load(TestModels.cpu().withDevice(Device.parse("cuda")))) {
            // The CPU build of ONNX Runtime has no CUDA provider; with -Pgpu on a GPU host this is cuda:0.
            Device used = m.segmenterModel().device();
            assertTrue(used.equals(Device.CPU) || used.equals(new Device(true, 0)), used.toString());
        }
    }
}
