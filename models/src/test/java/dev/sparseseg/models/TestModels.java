package dev.sparseseg.models;

import dev.sparseseg.models.engine.EngineConfig;
import dev.sparseseg.models.eval.DatasetSplit;

import java.nio.file.Files;
import java.nio.file.Path;

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

    static EngineConfig cpu() {
        return EngineConfig.defaults().withThreads(2);
    }

    static Path camvid() {
        return DatasetSplit.defaultCamVid();
    }
}
