package dev.sparseseg.job;

import dev.sparseseg.job.stages.Tally;
import dev.sparseseg.models.image.ImageFiles;
import dev.sparseseg.models.image.RgbFrame;
import org.apache.flink.api.common.JobExecutionResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An image folder with one corrupt file through the whole job into a folder sink and a dead-letter folder. */
@Timeout(120)
class FolderJobTest {

    @Test
    void framesBecomeLabelMapsAndTheCorruptFileADeadLetter(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("in");
        // Copied into the test's temporary folder only; list.txt fixes the replay order.
        List<Path> camvid = JobTestSupport.camvidFolder(in, 3);
        // A real PNG cut off mid-image: the decoder fails inside the pixel data.
        byte[] whole = Files.readAllBytes(camvid.get(0));
        byte[] corrupt = Arrays.copyOf(whole, whole.length / 2);
        Files.write(in.resolve("broken.png"), corrupt);
        // seq 0, 1 = frames f0, f1; seq 2 = the corrupt file; seq 3 = f2.
        List<String> order = List.of("f0.png", "f1.png", "broken.png", "f2.png");
        Files.write(in.resolve("list.txt"), order);
        Path out = tmp.resolve("out");
        Path dlq = tmp.resolve("dlq");

        var env = JobTestSupport.localEnv(1);
        SegmentationJob.build(env, JobTestSupport.settings(List.of("dir:" + in + "#id=folder"),
                List.of("dir:" + out), "dir:" + dlq, 1));
        JobExecutionResult result = JobTestSupport.runToEnd(env, 90);
        // The totals run prints at the end, from the job's accumulators.
        assertEquals(4L, (Long) result.getAccumulatorResult(Tally.FRAMES_IN), "frames in");
        assertEquals(3L, (Long) result.getAccumulatorResult(Tally.FRAMES_OUT), "frames segmented");
        assertEquals(1L, (Long) result.getAccumulatorResult(Tally.DEAD_LETTERS), "dead letters");

        Path stream = out.resolve("folder");
        assertEquals(List.of("00000000.png", "00000001.png", "00000003.png"), list(stream, ".png"),
                "one label map per good frame, named by its seq");
        // A folder sink also gets overlays.
        assertEquals(List.of("00000000.overlay.jpg", "00000001.overlay.jpg", "00000003.overlay.jpg"),
                list(stream, ".overlay.jpg"));

        try (JobTestSupport.Reference ref = new JobTestSupport.Reference()) {
            for (int seq : new int[] {0, 1, 3}) {
                RgbFrame frame = ImageFiles.readRgb(in.resolve(order.get(seq)));
                byte[] png = Files.readAllBytes(stream.resolve(String.format("%08d.png", seq)));
                ref.assertSegments(frame, png, "seq " + seq);
                if (seq == 0) {
                    byte[] labels = ref.labels(frame);
                    assertTrue(distinct(labels) > 2, "a CamVid street scene has several classes");
                }
            }
        }

        assertEquals(List.of("folder-2.bin", "folder-2.error.txt"), list(dlq, ""), "exactly one dead letter");
        assertArrayEquals(corrupt, Files.readAllBytes(dlq.resolve("folder-2.bin")), "the original bytes");
        String error = Files.readString(dlq.resolve("folder-2.error.txt"));
        assertFalse(error.isBlank(), "the dead letter says why");
    }

    private static List<String> list(Path dir, String suffix) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(suffix))
                    .sorted().toList();
        }
    }

    private static long distinct(byte[] labels) {
        boolean[] seen = new boolean[256];
        long n = 0;
        for (byte b : labels) {
            if (!seen[b & 0xff]) {
                seen[b & 0xff] = true;
                n++;
            }
        }
        return n;
    }
}
