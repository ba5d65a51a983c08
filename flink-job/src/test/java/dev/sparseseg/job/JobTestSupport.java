package dev.sparseseg.job;

import dev.sparseseg.connectors.frame.PalettePng;
import dev.sparseseg.models.engine.EngineConfig;
import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.engine.Segmenter;
import dev.sparseseg.models.eval.DatasetSplit;
import dev.sparseseg.models.image.RgbFrame;
import dev.sparseseg.models.select.Selection;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** What the job tests share: engine settings, a local Flink MiniCluster, CamVid frames and the reference segmenter. */
final class JobTestSupport {
    private JobTestSupport() {
    }

    /** One intra-op thread: the machine running the tests is small, and the reference uses the same. */
    static EngineConfig engine() {
        return EngineConfig.defaults().withThreads(1);
    }

    static JobSettings settings(List<String> sources, List<String> sinks, String deadLetters, int parallelism) {
        return new JobSettings(sources, sinks, deadLetters, engine(), parallelism, null, null,
                "sparseseg-test-" + UUID.randomUUID());
    }

    /** A local environment (Flink MiniCluster in this JVM) with one slot per subtask of the chained stages. */
    static StreamExecutionEnvironment localEnv(int parallelism) {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    }

    /** Runs a bounded job to its end; cancels it and fails the test if it has not finished after {@code seconds}. */
    static JobExecutionResult runToEnd(StreamExecutionEnvironment env, long seconds) throws Exception {
        JobClient job = env.executeAsync(SegmentationJob.NAME);
        try {
            return job.getJobExecutionResult().get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            job.cancel().get(30, TimeUnit.SECONDS);
            return fail("the job did not finish within " + seconds + " s");
        }
    }

    /** The subtask that the keyed stages of a job with {@code parallelism} give {@code streamId} (Flink's default max parallelism). */
    static int subtaskOf(String streamId, int parallelism) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(streamId,
                KeyGroupRangeAssignment.computeDefaultMaxParallelism(parallelism), parallelism);
    }

    /** The first {@code n} CamVid val frames, as files (read in place, never copied into the repository). */
    static List<Path> camvidVal(int n) {
        Path root = DatasetSplit.defaultCamVid();
        DatasetSplit val = new DatasetSplit(root, "val");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            files.add(root.resolve("val").resolve(val.name(i)));
        }
        files.forEach(f -> assertTrue(Files.isRegularFile(f), "missing CamVid frame " + f));
        return files;
    }

    /** Copies of the first {@code n} CamVid val frames in a new folder {@code dir}, named f0.png, f1.png, ... */
    static List<Path> camvidFolder(Path dir, int n) throws java.io.IOException {
        Files.createDirectories(dir);
        List<Path> copies = new ArrayList<>();
        for (Path frame : camvidVal(n)) {
            copies.add(Files.copy(frame, dir.resolve("f" + copies.size() + ".png")));
        }
        return copies;
    }

    /** SparseRefine outside Flink, with the job's engine settings: what every output must equal. */
    static final class Reference implements AutoCloseable {
        private final Models models = Models.load(engine());
        private final Segmenter sparse = models.sparse();

        /** The card name of the segmenter serving this frame's size: the {@code model} header of its output record. */
        String modelName(RgbFrame frame) {
            return models.segmenterName(frame.width(), frame.height());
        }

        /** Class colours 0xRRGGBB, as the overlays use them. */
        int[] palette() {
            return models.segmenterModel().card().palette();
        }

        byte[] labels(RgbFrame frame) {
            return sparse.segment(frame).labels().labels();
        }

        /** The pixels entropy selection picks in {@code frame} (the stages' operating point), as row-major indices. */
        Selection selection(RgbFrame frame) {
            return models.selectorFor(frame.width(), frame.height())
                    .select(models.coarseFor(frame.width(), frame.height()).infer(frame));
        }

        /** Asserts that {@code png} is a palette PNG of the frame's size holding exactly the reference labels. */
        void assertSegments(RgbFrame frame, byte[] png, String what) throws IOException {
            PalettePng.Decoded d = PalettePng.decode(png);
            assertEquals(frame.width(), d.width(), what + ": width");
            assertEquals(frame.height(), d.height(), what + ": height");
            byte[] expected = labels(frame);
            assertArrayEquals(expected, d.labels(), what + ": labels differ from the engine's on the same frame");
        }

        @Override
        public void close() {
            models.close();
        }
    }
}
