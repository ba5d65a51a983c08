package dev.sparseseg.models;

import dev.sparseseg.models.eval.DatasetSplit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A split narrowed to one CamVid sequence: its frames in list order, and a clear error for none. */
class DatasetSplitTest {
    @Test
    void sequenceKeepsThatSequencesFramesInOrder(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("train"));
        Files.createDirectories(dir.resolve("trainannot"));
        Files.write(dir.resolve("train.txt"), List.of("0016E5_00390.png", "0006R0_f01050.png", "0001TP_006690.png",
                "0006R0_f01080.png", "0006R0X_f00001.png"));
        DatasetSplit train = new DatasetSplit(dir, "train");

        DatasetSplit held = train.sequence("0006R0");
        assertEquals(2, held.size());
        assertEquals("0006R0_f01050.png", held.name(0));
        assertEquals("0006R0_f01080.png", held.name(1));
        assertEquals(dir.resolve("train").resolve("0006R0_f01080.png"), held.framePath(1));
        assertEquals(2, held.resizedTo(64, 48).size());
        assertEquals(5, train.size());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> train.sequence("Seq05VD"));
        assertTrue(e.getMessage().contains("Seq05VD") && e.getMessage().contains("train.txt"), e.getMessage());
    }
}
