package dev.sparseseg.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparseseg.models.engine.EngineConfig;
import dev.sparseseg.models.eval.DatasetSplit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;

/** Paths shared by the tests: the committed reference models and the CamVid dataset. */
final class TestModels {
    private TestModels() {
    }

    /** models/reference, as committed (the tests also exercise the bundled classpath copy). */
    static Path referenceDir() {
        Path p = Path.of("reference");
        if (!Files.isDirectory(p)) {
            p = Path.of("models/reference");
        }
        return p;
    }

    /** A copy of models/reference in {@code dir}, model-set folders included. */
    static Path copyReference(Path dir) throws IOException {
        Path from = referenceDir();
        try (var files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path to = dir.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return dir;
    }

    /** Removes every operating point's model set from a copied refiner card: its own set serves every size. */
    static void dropModelSets(Path refinerCard) throws IOException {
        editCard(refinerCard, root -> {
            for (JsonNode p : root.path("operating_points")) {
                ((ObjectNode) p).remove("model_set");
            }
        });
    }

    /**
     * A copy of models/reference whose segmenter card names no input multiple: its input is
     * the frame scaled exactly, as export.py made the parity fixture.
     */
    static Path exactInputSizes(Path dir) throws IOException {
        copyReference(dir);
        editCard(dir.resolve("segmenter.card.json"), root -> root.remove("input_multiple"));
        return dir;
    }

    /** Reads a copied card, lets {@code edit} change it, and writes it back. */
    static void editCard(Path card, Consumer<ObjectNode> edit) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(card.toFile());
        edit.accept(root);
        json.writeValue(card.toFile(), root);
    }

    static EngineConfig cpu() {
        return EngineConfig.defaults().withThreads(2);
    }

    static Path camvid() {
        return DatasetSplit.defaultCamVid();
    }
}
