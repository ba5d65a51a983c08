package dev.sparseseg.job;

import dev.sparseseg.connectors.frame.SegmentRecord;
import dev.sparseseg.models.engine.EngineConfig;
import dev.sparseseg.models.eval.DatasetSplit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Refinement split out of the chain (own parallelism and slot sharing group, records
 * serialized between slots) gives the same label maps, in the same order, as the chain.
 */
class SplitRefinementTest {

    @Test
    void splitRefinementMatchesChainedJob(@TempDir Path tmp) throws Exception {
        // Two streams of three CamVid val frames each, copied to a temporary folder per stream.
        DatasetSplit val = new DatasetSplit(DatasetSplit.defaultCamVid(), "val");
        for (String stream : List.of("a", "b")) {
            Path dir = Files.createDirectories(tmp.resolve(stream));
            for (int i = 0; i < 3; i++) {
                String name = val.name(stream.equals("a") ? i : 10 + i);
                Files.copy(DatasetSplit.defaultCamVid().resolve("val").resolve(name), dir.resolve(name));
            }
        }
        List<String> sources = List.of("dir:" + tmp.resolve("a"), "dir:" + tmp.resolve("b"));

        List<SegmentRecord> chained = run(sources, null, null);
        List<SegmentRecord> split = run(sources, 2, "refine");

        assertEquals(6, chained.size());
        assertEquals(6, split.size());
        for (String stream : List.of("a", "b")) {
            List<SegmentRecord> c = chained.stream().filter(s -> s.streamId.equals(stream)).toList();
            List<SegmentRecord> p = split.stream().filter(s -> s.streamId.equals(stream)).toList();
            for (int i = 0; i < 3; i++) {
                assertEquals(i, c.get(i).seq, "chained order of " + stream);
                assertEquals(i, p.get(i).seq, "split order of " + stream);
                assertArrayEquals(c.get(i).labelsPng, p.get(i).labelsPng, stream + "#" + i + " differs when split");
            }
        }
    }

    private static List<SegmentRecord> run(List<String> sources, Integer refineParallelism, String group) throws Exception {
        CollectSink.clear();
        JobSettings s = new JobSettings(sources, List.of("discard:"), "log",
                EngineConfig.defaults().withThreads(1), 1, refineParallelism, group, "test").validate();
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 3);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        SegmentationJob.pipeline(env, s).sinkTo(new CollectSink());
        env.execute("split refinement test");
        return CollectSink.collected();
    }
}
