package dev.sparseseg.models;

import dev.sparseseg.models.engine.EngineConfig;
import dev.sparseseg.models.runtime.Device;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EngineConfigTest {
    /** The streaming job ships the config to its operators with Java serialization. */
    @Test
    void survivesJavaSerialization() throws Exception {
        EngineConfig c = EngineConfig.defaults().withModelsDir(Path.of("reference").toAbsolutePath())
                .withDevice(Device.parse("cuda:1")).withThreads(0).withScale(0.5).withLatencyBudgetMs(40);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(c);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            EngineConfig back = (EngineConfig) in.readObject();
            assertEquals(c, back);
            assertEquals(Path.of("reference").toAbsolutePath(), back.modelsDir());
        }
    }

    @Test
    void threadsLeftAtZeroShareTheCoresAmongTheSlots() {
        int cores = Runtime.getRuntime().availableProcessors();
        EngineConfig perSlot = EngineConfig.defaults().withThreads(0).withSparseThreads(0);
        assertEquals(Math.max(1, cores / 2), perSlot.forSlots(2).threads());
        assertEquals(Math.max(1, cores / 2), perSlot.forSlots(2).sparseThreads());
        assertEquals(1, perSlot.forSlots(cores + 1).threads(), "at least one thread");
        assertEquals(3, perSlot.withSparseThreads(3).forSlots(2).sparseThreads());
        EngineConfig given = EngineConfig.defaults().withThreads(5).withSparseThreads(2);
        assertEquals(given, given.forSlots(8), "threads given stay");
        assertThrows(IllegalArgumentException.class, () -> perSlot.withThreads(-1).validate());
    }
}
