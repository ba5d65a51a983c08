package dev.sparseseg.cli;

import dev.sparseseg.connectors.sink.FolderSink;
import dev.sparseseg.connectors.source.FrameReaders;
import dev.sparseseg.connectors.uri.SinkUri;
import dev.sparseseg.job.JobSettings;
import dev.sparseseg.job.SegmentationJob;
import dev.sparseseg.job.metrics.LocalReporter;
import dev.sparseseg.job.stages.Tally;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

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
        JobSettings s = job.settings(engine.jobConfig());
        Configuration conf = localSlots(s);
        int metricsPort = LocalReporter.enable(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        job.configureRestarts(env);
        if (env instanceof LocalStreamEnvironment) {
            checkLocalPaths(s);
        }
        SegmentationJob.build(env, s);
        System.out.println("SparseSeg: " + String.join(", ", s.sources()) + " -> " + String.join(", ", s.sinks())
                + " (live sources run until cancelled; Ctrl-C stops a local run)");
        if (env instanceof LocalStreamEnvironment) {
            // Submitted to a cluster, the cluster's own reporters serve the metrics.
            System.out.println(LocalReporter.describe(metricsPort));
        }
        JobExecutionResult result = env.execute(SegmentationJob.NAME);
        System.out.println(summary(result));
        return 0;
    }

    /**
     * Refuses at start the folders and videos a local run's readers and writers would fail on
     * (the job would restart on the same error until its attempts ran out). On a cluster the
     * paths are the TaskManagers', which open them themselves.
     */
    static void checkLocalPaths(JobSettings s) {
        s.sources().forEach(FrameReaders::check);
        for (String uri : s.outputUris()) {
            SinkUri sink = SinkUri.parse(uri);
            if (sink.kind() == SinkUri.Kind.DIR) {
                try {
                    FolderSink.prepare(sink.dir());
                } catch (IOException e) {
                    throw new IllegalArgumentException("sink " + uri + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /** The totals of a finished job, from its accumulators. */
    static String summary(JobExecutionResult r) {
        if (!r.isJobExecutionResult()) {
            // Submitted detached to a cluster: the job runs on; its totals are in the web UI's metrics.
            return "Submitted job " + r.getJobID();
        }
        long in = total(r, Tally.FRAMES_IN);
        long out = total(r, Tally.FRAMES_OUT);
        double seconds = r.getNetRuntime(TimeUnit.MILLISECONDS) / 1000.0;
        return String.format(Locale.ROOT, "Done in %.1f s: %d frames in, %d segmented (%.1f fps), %d dead letters, "
                + "%d skipped by drop-oldest", seconds, in, out, seconds > 0 ? out / seconds : 0,
                total(r, Tally.DEAD_LETTERS), total(r, Tally.FRAMES_DROPPED));
    }

    private static long total(JobExecutionResult r, String name) {
        Object v = r.getAccumulatorResult(name);
        return v instanceof Number n ? n.longValue() : 0;
    }

    /** Slots a local environment needs: one per chained subtask, plus refinement's own group. */
    static Configuration localSlots(JobSettings s) {
        Configuration conf = new Configuration();
        int slots = s.parallelism() + (s.refineSlotGroup() != null ? s.refineParallelism() : 0);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        return conf;
    }
}
