package dev.sparseseg.cli;

import dev.sparseseg.job.JobSettings;
import dev.sparseseg.job.SegmentationJob;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/**
 * Runs the streaming job. Launched by {@code ./sparseseg} it runs in a local Flink
 * environment; submitted to a cluster ({@code flink run sparseseg-job.jar run ...}) the same
 * code runs there, as Flink's client supplies the cluster's environment.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Segment frames from cameras, videos, folders or Kafka and write label maps to Kafka or folders.")
public final class RunCommand implements Callable<Integer> {
    @Mixin
    JobOptions job;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() throws Exception {
        JobSettings s = job.settings(engine.config());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(localSlots(s));
        SegmentationJob.build(env, s);
        env.execute(SegmentationJob.NAME);
        return 0;
    }

    /** Slots a local environment needs: one per chained subtask, plus refinement's own group. */
    static Configuration localSlots(JobSettings s) {
        Configuration conf = new Configuration();
        int slots = s.parallelism() + (s.refineSlotGroup() != null ? s.refineParallelism() : 0);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        return conf;
    }
}
