package dev.sparseseg.job;

import dev.sparseseg.connectors.frame.SegmentRecord;
import dev.sparseseg.connectors.video.RtspTestServer;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A camera that never comes back, in the job beside an image folder: its server frozen for
 * good (SIGSTOP: connections stay open, reads block) or killed. The folder's frames keep
 * coming at their rate while the camera is retried, and the job neither fails over (restarts
 * are off) nor ends. The folder is the source that froze with a stalled camera when all
 * streams shared one fetcher thread.
 */
@Timeout(180)
class CameraLossTest {
    private static final long WINDOW_MS = 5_000;

    @Test
    void aCameraFrozenForGoodLeavesAFolderSourceRunning() throws Exception {
        cameraLost("frozen", RtspTestServer::pause);
    }

    @Test
    void aCameraKilledForGoodLeavesAFolderSourceRunning() throws Exception {
        cameraLost("killed", RtspTestServer::kill);
    }

    private void cameraLost(String how, java.util.function.Consumer<RtspTestServer> lose) throws Exception {
        assumeTrue(RtspTestServer.available(), RtspTestServer.REQUIREMENT);
        CollectSink.clear();
        String folder = "dir:" + JobTestSupport.camvidVal(1).get(0).getParent() + "#id=folder&repeat=100";
        try (RtspTestServer camera = RtspTestServer.camera(320, 240, 12)) {
            Configuration conf = new Configuration();
            conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 1);
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
            JobSettings s = JobTestSupport.settings(List.of(camera.url() + "#id=cam&stall-timeout=2s", folder),
                    List.of("discard:"), "log", 1);
            SegmentationJob.pipeline(env, s).sinkTo(new CollectSink());
            JobClient job = env.executeAsync(SegmentationJob.NAME);
            try {
                awaitOutputs("cam", 10, 90);
                awaitOutputs("folder", 10, 90);
                double before = rate("folder");
                lose.accept(camera);
                long camAtKill = count("cam");
                List<Double> after = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    after.add(rate("folder"));
                }
                long camLater = count("cam");
                System.out.printf("camera %s for good: folder %.1f fps before, %s fps in 5 s windows after; "
                        + "camera outputs %d then, %d 15 s later%n", how, before, after, camAtKill, camLater);
                assertEquals(JobStatus.RUNNING, job.getJobStatus().get(10, TimeUnit.SECONDS), "no failover, no end");
                for (double fps : after) {
                    assertTrue(fps >= before * 0.5, "the folder's rate fell to " + fps + " fps from " + before);
                }
                assertTrue(camLater - camAtKill < 30, "the dead camera's frames stopped");
            } finally {
                job.cancel().get(60, TimeUnit.SECONDS);
            }
        }
    }

    /** Outputs of {@code stream} per second over the next window. */
    private static double rate(String stream) throws InterruptedException {
        long start = count(stream);
        Thread.sleep(WINDOW_MS);
        return (count(stream) - start) * 1000.0 / WINDOW_MS;
    }

    private static long count(String stream) {
        return CollectSink.collected().stream().filter(r -> stream.equals(r.streamId)).count();
    }

    private static void awaitOutputs(String stream, long n, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (count(stream) < n) {
            assertTrue(System.nanoTime() < deadline, stream + ": " + count(stream) + " of " + n + " outputs after " + seconds + " s");
            Thread.sleep(200);
        }
    }
}
