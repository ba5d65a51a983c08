package dev.sparseseg.job.stages;

import dev.sparseseg.job.JobSettings;
import dev.sparseseg.connectors.frame.FrameFormat;
import dev.sparseseg.connectors.frame.FrameRecord;
import dev.sparseseg.models.eval.DatasetSplit;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sources' decoder: the same pixels in either thread, bad images as errors, idle priority where asked. */
class ImageDecoderTest {
    static byte[] firstValFrame() throws IOException {
        try (var files = Files.list(DatasetSplit.defaultCamVid().resolve("val"))) {
            return Files.readAllBytes(files.sorted().findFirst().orElseThrow());
        }
    }

    @Test
    void idlePriorityThreadDecodesTheSamePixels() throws IOException {
        byte[] png = firstValFrame();
        FrameRecord here = FrameRecord.encoded("cam", 1, 0, png);
        FrameRecord idle = FrameRecord.encoded("cam", 1, 0, png);
        new ImageDecoder(JobSettings.DEFAULT_MAX_PIXELS).decode(here);
        ImageDecoder.atIdlePriority(JobSettings.DEFAULT_MAX_PIXELS).decode(idle);
        assertNull(idle.error);
        assertEquals(FrameFormat.RGB24, idle.format);
        assertEquals(here.width, idle.width);
        assertEquals(here.height, idle.height);
        assertArrayEquals(here.data, idle.data);
        assertTrue(idle.decodeNanos > 0);
    }

    @Test
    void unreadableImagesBecomeErrorsInEitherThread() {
        for (ImageDecoder d : List.of(new ImageDecoder(JobSettings.DEFAULT_MAX_PIXELS), ImageDecoder.atIdlePriority(JobSettings.DEFAULT_MAX_PIXELS))) {
            FrameRecord r = FrameRecord.encoded("cam-2", 7, 0, new byte[] {1, 2, 3, 4});
            d.decode(r);
            assertTrue(r.error != null && r.error.contains("cam-2#7"), String.valueOf(r.error));
            assertEquals(FrameFormat.ENCODED, r.format);
        }
    }

    /** Linux: the decoding thread's scheduling policy (field 41 of its stat) is SCHED_IDLE (5). */
    @Test
    void decodingThreadRunsAtIdlePriority() throws IOException {
        ImageDecoder.atIdlePriority(JobSettings.DEFAULT_MAX_PIXELS).decode(FrameRecord.encoded("cam", 1, 0, firstValFrame()));
        // The thread stays 2 s after its last frame; Linux keeps the first 15 characters of its name.
        String comm = ImageDecoder.IDLE_THREAD_NAME.substring(0, 15);
        List<Integer> policies = new ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    if (Files.readString(task.resolve("comm")).trim().equals(comm)) {
                        String stat = Files.readString(task.resolve("stat"));
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        policies.add(Integer.parseInt(fields[41 - 3]));
                    }
                } catch (IOException gone) {
                    // a thread that ended while we looked
                }
            }
        }
        assertFalse(policies.isEmpty(), "no thread named " + comm);
        assertTrue(policies.stream().allMatch(p -> p == 5), "scheduling policies " + policies + ", want SCHED_IDLE (5)");
    }
}
